import html
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article

from .factories import (
    REFERENCE_CREDIT,
    REFERENCE_HEADLINE,
    committed,
    make_article,
    make_contributor,
    make_image,
    make_reference_image,
    make_section,
)

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
ATOM = "{http://www.w3.org/2005/Atom}"
BODY = (
    "France ended its nine-year mission in *Mali* in 2022.\n\n"
    "The [Wagner Group](https://example.org/wagner) arrived as the troops left.\n\n"
    "- the 2020 coup\n- the Sahel"
)


@pytest.fixture
def reference(db):
    """The reference piece, with a body that has emphasis, a link and a list."""
    world = make_section(name="World", slug="world")
    pipa = make_contributor(name="Pipa Powers", slug="pipa-powers")
    return make_article(
        headline=REFERENCE_HEADLINE,
        slug="after-9-years-of-military-presence-french-troops-exit-mali",
        standfirst="What France leaves behind.",
        section=world,
        bylines=[(pipa, "Contributor")],
        tags=["France", "Mali", "Sahel", "Wagner Group", "West Africa"],
        hero_image=make_reference_image(),
        body=BODY,
    )


def feeds_of(article):
    """Every feed the piece belongs to, RSS and Atom: the site's, its section's, tag's, writer's."""
    scopes = [
        "/",
        article.section.get_absolute_url(),
        # Mali: the tag the pieces added to count queries carry too.
        f"/tags/{article.tags.get(name='Mali').slug}/",
        article.contributors.first().get_absolute_url(),
    ]
    return [f"{scope}feed/{atom}" for scope in scopes for atom in ("", "atom/")]


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, f"{url}: {parsed.get('bozo_exception')}"
    return response, parsed


def entry_for(parsed, article):
    link = SITE + article.get_absolute_url()
    return next(entry for entry in parsed.entries if entry.link == link)


def as_read(detail):
    """A title or summary as a reader shows it: HTML ones have their entities decoded."""
    return html.unescape(detail.value) if detail.type == "text/html" else detail.value


def raw_content(response, article):
    """The full text exactly as the feed carries it, before any reader's sanitiser."""
    root = ET.fromstring(response.content)
    link = SITE + article.get_absolute_url()
    if root.tag == "rss":
        item = next(i for i in root.iter("item") if i.findtext("link") == link)
        return item.findtext(CONTENT)
    entry = next(e for e in root.iter(f"{ATOM}entry") if e.find(f"{ATOM}link").get("href") == link)
    return entry.findtext(f"{ATOM}content")


def utc(struct):
    return datetime(*struct[:6], tzinfo=UTC)


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_a_feed_item_carries_headline_link_byline_dates_tags_and_the_full_text(
    client, reference, url
):
    response, parsed = read_feed(client, url)
    entry = entry_for(parsed, reference)
    assert as_read(entry.title_detail) == REFERENCE_HEADLINE
    assert entry.author == "Pipa Powers"
    assert utc(entry.published_parsed) == reference.published_at.replace(microsecond=0)
    assert utc(entry.updated_parsed) == reference.updated_at.replace(microsecond=0)
    assert [tag.term for tag in entry.tags] == [
        "France",
        "Mali",
        "Sahel",
        "Wagner Group",
        "West Africa",
    ]
    assert as_read(entry.summary_detail) == "What France leaves behind."
    # The whole body, as stored, followed by the picture's credit.
    assert raw_content(response, reference).startswith(reference.body_html)
    content = entry.content[0].value
    assert "<em>Mali</em>" in content
    assert 'href="https://example.org/wagner"' in content
    assert "<li>the Sahel</li>" in content
    assert f"Image Credit: {REFERENCE_CREDIT}" in strip_tags(content)


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_the_picture_travels_as_an_enclosure_with_its_credit(client, reference, url):
    rendition = reference.hero_image.renditions.filter(
        kind="width", format="jpeg", width__lte=960
    ).latest("width")
    _, parsed = read_feed(client, url)
    entry = entry_for(parsed, reference)
    [enclosure] = entry.enclosures
    assert enclosure.href == SITE + rendition.file.url
    assert enclosure.type == "image/jpeg"
    assert enclosure.length == str(rendition.file.size)
    [media] = entry.media_content
    assert media["url"] == enclosure.href and media["medium"] == "image"
    assert [credit["content"] for credit in entry.media_credit] == [REFERENCE_CREDIT]


def test_a_picture_without_renditions_is_offered_as_its_original(client, reference):
    image = reference.hero_image
    with committed():
        image.renditions.all().delete()
    _, parsed = read_feed(client, "/feed/")
    [enclosure] = entry_for(parsed, reference).enclosures
    assert enclosure.href == SITE + image.file.url
    assert (enclosure.type, enclosure.length) == ("image/jpeg", str(image.file.size))


def test_a_piece_without_a_picture_has_no_enclosure_and_no_credit(client, reference):
    plain = make_article(section=reference.section)
    response, parsed = read_feed(client, "/feed/")
    entry = entry_for(parsed, plain)
    assert not entry.get("enclosures") and "media_credit" not in entry
    assert raw_content(response, plain) == plain.body_html


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_several_authors_are_named_together_and_text_stays_text(client, reference, url):
    piece = make_article(
        headline='Fish & Chips <Now> "Cheaper"',
        standfirst="Cheaper <script>alert(1)</script> & better",
        section=reference.section,
        bylines=[
            (make_contributor(name="Ada Okafor"), ""),
            (reference.contributors.get(), ""),
            (make_contributor(name="Sam Lee"), "Photographer"),
        ],
    )
    _, parsed = read_feed(client, url)
    entry = entry_for(parsed, piece)
    assert entry.author == "Ada Okafor, Pipa Powers and Sam Lee"
    assert as_read(entry.title_detail) == piece.headline
    assert as_read(entry.summary_detail) == piece.standfirst


def test_drafts_and_future_pieces_are_in_no_feed(client, reference):
    hidden = [
        make_article(status=Article.Status.DRAFT, section=reference.section, tags=["Mali"]),
        make_article(
            status=Article.Status.SCHEDULED,
            published_at=timezone.now() + timedelta(days=1),
            section=reference.section,
            tags=["Mali"],
        ),
    ]
    for piece in hidden:
        piece.bylines.update(contributor=reference.contributors.get())
    for url in feeds_of(reference):
        response, parsed = read_feed(client, url)
        assert [entry.link for entry in parsed.entries] == [SITE + reference.get_absolute_url()]
        for piece in hidden:
            assert piece.slug not in response.content.decode(), url


def test_unknown_or_unpublished_scopes_have_no_feed(client, reference):
    draft = make_article(status=Article.Status.DRAFT, tags=["Only In Drafts"])
    writer = draft.contributors.get()
    for scope in ["/sections/nowhere/", "/tags/nothing/", "/contributors/nobody/"]:
        for url in [f"{scope}feed/", f"{scope}feed/atom/"]:
            assert client.get(url).status_code == 404, url
    for scope in ["/tags/only-in-drafts/", writer.get_absolute_url()]:
        for url in [f"{scope}feed/", f"{scope}feed/atom/"]:
            assert client.get(url).status_code == 404, url
    # A section is in the navigation even while empty, so its feed is there, empty too.
    empty = make_section(slug="empty")
    _, parsed = read_feed(client, f"{empty.get_absolute_url()}feed/")
    assert parsed.entries == []


class AlternateLinks(HTMLParser):
    """The feed links in a page's head, as (type, href, title)."""

    def __init__(self):
        super().__init__()
        self.feeds = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate":
            self.feeds.append((attrs["type"], attrs["href"], attrs["title"]))


def test_each_page_links_its_own_feeds_and_the_sites(client, reference):
    tag = reference.tags.get(name="Wagner Group")
    pages = {
        "/": [],
        reference.section.get_absolute_url(): ["World · The Quad Review"],
        f"/tags/{tag.slug}/": ["Wagner Group · The Quad Review"],
        reference.contributors.get().get_absolute_url(): ["Pipa Powers · The Quad Review"],
    }
    for page, own_titles in pages.items():
        parser = AlternateLinks()
        parser.feed(client.get(page).content.decode())
        own_feeds = [f"{page}feed/", f"{page}feed/atom/"] if page != "/" else []
        expected = ["/feed/", "/feed/atom/", *own_feeds]
        assert [href for _, href, _ in parser.feeds] == expected, page
        for kind, href, _ in parser.feeds:
            response, parsed = read_feed(client, href)
            assert response["Content-Type"].startswith(kind), href
        for href in own_feeds:
            assert read_feed(client, href)[1].feed.title in own_titles


def _add_pieces(count, reference):
    for n in range(count):
        make_article(
            section=reference.section,
            bylines=[(reference.contributors.get(), ""), (make_contributor(), "Photographer")],
            tags=["Mali", f"Extra {n}"],
            hero_image=make_image(),
        )


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_every_feed_runs_the_same_queries_with_3_pieces_as_with_60(client, reference):
    urls = feeds_of(reference)
    _add_pieces(2, reference)
    with_3 = {url: _count_queries(client, url) for url in urls}
    _add_pieces(57, reference)
    assert Article.objects.public().count() == 60
    with_60 = {url: _count_queries(client, url) for url in urls}
    assert with_60 == with_3
    # The ceilings today: the pieces, their bylines, tags and renditions, and the scope.
    assert max(with_3.values()) <= 6
    # A reader gets the latest pieces, not the archive.
    assert len(read_feed(client, "/feed/")[1].entries) == 30


# --- Text escaped once ---------------------------------------------------------------------

# Every character a careless feed escapes twice (or not at all): curly and straight apostrophes,
# an ampersand, double quotes and a less-than sign.
AWKWARD = "Chekhov’s 'Comedy' & \"Fish\" <Now>"
APOSTROPHES = 'Chekhov’s Comedy isn\'t "over"'


@pytest.fixture
def awkward(db):
    """A piece whose every text, from headline to credit, holds AWKWARD."""
    section = make_section(name=f"Arts {AWKWARD}", slug="arts", description=f"About {AWKWARD}")
    writer = make_contributor(name=f"Ada {AWKWARD}", slug="ada")
    return make_article(
        headline=f"Headline {AWKWARD}",
        standfirst=f"Standfirst {AWKWARD}",
        section=section,
        bylines=[(writer, "")],
        tags=[f"Tag {AWKWARD}"],
        hero_image=make_image(
            credit={"title": f"Title {AWKWARD}", "creator": f"Creator {AWKWARD}"}
        ),
    )


def awkward_feeds(article):
    tag = article.tags.get()
    scopes = ["/", "/sections/arts/", f"/tags/{tag.slug}/", "/contributors/ada/"]
    return [f"{scope}feed/{atom}" for scope in scopes for atom in ("", "atom/")]


def test_every_text_of_every_feed_reads_back_exactly_as_typed(client, awkward):
    credit = awkward.hero_image.credit
    for url in awkward_feeds(awkward):
        _, parsed = read_feed(client, url)
        entry = entry_for(parsed, awkward)
        # Plain text fields: what feedparser reads is the text itself, not an escaped form.
        assert entry.title == f"Headline {AWKWARD}", url
        assert entry.title_detail.type == "text/plain", url
        assert entry.author == f"Ada {AWKWARD}", url
        assert [tag.term for tag in entry.tags] == [f"Tag {AWKWARD}"], url
        assert [c["content"] for c in entry.media_credit] == [credit.line()], url
        assert AWKWARD in credit.line()
        # The summary is HTML in both formats: shown as HTML, it is the standfirst exactly.
        assert as_read(entry.summary_detail) == f"Standfirst {AWKWARD}", url
        # So is the full text's credit line; nothing in it is escaped twice.
        content = entry.content[0].value
        assert f"Image Credit: {credit.line()}" in html.unescape(strip_tags(content)), url
        assert "&amp;amp;" not in content and "&amp;#" not in content, url
    titles = {url: read_feed(client, url)[1].feed for url in awkward_feeds(awkward)}
    for url in ("/sections/arts/feed/", "/sections/arts/feed/atom/"):
        assert titles[url].title == f"Arts {AWKWARD} · The Quad Review", url
        assert as_read(titles[url].subtitle_detail) == f"About {AWKWARD}", url
    assert titles["/contributors/ada/feed/"].title == f"Ada {AWKWARD} · The Quad Review"


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_apostrophes_and_quotes_reach_a_reader_as_typed_with_no_entities(client, reference, url):
    piece = make_article(headline=APOSTROPHES, standfirst=APOSTROPHES, section=reference.section)
    response, parsed = read_feed(client, url)
    entry = entry_for(parsed, piece)
    # A reader that shows the fields as they come, without decoding HTML, still reads the text.
    assert entry.title == APOSTROPHES
    assert entry.summary == APOSTROPHES
    assert "&#x27;" not in response.content.decode()


class FollowLinks(HTMLParser):
    """The visible "Follow by RSS" links in a page's body, as (href, text), and the text after."""

    def __init__(self):
        super().__init__()
        self.links = []
        self.text = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("type") == "application/rss+xml":
            self._open = [attrs["href"], ""]

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            self.links.append(tuple(self._open))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._open[1] += data
        self.text.append(data)


def test_each_listing_offers_its_own_rss_feed_visibly_with_its_address(client, reference):
    tag = reference.tags.get(name="Wagner Group")
    pages = {
        "/": "/feed/",
        reference.section.get_absolute_url(): f"{reference.section.get_absolute_url()}feed/",
        f"/tags/{tag.slug}/": f"/tags/{tag.slug}/feed/",
        reference.contributors.get().get_absolute_url(): "/contributors/pipa-powers/feed/",
    }
    for page, feed in pages.items():
        parser = FollowLinks()
        parser.feed(client.get(page).content.decode())
        assert parser.links == [(feed, "Follow by RSS")], page
        # The address itself, to paste into a feed reader.
        assert SITE + feed in " ".join(parser.text), page
        _, parsed = read_feed(client, feed)
        assert parsed.version == "rss20", page
