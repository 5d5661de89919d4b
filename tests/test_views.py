import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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


@pytest.fixture
def reference(db):
    """The reference piece, as the demo has it."""
    world = make_section(name="World", slug="world")
    pipa = make_contributor(name="Pipa Powers", slug="pipa-powers", bio="Writes on the Sahel.")
    return make_article(
        headline=REFERENCE_HEADLINE,
        slug="after-9-years-of-military-presence-french-troops-exit-mali",
        standfirst="What France leaves behind.",
        section=world,
        bylines=[(pipa, "Contributor")],
        tags=["France", "Mali", "Sahel", "Wagner Group", "West Africa"],
        hero_image=make_reference_image(),
        body="First paragraph.\n\nSecond paragraph.",
    )


def test_home_shows_the_lead_and_the_latest(client, reference):
    older = make_article(published_at=timezone.now() - timedelta(days=30))
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(REFERENCE_HEADLINE) < html.index(older.headline)
    assert 'class="card card--lead"' in html


def test_article_page_shows_everything_a_reader_needs(client, reference):
    response = client.get(reference.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="piece__headline">{REFERENCE_HEADLINE}</h1>' in html
    assert "What France leaves behind." in html
    assert (
        '<a href="/contributors/pipa-powers/" rel="author">Pipa Powers</a>, '
        '<span class="byline__role">Contributor</span>'
    ) in html
    published = timezone.localtime(reference.published_at)
    assert f'<time datetime="{published:%Y-%m-%dT%H:%M:%S%z}">' in html
    assert "1 min read" in html
    assert "<figure" in html and "<figcaption>" in html
    assert "The 27th Africa-France Summit in Bamako." in html
    assert '<span class="credit__label">Image Credit:</span>' in html
    assert response.context["article"].hero_image.credit.line() == REFERENCE_CREDIT
    assert "<p>Second paragraph.</p>" in html
    assert 'href="/sections/world/"' in html
    for slug in ["france", "mali", "sahel", "wagner-group", "west-africa"]:
        assert f'href="/tags/{slug}/" rel="tag"' in html


def test_article_page_lists_related_pieces_by_shared_tags(client, reference):
    related = make_article(tags=["Mali", "Sahel"])
    unrelated = make_article(tags=["Cooking"])
    html = client.get(reference.get_absolute_url()).content.decode()
    assert "Related pieces" in html
    assert related.headline in html
    assert unrelated.headline not in html


def test_section_tag_and_contributor_pages_list_their_pieces(client, reference):
    other = make_article(tags=["Cooking"])
    for url in ["/sections/world/", "/tags/wagner-group/", "/contributors/pipa-powers/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert REFERENCE_HEADLINE in html, url
        assert other.headline not in html, url


def test_contributors_index_lists_people_with_a_published_piece(client, reference):
    make_article(status=Article.Status.DRAFT, bylines=[(make_contributor(name="Dora Draft"), "")])
    html = client.get("/contributors/").content.decode()
    assert "Pipa Powers" in html
    assert "1 piece" in html
    assert "Dora Draft" not in html


def test_a_draft_and_a_future_piece_are_absent_from_every_public_page(client, reference):
    pipa = reference.contributors.get()
    hidden = [
        make_article(
            headline="Secret draft headline",
            status=Article.Status.DRAFT,
            section=reference.section,
            bylines=[(pipa, "")],
            tags=["Mali", "Draft-only tag"],
        ),
        make_article(
            headline="Embargoed future headline",
            published_at=timezone.now() + timedelta(days=2),
            section=reference.section,
            bylines=[(pipa, "")],
            tags=["Mali", "Future-only tag"],
        ),
    ]
    pages = [
        "/",
        "/sections/world/",
        "/tags/mali/",
        "/contributors/",
        "/contributors/pipa-powers/",
        reference.get_absolute_url(),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        for piece in hidden:
            assert piece.headline not in response.content.decode(), url
            assert piece.slug not in response.content.decode(), url
    for piece in hidden:
        assert client.get(piece.get_absolute_url()).status_code == 404
    assert client.get("/tags/draft-only-tag/").status_code == 404
    assert client.get("/tags/future-only-tag/").status_code == 404


def test_a_contributor_with_only_drafts_has_no_public_page(client):
    dora = make_contributor(slug="dora")
    make_article(status=Article.Status.DRAFT, bylines=[(dora, "")])
    assert client.get("/contributors/dora/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/articles/no-such-piece/",
        "/sections/no-such-section/",
        "/tags/no-such-tag/",
        "/contributors/no-such-person/",
        "/no/such/page/",
    ],
)
def test_unknown_addresses_get_the_404_page_in_the_sites_look(client, reference, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html
    assert 'class="masthead"' in html


@pytest.mark.parametrize("page", ["0", "-1", "999", "abc", "1.5", "", "last%00", "9" * 40])
@pytest.mark.parametrize("url", ["/", "/sections/world/", "/tags/mali/", "/contributors/"])
def test_bad_page_numbers_never_give_a_500(client, reference, url, page):
    response = client.get(f"{url}?page={page}")
    assert response.status_code in {200, 404}
    if response.status_code == 404:
        assert "We can’t find that page" in response.content.decode()


def test_pagination_links_newer_and_older_pages(client, settings, reference):
    settings.MAGAZINE_PAGE_SIZE = 2
    for _ in range(4):
        make_article()
    html = client.get("/?page=2").content.decode()
    assert 'rel="prev" href="?page=1"' in html
    assert 'rel="next" href="?page=3"' in html
    assert "Page 2 of 3" in html


def test_the_500_page_renders_in_the_sites_look_without_a_database(django_assert_num_queries):
    from django.template.loader import render_to_string

    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert 'class="masthead"' in html


def test_pages_need_no_javascript_and_call_no_other_host(client, reference):
    for url in ["/", reference.get_absolute_url(), "/contributors/"]:
        html = client.get(url).content.decode()
        # Structured data is a data block, never run: the only script element allowed.
        scripts = re.findall(r"<script[^>]*>", html)
        assert set(scripts) <= {'<script type="application/ld+json">'}, url
        for attribute in ['src="http', "src='http", 'href="//', 'src="//']:
            assert attribute not in html, url
        assert '<link rel="stylesheet" href="/static/' in html


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _add_pieces(count, section, contributor):
    for n in range(count):
        make_article(
            section=section,
            bylines=[(contributor, ""), (make_contributor(), "Photographer")],
            tags=["Mali", f"Extra {n}"],
            hero_image=make_image(),
        )


def test_pages_run_the_same_number_of_queries_with_3_pieces_as_with_60(client, reference, settings):
    # Every query a page costs when it is made, its navigation included.
    settings.MAGAZINE_FRAGMENT_CACHE = False
    pipa = reference.contributors.get()
    _add_pieces(2, reference.section, pipa)
    urls = [
        "/",
        reference.get_absolute_url(),
        "/sections/world/",
        "/tags/mali/",
        "/contributors/pipa-powers/",
        "/contributors/",
    ]
    with_3 = {url: _count_queries(client, url) for url in urls}
    _add_pieces(57, reference.section, pipa)
    assert Article.objects.public().count() == 60
    with_60 = {url: _count_queries(client, url) for url in urls}
    assert with_60 == with_3
    # The targets: a piece's page in 4 queries, a listing in 5, and the navigation's sections.
    assert with_3[reference.get_absolute_url()] <= 4 + 1
    for listing in ("/", "/sections/world/", "/tags/mali/", "/contributors/pipa-powers/"):
        assert with_3[listing] <= 5 + 1, listing


def test_a_piece_and_the_navigation_are_kept_as_fragments_until_what_they_show_changes(
    client, reference, django_assert_num_queries
):
    # The page cache is off in tests: the page is made each time, from the kept fragments.
    first = client.get(reference.get_absolute_url())
    with django_assert_num_queries(0):
        again = client.get(reference.get_absolute_url())
    assert again.content == first.content
    reference.headline = "French Troops Leave Mali After Nine Years"
    with committed():
        reference.save()
    assert (
        "French Troops Leave Mali After Nine Years" in client.get(reference.get_absolute_url()).text
    )


def test_favicon_ico_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
    assert client.get(response["Location"]).status_code == 200


def test_a_page_reads_the_clock_once_for_itself_and_its_fragments(client, reference, monkeypatch):
    from articles import pagetags

    client.get(reference.get_absolute_url())
    reads = []
    read_clock = pagetags.read_clock
    monkeypatch.setattr(pagetags, "read_clock", lambda: reads.append(1) or read_clock())
    assert client.get(reference.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200
    assert len(reads) == 2


def test_a_piece_sharing_no_tag_ends_with_the_latest_in_its_section(client, reference):
    world = reference.section
    older = make_article(section=world, headline="Older in World", tags=["Cooking"])
    newer = make_article(
        section=world, headline="Newer in World", published_at=timezone.now() - timedelta(hours=1)
    )
    make_article(section=world, headline="Draft in World", status=Article.Status.DRAFT)
    make_article(headline="Elsewhere entirely")
    response = client.get(reference.get_absolute_url())
    assert [piece.headline for piece in response.context["related"]] == [
        newer.headline,
        older.headline,
    ]
    html = response.content.decode()
    assert '<h2 id="related-heading" class="related__heading">More in World</h2>' in html
    assert "Related pieces" not in html
    assert "Draft in World" not in html and "Elsewhere entirely" not in html


def test_pieces_sharing_a_tag_come_before_the_sections_latest(client, reference):
    make_article(section=reference.section, headline="Newest in World")
    shared = make_article(
        headline="Shares Mali", tags=["Mali"], published_at=timezone.now() - timedelta(days=9)
    )
    response = client.get(reference.get_absolute_url())
    assert [piece.headline for piece in response.context["related"]] == [shared.headline]
    assert "More in World" not in response.content.decode()


def test_the_sections_latest_cost_the_same_queries_as_related_pieces(client, reference, settings):
    # Every query the page costs when it is made, at two sizes, with and without a shared tag.
    settings.MAGAZINE_FRAGMENT_CACHE = False
    lonely = make_article(section=reference.section, tags=["Cooking"])
    make_article(section=reference.section)
    tagged = _count_queries(client, reference.get_absolute_url())
    with_3 = _count_queries(client, lonely.get_absolute_url())
    assert "More in World" in client.get(lonely.get_absolute_url()).text
    for _ in range(30):
        make_article(section=reference.section, hero_image=make_image())
    assert _count_queries(client, lonely.get_absolute_url()) == with_3 == tagged


def test_a_section_with_nothing_else_public_shows_no_related_list(client):
    piece = make_article(tags=["Cooking"])
    make_article(section=piece.section, status=Article.Status.DRAFT)
    response = client.get(piece.get_absolute_url())
    assert response.context["related"] == []
    assert 'class="related"' not in response.content.decode()


def test_bylines_leave_their_separators_to_the_stylesheet(client, reference):
    # The separator is the next item's ::before: in the markup there is none to hang at a
    # line's end, and the role, the date and the reading time are items of their own.
    article_html = client.get(reference.get_absolute_url()).content.decode()
    meta = re.search(r'<p class="meta piece__meta">(.*?)</p>', article_html, re.S).group(1)
    assert "·" not in meta
    assert re.fullmatch(
        r'\s*<span class="byline">By <a [^>]+>Pipa Powers</a>, '
        r'<span class="byline__role">Contributor</span></span>\s*'
        r'<time datetime="[^"]+">[^<]+</time>\s*<span>1 min read</span>\s*',
        meta,
    )
    home = client.get("/").content.decode()
    card_metas = re.findall(r'<p class="meta">(.*?)</p>', home, re.S)
    assert card_metas
    for card_meta in card_metas:
        assert "·" not in card_meta
        assert re.fullmatch(
            r'<span class="byline">.*</span>\s+<time datetime="[^"]+">[^<]+</time>', card_meta
        )


def test_a_contributors_own_page_does_not_repeat_their_byline(client, reference):
    pipa = reference.contributors.get()
    co_written = make_article(
        headline="Written with a friend",
        bylines=[(pipa, ""), (make_contributor(name="Sam Lee"), "")],
    )
    html = client.get(pipa.get_absolute_url()).content.decode()
    assert REFERENCE_HEADLINE in html and co_written.headline in html
    # Only the piece written with someone else carries a byline: that one names them both.
    assert html.count('class="byline"') == 1
    assert ">Sam Lee</a>" in html
    # Elsewhere the byline stays on every card.
    assert client.get("/sections/world/").content.decode().count('class="byline"') == 1


def test_the_contributors_index_is_sorted_by_family_name_with_photos(client, reference):
    nd_photo = make_image(alt_text="Ana Zabala smiling", credit={"license": "cc-by-nd-4.0"})
    for name, photo in [
        ("Ana Zabala", nd_photo),
        ("Zoe Abbott", make_image()),
        ("bea mills", None),
    ]:
        make_article(bylines=[(make_contributor(name=name, photo=photo), "")])
    html = client.get("/contributors/").content.decode()
    names = re.findall(r'class="people__name" href="[^"]+">([^<]+)</a>', html)
    assert names == ["Zoe Abbott", "bea mills", "Pipa Powers", "Ana Zabala"]
    photos = re.findall(r'<img class="([^"]*people__photo[^"]*)"[^>]*alt="([^"]*)"', html)
    assert ("people__photo picture--whole", "Ana Zabala smiling") in photos
    assert len(photos) == 2
    # Someone without a photo has their initial in its place, hidden from screen readers.
    assert '<span class="people__photo people__initial" aria-hidden="true">b</span>' in html


def test_the_contributors_index_costs_the_same_queries_with_photos(client, reference):
    before = _count_queries(client, "/contributors/")
    for n in range(5):
        make_article(bylines=[(make_contributor(name=f"Person {n}", photo=make_image()), "")])
    assert _count_queries(client, "/contributors/") == before


STRAIGHT_QUOTE = re.compile(r"[A-Za-z]'[A-Za-z]|\"")


class VisibleText(HTMLParser):
    """The text a reader sees: no attributes, scripts, styles or code."""

    HIDDEN = {"script", "style", "code", "pre", "textarea", "title"}

    def __init__(self):
        super().__init__()
        self.hidden, self.texts = 0, []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in self.HIDDEN

    def handle_endtag(self, tag):
        self.hidden -= tag in self.HIDDEN

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(data.strip())


def test_no_public_page_shows_a_straight_apostrophe_or_quote(client, reference):
    make_article(section=reference.section)
    urls = [
        "/",
        reference.get_absolute_url(),
        "/sections/world/",
        "/tags/mali/",
        "/contributors/",
        "/contributors/pipa-powers/",
        "/credits/",
        "/search/?q=mali",
        "/search/?q=zeppelinquux",
        "/search/",
        "/accounts/login/",
        "/accounts/password_reset/",
        "/no-such-page/",
    ]
    found = []
    for url in urls:
        parser = VisibleText()
        parser.feed(client.get(url).content.decode())
        found += [f"{url}: {text}" for text in parser.texts if STRAIGHT_QUOTE.search(text)]
    assert not found, "\n".join(found)
