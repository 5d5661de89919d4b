import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import xmlschema
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.feeds import feed_picture
from articles.models import Article, Correction, Image

from .factories import (
    REFERENCE_HEADLINE,
    committed,
    make_article,
    make_contributor,
    make_correction,
    make_image,
    make_reference_image,
    make_section,
)

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
SCHEMAS = Path(__file__).parent / "data" / "schemas"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
NS = {"s": SITEMAP_NS, "image": IMAGE_NS}


@pytest.fixture(scope="module")
def sitemap_schema():
    """The sitemaps.org schema, with one for the image entries it checks strictly."""
    return xmlschema.XMLSchema(
        str(SCHEMAS / "sitemap.xsd"), locations=[(IMAGE_NS, str(SCHEMAS / "sitemap-image.xsd"))]
    )


@pytest.fixture
def reference(db):
    world = make_section(name="World", slug="world")
    pipa = make_contributor(name="Pipa Powers", slug="pipa-powers")
    return make_article(
        headline=REFERENCE_HEADLINE,
        slug="after-9-years-of-military-presence-french-troops-exit-mali",
        section=world,
        bylines=[(pipa, "Contributor")],
        tags=["France", "Mali", "Sahel", "Wagner Group", "West Africa"],
        hero_image=make_reference_image(),
    )


@pytest.fixture
def hidden(reference):
    """A draft and a piece scheduled for tomorrow, each with a tag and a writer of its own."""
    return [
        make_article(
            status=Article.Status.DRAFT,
            tags=["Draft Only"],
            bylines=[(make_contributor(slug="drafting-writer"), "")],
            hero_image=make_image(),
        ),
        make_article(
            status=Article.Status.SCHEDULED,
            published_at=timezone.now() + timedelta(days=1),
            tags=["Future Only"],
            bylines=[(make_contributor(slug="future-writer"), "")],
        ),
    ]


def read_sitemap(client):
    """The sitemap as {address: (lastmod, [picture addresses])}."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    urls = {}
    for url in ET.fromstring(response.content).iterfind("s:url", NS):
        lastmod = url.findtext("s:lastmod", namespaces=NS)
        pictures = [loc.text for loc in url.iterfind("image:image/image:loc", NS)]
        urls[url.findtext("s:loc", namespaces=NS)] = (lastmod, pictures)
    return urls


def test_the_sitemap_is_valid_against_the_sitemaps_org_schema(client, sitemap_schema, hidden):
    make_article(hero_image=None)
    xml = client.get("/sitemap.xml").content.decode()
    assert f'xmlns:image="{IMAGE_NS}"' in xml
    sitemap_schema.validate(xml)
    # The image entries are checked, not waved through: one without its address fails.
    broken = xml.replace("<image:loc>", "<image:caption>A picture</image:caption><image:loc>", 1)
    assert not sitemap_schema.is_valid(broken)


def test_the_sitemap_lists_public_pieces_with_lastmod_and_picture(client, reference, hidden):
    plain = make_article(section=reference.section)
    urls = read_sitemap(client)
    rendition = reference.hero_image.renditions.filter(
        kind="width", format="jpeg", width__lte=960
    ).latest("width")
    lastmod, pictures = urls[SITE + reference.get_absolute_url()]
    assert datetime.fromisoformat(lastmod) == reference.updated_at
    assert pictures == [SITE + rendition.file.url]
    assert urls[SITE + plain.get_absolute_url()] == (plain.updated_at.isoformat(), [])
    for piece in hidden:
        assert SITE + piece.get_absolute_url() not in urls


def test_a_piece_lists_its_hero_then_each_picture_its_text_shows_once(client, reference):
    inline, gallery = make_image(), make_image()
    hero = reference.hero_image
    piece = make_article(
        hero_image=hero,
        body=f"[[picture {inline.pk}]]\n\n[[gallery {gallery.pk} {hero.pk} {inline.pk}]]",
    )
    _, pictures = read_sitemap(client)[SITE + piece.get_absolute_url()]
    # As stored, their renditions made.
    stored = [Image.objects.get(pk=image.pk) for image in (hero, inline, gallery)]
    expected = [feed_picture(image).file.url for image in stored]
    assert all("/renditions/" in url for url in expected)
    assert pictures == [SITE + url for url in expected]


def test_a_piece_is_dated_by_its_latest_correction_or_update_since_its_last_edit(client, db):
    piece = make_article()
    make_article(section=piece.section)
    address = SITE + piece.get_absolute_url()
    later = piece.updated_at + timedelta(days=3)
    make_correction(piece, published_at=piece.updated_at + timedelta(days=1))
    update = make_correction(piece, kind="update", published_at=later)
    assert datetime.fromisoformat(read_sitemap(client)[address][0]) == later

    # A removed update no longer dates it; nor does a correction older than the last edit.
    with committed():
        Correction.objects.filter(pk=update.pk).update(removed_at=timezone.now())
    assert datetime.fromisoformat(read_sitemap(client)[address][0]) == piece.updated_at + timedelta(
        days=1
    )
    with committed():
        Correction.objects.filter(article=piece).update(
            published_at=piece.updated_at - timedelta(days=1)
        )
    assert datetime.fromisoformat(read_sitemap(client)[address][0]) == piece.updated_at


def test_a_scheduled_piece_is_no_older_in_the_sitemap_than_its_going_public(client, db):
    piece = make_article()
    # Saved for the last time two hours before its publication time came.
    with committed():
        Article.objects.filter(pk=piece.pk).update(
            updated_at=piece.published_at - timedelta(hours=2)
        )
    piece.refresh_from_db()
    lastmod, _ = read_sitemap(client)[SITE + piece.get_absolute_url()]
    assert datetime.fromisoformat(lastmod) == piece.published_at


def test_the_sitemap_lists_sections_and_only_tags_and_writers_with_public_pieces(
    client, reference, hidden
):
    empty = make_section(slug="empty")
    urls = read_sitemap(client)
    for path in ["/", "/contributors/", "/credits/", "/sections/world/", empty.get_absolute_url()]:
        assert SITE + path in urls, path
    for tag in reference.tags.all():
        assert f"{SITE}/tags/{tag.slug}/" in urls, tag
    assert f"{SITE}/contributors/pipa-powers/" in urls
    for path in [
        "/tags/draft-only/",
        "/tags/future-only/",
        "/contributors/drafting-writer/",
        "/contributors/future-writer/",
    ]:
        assert SITE + path not in urls, path
    # A listing's page is listed once, however many pieces lead to it.
    make_article(
        section=reference.section, tags=["Mali"], bylines=[(reference.contributors.get(), "")]
    )
    response = client.get("/sitemap.xml").content.decode()
    assert response.count(f"<loc>{SITE}/tags/mali/</loc>") == 1
    assert response.count(f"<loc>{SITE}/contributors/pipa-powers/</loc>") == 1


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _add_pieces(count, reference):
    for n in range(count):
        make_article(
            section=reference.section,
            bylines=[(reference.contributors.get(), ""), (make_contributor(), "")],
            tags=["Mali", f"Extra {n}"],
            hero_image=make_image(),
            body=f"[[gallery {make_image().pk} {make_image().pk}]]",
        )


def test_the_sitemap_runs_the_same_queries_with_3_pieces_as_with_60(client, reference):
    _add_pieces(2, reference)
    with_3 = _count_queries(client, "/sitemap.xml")
    _add_pieces(57, reference)
    assert Article.objects.public().count() == 60
    assert _count_queries(client, "/sitemap.xml") == with_3
    assert len(read_sitemap(client)) > 60
    # Two for each kind of page (a count and the rows), one for the pictures the pieces' texts
    # show; the series with a public part are one kind more.
    assert with_3 <= 12


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_private_pages(client, db):
    response = client.get("/robots.txt", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ["/admin/", "/submit/", "/accounts/", "/preview/"]:
        assert f"Disallow: {path}" in lines
    assert "Sitemap: https://testserver/sitemap.xml" in lines
    assert client.get("/sitemap.xml").status_code == 200
