"""The writing surface's server side: preview, pasting from word processors, and autosave.

The pasted HTML samples in tests/data/clipboard/ (see its README) are one short piece as Google
Docs, Word on the desktop and Word for the web put it on the clipboard.
"""

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from articles import pagetags, workflow
from articles.models import Article, Autosave, PendingWork
from articles.rendering import render_markdown
from articles.writing.endpoints import MAX_TEXT
from articles.writing.pasting import markdown_from_html

from .factories import make_article, make_draft, make_section, make_writer

CLIPBOARD = Path(__file__).parent / "data" / "clipboard"
PREVIEW = "/write/preview/"
PASTE = "/write/paste/"
AUTOSAVE = "/write/autosave/"

# The sample piece, as the body's Markdown: what pasting it from any of the three gives.
SAMPLE_MARKDOWN = """\
## The river library opens again

After the flood, **forty volunteers** carried every box back up the hill. The council called \
it *a small miracle* in [its report on the flood](https://example.org/council/flood-report).

What came back first:

- Maps and atlases
- The local newspaper, bound by year
  - 1921 to 1958, dried page by page
- ***Every*** children’s book

### Opening hours

1. Weekdays, nine to six
2. Saturdays, ten to four

A photograph of the reading room hangs by the door."""


def clipboard(name):
    return (CLIPBOARD / name).read_text(encoding="utf-8")


def post_json(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


# --- Pasting -------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", ["google-docs.html", "word-desktop.html"])
def test_a_paste_from_google_docs_or_word_keeps_headings_bold_italics_links_and_lists(sample):
    assert markdown_from_html(clipboard(sample)) == SAMPLE_MARKDOWN


def test_google_docs_normal_weight_wrapper_does_not_make_everything_bold():
    html = render_markdown(markdown_from_html(clipboard("google-docs.html")))
    assert "<strong>After the flood" not in html
    assert "<p>After the flood, <strong>forty volunteers</strong> carried" in html


def test_a_paste_from_word_for_the_web_keeps_its_heading_styles_and_one_list():
    markdown = markdown_from_html(clipboard("word-online.html"))
    assert markdown.startswith("## The river library opens again\n\n")
    assert "**forty volunteers**" in markdown and "*a small miracle*" in markdown
    assert "[its report on the flood](https://example.org/council/flood-report)" in markdown
    # Word for the web puts each item in a list of its own; they are one list again.
    assert markdown.endswith("- Maps and atlases\n- The local newspaper, bound by year")


def test_the_pasted_sample_renders_to_the_structure_it_had():
    html = render_markdown(markdown_from_html(clipboard("google-docs.html")))
    for fragment in (
        "<h2>The river library opens again</h2>",
        "<em>a small miracle</em>",
        '<a href="https://example.org/council/flood-report" rel="noopener noreferrer nofollow">',
        "<li>Maps and atlases</li>",
        "<ul>\n<li>1921 to 1958, dried page by page</li>\n</ul>",
        "<h3>Opening hours</h3>",
        "<ol>\n<li>Weekdays, nine to six</li>",
    ):
        assert fragment in html


def test_a_paste_loses_scripts_styles_comments_pictures_and_attributes():
    markdown = markdown_from_html(
        "<style>p { color: red }</style><script>alert('pasted')</script><!-- a note -->"
        '<p onclick="steal()" class="x">Words <img src="https://tracker.example/p.gif" '
        'alt="tracker"> stay.</p><iframe src="https://example.org"></iframe>'
    )
    assert markdown == "Words stay."


def test_a_pasted_link_keeps_only_an_address_a_piece_may_link_to():
    markdown = markdown_from_html(
        '<p><a href="javascript:alert(1)">run</a>, '
        '<a href="https://www.google.com/url?q=https://example.org/report&amp;sa=D">report</a>, '
        '<a href="mailto:editors@example.org">write</a>, <a name="_Toc1">bookmark</a></p>'
    )
    assert markdown == (
        "run, [report](https://example.org/report), [write](mailto:editors@example.org), bookmark"
    )


def test_pasted_text_that_looks_like_markdown_stays_text():
    markdown = markdown_from_html("<p>2 * 3 * 4 = 24, and snake_case_names stay.</p>")
    assert render_markdown(markdown) == "<p>2 * 3 * 4 = 24, and snake_case_names stay.</p>\n"


def test_pasted_headings_keep_their_order_within_h2_to_h4():
    markdown = markdown_from_html("<h1>Top</h1><h2>Middle</h2><h4>Low</h4><h6>Lowest</h6>")
    assert markdown == "## Top\n\n### Middle\n\n#### Low\n\n#### Lowest"


# --- Who may use the endpoints ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [PREVIEW, PASTE, AUTOSAVE])
def test_the_endpoints_answer_signed_out_visitors_and_readers_with_a_json_refusal(url):
    reader = get_user_model().objects.create_user("reader", password="x-long-password-1")
    for client in (Client(), signed_in(reader)):
        response = post_json(client, url, {"body": "x", "html": "<p>x</p>"})
        assert response.status_code == 403
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]


@pytest.mark.django_db
def test_the_endpoints_check_the_csrf_token(writer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)
    assert post_json(client, PREVIEW, {"body": "x"}).status_code == 403
    client.get("/submit/new/")
    token = client.cookies["csrftoken"].value
    assert post_json(client, PREVIEW, {"body": "x"}, HTTP_X_CSRFTOKEN=token).status_code == 200


@pytest.mark.django_db
def test_the_endpoints_are_never_cached_and_refuse_other_methods(writer):
    client = signed_in(writer)
    response = post_json(client, PREVIEW, {"body": "x"})
    assert "no-store" in response["Cache-Control"]
    refused = client.get(PREVIEW)
    assert refused.status_code == 405 and refused["Allow"] == "POST"
    assert "error" in refused.json()


@pytest.mark.django_db
def test_a_request_that_is_not_a_json_object_is_refused_plainly(writer):
    client = signed_in(writer)
    for payload in ("not json", "[1, 2]"):
        response = client.post(PREVIEW, payload, content_type="application/json")
        assert response.status_code == 400 and response.json()["error"]


# --- Preview ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_preview_is_what_the_public_page_shows_with_its_word_count(writer):
    body = (
        "## A subheading\n\nSome *words* and [a link](https://example.org).\n\n<script>x</script>"
    )
    piece = make_article(body=body)
    response = post_json(signed_in(writer), PREVIEW, {"body": body})
    assert response.status_code == 200
    data = response.json()
    assert data["html"] == piece.body_html
    assert data["words"] == piece.word_count == 7
    assert data["minutes"] == piece.reading_time == 1


@pytest.mark.django_db
def test_an_editor_previews_too(editor):
    response = post_json(signed_in(editor), PREVIEW, {"body": "**Bold**"})
    assert response.json()["html"] == "<p><strong>Bold</strong></p>\n"


@pytest.mark.django_db
def test_a_text_too_long_to_preview_is_refused_with_a_reason(writer):
    response = post_json(signed_in(writer), PREVIEW, {"body": "a" * (MAX_TEXT + 1)})
    assert response.status_code == 413
    assert "too long to preview" in response.json()["error"]


@pytest.mark.django_db
def test_a_request_larger_than_django_takes_is_refused_before_it_is_read(writer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_json(signed_in(writer), PREVIEW, {"body": "a" * 2000})
    assert response.status_code == 413 and response.json()["error"]


@pytest.mark.django_db
def test_pasted_html_comes_back_as_markdown(writer):
    response = post_json(signed_in(writer), PASTE, {"html": clipboard("google-docs.html")})
    assert response.status_code == 200
    assert response.json() == {"markdown": SAMPLE_MARKDOWN}


# --- Autosave: who may keep text where -------------------------------------------------------


def autosave(client, page, *, tab="tab-1", seen=None, version=None, **fields):
    data = {"headline": "", "standfirst": "", "body": "", **fields}
    return post_json(
        client,
        AUTOSAVE,
        {**data, "page": page, "tab": tab, "seen": seen, "base_version": version},
    )


@pytest.mark.django_db
def test_a_contributor_keeps_the_text_of_a_new_piece_and_reads_it_back(writer):
    client = signed_in(writer)
    response = autosave(client, "/submit/new/", headline="Draft", body="First lines.")
    assert response.status_code == 200
    kept = Autosave.objects.get(user=writer)
    assert kept.article is None and kept.body == "First lines." and kept.tab == "tab-1"
    state = client.get(AUTOSAVE, {"page": "/submit/new/"}).json()
    assert state["piece"] is None and state["owner"] == str(writer.pk)
    assert state["autosave"]["body"] == "First lines."
    assert state["autosave"]["token"] == response.json()["token"]


@pytest.mark.django_db
def test_a_contributor_keeps_text_for_their_own_draft_and_the_version_it_was_typed_over(writer):
    draft = make_draft(writer, body="Saved text.")
    client = signed_in(writer)
    response = autosave(client, f"/submit/{draft.pk}/", body="Typed text.", version=draft.version)
    assert response.status_code == 200
    kept = Autosave.objects.get(user=writer, article=draft)
    assert (kept.body, kept.base_version) == ("Typed text.", draft.version)
    draft.refresh_from_db()
    assert draft.body == "Saved text."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [Article.Status.SUBMITTED, Article.Status.PUBLISHED, Article.Status.DECLINED]
)
def test_a_contributor_cannot_keep_text_for_their_piece_they_may_not_edit(writer, status):
    piece = make_draft(writer, status=status)
    response = autosave(signed_in(writer), f"/submit/{piece.pk}/", body="More.")
    assert response.status_code == 403 and "cannot be changed now" in response.json()["error"]
    assert not Autosave.objects.exists()


@pytest.mark.django_db
def test_a_contributor_cannot_keep_text_for_someone_elses_piece(writer):
    other = make_draft(make_writer("bea"), headline="Bea's secret draft")
    response = autosave(signed_in(writer), f"/submit/{other.pk}/", body="Mine now.")
    assert response.status_code == 404
    assert "Bea" not in response.content.decode()
    assert not Autosave.objects.exists()
    assert signed_in(writer).get(AUTOSAVE, {"page": f"/submit/{other.pk}/"}).status_code == 404


@pytest.mark.django_db
def test_a_contributor_cannot_keep_text_through_an_admin_page(writer):
    piece = make_article()
    for page in (f"/admin/articles/article/{piece.pk}/change/", "/admin/articles/article/add/"):
        response = autosave(signed_in(writer), page, body="From the admin.")
        assert response.status_code == 403 and response.json()["error"]
    assert not Autosave.objects.exists()


@pytest.mark.django_db
def test_an_editor_keeps_text_for_a_piece_editors_see(editor, writer):
    submitted = make_draft(writer)
    workflow.submit(submitted, by=writer)
    published = make_article()
    client = signed_in(editor)
    for piece in (submitted, published):
        page = f"/admin/articles/article/{piece.pk}/change/"
        assert autosave(client, page, body="An editor's edit.").status_code == 200
    assert autosave(client, "/admin/articles/article/add/", body="New.").status_code == 200
    assert Autosave.objects.filter(user=editor).count() == 3


@pytest.mark.django_db
def test_an_editor_cannot_keep_text_for_a_contributors_unsubmitted_draft(editor, writer):
    draft = make_draft(writer, with_contributors_only=True)
    page = f"/admin/articles/article/{draft.pk}/change/"
    assert autosave(signed_in(editor), page, body="Peeking.").status_code == 404
    assert not Autosave.objects.exists()


@pytest.mark.django_db
def test_an_editor_without_a_contributor_profile_cannot_keep_text_in_the_contributor_area(editor):
    response = autosave(signed_in(editor), "/submit/new/", body="Not here.")
    assert response.status_code == 403


@pytest.mark.django_db
def test_pages_without_a_piece_form_keep_nothing(writer, editor):
    piece = make_article()
    for user, page in [
        (writer, "/"),
        (writer, "/submit/"),
        (writer, "/no/such/page/"),
        (editor, f"/admin/articles/article/{piece.pk}/history/"),
        (editor, "/admin/articles/article/not-a-number/change/"),
    ]:
        response = autosave(signed_in(user), page, body="Lost?")
        assert response.status_code in (404, 400), page
        assert response.json()["error"]
    assert autosave(signed_in(writer), "not a path", body="x").status_code == 400
    assert not Autosave.objects.exists()


@pytest.mark.django_db
def test_bad_fields_are_refused_and_keep_nothing(writer):
    client = signed_in(writer)
    assert autosave(client, "/submit/new/", tab="", body="x").status_code == 400
    assert autosave(client, "/submit/new/", headline="h" * 201).status_code == 413
    assert autosave(client, "/submit/new/", body=["not", "text"]).status_code == 400
    assert autosave(client, "/submit/new/", version="three", body="x").status_code == 400
    assert not Autosave.objects.exists()


# --- Autosave: two tabs, discarding, and the form's own Save ---------------------------------


@pytest.mark.django_db
def test_a_second_tab_does_not_silently_overwrite_the_first(writer):
    draft = make_draft(writer)
    client = signed_in(writer)
    page = f"/submit/{draft.pk}/"
    first = autosave(client, page, tab="tab-a", body="Tab A's text.").json()
    # Tab A goes on saving over its own text.
    first = autosave(client, page, tab="tab-a", seen=None, body="Tab A's longer text.").json()

    refused = autosave(client, page, tab="tab-b", body="Tab B's text.")
    assert refused.status_code == 409
    assert refused.json()["autosave"]["body"] == "Tab A's longer text."
    assert Autosave.objects.get(article=draft).body == "Tab A's longer text."

    # Once tab B has seen tab A's text, and chosen its own, it saves.
    chosen = autosave(client, page, tab="tab-b", seen=first["token"], body="Tab B's text.")
    assert chosen.status_code == 200
    kept = Autosave.objects.get(article=draft)
    assert (kept.body, kept.tab) == ("Tab B's text.", "tab-b")
    # And now tab A is the one told.
    assert autosave(client, page, tab="tab-a", seen=first["token"], body="A.").status_code == 409


@pytest.mark.django_db
def test_discarding_forgets_only_the_text_that_was_offered(writer):
    client = signed_in(writer)
    old = autosave(client, "/submit/new/", body="Old text.").json()
    newer = autosave(client, "/submit/new/", body="Newer text.").json()
    stale = post_json(
        client, AUTOSAVE, {"page": "/submit/new/", "discard": True, "token": old["token"]}
    )
    assert stale.json() == {"discarded": False} and Autosave.objects.exists()
    current = post_json(
        client, AUTOSAVE, {"page": "/submit/new/", "discard": True, "token": newer["token"]}
    )
    assert current.json() == {"discarded": True} and not Autosave.objects.exists()


@pytest.mark.django_db
def test_text_the_form_has_saved_since_is_not_kept_twice(writer):
    draft = make_draft(writer, headline="Headline", standfirst="", body="Before.")
    client = signed_in(writer)
    page = f"/submit/{draft.pk}/"
    autosave(client, page, headline="Headline", body="After.", version=draft.version)
    draft.body = "After."
    draft.save()
    state = client.get(AUTOSAVE, {"page": page}).json()
    assert state["autosave"] is None and state["version"] == draft.version
    assert not Autosave.objects.exists()


@pytest.mark.django_db
def test_text_the_form_has_not_saved_is_still_there_when_the_page_opens_again(writer):
    draft = make_draft(writer, headline="Headline", body="Before.")
    client = signed_in(writer)
    page = f"/submit/{draft.pk}/"
    autosave(client, page, headline="Headline", body="Typed, not saved.", version=draft.version)
    state = client.get(AUTOSAVE, {"page": page}).json()
    assert state["autosave"]["body"] == "Typed, not saved."
    assert state["autosave"]["base_version"] == draft.version


@pytest.mark.django_db
def test_creating_the_piece_drops_the_text_kept_for_a_new_piece(writer):
    section = make_section()
    client = signed_in(writer)
    autosave(client, "/submit/new/", headline="Floods", body="The river rose.")
    response = client.post(
        "/submit/new/",
        {"headline": "Floods", "body": "The river rose.", "section": section.pk, "save": ""},
    )
    assert response.status_code == 302
    assert Article.objects.filter(headline="Floods").exists()
    assert not Autosave.objects.exists()


@pytest.mark.django_db
def test_a_piece_created_in_the_admin_takes_the_place_of_the_new_pieces_text(editor):
    client = signed_in(editor)
    autosave(client, "/admin/articles/article/add/", headline="Floods", body="The river rose.")
    piece = make_article(headline="Floods", standfirst="", body="The river rose.")
    state = client.get(AUTOSAVE, {"page": f"/admin/articles/article/{piece.pk}/change/"}).json()
    assert state["autosave"] is None
    assert not Autosave.objects.exists()


# --- Autosave never reaches readers ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_autosave_of_a_published_piece_changes_nothing_readers_see(
    editor, settings, django_assert_num_queries
):
    settings.MAGAZINE_PAGE_CACHE = True
    piece = make_article(headline="Published", body="What readers read.")
    reader = Client()
    page = reader.get(piece.get_absolute_url())
    assert page.status_code == 200
    clock = pagetags.read_clock().tick
    pending = PendingWork.objects.count()
    stored = Article.objects.values().get(pk=piece.pk)

    response = autosave(
        signed_in(editor),
        f"/admin/articles/article/{piece.pk}/change/",
        headline="Published",
        body="Zanzibarian rewrite nobody saved.",
        version=piece.version,
    )
    assert response.status_code == 200

    assert Article.objects.values().get(pk=piece.pk) == stored
    assert pagetags.read_clock().tick == clock
    assert PendingWork.objects.count() == pending
    with django_assert_num_queries(0):
        again = reader.get(piece.get_absolute_url())
    assert again.content == page.content
    found = reader.get("/search/", {"q": "Zanzibarian"}).content.decode()
    assert piece.get_absolute_url() not in found
