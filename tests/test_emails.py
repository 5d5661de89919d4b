"""The workflow's mail greets each person by name, in a message of their own."""

import pytest

from articles import emails, workflow
from articles.models import Byline, Invitation

from .factories import make_contributor, make_draft, make_editor, make_writer

pytestmark = pytest.mark.django_db


def test_a_decision_greets_each_contributor_by_name_in_a_mail_of_their_own(
    writer, editor, mailoutbox, django_capture_on_commit_callbacks
):
    # Ada has no first name on her account: her byline's name greets her.
    writer.first_name = ""
    writer.save()
    sam = make_writer("sam", name="Samuel Lee", email="sam@example.org", first_name="Sam")
    article = make_draft(writer)
    Byline.objects.create(article=article, contributor=sam.contributor, position=1)
    workflow.submit(article, by=writer)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_changes(article, by=editor, message="A source, please.")

    greetings = {tuple(mail.to): mail.body.splitlines()[0] for mail in mailoutbox}
    assert greetings == {
        ("ada@example.org",): "Hello Ada Okafor,",
        ("sam@example.org",): "Hello Sam,",
    }
    assert all("A source, please." in mail.body for mail in mailoutbox)


def test_a_submission_greets_each_editor_by_name_or_plainly_when_no_name_is_known(
    writer, mailoutbox, django_capture_on_commit_callbacks
):
    make_editor("eve", email="eve@example.org", first_name="Eve")
    make_editor("desk", email="desk@example.org")
    make_editor("noor", email="noor@example.org")
    make_contributor(name="Noor Haddad", user=type(writer).objects.get(username="noor"))
    article = make_draft(writer, headline="On the river")

    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(article, by=writer)

    greetings = {tuple(mail.to): mail.body.splitlines()[0] for mail in mailoutbox}
    assert greetings == {
        ("desk@example.org",): "Hello,",
        ("eve@example.org",): "Hello Eve,",
        ("noor@example.org",): "Hello Noor Haddad,",
    }
    assert all("A piece is waiting for review." in mail.body for mail in mailoutbox)


def test_an_invitation_greets_the_person_by_the_name_the_editor_gave(mailoutbox, editor):
    emails.invitation(
        Invitation.objects.create(email="new@example.org", name="Ama Mensah", invited_by=editor)
    )
    assert mailoutbox[0].body.startswith("Hello Ama Mensah,\n")
