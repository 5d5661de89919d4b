"""The editorial workflow: who may move a piece, from where to where, and what it leaves behind."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import Article, PreviewLink, StatusChange

from .factories import make_article, make_draft, make_writer

S = Article.Status
pytestmark = pytest.mark.django_db


def submitted(writer):
    article = make_draft(writer)
    workflow.submit(article, by=writer, message="Sources are linked.")
    return article


def test_submit_records_who_when_from_to_and_the_note(writer):
    article = make_draft(writer)
    change = workflow.submit(article, by=writer, message="Sources are linked.")
    article.refresh_from_db()
    assert article.status == S.SUBMITTED
    assert article.submitted_at is not None and article.own_work_declared_at is not None
    assert (change.actor, change.from_status, change.to_status, change.message) == (
        writer, S.DRAFT, S.SUBMITTED, "Sources are linked."
    )  # fmt: skip


def test_submission_mails_the_editors_once_committed(
    writer, editor, mailoutbox, django_capture_on_commit_callbacks
):
    article = make_draft(writer, headline="On the\nriver")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(article, by=writer)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["eve@example.org"]
    assert "On the river" in mailoutbox[0].subject
    assert f"/admin/articles/article/{article.pk}/change/" in mailoutbox[0].body


def test_no_mail_is_sent_if_the_transaction_is_rolled_back(writer, editor, mailoutbox):
    # Without running on-commit callbacks (the test's transaction never commits) nothing goes.
    workflow.submit(make_draft(writer), by=writer)
    assert mailoutbox == []


def test_a_decision_mails_the_contributor_with_the_editors_message(
    writer, editor, mailoutbox, django_capture_on_commit_callbacks
):
    article = submitted(writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_changes(article, by=editor, message="Please cite the 2020 figures.")
    assert [m.to for m in mailoutbox] == [["ada@example.org"]]
    assert "Please cite the 2020 figures." in mailoutbox[0].body
    assert f"/submit/{article.pk}/" in mailoutbox[0].body


def test_only_the_pieces_own_contributor_may_submit_it(writer, editor):
    article = make_draft(writer)
    other = make_writer("bob")
    for user in (other, editor):
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.submit(article, by=user)
    article.refresh_from_db()
    assert article.status == S.DRAFT
    assert not StatusChange.objects.exists()


def test_a_contributor_cannot_make_an_editors_decision_even_on_their_own_piece(writer):
    article = submitted(writer)
    for decide in (workflow.publish, workflow.unpublish):
        with pytest.raises(workflow.TransitionNotAllowed):
            decide(article, by=writer)
    with pytest.raises(workflow.TransitionNotAllowed, match="Only an editor"):
        workflow.request_changes(article, by=writer, message="Looks good to me")
    assert Article.objects.get(pk=article.pk).status == S.SUBMITTED


def test_request_changes_and_decline_need_a_message(writer, editor):
    article = submitted(writer)
    for decide in (workflow.request_changes, workflow.decline):
        with pytest.raises(workflow.TransitionNotAllowed, match="needs a message"):
            decide(article, by=editor, message="   ")
    assert Article.objects.get(pk=article.pk).status == S.SUBMITTED


def test_a_transition_from_the_wrong_state_is_refused_with_the_reason(writer, editor):
    article = make_draft(writer)
    with pytest.raises(workflow.TransitionNotAllowed, match="while the piece is draft"):
        workflow.withdraw(article, by=writer)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.unpublish(article, by=editor)


def test_the_whole_loop_draft_to_published(writer, editor):
    article = submitted(writer)
    workflow.request_changes(article, by=editor, message="Shorter, please.")
    assert article.status == S.CHANGES_REQUESTED
    workflow.submit(article, by=writer)
    workflow.publish(article, by=editor)
    assert Article.objects.public().filter(pk=article.pk).exists()
    assert list(article.status_changes.values_list("to_status", flat=True)) == [
        S.SUBMITTED, S.CHANGES_REQUESTED, S.SUBMITTED, S.PUBLISHED,
    ]  # fmt: skip


def test_withdraw_then_return_to_draft(writer):
    article = submitted(writer)
    workflow.withdraw(article, by=writer)
    assert article.status == S.WITHDRAWN
    workflow.reopen(article, by=writer)
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_a_scheduled_piece_becomes_public_at_its_date_with_no_job(writer, editor):
    article = submitted(writer)
    when = timezone.now() + timedelta(hours=2)
    workflow.schedule(article, by=editor, when=when)
    assert not Article.objects.public().filter(pk=article.pk).exists()
    # Time passes: nothing runs, the query alone lets it through.
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert Article.objects.public().filter(pk=article.pk).exists()


def test_scheduling_in_the_past_is_refused(writer, editor):
    article = submitted(writer)
    with pytest.raises(workflow.TransitionNotAllowed, match="future"):
        workflow.schedule(article, by=editor, when=timezone.now() - timedelta(minutes=1))


def test_publishing_keeps_the_first_publish_date_of_a_piece_that_was_public(editor):
    article = make_article()
    first = article.published_at
    workflow.unpublish(article, by=editor)
    workflow.publish(article, by=editor)
    assert Article.objects.get(pk=article.pk).published_at == first


def test_publishing_and_withdrawing_revoke_shared_previews(writer, editor):
    article = submitted(writer)
    link = PreviewLink.objects.create(article=article, created_by=editor)
    assert PreviewLink.from_token(link.token) == link
    workflow.publish(article, by=editor)
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert PreviewLink.from_token(link.token) is None


def test_each_transition_keeps_a_revision(writer, editor):
    article = submitted(writer)
    workflow.publish(article, by=editor)
    reasons = list(article.history.values_list("history_change_reason", flat=True))
    assert "Submit for review" in reasons and "Publish now" in reasons


def test_available_lists_what_each_person_may_do_now(writer, editor):
    article = submitted(writer)
    assert [t.name for t in workflow.available(writer, article)] == ["withdraw"]
    assert {t.name for t in workflow.available(editor, article)} == {
        "request_changes", "decline", "publish", "schedule",
    }  # fmt: skip
    assert workflow.available(make_writer("bob"), article) == []
