"""The editors' side of the review workflow in the admin: queue, decisions, previews, history."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import Article, Comment, PreviewLink, StatusChange

from .factories import make_article, make_draft, make_editor, make_submitted

S = Article.Status
pytestmark = pytest.mark.django_db


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def decide_url(article):
    return f"/admin/articles/article/{article.pk}/decide/"


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


def form_post(response):
    """The POST a browser sends for the admin form a response rendered, inlines included."""
    forms = [response.context["adminform"].form]
    inline_formsets = response.context.get("inline_admin_formsets") or []
    for inline in inline_formsets:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            data[field.html_name] = (
                [str(item) for item in value] if isinstance(value, list | tuple) else str(value)
            )
    return data


def in_an_hour_and(days):
    return (timezone.localtime() + timedelta(days=days, hours=1)).strftime("%Y-%m-%dT%H:%M")


# The review queue


def test_review_queue_lists_only_submitted_pieces_oldest_first(editor_client, writer):
    newer = make_submitted(writer, headline="Sent yesterday")
    older = make_submitted(writer, headline="Sent last week")
    Article.objects.filter(pk=newer.pk).update(submitted_at=timezone.now() - timedelta(days=1))
    Article.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=7))
    make_draft(writer, headline="Still a draft")
    make_article(headline="Already out")
    response = editor_client.get("/admin/articles/submission/")
    assert response.status_code == 200
    assert [a.headline for a in response.context["cl"].result_list] == [
        "Sent last week",
        "Sent yesterday",
    ]


def test_review_queue_rows_link_to_the_pieces_page_and_show_byline_and_word_count(
    editor_client, writer
):
    article = make_submitted(writer, body="Four words in all.")
    html = editor_client.get("/admin/articles/submission/").content.decode()
    assert f'href="{change_url(article)}"' in html
    assert f"{writer.contributor.name} (Contributor)" in html
    assert '<td class="field-word_count">4</td>' in html


def test_nothing_can_be_added_to_the_review_queue(editor_client):
    assert editor_client.get("/admin/articles/submission/add/").status_code == 403


# Decisions


def test_the_piece_page_offers_the_decisions_open_now_with_the_contributors_note(
    editor_client, writer
):
    article = make_submitted(writer, note_to_editors="The quotes are from <b>my</b> interviews.")
    html = editor_client.get(change_url(article)).content.decode()
    for label in ("request changes", "decline", "publish now", "schedule"):
        assert f">Save and {label}" in html
    assert 'value="unpublish"' not in html
    assert "The quotes are from &lt;b&gt;my&lt;/b&gt; interviews." in html
    assert "declared the work their own" in html
    assert f"/submit/{article.pk}/preview/" in html


def test_request_changes_with_a_message_records_it_and_mails_the_contributor(
    editor_client, writer, editor, mailoutbox, django_capture_on_commit_callbacks
):
    article = make_submitted(writer)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            decide_url(article),
            {"action": "request_changes", "message": "Please cite the 2020 figures."},
        )
    assert response.status_code == 302 and response.url == change_url(article)
    article.refresh_from_db()
    assert article.status == S.CHANGES_REQUESTED
    change = StatusChange.objects.latest()
    assert (change.actor, change.to_status, change.message) == (
        editor, S.CHANGES_REQUESTED, "Please cite the 2020 figures."
    )  # fmt: skip
    assert [mail.to for mail in mailoutbox] == [["ada@example.org"]]
    assert "Please cite the 2020 figures." in mailoutbox[0].body


def test_request_changes_without_a_message_is_refused_and_changes_nothing(editor_client, writer):
    article = make_submitted(writer)
    response = editor_client.post(
        decide_url(article), {"action": "request_changes", "message": "  "}, follow=True
    )
    assert response.status_code == 200
    assert any("needs a message" in text for text in shown_messages(response))
    article.refresh_from_db()
    assert article.status == S.SUBMITTED
    assert StatusChange.objects.filter(to_status=S.CHANGES_REQUESTED).count() == 0


def test_decline_with_a_message_declines_the_piece(editor_client, writer):
    article = make_submitted(writer)
    editor_client.post(decide_url(article), {"action": "decline", "message": "Not for us."})
    article.refresh_from_db()
    assert article.status == S.DECLINED
    assert StatusChange.objects.latest().message == "Not for us."


def test_publish_now_makes_the_piece_public(editor_client, writer):
    article = make_submitted(writer)
    response = editor_client.post(decide_url(article), {"action": "publish"}, follow=True)
    assert any(text.startswith("Published") for text in shown_messages(response))
    assert Article.objects.public().filter(pk=article.pk).exists()


def test_schedule_for_a_future_date_is_public_only_once_the_date_passes(editor_client, writer):
    article = make_submitted(writer)
    editor_client.post(
        decide_url(article), {"action": "schedule", "publish_at": in_an_hour_and(days=2)}
    )
    article.refresh_from_db()
    assert article.status == S.SCHEDULED
    assert not Article.objects.public().filter(pk=article.pk).exists()
    three_days_on = timezone.now() + timedelta(days=3)
    with mock.patch("django.utils.timezone.now", return_value=three_days_on):
        assert Article.objects.public().filter(pk=article.pk).exists()


def test_schedule_in_the_past_is_refused(editor_client, writer):
    article = make_submitted(writer)
    response = editor_client.post(
        decide_url(article),
        {"action": "schedule", "publish_at": in_an_hour_and(days=-2)},
        follow=True,
    )
    assert any("in the future" in text for text in shown_messages(response))
    article.refresh_from_db()
    assert (article.status, article.published_at) == (S.SUBMITTED, None)


def test_unpublish_takes_a_published_piece_off_the_site(editor_client):
    article = make_article()
    editor_client.post(decide_url(article), {"action": "unpublish"})
    article.refresh_from_db()
    assert article.status == S.WITHDRAWN
    assert not Article.objects.public().filter(pk=article.pk).exists()


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"action": "delete_everything"}, "not a decision an editor can make"),
        ({"action": "submit"}, "not a decision an editor can make"),
        ({}, "Choose a decision"),
        ({"action": "schedule", "publish_at": "next Tuesday-ish"}, "as a date and a time"),
        ({"action": "schedule", "publish_at": ""}, "Choose when"),
    ],
)
def test_a_malformed_decision_is_answered_with_a_message_and_changes_nothing(
    editor_client, writer, data, expected
):
    article = make_submitted(writer)
    response = editor_client.post(decide_url(article), data, follow=True)
    assert response.status_code == 200
    assert any(expected in text for text in shown_messages(response))
    article.refresh_from_db()
    assert article.status == S.SUBMITTED
    assert StatusChange.objects.count() == 1


def test_decide_answers_only_posts(editor_client, writer):
    assert editor_client.get(decide_url(make_submitted(writer))).status_code == 405


def test_staff_without_the_editors_role_cannot_decide(client, writer):
    article = make_submitted(writer)
    client.force_login(
        type(writer).objects.create_user("intern", "intern@example.org", "pw", is_staff=True)
    )
    assert client.post(decide_url(article), {"action": "publish"}).status_code == 403
    article.refresh_from_db()
    assert article.status == S.SUBMITTED


@pytest.mark.parametrize("method, path", [("get", "/admin/"), ("post", "decide")])
def test_a_contributor_reaching_the_admin_is_sent_to_its_login(client, writer, method, path):
    article = make_submitted(writer)
    client.force_login(writer)
    path = decide_url(article) if path == "decide" else path
    response = getattr(client, method)(path, {"action": "publish"} if method == "post" else {})
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    article.refresh_from_db()
    assert article.status == S.SUBMITTED


def test_a_change_form_post_naming_a_status_does_not_change_it(editor_client, writer):
    article = make_submitted(writer)
    data = form_post(editor_client.get(change_url(article)))
    data.update({"status": "published", "published_at_0": "2026-01-02", "published_at_1": "10:00"})
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.published_at) == (S.SUBMITTED, None)


def test_bulk_publish_moves_what_it_may_and_reports_each_piece_it_may_not(editor_client, writer):
    draft = make_submitted(writer, headline="Ready")
    out = make_article(headline="Already out")
    response = editor_client.post(
        "/admin/articles/article/",
        {"action": "publish_now", "_selected_action": [draft.pk, out.pk]},
        follow=True,
    )
    texts = shown_messages(response)
    assert "1 piece published." in texts
    assert any(text.startswith("“Already out” was not published: ") for text in texts)
    draft.refresh_from_db()
    assert draft.status == S.PUBLISHED


def test_bulk_unpublish_takes_pieces_off_the_site(editor_client):
    pieces = [make_article(), make_article()]
    editor_client.post(
        "/admin/articles/article/",
        {"action": "unpublish", "_selected_action": [piece.pk for piece in pieces]},
    )
    assert not Article.objects.public().exists()


# Comments


def test_comments_are_saved_with_their_author_and_internal_flag(editor_client, editor, writer):
    article = make_submitted(writer)
    data = form_post(editor_client.get(change_url(article)))
    data.update({"comments-0-body": "Check the quote's date.", "comments-0-internal": "on"})
    assert editor_client.post(change_url(article), data).status_code == 302
    comment = Comment.objects.get()
    assert (comment.article, comment.author, comment.internal) == (article, editor, True)


def test_existing_comments_are_shown_with_their_author(editor_client, writer):
    article = make_submitted(writer)
    colleague = make_editor("mo")
    Comment.objects.create(article=article, author=colleague, body="Lovely opening.")
    html = editor_client.get(change_url(article)).content.decode()
    assert "Lovely opening." in html and ">mo<" in html
    assert "the contributor never sees them" in html


# Preview links


def test_sharing_a_preview_creates_an_active_link_and_shows_its_address(
    editor_client, editor, writer
):
    article = make_submitted(writer)
    response = editor_client.post(
        f"/admin/articles/article/{article.pk}/share-preview/", follow=True
    )
    link = PreviewLink.objects.get()
    assert (link.article, link.created_by, link.is_active) == (article, editor, True)
    assert any(
        f"http://testserver/preview/{link.token}/" in text for text in shown_messages(response)
    )
    assert "Save and revoke it" in response.content.decode()


def test_revoking_a_preview_link_ends_it(editor_client, editor, writer):
    article = make_submitted(writer)
    link = PreviewLink.objects.create(article=article, created_by=editor)
    editor_client.post(f"/admin/articles/article/{article.pk}/share-preview/{link.pk}/revoke/")
    link.refresh_from_db()
    assert not link.is_active


def test_a_published_piece_gets_no_preview_link(editor_client):
    article = make_article()
    response = editor_client.post(
        f"/admin/articles/article/{article.pk}/share-preview/", follow=True
    )
    assert not PreviewLink.objects.exists()
    assert any("cannot be shared" in text for text in shown_messages(response))


# Revisions


def edit_body(client, article, body):
    data = form_post(client.get(change_url(article)))
    data["body"] = body
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_each_save_keeps_a_revision_listed_with_who_and_why(editor_client, editor, writer):
    article = make_submitted(writer)
    edit_body(editor_client, article, "First edit.")
    edit_body(editor_client, article, "Second edit.")
    assert article.history.count() >= 3
    html = editor_client.get(f"/admin/articles/article/{article.pk}/history/").content.decode()
    assert html.count(f">{editor.username}<") >= 2
    assert "Submit for review" in html
    assert 'id="compare-revisions"' in html


def test_compare_shows_the_removed_and_added_lines_escaped(editor_client, writer):
    article = make_submitted(writer, body="A first line.\n\nA second line.")
    edit_body(editor_client, article, "A first line.\n\n<script>alert('x')</script>")
    newer, older = article.history.all()[:2]
    response = editor_client.get(
        f"/admin/articles/article/{article.pk}/history/compare/",
        {"from": older.history_id, "to": newer.history_id},
    )
    assert response.status_code == 200
    [body] = [change for change in response.context["changes"] if change["label"] == "Body"]
    lines = [
        (line["kind"], "".join(text for text, _ in line["pieces"]))
        for hunk in body["hunks"]
        for line in hunk
    ]
    assert ("removed", "A second line.") in lines
    assert ("added", "<script>alert('x')</script>") in lines
    html = response.content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>alert(" not in html


def test_compare_without_two_revisions_returns_to_the_history_with_a_message(editor_client, writer):
    article = make_submitted(writer)
    response = editor_client.get(
        f"/admin/articles/article/{article.pk}/history/compare/",
        {"from": "x", "to": "99999999999999999999999"},
        follow=True,
    )
    assert response.status_code == 200
    assert any("Choose two different revisions" in text for text in shown_messages(response))


def test_restoring_an_old_revision_makes_its_text_current_and_moves_the_version_on(
    editor_client, writer
):
    article = make_submitted(writer, body="The *original* text.")
    first = article.history.earliest()
    edit_body(editor_client, article, "A rewrite nobody liked.")
    before = Article.objects.get(pk=article.pk).version
    revert_url = f"/admin/articles/article/{article.pk}/history/{first.history_id}/"
    response = editor_client.post(revert_url, form_post(editor_client.get(revert_url)))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "The *original* text."
    assert article.body_html == "<p>The <em>original</em> text.</p>\n"
    assert article.version == before + 1
    assert article.history.first().history_change_reason.startswith("Restored the revision")


def test_restoring_a_revision_keeps_the_current_status(editor_client, editor, writer):
    article = make_submitted(writer)
    draft_revision = article.history.earliest()
    workflow.publish(article, by=editor)
    revert_url = f"/admin/articles/article/{article.pk}/history/{draft_revision.history_id}/"
    editor_client.post(revert_url, form_post(editor_client.get(revert_url)))
    article.refresh_from_db()
    assert article.status == S.PUBLISHED and article.is_public


def test_a_second_editor_saving_over_a_newer_version_gets_the_form_back_with_the_conflict(
    client, writer
):
    article = make_submitted(writer, body="The body both editors opened.")
    first, second = make_editor("first"), make_editor("second")
    client.force_login(first)
    first_data = form_post(client.get(change_url(article)))
    client.force_login(second)
    second_data = form_post(client.get(change_url(article)))
    assert first_data["opened_version"] == second_data["opened_version"]

    client.force_login(first)
    first_data["body"] = "The first editor's body."
    assert client.post(change_url(article), first_data).status_code == 302

    client.force_login(second)
    second_data["body"] = "The second editor's body."
    response = client.post(change_url(article), second_data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this piece after you opened it" in html
    assert "The second editor&#x27;s body.</textarea>" in html

    article.refresh_from_db()
    assert article.body == "The first editor's body."
    kept = {(record.body, record.history_user) for record in article.history.all()}
    assert ("The first editor's body.", first) in kept
    assert ("The second editor's body.", second) in kept


# Decisions are made with the piece's own form: they apply to the text on screen.


def test_save_and_publish_applies_the_decision_to_the_text_as_edited(
    editor_client, writer, django_capture_on_commit_callbacks
):
    article = make_submitted(writer, headline="Old headline", standfirst="Old standfirst.")
    data = form_post(editor_client.get(change_url(article)))
    data.update(headline="New headline", standfirst="New standfirst.")
    data["decision-action"] = "publish"
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(change_url(article), data, follow=True)
    article.refresh_from_db()
    assert (article.status, article.headline, article.standfirst) == (
        S.PUBLISHED, "New headline", "New standfirst.",
    )  # fmt: skip
    assert any("Published" in text for text in shown_messages(response))
    # The edit and the decision are one piece of work, in order: saved, then published.
    assert list(article.history.values_list("headline", "status")[:2]) == [
        ("New headline", S.PUBLISHED),
        ("New headline", S.SUBMITTED),
    ]


def test_a_decision_that_cannot_be_made_saves_nothing_and_keeps_what_was_typed(
    editor_client, writer
):
    article = make_submitted(writer, headline="Old headline")
    version = article.version
    data = form_post(editor_client.get(change_url(article)))
    data.update(headline="A headline typed before the refusal")
    data["decision-action"] = "request_changes"
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Request changes needs a message to the contributor. Nothing was saved yet." in html
    assert 'value="A headline typed before the refusal"' in html
    article.refresh_from_db()
    assert (article.headline, article.status, article.version) == (
        "Old headline",
        S.SUBMITTED,
        version,
    )


def test_save_and_request_changes_sends_the_typed_message_with_the_edit(
    editor_client, writer, mailoutbox, django_capture_on_commit_callbacks
):
    article = make_submitted(writer)
    data = form_post(editor_client.get(change_url(article)))
    data.update({"decision-action": "request_changes", "decision-message": "Cut the ending."})
    data["body"] = "A body the editor trimmed."
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(change_url(article), data)
    article.refresh_from_db()
    assert (article.status, article.body) == (S.CHANGES_REQUESTED, "A body the editor trimmed.")
    assert StatusChange.objects.latest().message == "Cut the ending."
    assert [mail.to for mail in mailoutbox] == [[writer.email]]


def test_save_and_publish_is_refused_before_saving_while_the_credit_is_incomplete(
    editor_client, writer
):
    from .factories import make_image

    image = make_image(credit={"license": "cc-by-2.0", "title": "", "source_url": ""})
    article = make_submitted(writer, headline="Old headline", hero_image=image)
    data = form_post(editor_client.get(change_url(article)))
    data.update({"headline": "New headline", "decision-action": "publish"})
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "Complete the credit before publishing. Nothing was saved yet." in (
        response.content.decode()
    )
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Old headline", S.SUBMITTED)


def test_sharing_a_preview_from_the_pieces_form_saves_the_edit_first(editor_client, writer):
    article = make_submitted(writer, headline="Old headline")
    data = form_post(editor_client.get(change_url(article)))
    data.update({"headline": "Edited before sharing", "preview-share": "1"})
    response = editor_client.post(change_url(article), data, follow=True)
    article.refresh_from_db()
    assert article.headline == "Edited before sharing"
    link = PreviewLink.objects.get()
    assert any(link.get_absolute_url() in text for text in shown_messages(response))
    data = form_post(editor_client.get(change_url(article)))
    data.update({"standfirst": "Edited before revoking", "preview-revoke": str(link.pk)})
    editor_client.post(change_url(article), data)
    link.refresh_from_db()
    article.refresh_from_db()
    assert not link.is_active
    assert article.standfirst == "Edited before revoking"
