"""Pull quotes, pictures from the library, galleries and footnotes in a piece's body.

The syntax (README, "Writing a piece"): `::: pullquote` … `:::`, `[[picture 12]]`,
`[[gallery 12 13]]`, `[^1]` with `[^1]: …`. Each construct is checked as rendered, mistyped,
and hostile, on every surface that shows a body; the pictures also against the licence rules
that bind the hero (credits, the audit, publishing).
"""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import feedparser
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import body_pictures, derived, footprints, workflow
from articles.models import Article, Image
from articles.rendering import count_words, render_markdown

from .factories import (
    committed,
    jpeg_bytes,
    make_article,
    make_draft,
    make_editor,
    make_image,
    make_section,
    make_submitted,
    make_writer,
)
from .test_admin_review import change_url, form_post
from .test_export import empty_the_site, run
from .test_licence_surfaces import assert_whole, classes, img_tags, opened, photo

S = Article.Status
pytestmark = pytest.mark.django_db

EVERYTHING = """The opening paragraph of the piece.

::: pullquote
Words worth repeating, from the piece itself.
:::

[[picture {one}]]

Text with a note.[^1] And more text.

[[gallery {two} {three}]]

[^1]: The note's text, shown at the foot.
"""


def body_html(article):
    """The piece's body as its page shows it, pictures in place."""
    html = Client().get(article.get_absolute_url()).content.decode()
    return re.search(r'<div class="piece__body prose">(.*?)</div>\s*<footer', html, re.S)[1]


class Tags(HTMLParser):
    """The start tags of some HTML, as (name, attributes) pairs."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def tags_in(html):
    return Tags(html).found


# --- Rendering -----------------------------------------------------------------------------


def test_a_pull_quote_is_an_aside_hidden_from_screen_readers():
    html = render_markdown("::: pullquote\nWords worth repeating.\n:::")
    assert html.startswith('<aside class="pull-quote" aria-hidden="true">')
    assert "<p>Words worth repeating.</p>" in html


def test_a_pull_quote_keeps_no_link_note_or_picture_to_focus():
    html = render_markdown(
        "::: pullquote\nA [link](https://example.org/) and a note[^1] <b>bold</b>\n\n"
        "[[picture 3]]\n:::\n\nThe body[^1].\n\n[^1]: The note."
    )
    quote = re.search(r"<aside.*?</aside>", html, re.S)[0]
    assert "<a " not in quote and "<figure" not in quote and "<b>" not in quote
    assert "A link and a note bold" in quote


def test_an_unclosed_pull_quote_leaves_its_words_as_ordinary_paragraphs():
    html = render_markdown("::: pullquote\nLeft open.\n\nThe rest of the piece.")
    assert "<aside" not in html
    assert "<p>Left open.</p>" in html and "<p>The rest of the piece.</p>" in html


def test_a_footnote_links_to_its_note_and_the_note_back_to_it():
    html = render_markdown("A claim.[^source]\n\n[^source]: Where it comes from.")
    reference = next(a for tag, a in tags_in(html) if a.get("class") == "footnote-ref")
    back = next(a for tag, a in tags_in(html) if a.get("class") == "footnote-back")
    note = next(a for tag, a in tags_in(html) if tag == "li")
    assert reference["href"] == f"#{note['id']}"
    assert back["href"] == f"#{reference['id']}"
    assert reference["aria-label"] == "Note 1"
    assert '<h2 id="footnotes-heading" class="footnotes__heading">Notes</h2>' in html


def test_a_note_mentioned_twice_links_back_to_each_mention():
    html = render_markdown("One[^a] and two[^a].\n\n[^a]: The note.")
    ids = [a["id"] for tag, a in tags_in(html) if a.get("class") == "footnote-ref"]
    backs = [a["href"] for tag, a in tags_in(html) if a.get("class") == "footnote-back"]
    assert len(set(ids)) == 2
    assert backs == [f"#{id_}" for id_ in ids]


def test_the_ids_of_notes_cannot_be_typed_so_none_collides():
    # Typed ids, classes and placeholders are dropped: only the renderer's own survive.
    html = render_markdown(
        '<p id="main">Skip target.</p><li id="footnote-1">Fake</li>'
        '<aside class="pull-quote" aria-hidden="true">Hidden?</aside>'
        '<figure data-picture="7"></figure>\n\nA note.[^1]\n\n[^1]: Real.'
    )
    ids = [a["id"] for tag, a in tags_in(html) if "id" in a]
    assert sorted(ids) == ["footnote-1", "footnote-ref-1", "footnotes-heading"]
    assert 'data-picture="7"' not in html
    assert html.count('aria-hidden="true"') == 0


@pytest.mark.parametrize(
    "typed",
    [
        "[[picture]]",
        "[[picture twelve]]",
        "[[gallery]]",
        "[[picture 1 2]]",
        "[[picture 12345678901234567890]]",
        "A claim.[^9]",
        ":::",
        "::: pullquote",
        "::: quote\nNot a container we know.\n:::",
    ],
)
def test_mistyped_syntax_is_shown_as_text_and_the_page_still_works(client, typed):
    article = make_article(body=f"Before.\n\n{typed}\n\nAfter.")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    shown = body_html(article)
    assert "Before." in shown and "After." in shown
    assert "<figure" not in shown and "<aside" not in shown and "footnote" not in shown
    assert not article.body_pictures.exists()


def test_a_picture_line_inside_a_paragraph_is_text():
    assert "<figure" not in render_markdown("A sentence\n[[picture 3]]\ncontinues.")


# --- Pictures on the page ------------------------------------------------------------------


def test_an_inline_picture_is_shown_with_its_caption_and_credit(client):
    image = make_image(caption="Market at dawn", credit={"creator": "Ana Ruiz"})
    article = make_article(body=f"Before.\n\n[[picture {image.pk}]]\n\nAfter.")
    shown = body_html(article)
    figure = re.search(r'<figure class="body-picture">.*?</figure>', shown, re.S)[0]
    assert img_tags(figure, image)
    assert '<span class="caption">Market at dawn</span>' in figure
    assert "Image Credit:" in figure and "Ana Ruiz" in figure


def test_a_gallery_shows_each_picture_with_its_caption_and_credit(client):
    first = make_image(caption="Site one", credit={"creator": "Ana Ruiz"})
    second = make_image(caption="Site two", credit={"creator": "Bo Chen"})
    article = make_article(body=f"[[gallery {first.pk} {second.pk}]]")
    gallery = re.search(r'<ul class="gallery">.*?</ul>', body_html(article), re.S)[0]
    items = re.findall(r"<li>.*?</li>", gallery, re.S)
    assert len(items) == 2
    for item, image, creator in [(items[0], first, "Ana Ruiz"), (items[1], second, "Bo Chen")]:
        assert img_tags(item, image)
        assert image.caption in item and creator in item


def test_an_nd_inline_picture_is_shown_whole_at_its_own_proportions(client):
    nd = photo()
    article = make_article(body=f"[[picture {nd.pk}]]")
    [tag] = img_tags(body_html(article), nd)
    assert classes(tag) == ["body-picture__image", "picture--whole"]
    shown = tuple(int(re.search(rf'{side}="(\d+)"', tag).group(1)) for side in ("width", "height"))
    assert_whole(shown)
    sources = re.findall(r'srcset="([^"]*)"', body_html(article))
    files = {url for srcset in sources for url in re.findall(r"(\S+) \d+w", srcset)}
    assert files
    for url in files:
        assert_whole(opened(url).size)


def test_an_nd_picture_in_a_gallery_is_never_cut_to_fit_the_grid(client):
    nd, other = photo(), photo(license="cc-by-4.0")
    article = make_article(body=f"[[gallery {nd.pk} {other.pk}]]")
    shown = body_html(article)
    [nd_tag] = img_tags(shown, nd)
    [other_tag] = img_tags(shown, other)
    assert classes(nd_tag) == ["gallery__image", "picture--whole"]
    assert "picture--whole" not in classes(other_tag)


def test_a_picture_deleted_from_the_library_is_left_out_of_the_page(client):
    image = make_image()
    article = make_article(body=f"Before.\n\n[[picture {image.pk}]]\n\nAfter.")
    with committed():
        image.delete()
    shown = body_html(article)
    assert "<figure" not in shown and "Before." in shown and "After." in shown


def pieces_page_queries(client, count):
    images = [make_image() for _ in range(count)]
    numbers = " ".join(str(image.pk) for image in images)
    article = make_article(body=f"[[picture {images[0].pk}]]\n\n[[gallery {numbers}]]")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_piece_page_costs_the_same_queries_with_1_or_10_pictures(client, settings):
    settings.MAGAZINE_FRAGMENT_CACHE = False
    assert pieces_page_queries(client, 1) == pieces_page_queries(Client(), 10)


def test_a_picture_in_the_body_costs_the_page_one_query_for_all_of_them(client, settings):
    settings.MAGAZINE_FRAGMENT_CACHE = False
    plain = make_article(body="No pictures.")
    with CaptureQueriesContext(connection) as queries:
        client.get(plain.get_absolute_url())
    assert pieces_page_queries(Client(), 3) == len(queries) + 1


def test_the_piece_page_notes_each_picture_of_its_body(client):
    first, second = make_image(), make_image()
    article = make_article(body=f"[[picture {first.pk}]]\n\n[[gallery {second.pk}]]")
    tags = set(client.get(article.get_absolute_url())["Cache-Tag"].split())
    assert {f"i{first.pk}", f"i{second.pk}"} <= tags


# --- The record of a body's pictures -------------------------------------------------------


def test_body_pictures_follow_the_body_at_every_save():
    first, second, third = make_image(), make_image(), make_image()
    article = make_article(body=f"[[picture {first.pk}]]\n\n[[gallery {second.pk} {first.pk}]]")
    assert set(article.body_pictures.all()) == {first, second}
    article.body = f"[[picture {third.pk}]]"
    article.save()
    assert set(article.body_pictures.all()) == {third}
    article.body = "No pictures now."
    article.save()
    assert not article.body_pictures.exists()


def test_a_save_that_keeps_the_pictures_costs_no_query_for_them(django_assert_num_queries):
    image = make_image()
    article = make_article(body=f"[[picture {image.pk}]]\n\nFirst words.")
    article.body = f"[[picture {image.pk}]]\n\nOther words."
    with CaptureQueriesContext(connection) as queries:
        article.save()
    assert not any("body_pictures" in query["sql"] for query in queries)
    assert list(article.body_pictures.all()) == [image]


def test_pieces_written_in_bulk_get_their_pictures_recorded():
    image = make_image()
    html = render_markdown(f"[[picture {image.pk}]]")
    [article] = Article.objects.bulk_create(
        [Article(headline="Bulk", slug="bulk", body=f"[[picture {image.pk}]]", body_html=html)]
    )
    derived.loaded_in_bulk([article.pk])
    assert list(article.body_pictures.all()) == [image]


def test_picture_numbers_are_renumbered_for_an_import_on_their_lines_only():
    body = "Picture 3 is [[picture 3]] in a sentence.\n\n[[picture 3]]\n\n[[gallery 3 4]]\n\n"
    body += "    [[picture 3]]\n"
    assert body_pictures.renumbered(body, {3: 30, 4: 40}) == (
        "Picture 3 is [[picture 3]] in a sentence.\n\n[[picture 30]]\n\n[[gallery 30 40]]\n\n"
        "    [[picture 3]]\n"
    )


# --- Licences and credits ------------------------------------------------------------------


def incomplete_picture(**fields):
    """A CC BY 2.0 picture whose credit lacks the title and source that licence requires."""
    return make_image(
        caption="Market at dawn",
        credit={"license": "cc-by-2.0", "title": "", "source_url": ""},
        **fields,
    )


def test_picture_warnings_name_each_picture_of_the_body(writer):
    image = incomplete_picture()
    article = make_draft(writer, body=f"[[picture {image.pk}]]")
    [warning] = article.picture_warnings()
    assert warning == (
        f"The credit of picture {image.pk} “Market at dawn” lacks the title and the source "
        "link, which CC BY 2.0 requires."
    )


def test_a_body_picture_without_a_credit_is_named_in_the_warnings(writer):
    image = Image.objects.create(file=make_image().file.name, alt_text="A quad", caption="")
    article = make_draft(writer, body=f"[[picture {image.pk}]]")
    assert article.picture_warnings() == [
        f"Picture {image.pk} “A quad” has no credit: say who made it and under what licence."
    ]


def test_a_piece_cannot_be_published_while_a_body_pictures_credit_is_incomplete(writer, editor):
    image = incomplete_picture()
    article = make_submitted(writer, body=f"Words.\n\n[[picture {image.pk}]]")
    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.publish(article, by=editor)
    assert f"picture {image.pk} “Market at dawn” lacks the title" in str(refused.value)
    assert Article.objects.get(pk=article.pk).status == S.SUBMITTED


def test_a_piece_cannot_be_scheduled_while_a_gallery_pictures_credit_is_incomplete(writer, editor):
    image = incomplete_picture()
    article = make_submitted(writer, body=f"[[gallery {make_image().pk} {image.pk}]]")
    with pytest.raises(workflow.TransitionNotAllowed, match=f"picture {image.pk}"):
        workflow.schedule(article, by=editor, when=timezone.now() + timedelta(days=1))


def test_a_piece_cannot_be_submitted_while_a_body_picture_has_no_credit(writer):
    image = Image.objects.create(file=make_image().file.name, alt_text="A quad", uploaded_by=writer)
    article = make_draft(writer, body=f"[[picture {image.pk}]]")
    with pytest.raises(workflow.TransitionNotAllowed, match=f"Picture {image.pk} “A quad”"):
        workflow.submit(article, by=writer)


def test_the_admin_refuses_save_and_publish_naming_the_body_picture_and_saves_nothing(
    editor_client, writer
):
    image = incomplete_picture()
    article = make_submitted(writer, headline="Old headline")
    data = form_post(editor_client.get(change_url(article)))
    data.update(
        {
            "headline": "New headline",
            "body": f"Words.\n\n[[picture {image.pk}]]",
            "decision-action": "publish",
        }
    )
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"The credit of picture {image.pk} “Market at dawn” lacks the title" in html
    assert "Nothing was saved yet." in html
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Old headline", S.SUBMITTED)


def test_the_credits_page_lists_the_pictures_of_published_bodies_with_where_they_are_used(
    client,
):
    shown = make_image(credit={"creator": "Ana Ruiz"})
    hidden = make_image(credit={"creator": "Someone Unpublished"})
    published = make_article(headline="Rivers, counted", body=f"[[picture {shown.pk}]]")
    make_article(status=S.DRAFT, body=f"[[gallery {hidden.pk}]]")
    page = client.get("/credits/").content.decode()
    assert "Ana Ruiz" in page
    assert f'<a href="{published.get_absolute_url()}">Rivers, counted</a>' in page
    assert "Someone Unpublished" not in page


def test_a_picture_both_hero_and_in_a_text_is_listed_once_with_each_piece(client):
    image = make_image(credit={"creator": "Ana Ruiz"})
    first = make_article(headline="Leads with it", hero_image=image)
    second = make_article(headline="Shows it inside", body=f"[[picture {image.pk}]]")
    page = client.get("/credits/").content.decode()
    assert page.count("Ana Ruiz") == 1
    assert first.headline in page and second.headline in page


def test_the_credits_page_costs_the_same_queries_for_3_or_30_body_pictures(
    client, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            images = [make_image(), make_image()]
            make_article(body=f"[[gallery {images[0].pk} {images[1].pk}]]")

    add(2)
    with django_assert_max_num_queries(7) as few:
        client.get("/credits/")
    add(13)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/credits/").status_code == 200


def test_the_credit_audit_lists_an_incomplete_picture_of_a_published_body(editor_client):
    image = incomplete_picture()
    article = make_article(headline="Rivers, counted", body=f"[[picture {image.pk}]]")
    make_article(body=f"[[picture {make_image().pk}]]")
    html = editor_client.get("/admin/articles/creditaudit/").content.decode()
    assert "1 published picture lacks part of the credit its licence asks for" in html
    assert f"/admin/articles/image/{image.pk}/change/" in html
    assert f"/admin/articles/article/{article.pk}/change/" in html


def test_the_picture_page_lists_the_pieces_whose_text_shows_it(editor_client):
    image = make_image()
    article = make_article(headline="Rivers, counted", body=f"[[picture {image.pk}]]")
    html = editor_client.get(f"/admin/articles/image/{image.pk}/change/").content.decode()
    link = f'<a href="/admin/articles/article/{article.pk}/change/">Rivers, counted</a>'
    assert f"In the text of {link}" in html


def test_the_picture_list_and_page_give_the_code_that_shows_it_in_a_text(editor_client):
    image = make_image()
    code = f"[[picture {image.pk}]]"
    assert code in editor_client.get("/admin/articles/image/").content.decode()
    assert code in editor_client.get(f"/admin/articles/image/{image.pk}/change/").content.decode()


# --- Who may show which picture ------------------------------------------------------------


def test_the_admin_refuses_a_picture_that_is_not_in_the_library(editor_client, writer):
    article = make_submitted(writer)
    data = form_post(editor_client.get(change_url(article)))
    data["body"] = "Words.\n\n[[gallery 999999]]"
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "There is no picture 999999 in the picture library" in response.content.decode()
    assert "999999" not in Article.objects.get(pk=article.pk).body


def test_an_editor_may_show_any_picture_of_the_library(editor_client, writer):
    image = make_image(uploaded_by=make_writer("someone"))
    article = make_submitted(writer)
    data = form_post(editor_client.get(change_url(article)))
    data["body"] = f"Words.\n\n[[picture {image.pk}]]"
    assert editor_client.post(change_url(article), data).status_code == 302
    assert list(Article.objects.get(pk=article.pk).body_pictures.all()) == [image]


@pytest.fixture
def ada(client, writer):
    client.force_login(writer)
    return client


def piece_post(section, body, **extra):
    return {"headline": "The river", "body": body, "section": section.pk, **extra}


def test_a_contributor_may_not_show_another_contributors_picture(ada, writer):
    theirs = make_image(uploaded_by=make_writer("bo"))
    response = ada.post("/submit/new/", piece_post(make_section(), f"[[picture {theirs.pk}]]"))
    assert response.status_code == 200
    assert f"Picture {theirs.pk} is not one you can use" in response.content.decode()
    assert not Article.objects.exists()


def test_a_contributor_is_told_the_same_of_a_picture_that_does_not_exist(ada):
    response = ada.post("/submit/new/", piece_post(make_section(), "[[picture 999999]]"))
    assert "Picture 999999 is not one you can use" in response.content.decode()
    assert not Article.objects.exists()


def test_a_contributor_may_show_their_own_pictures(ada, writer):
    mine = make_image(uploaded_by=writer)
    response = ada.post("/submit/new/", piece_post(make_section(), f"[[gallery {mine.pk}]]"))
    assert response.status_code == 302
    assert list(Article.objects.get().body_pictures.all()) == [mine]


def test_a_contributor_keeps_a_picture_an_editor_put_in_their_piece(ada, writer):
    editors = make_image(uploaded_by=make_editor("ed"))
    article = make_draft(writer, body=f"[[picture {editors.pk}]]")
    data = piece_post(
        article.section, f"New words.\n\n[[picture {editors.pk}]]", opened_version=article.version
    )
    assert ada.post(f"/submit/{article.pk}/", data).status_code == 302
    article.refresh_from_db()
    assert article.body.startswith("New words.")


def test_your_pictures_lists_the_writers_own_with_their_code_and_credit(ada, writer):
    complete = make_image(uploaded_by=writer, caption="The weir at noon")
    lacking = incomplete_picture(uploaded_by=writer)
    someone_elses = make_image(uploaded_by=make_writer("bo"), caption="Not yours")
    html = ada.get("/submit/new/").content.decode()
    section = re.search(r'<section class="your-pictures".*?</section>', html, re.S)[0]
    assert f"<code>[[picture {complete.pk}]]</code>" in section
    assert f"<code>[[picture {lacking.pk}]]</code>" in section
    assert "The weir at noon" in section and "Credit complete" in section
    assert "Credit lacks title, source link" in section
    assert "Not yours" not in section and f"[[picture {someone_elses.pk}]]" not in section
    assert 'data-insert-picture="[[picture' in section and "js/insert-picture.js" in html


# --- Hostile text ----------------------------------------------------------------------------

HOSTILE = '"><svg onload=alert(1)><script>alert(2)</script><img src=x onerror=alert(3)>'


def hostile_piece():
    image = make_image(
        alt_text=HOSTILE,
        caption=HOSTILE,
        credit={
            "title": HOSTILE,
            "creator": HOSTILE,
            "creator_url": "javascript:alert(4)",
            "source_url": "javascript:alert(5)",
        },
    )
    body = (
        f"::: pullquote\n{HOSTILE} [x](javascript:alert(6))\n:::\n\n"
        f"[[picture {image.pk}]]\n\n[[gallery {image.pk}]]\n\n"
        f"A claim.[^1]\n\n[^1]: {HOSTILE} [y](javascript:alert(7)) "
        '<a href="#" onclick="alert(8)">z</a>'
    )
    return make_article(body=body, hero_image=image)


def assert_inert(html):
    """No script but the JSON-LD, no event handler, no javascript: address, nothing framed."""
    for tag, attributes in tags_in(html):
        assert tag not in {"iframe", "object", "embed"}, tag
        assert tag != "script" or attributes.get("type") == "application/ld+json"
        for name, value in attributes.items():
            assert not name.startswith("on"), (tag, name)
            assert "javascript:" not in (value or "").lower(), (tag, name, value)
    assert "<script>alert(2)" not in html and "<svg onload" not in html


def test_hostile_text_in_captions_credits_pull_quotes_and_notes_is_inert_on_the_page(client):
    html = client.get(hostile_piece().get_absolute_url()).content.decode()
    assert_inert(html)
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_hostile_text_is_inert_in_the_json_ld(client):
    html = client.get(hostile_piece().get_absolute_url()).content.decode()
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "<" not in block and ">" not in block
    data = json.loads(block)
    assert data["image"]["caption"] == HOSTILE


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_hostile_text_is_inert_in_the_feeds(client, url):
    hostile_piece()
    [entry] = feedparser.parse(client.get(url).content).entries
    assert_inert(entry.content[0].value)


def test_hostile_text_is_inert_in_the_writers_preview(client, editor):
    article = hostile_piece()
    client.force_login(editor)
    response = client.post(
        "/write/preview/", {"body": article.body}, content_type="application/json"
    )
    assert_inert(response.json()["html"])
    assert_inert(client.get(f"/submit/{article.pk}/preview/").content.decode())


# --- The other surfaces ----------------------------------------------------------------------


def test_the_json_ld_lists_the_hero_then_each_picture_of_the_body(client):
    hero, inside = make_image(), make_image(caption="Inside")
    article = make_article(
        hero_image=hero, body=f"[[picture {inside.pk}]]\n\n[[picture {hero.pk}]]"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S)[1])
    assert [image["contentUrl"].rsplit("/", 1)[-1] for image in data["image"]] == [
        hero.file.name.rsplit("/", 1)[-1],
        inside.file.name.rsplit("/", 1)[-1],
    ]
    assert data["image"][1]["creditText"] == inside.credit.line()


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_the_feeds_carry_the_bodys_pictures_with_their_credits(client, url):
    image = make_image(caption="Market at dawn", credit={"creator": "Ana Ruiz"})
    make_article(body=f"Words.\n\n[[gallery {image.pk}]]")
    [entry] = feedparser.parse(client.get(url).content).entries
    content = entry.content[0].value
    [(tag, img)] = [(t, a) for t, a in tags_in(content) if t == "img"]
    assert img["src"].startswith("http://testserver/media/")
    assert "Market at dawn" in content and "Image Credit:" in content and "Ana Ruiz" in content
    assert "data-gallery" not in content


def test_a_feed_costs_the_same_queries_with_1_or_20_pictures(client, settings):
    settings.MAGAZINE_FRAGMENT_CACHE = False

    def queries():
        with CaptureQueriesContext(connection) as captured:
            Client().get("/feed/")
        return len(captured)

    make_article(body=f"[[picture {make_image().pk}]]")
    few = queries()
    for _ in range(19):
        make_article(body=f"[[picture {make_image().pk}]]")
    assert queries() == few


def test_the_feed_content_is_valid_xml_with_pictures(client):
    make_article(body=f"[[picture {make_image(caption='A & B <c>').pk}]]")
    ET.fromstring(client.get("/feed/").content)


def test_the_live_preview_shows_the_writers_pictures_and_a_note_for_others(client, writer):
    mine = make_image(uploaded_by=writer, caption="Mine")
    theirs = make_image(uploaded_by=make_writer("bo"), caption="Theirs")
    client.force_login(writer)
    body = f"[[picture {mine.pk}]]\n\n[[picture {theirs.pk}]]"
    html = client.post("/write/preview/", {"body": body}, content_type="application/json").json()[
        "html"
    ]
    assert "Mine" in html and img_tags(html, mine)
    assert "Theirs" not in html and not img_tags(html, theirs)
    assert f"Picture {theirs.pk}: not in the picture library, or not one you can use" in html


def test_the_writing_areas_first_preview_shows_the_pictures_too(ada, writer):
    mine = make_image(uploaded_by=writer, caption="Mine")
    article = make_draft(writer, body=f"[[picture {mine.pk}]]")
    html = ada.get(f"/submit/{article.pk}/").content.decode()
    preview = re.search(r"data-writing-preview-body>(.*?)</div>\s*</section>", html, re.S)[1]
    assert img_tags(preview, mine) and "Mine" in preview


def test_the_syntax_is_explained_under_the_body(ada):
    html = ada.get("/submit/new/").content.decode()
    assert "<summary>More: pull quotes, pictures, footnotes</summary>" in html
    assert "<code>[[gallery 12 13 14]]</code>" in html


# --- Forgetting pages ------------------------------------------------------------------------


def test_publishing_a_piece_with_a_body_picture_forgets_the_credits_page(writer, editor):
    article = make_submitted(writer, body=f"[[picture {make_image().pk}]]")
    with committed():
        workflow.publish(article, by=editor)
    assert "credits" in footprints.footprint(Article.objects.get(pk=article.pk))


def test_a_change_to_a_body_picture_forgets_the_pages_that_show_it():
    image = make_image()
    make_article(body=f"[[picture {image.pk}]]")
    draft_only = make_image()
    make_article(status=S.DRAFT, body=f"[[picture {draft_only.pk}]]")
    tags = footprints.pages_to_forget(derived.Changes(pictures={image.pk, draft_only.pk}))
    assert f"i{image.pk}" in tags and "sitemap" in tags
    assert f"i{draft_only.pk}" not in tags
    # A picture only a draft shows is in no page a reader has: the sitemap is kept too.
    assert footprints.pages_to_forget(derived.Changes(pictures={draft_only.pk})) == set()


def test_a_contributors_upload_can_be_shown_once_they_save_the_piece_with_it(ada, writer):
    upload = SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")
    section = make_section()
    response = ada.post(
        "/submit/new/",
        piece_post(
            section,
            "Words.",
            picture=upload,
            alt_text="A quad",
            credit_creator="Ada",
            credit_license="cc-by-4.0",
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    html = ada.get(f"/submit/{article.pk}/").content.decode()
    assert f"[[picture {article.hero_image_id}]]" in html


def test_an_import_names_the_pictures_of_a_body_by_their_new_numbers(settings, tmp_path):
    first, second = make_image(caption="First"), make_image(caption="Second")
    make_article(
        slug="rivers", body=f"[[picture {second.pk}]]\n\n[[gallery {first.pk} {second.pk}]]"
    )
    run("export", tmp_path / "magazine", verbosity=0)
    empty_the_site(settings, tmp_path / "new-site-media")
    run("import", tmp_path / "magazine", verbosity=0)

    article = Article.objects.get(slug="rivers")
    new = {image.caption: image.pk for image in Image.objects.all()}
    assert new["First"] != first.pk
    assert (
        article.body == f"[[picture {new['Second']}]]\n\n[[gallery {new['First']} {new['Second']}]]"
    )
    assert {image.caption for image in article.body_pictures.all()} == {"First", "Second"}


def test_an_import_refuses_a_body_naming_a_picture_it_does_not_carry(settings, tmp_path):
    image = make_image()
    make_article(slug="rivers", body=f"[[picture {image.pk}]]")
    with committed():
        Image.objects.filter(pk=image.pk).delete()
    run("export", tmp_path / "magazine", verbosity=0)
    empty_the_site(settings, tmp_path / "new-site-media")
    with pytest.raises(CommandError, match=f"shows picture {image.pk}, which was not exported"):
        run("import", tmp_path / "magazine", verbosity=0)
    assert not Article.objects.exists()


# --- A picture added for the text ------------------------------------------------------------


def text_picture_post(**overrides):
    data = {
        "picture": SimpleUploadedFile("weir.jpg", jpeg_bytes(), content_type="image/jpeg"),
        "alt_text": "Water churning below the old weir",
        "caption": "Site 3, the old weir.",
        "credit-title": "",
        "credit-creator": "Ada Okafor",
        "credit-license": "cc-by-4.0",
        "credit-changes": "unmodified",
    }
    data.update(overrides)
    return data


def test_a_contributor_adds_a_picture_for_the_text_and_returns_to_the_piece(ada, writer):
    article = make_draft(writer)
    response = ada.post(f"/submit/pictures/new/?piece={article.pk}", text_picture_post())
    image = Image.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/submit/{article.pk}/#your-pictures-heading"
    assert (image.uploaded_by, image.caption) == (writer, "Site 3, the old weir.")
    assert (
        image.credit.line() == "This image (unmodified) by Ada Okafor is licensed under CC BY 4.0"
    )
    html = ada.get(response["Location"]).content.decode()
    assert f"<code>[[picture {image.pk}]]</code>" in html


def test_a_picture_for_the_text_needs_a_credit_and_is_kept_while_it_is_fixed(ada, writer):
    response = ada.post("/submit/pictures/new/", text_picture_post(**{"credit-creator": ""}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Name who made the picture, so that it can be credited." in html
    assert "The picture you chose is kept" in html
    assert not Image.objects.exists()
    key = re.search(r'name="held_picture" value="([^"]+)"', html)[1]
    response = ada.post("/submit/pictures/new/", text_picture_post(picture="", held_picture=key))
    assert response.status_code == 302
    assert Image.objects.get().uploaded_by == writer


def test_a_file_that_is_not_a_picture_is_refused_for_the_text(ada):
    fake = SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = ada.post("/submit/pictures/new/", text_picture_post(picture=fake))
    assert response.status_code == 200
    assert not Image.objects.exists()


def test_the_picture_page_returns_only_to_a_piece_of_the_writers_own(ada, writer):
    someone_elses = make_draft(make_writer("bo"), headline="Bo's secret draft")
    response = ada.get(f"/submit/pictures/new/?piece={someone_elses.pk}")
    assert "Bo&#x27;s secret draft" not in response.content.decode()
    response = ada.post(f"/submit/pictures/new/?piece={someone_elses.pk}", text_picture_post())
    assert response["Location"] == "/submit/new/#your-pictures-heading"


def test_only_contributors_add_pictures_for_the_text(client):
    response = client.get("/submit/pictures/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_a_caption_changed_is_shown_at_once_on_the_piece_whose_text_shows_it(settings):
    settings.MAGAZINE_PAGE_CACHE = True
    image = make_image(caption="The old caption")
    article = make_article(body=f"[[picture {image.pk}]]")
    reader = Client()
    assert "The old caption" in reader.get(article.get_absolute_url()).content.decode()
    image.caption = "The new caption"
    image.save()
    assert "The new caption" in reader.get(article.get_absolute_url()).content.decode()


def test_a_pull_quotes_repeated_words_are_not_counted_again():
    html = render_markdown("One two three.\n\n::: pullquote\nOne two three.\n:::")
    assert count_words(html) == 3
