"""The contributor area: writing, picturing, submitting, revising and previewing own pieces."""

import re
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from articles import workflow
from articles.models import Article, Comment, Image, PendingUpload, PreviewLink

from .factories import (
    REFERENCE_CREDIT,
    committed,
    jpeg_bytes,
    make_draft,
    make_section,
    make_writer,
)

S = Article.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(client, writer):
    client.force_login(writer)
    return client


def piece_data(section, **overrides):
    data = {
        "headline": "The river library reopens",
        "standfirst": "After the flood, the books came back.",
        "body": "The shelves are dry again.\n\nVolunteers carried *every* box.",
        "section": section.pk,
        "tags": "Libraries, Floods",
        "note_to_editors": "Photos are my own.",
        "credit_changes": "unmodified",
    }
    data.update(overrides)
    return data


def reference_picture_data():
    return {
        "picture": SimpleUploadedFile("summit.jpg", jpeg_bytes(), content_type="image/jpeg"),
        "alt_text": "Heads of state seated at the summit",
        "credit_title": "27th Africa-France Summit, Bamako",
        "credit_creator": "United Nations Photo",
        "credit_source_url": "https://www.flickr.com/photos/un_photo/",
        "credit_license": "cc-by-nc-nd-2.0",
        "credit_changes": "unmodified",
    }


def opened_version(response):
    return re.search(rb'name="opened_version" value="(\d+)"', response.content).group(1).decode()


def test_a_new_piece_is_a_draft_by_its_writer_with_a_generated_address(ada, writer):
    section = make_section()
    response = ada.post("/submit/new/", piece_data(section))
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/submit/{article.pk}/"
    assert article.status == S.DRAFT
    assert article.created_by == writer
    assert [b.contributor for b in article.bylines.all()] == [writer.contributor]
    assert article.slug == "the-river-library-reopens"
    assert sorted(t.name for t in article.tags.all()) == ["Floods", "Libraries"]
    assert "<em>every</em>" in article.body_html


def test_a_piece_with_a_credited_picture_gets_the_exact_credit_line(ada):
    response = ada.post("/submit/new/", piece_data(make_section(), **reference_picture_data()))
    assert response.status_code == 302
    image = Article.objects.get().hero_image
    assert image.alt_text == "Heads of state seated at the summit"
    assert image.credit.line() == REFERENCE_CREDIT


def test_a_draft_may_be_only_a_headline(ada, writer):
    response = ada.post("/submit/new/", {"headline": "Notes for a piece on the dam"})
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/submit/{article.pk}/"
    assert (article.body, article.section) == ("", None)
    assert article.status == S.DRAFT
    # Its page and the dashboard work without a section.
    assert ada.get(f"/submit/{article.pk}/").status_code == 200
    assert b"Notes for a piece on the dam" in ada.get("/submit/").content


def test_a_draft_keeps_a_picture_whose_credit_is_half_written(ada):
    data = piece_data(make_section(), **reference_picture_data())
    data.update(alt_text="", credit_creator="", credit_license="")
    response = ada.post("/submit/new/", data)
    assert response.status_code == 302
    image = Article.objects.get().hero_image
    assert not hasattr(image, "credit")
    # What was typed of the credit waits with the picture, and comes back on the form.
    assert image.draft_credit["title"] == "27th Africa-France Summit, Bamako"
    page = ada.get(response["Location"]).content.decode()
    assert 'value="27th Africa-France Summit, Bamako"' in page
    assert "The picture’s credit is not complete yet" in page


def submission_of(data):
    return {**data, "submit": "", "own_work": "on"}


def test_submitting_names_each_missing_thing_at_its_field_and_saves_nothing(ada):
    data = submission_of(piece_data(make_section(), **reference_picture_data()))
    data.update(body="", section="", alt_text="", credit_creator="", credit_license="")
    response = ada.post("/submit/new/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["body"] == ["Write the piece before you submit it: the body is empty."]
    assert form.errors["section"] == ["Choose the section the piece belongs in."]
    assert form.errors["alt_text"] == ["Describe the picture for readers who cannot see it."]
    assert form.errors["credit_creator"] == ["Name who made the picture, so it can be credited."]
    assert form.errors["credit_license"] == ["Choose the licence the picture is under."]
    assert not Article.objects.exists() and not Image.objects.exists()
    # What was typed is still there to fix, and the picture is kept for the next try.
    assert b"The river library reopens" in response.content
    assert b"The picture you chose is kept" in response.content


def test_submitting_without_the_own_work_statement_is_refused_at_the_statement(ada):
    data = {**piece_data(make_section()), "submit": ""}
    response = ada.post("/submit/new/", data)
    assert response.status_code == 200
    assert response.context["submit_form"].errors["own_work"]
    assert not Article.objects.exists()


def test_the_workflow_refuses_to_submit_a_draft_without_a_body_or_section(writer):
    article = make_draft(writer, body="")
    Article.objects.filter(pk=article.pk).update(section=None)
    article.refresh_from_db()
    with pytest.raises(workflow.TransitionNotAllowed, match="the body is empty"):
        workflow.submit(article, by=writer)
    article.body = "Words at last."
    article.save()
    with pytest.raises(workflow.TransitionNotAllowed, match="section"):
        workflow.submit(article, by=writer)


def test_a_second_piece_with_the_same_headline_gets_its_own_address(ada):
    section = make_section()
    ada.post("/submit/new/", piece_data(section))
    ada.post("/submit/new/", piece_data(section))
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "the-river-library-reopens", "the-river-library-reopens-2",
    ]  # fmt: skip


def test_editing_a_draft_keeps_the_picture_and_updates_its_credit(ada, writer):
    ada.post("/submit/new/", piece_data(make_section(), **reference_picture_data()))
    article = Article.objects.get()
    page = ada.get(f"/submit/{article.pk}/")
    data = piece_data(article.section, headline="The river library is open")
    data.update(
        {k: v for k, v in reference_picture_data().items() if k != "picture"},
        credit_changes="cropped",
        opened_version=opened_version(page),
    )
    response = ada.post(f"/submit/{article.pk}/", data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "The river library is open"
    assert Image.objects.count() == 1
    assert "(cropped)" in article.hero_image.credit.line()


def test_submitting_without_the_statement_keeps_the_text_typed_on_the_form(ada):
    ada.post("/submit/new/", piece_data(make_section()))
    article = Article.objects.get()
    data = piece_data(article.section, body="A better body.", submit="1")
    data["opened_version"] = article.version
    response = ada.post(f"/submit/{article.pk}/", data)
    article.refresh_from_db()
    assert article.status == S.DRAFT
    assert b"Tick the statement that the work is your own" in response.content
    # Nothing saved, nothing lost: the new text is on the form, ready for "Save draft".
    assert b"A better body." in response.content


def test_submitting_sends_the_piece_and_its_note_to_the_editors(
    ada, editor, mailoutbox, django_capture_on_commit_callbacks
):
    section = make_section()
    with django_capture_on_commit_callbacks(execute=True):
        response = ada.post(
            "/submit/new/", piece_data(section, submit="1", own_work="on"), follow=True
        )
    article = Article.objects.get()
    assert article.status == S.SUBMITTED and article.own_work_declared_at is not None
    assert b"Submitted" in response.content
    assert [m.to for m in mailoutbox] == [["eve@example.org"]]
    assert "Photos are my own." in mailoutbox[0].body


def test_the_dashboard_shows_status_last_decision_and_next_step(ada, writer, editor):
    article = make_draft(writer, headline="Night buses")
    workflow.submit(article, by=writer)
    workflow.request_changes(article, by=editor, message="Add the timetable change.")
    page = ada.get("/submit/").content.decode()
    assert "Night buses" in page
    assert "Changes requested" in page
    assert "Add the timetable change." in page
    assert "revise it and submit it again" in page


def test_a_published_piece_links_to_its_public_page_from_the_dashboard(ada, writer, editor):
    article = make_draft(writer)
    workflow.publish(article, by=editor)
    assert f'href="/articles/{article.slug}/"' in ada.get("/submit/").content.decode()


def test_the_piece_page_shows_messages_and_visible_comments_but_not_internal_ones(
    ada, writer, editor
):
    article = make_draft(writer)
    workflow.submit(article, by=writer)
    workflow.request_changes(article, by=editor, message="Check the dates in paragraph two.")
    Comment.objects.create(article=article, author=editor, body="Lovely opening line.")
    Comment.objects.create(
        article=article, author=editor, body="Legal should see this.", internal=True
    )
    page = ada.get(f"/submit/{article.pk}/").content.decode()
    assert "Check the dates in paragraph two." in page
    assert "Lovely opening line." in page
    assert "Legal should see this." not in page


def test_revise_and_resubmit_after_changes_were_requested(ada, writer, editor):
    article = make_draft(writer)
    workflow.submit(article, by=writer)
    workflow.request_changes(article, by=editor, message="Shorter.")
    data = piece_data(article.section, body="Shorter now.", submit="1", own_work="on")
    data["opened_version"] = Article.objects.get(pk=article.pk).version
    ada.post(f"/submit/{article.pk}/", data)
    article.refresh_from_db()
    assert (article.status, article.body) == (S.SUBMITTED, "Shorter now.")


def test_withdrawing_a_submission_and_returning_it_to_draft(ada, writer):
    article = make_draft(writer)
    workflow.submit(article, by=writer)
    assert ada.post(f"/submit/{article.pk}/withdraw/").status_code == 302
    assert Article.objects.get(pk=article.pk).status == S.WITHDRAWN
    assert ada.post(f"/submit/{article.pk}/reopen/").status_code == 302
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_a_submitted_piece_cannot_be_edited_and_the_response_says_so(ada, writer):
    article = make_draft(writer, body="As submitted.")
    workflow.submit(article, by=writer)
    data = piece_data(article.section, body="Sneaky edit.", opened_version=article.version)
    response = ada.post(f"/submit/{article.pk}/", data)
    assert response.status_code == 409
    assert b"cannot be edited now. Nothing was saved." in response.content
    assert Article.objects.get(pk=article.pk).body == "As submitted."
    # The page shows the piece read-only, with no form to fill.
    assert b'name="body"' not in ada.get(f"/submit/{article.pk}/").content


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "published"),
        ("published_at", "2020-01-01 10:00"),
        ("slug", "my-own-slug"),
        ("bylines", "1"),
        ("contributors", "1"),
        ("byline", "Someone Else"),
        ("created_by", "1"),
    ],
)
def test_a_raw_post_setting_a_protected_field_changes_nothing_and_says_so(
    ada, writer, field, value
):
    article = make_draft(writer, headline="Untouched", body="Untouched body.")
    data = piece_data(article.section, headline="Changed", opened_version=article.version)
    data[field] = value
    response = ada.post(f"/submit/{article.pk}/", data)
    assert response.status_code == 400
    assert f"cannot be set from the contributor area: {field}".encode() in response.content
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.status, stored.slug, stored.published_at) == (
        "Untouched", S.DRAFT, article.slug, None
    )  # fmt: skip
    assert list(stored.contributors.all()) == [writer.contributor]


def test_a_raw_post_creating_a_published_piece_creates_nothing(ada):
    response = ada.post("/submit/new/", piece_data(make_section(), status="published"))
    assert response.status_code == 400
    assert b"Nothing was saved" in response.content
    assert not Article.objects.exists()


def test_another_contributors_piece_cannot_be_seen_edited_or_withdrawn(client, writer):
    article = make_draft(writer, headline="Ada's secret scoop", body="Original.")
    workflow.submit(article, by=writer)
    bob = make_writer("bob")
    client.force_login(bob)
    data = piece_data(article.section, headline="Bob was here", opened_version=article.version)
    for response in (
        client.get(f"/submit/{article.pk}/"),
        client.post(f"/submit/{article.pk}/", data),
        client.post(f"/submit/{article.pk}/withdraw/"),
        client.get(f"/submit/{article.pk}/preview/"),
    ):
        assert response.status_code == 404
        assert b"secret scoop" not in response.content
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.status) == ("Ada's secret scoop", S.SUBMITTED)


def test_an_account_without_a_contributor_profile_is_told_why(client, editor):
    client.force_login(editor)
    response = client.get("/submit/")
    assert response.status_code == 403
    assert b"no contributor profile" in response.content


def test_the_preview_shows_the_draft_as_readers_will_see_it_marked_and_never_cached(ada, writer):
    article = make_draft(writer, headline="Draft headline", body="A *draft* body.")
    response = ada.get(f"/submit/{article.pk}/preview/")
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "articles/article.html"
    page = response.content.decode()
    assert '<h1 class="piece__headline">Draft headline</h1>' in page
    assert "<em>draft</em>" in page
    assert "Preview" in page and "readers cannot see this page" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_an_editor_previews_any_piece(client, writer, editor):
    article = make_draft(writer, headline="For the editors' eyes")
    client.force_login(editor)
    assert b"For the editors&#x27; eyes" in client.get(f"/submit/{article.pk}/preview/").content


def test_a_shared_preview_link_works_without_an_account_until_published(client, writer, editor):
    article = make_draft(writer, headline="Shared draft")
    workflow.submit(article, by=writer)
    link = PreviewLink.objects.create(article=article, created_by=editor)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    assert b"Shared draft" in response.content
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    workflow.publish(article, by=editor)
    ended = client.get(link.get_absolute_url())
    assert ended.status_code == 404
    assert b"This preview is not available" in ended.content


def test_an_expired_or_forged_preview_link_shows_nothing(client, writer, editor):
    article = make_draft(writer, headline="Hidden draft")
    link = PreviewLink.objects.create(
        article=article, created_by=editor, expires_at=timezone.now() - timedelta(minutes=1)
    )
    forged = link.token[:-2] + ("AA" if not link.token.endswith("AA") else "BB")
    for url in (link.get_absolute_url(), f"/preview/{forged}/", "/preview/not-a-token/"):
        response = client.get(url)
        assert response.status_code == 404
        assert b"Hidden draft" not in response.content


def test_two_edits_of_the_same_version_the_second_is_refused_and_both_are_kept(client, writer):
    article = make_draft(writer, body="The first text.")
    second_tab = type(client)()
    client.force_login(writer)
    second_tab.force_login(writer)
    first_page = client.get(f"/submit/{article.pk}/")
    second_page = second_tab.get(f"/submit/{article.pk}/")
    version = opened_version(first_page)
    assert opened_version(second_page) == version

    first = client.post(
        f"/submit/{article.pk}/",
        piece_data(article.section, body="Written in the first tab.", opened_version=version),
    )
    second = second_tab.post(
        f"/submit/{article.pk}/",
        piece_data(article.section, body="Written in the second tab.", opened_version=version),
    )
    assert first.status_code == 302
    assert second.status_code == 200
    assert b"Someone else saved this piece after you opened it" in second.content
    assert b"Written in the second tab." in second.content
    assert Article.objects.get(pk=article.pk).body == "Written in the first tab."
    kept = set(article.history.values_list("body", flat=True))
    assert {"Written in the first tab.", "Written in the second tab."} <= kept


def test_the_piece_page_has_no_empty_from_the_editors_heading(ada, writer):
    article = make_draft(writer, headline="Sent without a word back")
    workflow.submit(article, by=writer)
    assert "From the editors" not in ada.get(f"/submit/{article.pk}/").content.decode()


def test_the_editors_message_keeps_its_line_breaks(ada, writer, editor):
    article = make_draft(writer, headline="Needs work")
    workflow.submit(article, by=writer)
    workflow.request_changes(article, by=editor, message="First point.\nSecond point.")
    assert "First point.<br>Second point." in ada.get("/submit/").content.decode()
    assert "First point.<br>Second point." in ada.get(f"/submit/{article.pk}/").content.decode()


def test_the_preview_leads_its_contributor_back_to_editing_and_on_to_submitting(ada, writer):
    article = make_draft(writer, headline="Nearly there")
    page = ada.get(f"/submit/{article.pk}/preview/").content.decode()
    assert f'href="/submit/{article.pk}/">Back to editing</a>' in page
    assert f'href="/submit/{article.pk}/#submit">Submit it for review</a>' in page
    assert 'id="submit"' in ada.get(f"/submit/{article.pk}/").content.decode()
    workflow.submit(article, by=writer)
    assert "Back to editing" not in ada.get(f"/submit/{article.pk}/preview/").content.decode()


def test_a_contributor_deletes_their_own_draft_after_confirming(ada, writer):
    article = make_draft(writer, headline="Second thoughts")
    assert 'name="delete"' in ada.get(f"/submit/{article.pk}/").text
    # The button saves what was typed before asking, so that keeping the draft loses nothing.
    edit = {
        "headline": "Second thoughts, revised",
        "body": "Edited.",
        "section": article.section_id,
        "opened_version": article.version,
        "credit_changes": "unmodified",
        "delete": "",
    }
    asked = ada.post(f"/submit/{article.pk}/", edit)
    assert asked.status_code == 302 and asked["Location"] == f"/submit/{article.pk}/delete/"
    assert Article.objects.get(pk=article.pk).headline == "Second thoughts, revised"
    confirm = ada.get(f"/submit/{article.pk}/delete/")
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.text
    assert Article.objects.filter(pk=article.pk).exists()
    response = ada.post(f"/submit/{article.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/submit/"
    assert not Article.objects.filter(pk=article.pk).exists()


def test_only_a_draft_can_be_deleted_and_only_by_its_contributor(ada, writer, client):
    submitted = make_draft(writer, headline="Already sent")
    workflow.submit(submitted, by=writer)
    assert ada.post(f"/submit/{submitted.pk}/delete/").status_code == 409
    assert Article.objects.filter(pk=submitted.pk).exists()
    others = make_draft(make_writer("bob"), headline="Bob's draft")
    assert ada.post(f"/submit/{others.pk}/delete/").status_code == 404
    assert Article.objects.filter(pk=others.pk).exists()


def test_the_form_offers_a_way_straight_to_submitting(ada, writer):
    article = make_draft(writer, headline="Long form")
    page = ada.get(f"/submit/{article.pk}/").text
    assert page.index('href="#submit"') < page.index('<form class="page-form piece-form"')


def held_key(response):
    found = re.search(rb'name="held_picture" value="([0-9a-f-]+)"', response.content)
    return found.group(1).decode()


def test_a_chosen_picture_survives_a_form_error_and_is_saved_on_the_next_try(ada, writer):
    data = piece_data(make_section(), **reference_picture_data())
    data["crop_left"] = "10"  # only one side of a crop: an error to fix
    response = ada.post("/submit/new/", data)
    assert response.status_code == 200
    assert "Give all four sides of the crop" in response.content.decode()
    key = held_key(response)
    held = PendingUpload.objects.get(key=key)
    assert held.uploaded_by == writer and (held.width, held.height) == (64, 36)
    # Shown to the contributor as a thumbnail, with the way to remove it.
    assert f'src="/submit/held/{key}/"'.encode() in response.content
    assert b'name="remove_picture"' in response.content
    assert not Image.objects.exists()

    retry = {k: v for k, v in data.items() if k != "picture"}
    retry.update(crop_left="", held_picture=key)
    with committed():
        response = ada.post("/submit/new/", retry)
    assert response.status_code == 302
    image = Article.objects.get().hero_image
    assert (image.width, image.height) == (64, 36)
    assert image.credit.line() == REFERENCE_CREDIT
    # The held copy is gone once the picture is the piece's; its file goes after the commit.
    assert not PendingUpload.objects.exists()
    assert not default_storage.exists(held.file.name)
    assert default_storage.exists(image.file.name)


def test_a_held_picture_is_shown_and_usable_only_by_the_one_who_chose_it(ada, client):
    data = piece_data(make_section(), **reference_picture_data(), crop_left="10")
    key = held_key(ada.post("/submit/new/", data))
    shown = ada.get(f"/submit/held/{key}/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert b"".join(shown.streaming_content).startswith(b"\xff\xd8")

    other = make_writer("bo", name="Bo Lindqvist")
    client.force_login(other)
    assert client.get(f"/submit/held/{key}/").status_code == 404
    retry = piece_data(make_section(), held_picture=key)
    response = client.post("/submit/new/", retry)
    # Someone else's key is no picture of theirs: refused with a word, nothing taken.
    assert response.status_code == 200
    assert "The picture you chose earlier is no longer kept" in response.content.decode()
    assert not Image.objects.exists()


def test_remove_drops_a_held_picture_and_the_piece_saves_without_one(ada):
    data = piece_data(make_section(), **reference_picture_data(), crop_left="10")
    key = held_key(ada.post("/submit/new/", data))
    retry = {k: v for k, v in data.items() if k != "picture"}
    retry.update(crop_left="", held_picture=key, remove_picture="on")
    for field in ("alt_text", "credit_title", "credit_creator", "credit_source_url"):
        retry[field] = ""
    response = ada.post("/submit/new/", retry)
    assert response.status_code == 302
    assert Article.objects.get().hero_image is None
    assert not PendingUpload.objects.exists() and not Image.objects.exists()


def test_remove_takes_the_picture_off_a_saved_draft(ada):
    ada.post("/submit/new/", piece_data(make_section(), **reference_picture_data()))
    article = Article.objects.get()
    data = piece_data(article.section, remove_picture="on", opened_version=article.version)
    assert ada.post(f"/submit/{article.pk}/", data).status_code == 302
    article.refresh_from_db()
    assert article.hero_image is None


def test_a_pasted_credit_line_says_beside_the_fields_what_it_filled(ada):
    data = piece_data(make_section(), picture=reference_picture_data()["picture"])
    data.update(alt_text="A summit", credit_paste=REFERENCE_CREDIT)
    response = ada.post("/submit/new/", data, follow=True)
    page = response.content.decode()
    report = re.search(r'<p class="notice paste-report" role="status">(.*?)</p>', page).group(1)
    assert report.startswith("Filled from the pasted credit:")
    assert "creator" in report and "licence" in report
    # Filled, the credit's fields fold away behind its line.
    assert '<details class="credit-fields">' in page
    image = Article.objects.get().hero_image
    assert image.credit.creator == "United Nations Photo"


def test_a_credit_line_it_cannot_read_is_said_and_the_fields_stay_open(ada):
    data = piece_data(make_section(), picture=reference_picture_data()["picture"])
    data.update(alt_text="A summit", credit_paste="a photo I found somewhere")
    response = ada.post("/submit/new/", data, follow=True)
    page = response.content.decode()
    assert 'class="notice paste-report"' in page
    assert '<details class="credit-fields" open>' in page


def test_a_headline_only_draft_previews_without_a_section(ada):
    ada.post("/submit/new/", {"headline": "Notes for a piece on the dam"})
    article = Article.objects.get()
    response = ada.get(f"/submit/{article.pk}/preview/")
    assert response.status_code == 200
    assert b"Notes for a piece on the dam" in response.content
    assert b'class="kicker"' not in response.content.split(b"<h1", 1)[0]
