"""Corrections and updates: printed on the piece, listed at /corrections/, in the feeds and the
JSON-LD, kept in their record, and removed only with a reason."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pyld import jsonld

from articles import derived, footprints
from articles.admin.corrections import NO_REASON, NOT_PUBLIC
from articles.models import Article, Correction

from .factories import committed, make_article, make_correction
from .test_admin_review import form_post
from .test_metadata import Head, expanded

pytestmark = pytest.mark.django_db

SCHEMA = "https://schema.org/"
# Typed into a correction by someone careless or hostile: markup, a script, quotes, ampersands.
HOSTILE = "</p></script><script>alert(\"x\")</script><b>bold</b> & “quoted” 'text'"


def at(year, month, day, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour))


@pytest.fixture
def piece(db):
    """A piece published on 1 March 2025, saved last then too."""
    article = make_article(
        headline="Troops Leave Mali",
        slug="troops-leave-mali",
        body="The first paragraph of the piece.\n\nThe second paragraph.",
        published_at=at(2025, 3, 1),
    )
    Article.objects.filter(pk=article.pk).update(updated_at=at(2025, 3, 1))
    article.refresh_from_db()
    return article


def page_of(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, f"{url}: {parsed.get('bozo_exception')}"
    return response, parsed


def utc(struct):
    return datetime(*struct[:6], tzinfo=UTC)


# On the piece


def test_a_correction_is_printed_after_the_header_and_before_the_text_with_its_date(client, piece):
    make_correction(piece, text="The troops left in 2022, not 2021.", published_at=at(2025, 3, 3))
    html = page_of(client, piece)
    note = html.index("Correction, <time")
    assert html.index("</header>") < note < html.index("The first paragraph")
    assert re.search(
        r'<strong>Correction, <time datetime="2025-03-03T12:00:00[^"]*">3 March 2025</time>:'
        r"</strong> The troops left in 2022, not 2021.",
        html,
    )


def test_an_update_is_printed_after_the_text_with_its_date(client, piece):
    make_correction(piece, kind="update", text="The last base closed.", published_at=at(2025, 3, 5))
    html = page_of(client, piece)
    note = html.index("Update, <time")
    assert html.index("The second paragraph") < note < html.index('class="piece__footer"')
    assert "5 March 2025</time>:</strong> The last base closed." in html


def test_corrections_and_updates_are_regions_named_for_what_they_hold(client, piece):
    make_correction(piece, published_at=at(2025, 3, 2))
    make_correction(piece, published_at=at(2025, 3, 3))
    make_correction(piece, kind="update", published_at=at(2025, 3, 4))
    html = page_of(client, piece)
    assert '<section class="notes notes--correction" aria-label="Corrections">' in html
    assert '<section class="notes notes--update" aria-label="Update">' in html


def test_a_piece_prints_its_corrections_oldest_first_each_at_its_own_anchor(client, piece):
    later = make_correction(piece, text="The second correction.", published_at=at(2025, 3, 4))
    earlier = make_correction(piece, text="The first correction.", published_at=at(2025, 3, 2))
    html = page_of(client, piece)
    assert html.index("The first correction.") < html.index("The second correction.")
    assert f'id="correction-{earlier.pk}"' in html and f'id="correction-{later.pk}"' in html


def test_a_piece_without_corrections_has_no_correction_region_and_no_extra_stylesheet(
    client, piece
):
    html = page_of(client, piece)
    assert "notes--" not in html
    assert "magazine.css" not in html


def test_a_corrections_line_breaks_are_kept_and_its_text_stays_text(client, piece):
    make_correction(piece, text=f"First line.\n{HOSTILE}", published_at=at(2025, 3, 2))
    html = page_of(client, piece)
    assert "First line.<br>" in html
    assert '<script>alert("x")</script>' not in html
    assert "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp;" in html


def test_a_removed_correction_is_no_longer_printed_on_its_piece(client, piece):
    correction = make_correction(piece, text="A correction made in error.")
    with committed():
        Correction.objects.filter(pk=correction.pk).update(
            removed_at=timezone.now(), removal_reason="Added to the wrong piece."
        )
    html = page_of(client, piece)
    assert "A correction made in error." not in html
    # No note of the removal either: a removed correction should never have been printed.
    assert "Added to the wrong piece." not in html


# The JSON-LD


def json_ld_of(client, article):
    [block] = Head(page_of(client, article)).json_ld
    return block


def test_a_corrected_piece_lists_its_corrections_as_correction_comments_to_a_processor(
    client, piece
):
    make_correction(piece, text="The troops left in 2022.", published_at=at(2025, 3, 3))
    make_correction(piece, kind="update", text="The last base closed.", published_at=at(2025, 3, 5))
    node = expanded(json.loads(json_ld_of(client, piece)))
    [comment] = node[SCHEMA + "correction"]
    assert comment["@type"] == [SCHEMA + "CorrectionComment"]
    assert comment[SCHEMA + "text"] == [{"@value": "The troops left in 2022."}]
    [published] = comment[SCHEMA + "datePublished"]
    assert published["@value"].startswith("2025-03-03T12:00:00")


def test_the_latest_correction_or_update_moves_date_modified(client, piece):
    make_correction(piece, published_at=at(2025, 3, 3))
    make_correction(piece, kind="update", published_at=at(2025, 3, 5))
    data = json.loads(json_ld_of(client, piece))
    assert data["dateModified"].startswith("2025-03-05T12:00:00")
    head = Head(page_of(client, piece))
    assert head.one("article:modified_time") == data["dateModified"]


def test_a_removed_correction_leaves_the_json_ld(client, piece):
    correction = make_correction(piece, published_at=at(2025, 3, 3))
    with committed():
        Correction.objects.filter(pk=correction.pk).update(removed_at=timezone.now())
    data = json.loads(json_ld_of(client, piece))
    assert "correction" not in data
    assert data["dateModified"].startswith("2025-03-01")


def test_hostile_correction_text_is_inert_in_the_json_ld_and_reads_back_exactly(client, piece):
    make_correction(piece, text=HOSTILE, published_at=at(2025, 3, 3))
    block = json_ld_of(client, piece)
    assert "<" not in block and ">" not in block
    [comment] = jsonld.expand(json.loads(block), {"documentLoader": _schema_loader})[0][
        SCHEMA + "correction"
    ]
    assert comment[SCHEMA + "text"] == [{"@value": HOSTILE}]


def _schema_loader(url, options=None):
    from .test_metadata import local_schema_org

    return local_schema_org(url, options)


# /corrections/ and its feeds


def test_the_corrections_list_shows_each_newest_first_with_kind_date_text_and_its_piece(
    client, piece
):
    other = make_article(headline="A Chess Club Year", published_at=at(2025, 2, 1))
    make_correction(piece, text="Oldest.", published_at=at(2025, 3, 2))
    newest = make_correction(other, kind="update", text="Newest.", published_at=at(2025, 3, 6))
    make_correction(piece, text="Middle.", published_at=at(2025, 3, 4))
    response = client.get("/corrections/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Newest.") < html.index("Middle.") < html.index("Oldest.")
    assert (
        '<span class="corrections-list__kind">Update</span> <time datetime="2025-03-06T12:00:00'
        in html
    )
    assert ">6 March 2025</time>" in html
    assert f'<a href="/articles/{other.slug}/#update-{newest.pk}">A Chess Club Year</a>' in html


def test_the_corrections_list_leaves_out_removed_ones_and_those_of_pieces_not_public(client):
    shown = make_article(headline="Still Public")
    hidden = make_article(headline="Unpublished Since")
    make_correction(shown, text="Readers see this one.")
    make_correction(hidden, text="Its piece is no longer public.")
    removed = make_correction(shown, text="Removed with a reason.")
    with committed():
        Article.objects.filter(pk=hidden.pk).update(status=Article.Status.DRAFT)
        Correction.objects.filter(pk=removed.pk).update(
            removed_at=timezone.now(), removal_reason="A duplicate."
        )
    html = client.get("/corrections/").content.decode()
    assert "Readers see this one." in html
    assert "Its piece is no longer public." not in html
    assert "Removed with a reason." not in html
    for url in ("/corrections/feed/", "/corrections/feed/atom/"):
        _, parsed = read_feed(client, url)
        assert [entry.summary for entry in parsed.entries] == ["Readers see this one."], url


def test_hostile_correction_text_and_headline_stay_text_on_the_corrections_list(client):
    article = make_article(headline=f"Headline {HOSTILE}")
    make_correction(article, text=HOSTILE)
    html = client.get("/corrections/").content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "<b>bold</b>" not in html
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") == 2


def test_the_corrections_list_says_so_when_there_are_none(client):
    response = client.get("/corrections/")
    assert response.status_code == 200
    assert "No corrections or updates so far." in response.content.decode()


def test_the_corrections_list_is_paginated_thirty_to_a_page(client, piece):
    for day in range(31):
        make_correction(
            piece, text=f"Correction {day}.", published_at=at(2025, 3, 2) + timedelta(hours=day)
        )
    assert "Correction 30." in client.get("/corrections/").content.decode()
    page_2 = client.get("/corrections/?page=2").content.decode()
    assert "Correction 0." in page_2 and "Correction 30." not in page_2


def test_the_corrections_list_costs_the_same_queries_with_3_as_with_60(
    client, django_assert_num_queries
):
    def add(count):
        for _ in range(count):
            make_correction(make_article())

    add(3)
    with CaptureQueriesContext(connection) as with_3:
        assert client.get("/corrections/").status_code == 200
    add(57)
    with django_assert_num_queries(len(with_3)):
        assert client.get("/corrections/").status_code == 200
    # The count for the pagination, and the corrections with their pieces (and the sections
    # of the navigation).
    assert len(with_3) <= 3


@pytest.mark.parametrize("url", ["/corrections/feed/", "/corrections/feed/atom/"])
def test_the_corrections_feed_gives_each_newest_first_linked_to_its_place_on_the_piece(
    client, piece, url
):
    first = make_correction(piece, text="The year was 2022.", published_at=at(2025, 3, 2))
    second = make_correction(
        piece,
        kind="update",
        text="The base closed.\nNo troops remain.",
        published_at=at(2025, 3, 4),
    )
    _, parsed = read_feed(client, url)
    assert parsed.feed.title == "Corrections and updates · The Quad Review"
    assert [entry.title for entry in parsed.entries] == [
        "Update: Troops Leave Mali",
        "Correction: Troops Leave Mali",
    ]
    assert [entry.link for entry in parsed.entries] == [
        f"http://testserver/articles/troops-leave-mali/#update-{second.pk}",
        f"http://testserver/articles/troops-leave-mali/#correction-{first.pk}",
    ]
    assert utc(parsed.entries[0].published_parsed) == at(2025, 3, 4)
    # feedparser writes the line break as XHTML does.
    assert parsed.entries[0].summary == "The base closed.<br />No troops remain."


@pytest.mark.parametrize("url", ["/corrections/feed/", "/corrections/feed/atom/"])
def test_hostile_text_in_the_corrections_feed_is_escaped_once_and_reads_back_as_typed(
    client, piece, url
):
    make_correction(piece, text=HOSTILE)
    response, parsed = read_feed(client, url)
    # The XML is well formed (parsed above and here), and no element came from the text.
    root = ET.fromstring(response.content)
    assert not [element for element in root.iter() if element.tag in ("script", "b")]
    [entry] = parsed.entries
    # An HTML field: the text, escaped once as HTML, reads as typed once decoded.
    assert entry.summary_detail.type == "text/html"
    raw = next(
        element.text
        for element in root.iter()
        if element.tag.rsplit("}", 1)[-1] in ("description", "summary")
        and element.text
        and "alert" in element.text
    )
    assert raw == HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_the_corrections_page_links_its_feeds(client):
    html = client.get("/corrections/").content.decode()
    assert 'type="application/rss+xml" title="Corrections and updates' in html
    assert 'href="/corrections/feed/atom/"' in html
    assert '<a href="/corrections/feed/" type="application/rss+xml">Follow by RSS</a>' in html


# The piece's own feed item is marked updated


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_a_corrected_pieces_item_in_the_main_feeds_is_updated_at_the_latest_correction(
    client, piece, url
):
    make_correction(piece, published_at=at(2025, 3, 3))
    make_correction(piece, kind="update", published_at=at(2025, 3, 5))
    _, parsed = read_feed(client, url)
    [entry] = parsed.entries
    assert utc(entry.updated_parsed) == at(2025, 3, 5)
    assert utc(entry.published_parsed) == at(2025, 3, 1)


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_a_removed_correction_no_longer_moves_the_feed_items_date(client, piece, url):
    correction = make_correction(piece, published_at=at(2025, 3, 3))
    with committed():
        Correction.objects.filter(pk=correction.pk).update(removed_at=timezone.now())
    _, parsed = read_feed(client, url)
    assert utc(parsed.entries[0].updated_parsed) == at(2025, 3, 1)


def test_the_main_feed_costs_the_same_queries_with_or_without_corrections(client, piece):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/feed/").status_code == 200
        return len(captured)

    without = queries()
    make_correction(piece)
    make_correction(make_article())
    assert queries() == without


# The piece's page costs a fixed number of queries


def test_a_corrected_piece_page_costs_one_query_more_however_many_corrections_it_has(
    client, piece, settings
):
    settings.MAGAZINE_FRAGMENT_CACHE = False

    def queries(article):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(captured)

    plain = make_article(section=piece.section)
    without = queries(plain)
    make_correction(piece)
    make_correction(piece, kind="update")
    assert queries(piece) == without + 1
    for _ in range(10):
        make_correction(piece)
    assert queries(piece) == without + 1


def test_a_removed_correction_alone_costs_the_page_no_query(client, piece, settings):
    settings.MAGAZINE_FRAGMENT_CACHE = False
    plain = make_article(section=piece.section)
    correction = make_correction(piece)
    Correction.objects.filter(pk=correction.pk).update(removed_at=timezone.now())
    with CaptureQueriesContext(connection) as without:
        client.get(plain.get_absolute_url())
    with CaptureQueriesContext(connection) as removed:
        client.get(piece.get_absolute_url())
    assert len(removed) == len(without)


# What a change forgets


def test_a_correction_forgets_its_pieces_page_the_corrections_list_and_the_sitemap(piece):
    tags = footprints.pages_to_forget(derived.Changes(corrections={piece.pk}))
    assert tags == {f"a{piece.pk}", "corrections", "sitemap"}


def test_a_correction_on_a_piece_no_longer_public_forgets_nothing(piece):
    Article.objects.filter(pk=piece.pk).update(status=Article.Status.DRAFT)
    assert footprints.pages_to_forget(derived.Changes(corrections={piece.pk})) == set()


def test_saving_or_removing_a_correction_is_noted_for_its_piece(piece):
    correction = make_correction(piece)
    correction.removed_at = timezone.now()
    correction.save()
    assert derived.pending().corrections == {piece.pk}


def test_a_corrected_piece_published_again_returns_to_the_corrections_list(piece):
    make_correction(piece)
    tags = footprints.pages_to_forget(derived.Changes(pieces={piece.pk}))
    assert "corrections" in tags


def test_an_uncorrected_piece_changed_forgets_no_corrections_list(piece):
    tags = footprints.pages_to_forget(derived.Changes(pieces={piece.pk}))
    assert "corrections" not in tags


@pytest.mark.django_db(transaction=True)
def test_adding_a_correction_shows_at_once_on_its_piece_the_list_and_feeds_not_elsewhere(
    client, settings, django_assert_num_queries
):
    settings.MAGAZINE_PAGE_CACHE = True
    article = make_article(headline="Troops Leave Mali", slug="troops-leave-mali")
    other = make_article(headline="Chess Club", slug="chess-club")
    shown = [article.get_absolute_url(), "/corrections/", "/corrections/feed/", "/feed/"]
    for url in [*shown, other.get_absolute_url()]:
        assert client.get(url).status_code == 200
    Correction.objects.create(article=article, text="The year was 2022, not 2021.")
    for url in shown[:-1]:
        assert "The year was 2022" in client.get(url).content.decode(), url
    with django_assert_num_queries(0):
        assert client.get(other.get_absolute_url()).status_code == 200


# The admin


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    client.user = editor
    return client


def correction_form(article, **overrides):
    now = timezone.localtime()
    data = {
        "article": article.pk,
        "kind": "correction",
        "text": "The troops left in 2022.",
        "published_at": f"{now:%d/%m/%Y %H:%M}",
    }
    data.update(overrides)
    return data


def test_an_editor_adds_a_correction_to_a_published_piece_and_is_named_in_it(editor_client, piece):
    response = editor_client.post("/admin/articles/correction/add/", correction_form(piece))
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert correction.article == piece
    assert correction.created_by == editor_client.user
    assert correction.removed_at is None


def test_a_correction_on_a_piece_that_is_not_public_is_refused_with_a_message(editor_client):
    draft = make_article(status=Article.Status.SUBMITTED)
    response = editor_client.post("/admin/articles/correction/add/", correction_form(draft))
    assert response.status_code == 200
    assert NOT_PUBLIC in response.content.decode()
    assert not Correction.objects.exists()


def test_a_correction_dated_ahead_is_refused(editor_client, piece):
    tomorrow = timezone.localtime() + timedelta(days=1)
    data = correction_form(piece, published_at=f"{tomorrow:%d/%m/%Y %H:%M}")
    response = editor_client.post("/admin/articles/correction/add/", data)
    assert response.status_code == 200
    assert "Date it today or earlier" in response.content.decode()
    assert not Correction.objects.exists()


def test_the_piece_in_the_admin_lists_its_corrections_and_offers_to_add_one(editor_client, piece):
    correction = make_correction(piece, text="The year was 2022.", published_at=at(2025, 3, 3))
    html = editor_client.get(f"/admin/articles/article/{piece.pk}/change/").content.decode()
    assert (
        f'href="/admin/articles/correction/{correction.pk}/change/">Correction, 3 March 2025</a>'
        in html
    )
    assert f'href="/admin/articles/correction/add/?article={piece.pk}"' in html
    add = editor_client.get(f"/admin/articles/correction/add/?article={piece.pk}")
    assert add.context["adminform"].form.initial["article"] == str(piece.pk)


def test_a_draft_in_the_admin_offers_no_correction(editor_client):
    draft = make_article(status=Article.Status.SUBMITTED)
    html = editor_client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()
    assert "/admin/articles/correction/add/?article=" not in html
    assert "Added once the piece is published." in html


def test_a_removal_without_a_reason_is_refused_with_a_message(editor_client, piece):
    correction = make_correction(piece)
    url = f"/admin/articles/correction/{correction.pk}/change/"
    data = form_post(editor_client.get(url))
    data.update(remove="on", removal_reason="  ")
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert NO_REASON in response.content.decode()
    correction.refresh_from_db()
    assert correction.removed_at is None


def test_a_removal_with_a_reason_keeps_the_correction_and_the_reason(editor_client, piece):
    correction = make_correction(piece, text="Added to the wrong piece.")
    url = f"/admin/articles/correction/{correction.pk}/change/"
    data = form_post(editor_client.get(url))
    data.update(remove="on", removal_reason="It belonged to another piece.")
    assert editor_client.post(url, data).status_code == 302
    correction.refresh_from_db()
    assert correction.removed_at is not None
    assert correction.removal_reason == "It belonged to another piece."
    assert correction.text == "Added to the wrong piece."
    assert not Correction.objects.public().exists()


def test_a_removed_correction_is_read_only_in_the_admin(editor_client, piece):
    correction = make_correction(piece, text="Kept as it was.")
    Correction.objects.filter(pk=correction.pk).update(
        removed_at=timezone.now(), removal_reason="A duplicate."
    )
    url = f"/admin/articles/correction/{correction.pk}/change/"
    response = editor_client.get(url)
    assert not response.context["adminform"].form.fields
    editor_client.post(url, {"text": "Rewritten after removal."})
    correction.refresh_from_db()
    assert correction.text == "Kept as it was."


def test_editing_a_correction_keeps_its_earlier_wording_in_its_history(editor_client, piece):
    response = editor_client.post(
        "/admin/articles/correction/add/", correction_form(piece, text="The year was 2021.")
    )
    correction = Correction.objects.get()
    url = f"/admin/articles/correction/{correction.pk}/change/"
    data = form_post(editor_client.get(url))
    data["text"] = "The year was 2022."
    response = editor_client.post(url, data)
    assert response.status_code == 302
    wordings = [revision.text for revision in correction.history.order_by("history_date")]
    assert wordings == ["The year was 2021.", "The year was 2022."]
    history = editor_client.get(f"{url.removesuffix('change/')}history/").content.decode()
    assert "The year was 2021." in history and "The year was 2022." in history


def test_an_earlier_wording_can_be_read_but_not_brought_back(editor_client, piece):
    correction = make_correction(piece, text="The first wording.")
    correction.text = "The second wording."
    correction.save()
    first = correction.history.order_by("history_date").first()
    url = f"/admin/articles/correction/{correction.pk}/history/{first.history_id}/"
    assert "The first wording." in editor_client.get(url).content.decode()
    assert editor_client.post(url, {"text": "The first wording."}).status_code == 403
    correction.refresh_from_db()
    assert correction.text == "The second wording."


def test_the_admin_offers_no_way_to_delete_a_correction(editor_client, piece):
    correction = make_correction(piece)
    change = editor_client.get(f"/admin/articles/correction/{correction.pk}/change/")
    assert "deletelink" not in change.content.decode()
    delete = editor_client.post(
        f"/admin/articles/correction/{correction.pk}/delete/", {"post": "yes"}
    )
    assert delete.status_code == 403
    listing = editor_client.get("/admin/articles/correction/").content.decode()
    assert "delete_selected" not in listing
    assert Correction.objects.filter(pk=correction.pk).exists()


def test_hostile_correction_text_is_inert_in_the_admin(editor_client, piece):
    correction = make_correction(piece, text=HOSTILE)
    for url in (
        "/admin/articles/correction/",
        f"/admin/articles/correction/{correction.pk}/history/",
        f"/admin/articles/article/{piece.pk}/change/",
    ):
        html = editor_client.get(url).content.decode()
        assert '<script>alert("x")</script>' not in html, url
        assert "<b>bold</b>" not in html, url
