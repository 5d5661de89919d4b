"""What public pages tell search engines and link previews: addresses, cards, JSON-LD."""

import json
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pyld import jsonld

from articles import metadata, views
from articles.models import Article

from .factories import (
    REFERENCE_CREDIT,
    REFERENCE_HEADLINE,
    make_article,
    make_contributor,
    make_draft,
    make_image,
    make_reference_image,
    make_section,
)

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
MAGAZINE = "The Quad Review"
TAGLINE = "Reporting, essays and analysis by students and contributors"
REFERENCE_SLUG = "after-9-years-of-military-presence-french-troops-exit-mali"
REFERENCE_TAGS = ["France", "Mali", "Sahel", "Wagner Group", "West Africa"]
SCHEMA = "https://schema.org/"


@pytest.fixture(autouse=True)
def magazine_settings(settings):
    settings.MAGAZINE_NAME = MAGAZINE
    settings.MAGAZINE_TAGLINE = TAGLINE


@pytest.fixture
def reference(db):
    """The reference piece, with its picture and Pipa Powers in the byline."""
    world = make_section(name="World", slug="world", description="News from beyond the campus.")
    pipa = make_contributor(name="Pipa Powers", slug="pipa-powers", bio="Writes on the Sahel.")
    return make_article(
        headline=REFERENCE_HEADLINE,
        slug=REFERENCE_SLUG,
        standfirst="What France leaves behind in the Sahel.",
        section=world,
        bylines=[(pipa, "Contributor")],
        tags=REFERENCE_TAGS,
        hero_image=make_reference_image(),
    )


class Head(HTMLParser):
    """The <meta>, <link> and JSON-LD of a page's head, as a browser or a crawler reads them."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links, self.json_ld = {}, {}, []
        self._in_json_ld = False
        self.feed(html.split("</head>")[0])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs["content"])
        elif tag == "link":
            self.links.setdefault(attrs["rel"], []).append(attrs["href"])
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data

    def one(self, key):
        [value] = self.meta[key]
        return value

    def link(self, rel):
        [href] = self.links.get(rel, [None])
        return href


def head_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Head(response.content.decode())


def local_schema_org(url, options=None):
    """Serve schema.org's context from here: tests make no request to the network."""
    if url.rstrip("/") not in {"https://schema.org", "http://schema.org"}:
        raise ValueError(f"No network in tests: {url}")
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": {"@context": {"@vocab": SCHEMA}},
    }


def expanded(data):
    """The JSON-LD as a processor understands it: every term a full schema.org address."""
    [node] = jsonld.expand(data, {"documentLoader": local_schema_org})
    return node


def values(node, term):
    return [item.get("@value", item.get("@id")) for item in node.get(SCHEMA + term, [])]


# The article page


def test_the_article_page_names_its_address_description_and_cards(client, reference):
    head = head_of(client, reference.get_absolute_url())
    url = f"{SITE}/articles/{REFERENCE_SLUG}/"
    assert head.link("canonical") == url
    assert head.one("description") == "What France leaves behind in the Sahel."
    assert head.one("og:site_name") == MAGAZINE
    assert head.one("og:type") == "article"
    assert head.one("og:title") == REFERENCE_HEADLINE
    assert head.one("og:description") == "What France leaves behind in the Sahel."
    assert head.one("og:url") == url
    published = timezone.localtime(reference.published_at).isoformat(timespec="seconds")
    assert head.one("article:published_time") == published
    assert datetime.fromisoformat(head.one("article:modified_time")) >= reference.published_at
    assert head.one("article:section") == "World"
    assert head.meta["article:tag"] == REFERENCE_TAGS
    assert head.meta["article:author"] == [f"{SITE}/contributors/pipa-powers/"]
    assert head.one("og:image").startswith(f"{SITE}/media/")
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("twitter:title") == REFERENCE_HEADLINE
    assert head.one("twitter:description") == "What France leaves behind in the Sahel."
    assert "prev" not in head.links and "next" not in head.links


def test_a_piece_without_a_picture_has_a_summary_card_and_no_image(client):
    piece = make_article(standfirst="")
    head = head_of(client, piece.get_absolute_url())
    assert head.one("twitter:card") == "summary"
    assert "og:image" not in head.meta
    # With no standfirst, the headline describes the piece.
    assert head.one("description") == head.one("og:description") == piece.headline


def test_a_long_standfirst_is_cut_at_a_word_for_the_description(client):
    piece = make_article(standfirst="A sentence about the Sahel that goes on. " * 20)
    description = head_of(client, piece.get_absolute_url()).one("description")
    assert len(description) <= metadata.DESCRIPTION_LENGTH
    assert description.endswith("…") and not description.endswith(" …")
    assert description[:-1] in piece.standfirst


def test_markup_in_a_headline_stays_text_in_every_tag(client):
    piece = make_article(headline='Quotes " and <b>tags</b> & ampersands')
    html = client.get(piece.get_absolute_url()).content.decode()
    assert "<b>tags</b>" not in html.split("</head>")[0]
    head = Head(html)
    assert head.one("og:title") == 'Quotes " and <b>tags</b> & ampersands'
    [data] = head.json_ld
    assert "<" not in data and ">" not in data
    assert json.loads(data)["headline"] == 'Quotes " and <b>tags</b> & ampersands'


# The article's JSON-LD


def test_the_reference_piece_is_a_news_article_to_a_json_ld_processor(client, reference):
    head = head_of(client, reference.get_absolute_url())
    [block] = head.json_ld
    node = expanded(json.loads(block))
    url = f"{SITE}/articles/{REFERENCE_SLUG}/"
    assert node["@type"] == [SCHEMA + "NewsArticle"]
    assert values(node, "headline") == [REFERENCE_HEADLINE]
    [author] = node[SCHEMA + "author"]
    assert author["@type"] == [SCHEMA + "Person"]
    assert values(author, "name") == ["Pipa Powers"]
    assert values(author, "url") == [f"{SITE}/contributors/pipa-powers/"]
    [published] = values(node, "datePublished")
    assert datetime.fromisoformat(published) == reference.published_at.replace(microsecond=0)
    assert datetime.fromisoformat(published).tzinfo is not None
    [modified] = values(node, "dateModified")
    assert datetime.fromisoformat(modified).tzinfo is not None
    assert datetime.fromisoformat(modified) >= datetime.fromisoformat(published)
    assert values(node, "articleSection") == ["World"]
    assert sorted(values(node, "keywords")) == REFERENCE_TAGS
    assert values(node, "url") == [url]
    assert values(node, "mainEntityOfPage") == [url]
    [publisher] = node[SCHEMA + "publisher"]
    assert publisher["@type"] == [SCHEMA + "Organization"]
    assert values(publisher, "name") == [MAGAZINE]
    [image] = node[SCHEMA + "image"]
    assert image["@type"] == [SCHEMA + "ImageObject"]
    assert values(image, "creditText") == [REFERENCE_CREDIT]
    assert values(image, "license") == ["https://creativecommons.org/licenses/by-nc-nd/2.0/"]


def test_the_demo_reference_piece_has_one_json_ld_block_naming_pipa_powers(client, demo_magazine):
    reference = Article.objects.get(headline=REFERENCE_HEADLINE)
    [block] = head_of(client, reference.get_absolute_url()).json_ld
    node = expanded(json.loads(block))
    assert [values(author, "name") for author in node[SCHEMA + "author"]] == [["Pipa Powers"]]
    assert sorted(values(node, "keywords")) == REFERENCE_TAGS
    [image] = node[SCHEMA + "image"]
    assert values(image, "creditText") == [REFERENCE_CREDIT]


def test_an_opinion_piece_is_an_opinion_news_article(client):
    opinion = make_section(name="Opinion", slug="opinion")
    piece = make_article(section=opinion)
    [block] = head_of(client, piece.get_absolute_url()).json_ld
    assert expanded(json.loads(block))["@type"] == [SCHEMA + "OpinionNewsArticle"]


def test_every_name_in_the_byline_is_an_author_in_byline_order(client):
    first = make_contributor(name="Ana Ruiz", slug="ana-ruiz")
    second = make_contributor(name="Bo Chen", slug="bo-chen")
    piece = make_article(bylines=[(first, ""), (second, "Photographer")])
    [block] = head_of(client, piece.get_absolute_url()).json_ld
    assert json.loads(block)["author"] == [
        {"@type": "Person", "name": "Ana Ruiz", "url": f"{SITE}/contributors/ana-ruiz/"},
        {"@type": "Person", "name": "Bo Chen", "url": f"{SITE}/contributors/bo-chen/"},
    ]


def test_a_piece_saved_before_its_publish_date_is_not_modified_before_it_was_published(client):
    piece = make_article()
    Article.objects.filter(pk=piece.pk).update(updated_at=piece.published_at - timedelta(days=3))
    head = head_of(client, piece.get_absolute_url())
    data = json.loads(head.json_ld[0])
    assert data["dateModified"] == data["datePublished"] == head.one("article:published_time")
    assert head.one("article:modified_time") == data["datePublished"]


def test_describing_a_fetched_piece_costs_no_query(reference):
    # Fetched as its page fetches it: with its corrections, print issue and series.
    article = Article.objects.public().for_page().get(pk=reference.pk)
    request = RequestFactory().get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        metadata.article_page(article, request)
        metadata.json_ld(metadata.news_article(article, request))
    assert len(queries) == 0


# Listings


LISTINGS = {
    "home": ("/", MAGAZINE, TAGLINE),
    "section": ("/sections/world/", "World", "News from beyond the campus."),
    "tag": ("/tags/wagner-group/", "Wagner Group", f"Pieces tagged Wagner Group in {MAGAZINE}."),
    "contributor": ("/contributors/pipa-powers/", "Pipa Powers", "Writes on the Sahel."),
    "contributors": (
        "/contributors/",
        "Contributors",
        f"Everyone whose work {MAGAZINE} has published.",
    ),
    "credits": (
        "/credits/",
        "Image credits",
        f"Who made each picture {MAGAZINE} has published, where it came from, "
        "and the licence it is used under.",
    ),
}


@pytest.mark.parametrize("name", LISTINGS)
def test_each_listing_names_its_address_description_and_cards(client, reference, name):
    path, title, description = LISTINGS[name]
    # Tracking parameters and a page 1 spelled out are not part of the page's address.
    head = head_of(client, f"{path}?page=1&utm_source=newsletter")
    assert head.link("canonical") == SITE + path
    assert head.one("description") == description
    assert head.one("og:site_name") == MAGAZINE
    assert head.one("og:type") == "website"
    assert head.one("og:title") == title
    assert head.one("og:description") == description
    assert head.one("og:url") == SITE + path
    assert head.one("twitter:card") == "summary"
    assert head.one("twitter:title") == title
    assert head.one("twitter:description") == description
    assert not any(key.startswith("article:") for key in head.meta)
    assert head.json_ld == []
    assert "prev" not in head.links and "next" not in head.links


def test_a_section_without_a_description_is_described_by_a_sentence(client):
    piece = make_article(section=make_section(name="Science", slug="science"))
    head = head_of(client, piece.section.get_absolute_url())
    assert head.one("description") == f"Pieces filed under Science in {MAGAZINE}."


def test_a_contributor_without_a_bio_is_described_by_a_sentence(client):
    piece = make_article(bylines=[(make_contributor(name="Ana Ruiz", slug="ana-ruiz"), "")])
    head = head_of(client, "/contributors/ana-ruiz/")
    assert piece.headline and head.one("description") == f"Pieces by Ana Ruiz in {MAGAZINE}."


@pytest.fixture
def five_pages(settings, monkeypatch, reference):
    """Ten public pieces in World by Pipa tagged Mali, two to a page."""
    settings.MAGAZINE_PAGE_SIZE = 2
    monkeypatch.setattr(views.ContributorIndexView, "paginate_by", 2)
    monkeypatch.setattr(views.CreditsView, "paginate_by", 2)
    pipa = reference.contributors.get()
    for _ in range(9):
        make_article(
            section=reference.section,
            bylines=[(pipa, ""), (make_contributor(), "")],
            tags=["Mali"],
            hero_image=make_image(),
        )


@pytest.mark.parametrize(
    "path",
    ["/", "/sections/world/", "/tags/mali/", "/contributors/pipa-powers/", "/contributors/"]
    + ["/credits/"],
)
def test_a_middle_page_links_its_neighbours_and_names_its_own_number(client, five_pages, path):
    head = head_of(client, f"{path}?page=2")
    assert head.link("canonical") == f"{SITE}{path}?page=2"
    assert head.one("og:url") == f"{SITE}{path}?page=2"
    # Page 1 is the listing's own address, with no ?page=1 on it.
    assert head.link("prev") == f"{SITE}{path}"
    assert head.link("next") == f"{SITE}{path}?page=3"
    assert head.one("og:title").endswith(": page 2")


def test_the_first_and_last_pages_link_only_the_way_that_exists(client, five_pages):
    first = head_of(client, "/")
    assert first.link("prev") is None
    assert first.link("next") == f"{SITE}/?page=2"
    assert first.one("og:title") == MAGAZINE
    last = head_of(client, "/?page=5")
    assert last.link("prev") == f"{SITE}/?page=4"
    assert last.link("next") is None


# Previews


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.PUBLISHED])
def test_a_preview_names_no_address_no_card_and_no_json_ld(client, writer, status):
    piece = make_draft(writer, status=status, hero_image=make_reference_image())
    client.force_login(writer)
    response = client.get(f"/submit/{piece.pk}/preview/")
    assert response.status_code == 200
    head = Head(response.content.decode())
    assert head.one("robots") == "noindex, nofollow"
    assert "canonical" not in head.links
    assert not [key for key in head.meta if key.startswith(("og:", "article:", "twitter:"))]
    assert head.json_ld == []


# Related pieces


def test_related_pieces_share_the_most_tags_first_and_are_all_public(client, reference):
    one_tag = make_article(tags=["Mali"], headline="Shares one tag")
    three_tags = make_article(
        tags=["Mali", "Sahel", "France"],
        headline="Shares three tags",
        published_at=timezone.now() - timedelta(days=40),
    )
    make_article(tags=["Mali", "Sahel"], status=Article.Status.DRAFT, headline="Draft related")
    related = list(client.get(reference.get_absolute_url()).context["related"])
    assert related == [three_tags, one_tag]


def test_related_pieces_are_chosen_among_the_latest_tagged_ones(monkeypatch, reference):
    from articles.models import content

    older = make_article(tags=["Mali", "Sahel", "France"], headline="Older, shares three tags")
    newer = [make_article(tags=["Mali"], headline=f"Newer {n}") for n in range(2)]
    assert list(reference.related())[0] == older
    # With room for two candidates, only the two latest pieces tagged alike are weighed.
    monkeypatch.setattr(content, "RELATED_CANDIDATES", 2)
    assert set(reference.related()) == set(newer)


def test_the_article_page_costs_the_same_queries_with_1_related_candidate_or_30(
    client, reference, settings
):
    # Every query the page costs when it is made.
    settings.MAGAZINE_FRAGMENT_CACHE = False

    def queries_for_article_page():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reference.get_absolute_url())
        assert response.status_code == 200
        return len(queries)

    make_article(tags=["Mali"], hero_image=make_image())
    with_1 = queries_for_article_page()
    for n in range(29):
        make_article(
            tags=REFERENCE_TAGS[: 1 + n % 5], hero_image=make_image(), section=reference.section
        )
    assert queries_for_article_page() == with_1
