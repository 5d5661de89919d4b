"""Print issues: what readers see and when, their pages, feeds, JSON-LD and sitemap entries, what
the page cache forgets when one changes or its date comes, and the editors' side of them."""

import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, time, timedelta
from pathlib import Path

import feedparser
import pikepdf
import pytest
import xmlschema
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format
from pyld import jsonld

from articles import derived, footprints, pagetags
from articles.models import Article, Issue

from .factories import (
    committed,
    make_article,
    make_draft,
    make_image,
    make_issue,
    make_section,
    make_series,
    make_writer,
)

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
MAGAZINE = "The Quad Review"
SCHEMA = "https://schema.org/"
SCHEMAS = Path(__file__).parent / "data" / "schemas"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"


@pytest.fixture(autouse=True)
def magazine_name(settings):
    settings.MAGAZINE_NAME = MAGAZINE


@pytest.fixture
def world(db):
    return make_section(name="World", slug="world", position=2)


@pytest.fixture
def culture(db):
    return make_section(name="Culture", slug="culture", position=1)


@pytest.fixture
def spring(db):
    """Vol. 12, No. 3, "Spring 2026", out a week ago, with a credited cover and an introduction."""
    return make_issue(
        volume=12,
        number=3,
        title="Spring 2026",
        slug="vol-12-no-3",
        cover=make_image(
            alt_text="A rowing eight at dawn on the river",
            credit={"title": "Dawn eight", "creator": "Sam Lee", "license": "cc-by-4.0"},
        ),
        introduction="Our *spring* issue: rowing, elections and a long walk.",
    )


def in_issue(issue, **fields):
    """A published piece placed in the issue."""
    return make_article(issue=issue, **fields)


def pdf_bytes():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def tomorrow():
    return timezone.localdate() + timedelta(days=1)


def shift_clock(monkeypatch, until):
    """Make it `until` for Django's dates and for the page cache, as if the time had passed."""
    from articles import pagecache

    offset = until - timezone.now()
    real_now, real_time = timezone.now, pagecache.time.time
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)
    clock = type("ShiftedClock", (), {})()
    clock.time = lambda: real_time() + offset.total_seconds()
    clock.monotonic = pagecache.time.monotonic
    monkeypatch.setattr(pagecache, "time", clock)


def start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def local_schema_org(url, options=None):
    """Serve schema.org's context from here: tests make no request to the network."""
    if url.rstrip("/") not in {"https://schema.org", "http://schema.org"}:
        raise ValueError(f"No network in tests: {url}")
    return {"contextUrl": None, "documentUrl": url, "document": {"@context": {"@vocab": SCHEMA}}}


def json_ld_of(html):
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    [node] = jsonld.expand(json.loads(block), {"documentLoader": local_schema_org})
    return node


def values(node, term):
    return [item.get("@value", item.get("@id")) for item in node.get(SCHEMA + term, [])]


def one(node, term):
    [item] = node[SCHEMA + term]
    return item


def page_tags(response):
    return set(response["Cache-Tag"].split())


# What readers see, and when.


def test_a_public_issue_shows_its_cover_and_credit_title_number_and_date(client, spring):
    html = client.get("/issues/vol-12-no-3/").content.decode()
    assert "<h1" in html and "Spring 2026</h1>" in html
    assert "Vol. 12, No. 3" in html
    day = date_format(spring.date, "j F Y")
    assert f'<time datetime="{spring.date:%Y-%m-%d}">{day}</time>' in html
    assert 'alt="A rowing eight at dawn on the river"' in html
    assert "Image Credit:" in html and "Sam Lee" in html


def test_the_introduction_is_markdown_rendered_and_sanitised(client, spring):
    spring.introduction = (
        "Our *spring* issue.\n\n<script>alert(1)</script> [x](javascript:alert(1))"
    )
    with committed():
        spring.save()
    html = client.get("/issues/vol-12-no-3/").content.decode()
    assert "<em>spring</em>" in html
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html


def test_an_unpublished_issue_is_not_found_not_listed_and_not_in_the_sitemap(client):
    make_issue(title="Not Ready", slug="not-ready", published=False)
    assert client.get("/issues/not-ready/").status_code == 404
    assert client.get("/issues/not-ready/feed/").status_code == 404
    assert "Not Ready" not in client.get("/issues/").content.decode()
    assert "/issues/not-ready/" not in client.get("/sitemap.xml").content.decode()


def test_an_issue_dated_ahead_is_not_found_not_listed_and_not_in_the_sitemap(client):
    make_issue(title="Summer 2026", slug="summer", date=tomorrow())
    assert client.get("/issues/summer/").status_code == 404
    assert client.get("/issues/summer/feed/").status_code == 404
    assert "Summer 2026" not in client.get("/issues/").content.decode()
    assert "/issues/summer/" not in client.get("/sitemap.xml").content.decode()


def test_an_issue_dated_ahead_becomes_public_as_its_date_begins(client, monkeypatch):
    make_issue(title="Summer 2026", slug="summer", date=tomorrow())
    shift_clock(monkeypatch, start_of(tomorrow()) + timedelta(minutes=1))
    assert client.get("/issues/summer/").status_code == 200
    assert "Summer 2026" in client.get("/issues/").content.decode()
    assert "/issues/summer/" in client.get("/sitemap.xml").content.decode()


def test_a_piece_not_public_is_neither_listed_in_a_public_issue_nor_in_its_feed(
    client, spring, world
):
    in_issue(spring, headline="Out Already", section=world)
    in_issue(spring, headline="Still A Draft", section=world, status=Article.Status.DRAFT)
    in_issue(
        spring,
        headline="Out Tomorrow",
        section=world,
        status=Article.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
    )
    page = client.get("/issues/vol-12-no-3/").content.decode()
    feed = client.get("/issues/vol-12-no-3/feed/").content.decode()
    for text in (page, feed):
        assert "Out Already" in text
        assert "Still A Draft" not in text and "Out Tomorrow" not in text


def test_the_contents_run_by_section_order_then_by_order_in_the_issue(
    client, spring, world, culture
):
    in_issue(spring, headline="World Second", section=world, issue_position=2)
    in_issue(spring, headline="World First", section=world, issue_position=1)
    in_issue(spring, headline="Culture Only", section=culture, issue_position=9)
    html = client.get("/issues/vol-12-no-3/").content.decode()
    order = [html.index(text) for text in ("Culture</h2>", "Culture Only", "World</h2>")]
    order += [html.index("World First"), html.index("World Second")]
    assert order == sorted(order)


def test_the_contents_headlines_sit_below_their_sections_heading(client, spring, world):
    in_issue(spring, headline="Under World", section=world)
    html = client.get("/issues/vol-12-no-3/").content.decode()
    assert re.search(r'<h3 class="card__headline"><a href="[^"]+">Under World</a></h3>', html)


def test_the_index_lists_public_issues_newest_first(client):
    for number, days_ago in ((1, 60), (3, 5), (2, 30)):
        make_issue(
            number=number,
            title=f"Issue {number}",
            date=timezone.localdate() - timedelta(days=days_ago),
        )
    html = client.get("/issues/").content.decode()
    positions = [html.index(f"Issue {number}</a>") for number in (3, 2, 1)]
    assert positions == sorted(positions)


def test_the_index_is_paginated(client):
    for number in range(1, 14):
        make_issue(number=number, title=f"Issue {number}")
    assert "Page 1 of 2" in client.get("/issues/").content.decode()
    assert client.get("/issues/?page=2").status_code == 200


def test_a_no_derivatives_cover_is_shown_whole_and_never_cropped(client):
    cover = make_image(credit={"license": "cc-by-nd-4.0", "creator": "Nadia Okoro"})
    make_issue(slug="whole", cover=cover)
    for url in ("/issues/", "/issues/whole/"):
        html = client.get(url).content.decode()
        img = re.search(r"<img[^>]*>", html.split("<main", 1)[1]).group(0)
        assert "picture--whole" in img, url


def test_an_issue_with_a_print_edition_offers_it_with_its_format_and_size(client, spring):
    spring.pdf = ContentFile(pdf_bytes(), name="edition.pdf")
    spring.pdf_size = int(4.2 * 1024 * 1024)
    with committed():
        spring.save()
    html = client.get("/issues/vol-12-no-3/").content.decode().replace("\xa0", " ")
    assert re.search(
        r'<a class="button" href="/issues/vol-12-no-3/pdf/"[^>]*>Download the print edition '
        r'<span class="issue-header__size">\(PDF, 4\.2 MB\)</span></a>',
        html,
    )


def test_an_issue_without_a_print_edition_offers_none(client, spring):
    assert "Download the print edition" not in client.get("/issues/vol-12-no-3/").content.decode()
    assert client.get("/issues/vol-12-no-3/pdf/").status_code == 404


# A piece's place in its issue.


def test_a_piece_in_a_public_issue_says_where_it_is_from(client, spring):
    piece = in_issue(spring)
    html = client.get(piece.get_absolute_url()).content.decode()
    assert 'From <a href="/issues/vol-12-no-3/">Vol. 12, No. 3 · Spring 2026</a>' in html


def test_a_piece_in_an_issue_not_yet_public_does_not_name_it(client):
    summer = make_issue(title="Summer 2026", slug="summer", date=tomorrow())
    piece = in_issue(summer)
    html = client.get(piece.get_absolute_url()).content.decode()
    assert "Summer 2026" not in html and "/issues/summer/" not in html


def test_a_piece_page_notes_its_issue_whether_public_or_not(client, spring):
    summer = make_issue(slug="summer", date=tomorrow())
    for issue in (spring, summer):
        piece = in_issue(issue)
        assert f"e{issue.pk}" in page_tags(client.get(piece.get_absolute_url()))


def test_an_issue_page_notes_the_issue_its_contents_its_cover_and_its_pieces(client, spring):
    piece = in_issue(spring)
    tags = page_tags(client.get("/issues/vol-12-no-3/"))
    assert {f"e{spring.pk}", f"list-e{spring.pk}", f"i{spring.cover_id}", f"a{piece.pk}"} <= tags


def test_the_index_notes_the_list_of_issues_and_each_issue_shown(client, spring):
    tags = page_tags(client.get("/issues/"))
    assert {"issues", f"e{spring.pk}", f"i{spring.cover_id}"} <= tags


def test_a_reader_reaches_the_issues_from_every_pages_footer(client):
    assert '<a href="/issues/">Print issues</a>' in client.get("/").content.decode()


# JSON-LD


def test_the_issue_page_is_a_publication_issue_to_a_json_ld_processor(client, spring):
    node = json_ld_of(client.get("/issues/vol-12-no-3/").content.decode())
    assert node["@type"] == [SCHEMA + "PublicationIssue"]
    assert values(node, "name") == ["Spring 2026"]
    assert values(node, "issueNumber") == [3]
    assert values(node, "datePublished") == [spring.date.isoformat()]
    assert values(node, "url") == [f"{SITE}/issues/vol-12-no-3/"]
    image = one(node, "image")
    assert image["@type"] == [SCHEMA + "ImageObject"]
    assert values(image, "creditText") == [spring.cover.credit.line()]
    volume = one(node, "isPartOf")
    assert volume["@type"] == [SCHEMA + "PublicationVolume"]
    assert values(volume, "volumeNumber") == [12]
    periodical = one(volume, "isPartOf")
    assert periodical["@type"] == [SCHEMA + "Periodical"]
    assert values(periodical, "name") == [MAGAZINE]


def test_a_piece_in_a_public_issue_and_a_series_is_part_of_both(client, spring):
    series = make_series(title="Rivers of the North", slug="rivers")
    piece = in_issue(spring, series=series, series_position=1)
    node = json_ld_of(client.get(piece.get_absolute_url()).content.decode())
    parts = {part["@type"][0]: part for part in node[SCHEMA + "isPartOf"]}
    issue = parts[SCHEMA + "PublicationIssue"]
    assert values(issue, "url") == [f"{SITE}/issues/vol-12-no-3/"]
    assert values(issue, "issueNumber") == [3]
    assert values(one(issue, "isPartOf"), "volumeNumber") == [12]
    series_node = parts[SCHEMA + "CreativeWorkSeries"]
    assert values(series_node, "name") == ["Rivers of the North"]
    assert values(series_node, "url") == [f"{SITE}/series/rivers/"]


def test_a_piece_in_an_issue_not_yet_public_is_part_of_no_issue(client):
    piece = in_issue(make_issue(slug="summer", date=tomorrow()))
    node = json_ld_of(client.get(piece.get_absolute_url()).content.decode())
    assert SCHEMA + "isPartOf" not in node


def test_markup_in_an_issue_title_stays_text_in_the_page_and_its_json_ld(client):
    make_issue(slug="odd", title="</script><script>alert(1)</script> & co")
    html = client.get("/issues/odd/").content.decode()
    assert "<script>alert(1)" not in html
    assert values(json_ld_of(html), "name") == ["</script><script>alert(1)</script> & co"]


# The issue's feed and the sitemap


def test_the_issue_feed_lists_its_pieces_in_the_order_of_its_contents(
    client, spring, world, culture
):
    in_issue(spring, headline="World Piece", section=world)
    in_issue(spring, headline="Culture Piece", section=culture)
    feed = feedparser.parse(client.get("/issues/vol-12-no-3/feed/").content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == f"Spring 2026 (Vol. 12, No. 3) · {MAGAZINE}"
    assert feed.feed.link == f"{SITE}/issues/vol-12-no-3/"
    assert [entry.title for entry in feed.entries] == ["Culture Piece", "World Piece"]


def test_the_issue_has_an_atom_feed_too(client, spring):
    in_issue(spring, headline="In Atom")
    response = client.get("/issues/vol-12-no-3/feed/atom/")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["In Atom"]


def test_the_issue_page_names_its_feeds(client, spring):
    html = client.get("/issues/vol-12-no-3/").content.decode()
    assert 'type="application/rss+xml"' in html and 'href="/issues/vol-12-no-3/feed/"' in html
    assert 'href="/issues/vol-12-no-3/feed/atom/"' in html


def test_public_issues_are_in_the_sitemap_with_their_last_change_and_cover(client, spring):
    make_issue(slug="hidden", published=False)
    response = client.get("/sitemap.xml")
    schema = xmlschema.XMLSchema(
        str(SCHEMAS / "sitemap.xsd"), locations=[(IMAGE_NS, str(SCHEMAS / "sitemap-image.xsd"))]
    )
    schema.validate(response.content.decode())
    urls = {
        url.findtext(f"{{{SITEMAP_NS}}}loc"): url
        for url in ET.fromstring(response.content).iter(f"{{{SITEMAP_NS}}}url")
    }
    entry = urls[f"{SITE}/issues/vol-12-no-3/"]
    lastmod = entry.findtext(f"{{{SITEMAP_NS}}}lastmod")
    assert datetime.fromisoformat(lastmod) == spring.updated_at
    assert entry.find(f"{{{IMAGE_NS}}}image") is not None
    assert f"{SITE}/issues/" in urls
    assert f"{SITE}/issues/hidden/" not in urls


def test_an_issue_saved_before_its_date_was_last_changed_as_its_date_began(client, monkeypatch):
    day = tomorrow()
    make_issue(slug="summer", date=day)
    shift_clock(monkeypatch, start_of(day) + timedelta(hours=3))
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    [lastmod] = [
        url.findtext(f"{{{SITEMAP_NS}}}lastmod")
        for url in sitemap.iter(f"{{{SITEMAP_NS}}}url")
        if url.findtext(f"{{{SITEMAP_NS}}}loc") == f"{SITE}/issues/summer/"
    ]
    assert datetime.fromisoformat(lastmod) == start_of(day)


# What a page costs


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_the_index_costs_the_same_queries_with_3_issues_as_with_60(client, settings):
    settings.MAGAZINE_FRAGMENT_CACHE = False
    for number in range(3):
        make_issue(number=number + 1, cover=make_image())
    with_3 = count_queries(client, "/issues/")
    for number in range(3, 60):
        make_issue(number=number + 1, cover=make_image())
    assert count_queries(client, "/issues/") == with_3


def test_an_issue_page_costs_the_same_queries_with_3_pieces_as_with_60(client, spring, settings):
    settings.MAGAZINE_FRAGMENT_CACHE = False
    sections = [make_section() for _ in range(3)]
    for n in range(3):
        in_issue(spring, section=sections[n % 3], tags=["Rowing"], hero_image=make_image())
    with_3 = count_queries(client, "/issues/vol-12-no-3/")
    for n in range(57):
        in_issue(spring, section=sections[n % 3], tags=[f"Tag {n}"], hero_image=make_image())
    assert count_queries(client, "/issues/vol-12-no-3/") == with_3


# What a change forgets (articles/derived.py, footprints.py)


def forgotten_by(change):
    """The page-cache tags a committed change forgets."""
    forgotten = set()
    original = pagetags.forget

    def remember(tags):
        forgotten.update(tags)
        original(tags)

    pagetags.forget = remember
    try:
        with committed():
            change()
    finally:
        pagetags.forget = original
    return forgotten


def test_editing_a_public_issue_forgets_its_pages_the_index_and_the_sitemap(spring):
    def rename():
        spring.title = "Spring 2026, revised"
        spring.save()

    expected = {f"e{spring.pk}", f"list-e{spring.pk}", "issues", "sitemap"}
    assert expected <= forgotten_by(rename)


def test_saving_an_unpublished_issue_forgets_nothing():
    draft = make_issue(published=False)

    def rename():
        draft.title = "Still working on it"
        draft.save()

    assert forgotten_by(rename) == set()


def test_saving_an_issue_dated_ahead_forgets_nothing():
    summer = make_issue(date=tomorrow())

    def rename():
        summer.title = "Summer, renamed"
        summer.save()

    assert forgotten_by(rename) == set()


def test_unpublishing_a_public_issue_forgets_its_pages(spring):
    def unpublish():
        spring.published = False
        spring.save()

    assert {f"e{spring.pk}", "issues"} <= forgotten_by(unpublish)


def test_publishing_an_issue_forgets_its_pages_and_the_index():
    draft = make_issue(published=False)

    def publish():
        draft.published = True
        draft.save()

    assert {f"e{draft.pk}", f"list-e{draft.pk}", "issues", "sitemap"} <= forgotten_by(publish)


def test_deleting_a_public_issue_forgets_its_pages(spring):
    pk = spring.pk
    assert {f"e{pk}", "issues", "sitemap"} <= forgotten_by(spring.delete)


def test_moving_a_piece_into_an_issue_forgets_the_issues_contents(spring):
    piece = make_article()

    def move():
        piece.issue = spring
        piece.save()

    assert f"list-e{spring.pk}" in forgotten_by(move)


def test_moving_a_piece_out_of_an_issue_forgets_the_issues_contents(spring):
    # Read afresh, as the admin reads it: with the listings it was worked out to be in.
    piece = Article.objects.get(pk=in_issue(spring).pk)

    def move():
        piece.issue = None
        piece.save()

    assert f"list-e{spring.pk}" in forgotten_by(move)


def test_reordering_a_piece_within_an_issue_forgets_the_issues_contents(spring):
    piece = in_issue(spring, issue_position=1)

    def reorder():
        piece.issue_position = 5
        piece.save()

    assert f"list-e{spring.pk}" in forgotten_by(reorder)


def test_a_draft_placed_in_an_issue_forgets_nothing(spring):
    draft = make_draft(make_writer())

    def place():
        draft.issue = spring
        draft.save()

    assert forgotten_by(place) == set()


def test_a_new_cover_credit_forgets_the_pages_showing_the_cover(spring):
    credit = spring.cover.credit

    def recredit():
        credit.creator = "Samira Lee"
        credit.save()

    assert f"i{spring.cover_id}" in forgotten_by(recredit)


def test_replacing_the_print_edition_deletes_the_old_file_once_committed(spring):
    spring.pdf = ContentFile(pdf_bytes(), name="first.pdf")
    with committed():
        spring.save()
    first = Path(spring.pdf.path)
    spring.pdf = ContentFile(pdf_bytes(), name="second.pdf")
    with committed():
        spring.save()
    assert not first.exists()
    assert Path(spring.pdf.path).exists()


def test_deleting_an_issue_deletes_its_print_edition_once_committed(spring):
    spring.pdf = ContentFile(pdf_bytes(), name="edition.pdf")
    with committed():
        spring.save()
    stored = Path(spring.pdf.path)
    with committed():
        spring.delete()
    assert not stored.exists()


def test_a_change_left_undone_by_a_dead_process_is_done_at_the_next_start(spring):
    # Noted and committed, then the process "dies" before the work after the commit.
    spring.title = "Renamed before a crash"
    spring.save()
    derived.discard_pending()
    forgotten = set()
    original = pagetags.forget
    pagetags.forget = forgotten.update
    try:
        derived.catch_up()
    finally:
        pagetags.forget = original
    assert f"e{spring.pk}" in forgotten


# When an issue's date comes


def test_the_next_scheduled_moment_is_the_start_of_the_next_issues_date():
    make_issue(date=tomorrow() + timedelta(days=2))
    make_issue(date=tomorrow())
    make_issue(date=tomorrow() - timedelta(days=3))
    make_issue(date=timezone.localdate(), published=False)
    assert pagetags.next_scheduled_time() == start_of(tomorrow()).timestamp()


def test_publishing_an_issue_dated_ahead_moves_the_next_moment_the_page_cache_looks(client):
    assert pagetags.read_clock().due == float("inf")
    make_issue(date=tomorrow())
    assert pagetags.read_clock().due == start_of(tomorrow()).timestamp()


def test_an_unpublished_issue_dated_ahead_schedules_nothing():
    make_issue(date=tomorrow(), published=False)
    assert pagetags.next_issue_start() is None


def test_the_issues_whose_date_began_between_two_moments_are_forgotten(spring):
    summer = make_issue(date=tomorrow())
    midnight = start_of(tomorrow())
    before = footprints.went_live(midnight - timedelta(hours=2), midnight - timedelta(hours=1))
    after = footprints.went_live(midnight - timedelta(hours=1), midnight + timedelta(minutes=1))
    assert f"e{summer.pk}" not in before
    assert {f"e{summer.pk}", f"list-e{summer.pk}", "issues", "sitemap"} <= after
    assert f"e{spring.pk}" not in after


def test_the_page_cache_forgets_the_index_and_the_pieces_pages_as_an_issue_date_begins(
    client, settings, monkeypatch, django_assert_num_queries
):
    settings.MAGAZINE_PAGE_CACHE = True
    summer = make_issue(title="Summer 2026", slug="summer", date=tomorrow())
    piece = in_issue(summer, headline="In the Summer Issue")
    unrelated = make_article(headline="Elsewhere")
    for url in ("/issues/", piece.get_absolute_url(), unrelated.get_absolute_url()):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert "Summer 2026" not in client.get("/issues/").content.decode()

    shift_clock(monkeypatch, start_of(tomorrow()) + timedelta(minutes=1))
    assert "Summer 2026" in client.get("/issues/").content.decode()
    assert "From <a" in client.get(piece.get_absolute_url()).content.decode()
    assert client.get("/issues/summer/").status_code == 200
    with django_assert_num_queries(0):
        client.get(unrelated.get_absolute_url())


# The editors' side


def test_the_issue_list_in_the_admin_shows_each_issues_cover_and_edition(editor_client, spring):
    spring.pdf = ContentFile(pdf_bytes(), name="edition.pdf")
    spring.pdf_size = 2048
    with committed():
        spring.save()
    html = editor_client.get("/admin/articles/issue/").content.decode()
    assert "Spring 2026" in html and "Vol. 12, No. 3" in html
    assert 'class="picture-thumbnail"' in html
    assert '<a href="/issues/vol-12-no-3/pdf/">PDF, 2.0\xa0KB</a>' in html


def test_the_issue_page_in_the_admin_lists_its_contents_in_order(
    editor_client, spring, world, culture
):
    in_issue(spring, headline="World Second", section=world, issue_position=2)
    in_issue(spring, headline="World First", section=world, issue_position=1)
    in_issue(spring, headline="Culture Only", section=culture)
    html = editor_client.get(f"/admin/articles/issue/{spring.pk}/change/").content.decode()
    positions = [html.index(text) for text in ("Culture Only", "World First", "World Second")]
    assert positions == sorted(positions)
    assert 'name="contents-0-issue_position"' in html


def test_the_admin_never_lists_a_contributors_private_draft_in_an_issue(editor_client, spring):
    make_draft(
        make_writer(), headline="Ada's Private Draft", issue=spring, with_contributors_only=True
    )
    html = editor_client.get(f"/admin/articles/issue/{spring.pk}/change/").content.decode()
    assert "Ada's Private Draft" not in html and "Ada&#x27;s Private Draft" not in html


def test_an_editor_reorders_an_issues_contents_from_the_issue(editor_client, spring, world):
    piece = in_issue(spring, section=world, issue_position=1)
    form = {
        "volume": "12",
        "number": "3",
        "title": "Spring 2026",
        "slug": "vol-12-no-3",
        "date": spring.date.strftime("%d/%m/%Y"),
        "published": "on",
        "cover": str(spring.cover_id),
        "introduction": spring.introduction,
        "contents-TOTAL_FORMS": "1",
        "contents-INITIAL_FORMS": "1",
        "contents-MIN_NUM_FORMS": "0",
        "contents-MAX_NUM_FORMS": "1000",
        "contents-0-id": str(piece.pk),
        "contents-0-issue": str(spring.pk),
        "contents-0-issue_position": "7",
    }
    response = editor_client.post(f"/admin/articles/issue/{spring.pk}/change/", form)
    assert response.status_code == 302
    piece.refresh_from_db()
    assert piece.issue_position == 7


def test_the_pieces_form_places_it_in_an_issue_found_by_typing(editor_client, spring):
    piece = make_article()
    html = editor_client.get(f"/admin/articles/article/{piece.pk}/change/").content.decode()
    assert 'name="issue"' in html and 'name="issue_position"' in html
    assert "admin-autocomplete" in html
    found = editor_client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": "issue", "term": "Spri"},
    ).json()
    assert [result["id"] for result in found["results"]] == [str(spring.pk)]


def test_an_editor_may_download_the_edition_of_an_issue_not_yet_public(editor_client):
    summer = make_issue(slug="summer", date=tomorrow(), pdf=ContentFile(pdf_bytes(), "e.pdf"))
    assert Client().get("/issues/summer/pdf/").status_code == 404
    assert editor_client.get("/issues/summer/pdf/").status_code == 200
    assert summer.pdf.name.startswith("editions/")


def test_an_edition_is_never_served_from_its_media_address(client, spring):
    spring.pdf = ContentFile(pdf_bytes(), name="edition.pdf")
    with committed():
        spring.save()
    assert client.get(f"/media/{spring.pdf.name}").status_code == 404
    assert client.get(f"/media/images/../{spring.pdf.name}").status_code == 404
    assert client.get("/issues/vol-12-no-3/pdf/").status_code == 200


def test_the_contributor_sees_the_issue_and_series_of_their_piece_but_cannot_change_them(
    client, spring
):
    ada = make_writer("ada")
    series = make_series(title="Rivers of the North")
    piece = make_draft(ada, issue=spring, series=series)
    client.force_login(ada)
    html = client.get(f"/submit/{piece.pk}/").content.decode()
    assert (
        'In the print issue <a href="/issues/vol-12-no-3/">Vol. 12, No. 3 · Spring 2026</a>.'
        in html
    )
    assert "Part of the series “Rivers of the North”." in html
    assert 'name="issue"' not in html and 'name="series"' not in html
    client.post(f"/submit/{piece.pk}/", {"issue": "", "series": "", "headline": "Kept"})
    piece.refresh_from_db()
    assert piece.issue == spring and piece.series == series


def test_the_editors_group_may_manage_issues():
    from django.contrib.auth.models import Group

    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"add_issue", "change_issue", "delete_issue", "view_issue"} <= codenames


def test_an_issue_dated_ahead_is_counted_public_only_from_its_date(monkeypatch):
    summer = make_issue(date=tomorrow())
    assert not Issue.objects.public().filter(pk=summer.pk).exists()
    shift_clock(monkeypatch, start_of(tomorrow()))
    assert Issue.objects.public().filter(pk=summer.pk).exists()


def test_credits_list_the_cover_of_a_public_issue_and_not_of_one_readers_cannot_see(client):
    shown = make_issue(title="Spring 2026", cover=make_image(alt_text="A public cover"))
    hidden = make_issue(title="Summer 2026", published=False, cover=make_image(alt_text="Not yet"))

    page = client.get("/credits/").content.decode()

    assert f'On the cover of\n              <a href="{shown.get_absolute_url()}">' in page
    assert "A public cover" in page
    assert "Not yet" not in page and hidden.get_absolute_url() not in page


def test_publishing_an_issue_forgets_the_credits_page_that_will_list_its_cover():
    issue = make_issue(published=False, cover=make_image())
    assert "credits" not in footprints.issues_tags({issue.pk: False})
    issue.published = True
    issue.save()
    assert "credits" in footprints.issues_tags({issue.pk: False})
