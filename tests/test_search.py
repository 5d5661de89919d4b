import json
import re
import subprocess
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from playwright.sync_api import expect
from taggit.models import Tag

from articles import search
from articles.models import Article, Byline, Section

from .factories import (
    REFERENCE_HEADLINE,
    committed,
    make_article,
    make_contributor,
    make_image,
    make_section,
    make_writer,
)
from .tools import axe_script, java, vnu_jar

pytestmark = pytest.mark.django_db


def found(query):
    """The headlines a search finds, best first."""
    results = search.search(query)
    return [hit.article.headline for hit in results[: len(results)]]


def result_headlines(response):
    return re.findall(r'<h2 class="card__headline"><a [^>]*>([^<]*)</a>', response.content.decode())


def test_the_reference_piece_comes_first_for_its_subjects(client, demo_magazine):
    for query in ["Wagner", "Mali coup", "french troops", "Wagn", '"Wagner Group"']:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert result_headlines(response)[0] == REFERENCE_HEADLINE, query


def test_a_draft_or_a_future_piece_never_appears_however_well_it_matches(client, demo_magazine):
    words = "Wagner Mali coup French troops"
    author = make_writer("drafty")
    hidden = [
        make_article(
            headline=f"{words}: the draft",
            body=f"{words} " * 50,
            status=Article.Status.DRAFT,
            bylines=[(author.contributor, "")],
        ),
        make_article(
            headline=f"{words}: the scheduled piece",
            body=f"{words} " * 50,
            status=Article.Status.SCHEDULED,
            published_at=timezone.now() + timedelta(days=2),
        ),
    ]
    for query in ["Wagner", "Mali coup", "french troops", "draft", "scheduled", "drafty"]:
        response = client.get("/search/", {"q": query})
        for article in hidden:
            assert article.headline not in response.content.decode(), query
            assert article.slug not in response.content.decode(), query


def test_a_quoted_phrase_matches_its_words_only_in_that_order():
    make_article(headline="Wagner Group fighters arrive", slug="in-order")
    make_article(headline="A group of fans hears Wagner", slug="out-of-order")
    assert found('"Wagner Group"') == ["Wagner Group fighters arrive"]
    assert sorted(found("Wagner Group")) == [
        "A group of fans hears Wagner",
        "Wagner Group fighters arrive",
    ]


def test_a_word_finds_the_words_it_begins():
    make_article(headline="Drought across the Sahel", body="Harvests failed.")
    assert found("Sah") == ["Drought across the Sahel"]
    assert found("harvest") == ["Drought across the Sahel"]
    assert found("Sahara") == []


def test_every_word_must_match():
    make_article(headline="Floods in the north", body="Rivers rose.")
    assert found("floods rivers") == ["Floods in the north"]
    assert found("floods volcano") == []


def test_headline_matches_come_before_pieces_that_only_mention_the_words():
    make_article(
        headline="A long read on regional security",
        body="The Sahel, the Sahel and again the Sahel. " * 20,
        published_at=timezone.now() - timedelta(hours=1),
    )
    make_article(
        headline="Sahel states leave the bloc",
        body="A short piece.",
        published_at=timezone.now() - timedelta(days=20),
    )
    assert found("sahel") == ["Sahel states leave the bloc", "A long read on regional security"]


def test_bylines_standfirsts_and_tags_are_searched():
    person = make_contributor(name="Ottoline Quennell")
    make_article(
        headline="One",
        standfirst="Cartography explained.",
        bylines=[(person, "")],
        tags=["Glaciology"],
    )
    assert found("Quennell") == ["One"]
    assert found("cartography") == ["One"]
    assert found("glaciology") == ["One"]


def test_the_index_follows_edits_to_the_text_tags_bylines_and_names():
    person = make_contributor(name="Ada Pemberton")
    article = make_article(headline="Budget vote tonight", bylines=[(person, "")])
    article.headline = "Council meets tonight"
    with committed():
        article.save()
    assert found("budget") == []
    assert found("council") == ["Council meets tonight"]

    with committed():
        article.tags.add("Referendum")
    assert found("referendum") == ["Council meets tonight"]
    with committed():
        article.tags.remove("Referendum")
    assert found("referendum") == []

    person.name = "Ada Lindqvist"
    with committed():
        person.save()
    assert found("Lindqvist") == ["Council meets tonight"]
    assert found("Pemberton") == []

    guest = make_contributor(name="Bruno Fairweather")
    with committed():
        byline = Byline.objects.create(article=article, contributor=guest, position=1)
    assert found("Fairweather") == ["Council meets tonight"]
    with committed():
        byline.delete()
    assert found("Fairweather") == []


def test_a_renamed_or_deleted_tag_is_renamed_or_gone_in_the_index():
    make_article(headline="Tagged piece", tags=["Hydrology"])
    tag = Tag.objects.get(name="Hydrology")
    tag.name = "Limnology"
    with committed():
        tag.save()
    assert found("limnology") == ["Tagged piece"]
    assert found("hydrology") == []
    with committed():
        tag.delete()
    assert found("limnology") == []


def test_a_deleted_piece_leaves_the_index():
    article = make_article(headline="Short-lived piece")
    with committed():
        article.delete()
    assert found("short") == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE}")
            assert cursor.fetchone()[0] == 0


def test_pieces_made_without_save_are_found_once_indexed():
    section = make_section()
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            headline=f"Bulk piece {n}",
            slug=f"bulk-{n}",
            body="Imported in bulk about orchards.",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(days=1),
        )
        for n in range(3)
    )
    assert found("orchards") == []
    search.index_articles()
    assert len(found("orchards")) == 3


# Empty, huge, punctuation only, and the query syntax of FTS5, tsquery and search engines.
ODD_QUERIES = [
    "",
    "   ",
    "x" * 10_000,
    "Wagner " * 1500,
    "!!! ??? ...",
    "NEAR(",
    'NEAR("wagner" "mali", 2)',
    '"',
    '"""',
    '"Wagner',
    "*",
    "wagner*",
    "AND OR NOT",
    "-",
    "-wagner",
    ":",
    "headline: mali",
    "^",
    "^wagner",
    "wagner:*A & !mali | (coup <-> troops)",
    "'",
    "\\",
    "%_",
    "a\x00b",
    "{headline}: mali",
    "ẞtraße naïve café 東京 مالي",
    "e\u0301\u0301\u0301",
    "🙂 🇲🇱",
    "\u200b\u200d",
]


def test_odd_queries_get_a_results_page(client, demo_magazine):
    for query in ODD_QUERIES:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200, repr(query)


def test_a_query_is_read_only_so_far():
    terms = search.parse(" ".join(f"word{n}" for n in range(100)))
    assert len(terms) == search.MAX_TERMS
    assert search.parse("x" * 10_000)[0].words[0] == "x" * search.MAX_QUERY_CHARACTERS


def test_query_syntax_is_reduced_to_quoted_words():
    terms = search.parse('NEAR("Wagner group" mali*, 2) -coup: ^AND')
    assert [(term.words, term.prefix) for term in terms] == [
        (("near",), True),
        (("wagner", "group"), False),
        (("mali",), True),
        (("2",), True),
        (("coup",), True),
        (("and",), True),
    ]
    assert search.fts_match(terms[:3]) == '"near"* AND "wagner group" AND "mali"*'
    assert search.tsquery(terms[1:3]) == "('wagner' <-> 'group') & ('mali':*)"


def test_snippets_escape_the_text_and_mark_the_matches():
    pattern = search.highlighter(search.parse("wagner"))
    html = search.snippet('<script>alert("x")</script> & the Wagner Group', pattern)
    assert html == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; the <mark>Wagner</mark> Group"
    )


def test_a_phrase_is_marked_as_a_whole_and_its_words_alone_are_not():
    pattern = search.highlighter(search.parse('"Wagner Group"'))
    html = search.snippet("Armed groups met the Wagner Group; Wagner left.", pattern)
    assert html == "Armed groups met the <mark>Wagner Group</mark>; Wagner left."


def test_a_snippet_is_taken_from_around_the_first_match():
    words = [f"w{n}" for n in range(200)]
    words[120] = "Timbuktu"
    html = search.snippet(" ".join(words), search.highlighter(search.parse("timbuktu")))
    assert "<mark>Timbuktu</mark>" in html
    assert html.startswith("…") and html.endswith("…")
    assert "w0 " not in html


def test_results_show_a_marked_snippet_of_the_body(client):
    make_article(
        headline="Mercenaries in the Sahel",
        body="Reports say the **Wagner** Group arrived <b>late</b> & quietly.",
    )
    html = client.get("/search/", {"q": "wagner"}).content.decode()
    assert "<mark>Wagner</mark> Group arrived late &amp; quietly." in html


def test_the_query_is_shown_escaped_in_the_page_and_the_search_box(client):
    html = client.get("/search/", {"q": '<script>"x"</script>'}).content.decode()
    assert "<script>" not in html
    assert 'value="&lt;script&gt;&quot;x&quot;&lt;/script&gt;"' in html


def test_every_page_has_a_labelled_search_box_in_the_masthead(client):
    html = client.get("/").content.decode()
    assert '<form class="search-box" role="search" method="get" action="/search/">' in html
    assert '<label class="visually-hidden" for="search-q">' in html
    assert '<input id="search-q" type="search" name="q"' in html


def test_results_are_paginated_and_the_pages_keep_the_query(client, settings):
    settings.MAGAZINE_PAGE_SIZE = 2
    for n in range(5):
        make_article(headline=f"Lighthouse keepers {n}")
    first = client.get("/search/", {"q": "lighthouse"})
    assert len(result_headlines(first)) == 2
    assert 'href="?q=lighthouse&amp;page=2"' in first.content.decode()
    last = client.get("/search/", {"q": "lighthouse", "page": 3})
    assert len(result_headlines(last)) == 1
    assert "5 pieces found" in last.content.decode()


def test_a_search_with_no_results_says_so_once_above_the_box_holding_the_query(
    client, demo_magazine
):
    html = client.get("/search/", {"q": "zeppelin"}).content.decode()
    assert html.count("Nothing published matches") == 1
    assert "pieces found" not in html and 'class="empty"' not in html
    assert html.count('role="search"') == 1
    assert '<input id="search-q" type="search" name="q" value="zeppelin"' in html


def test_the_empty_search_page_shows_the_box_it_asks_the_reader_to_use(client):
    html = client.get("/search/").content.decode()
    assert html.count('role="search"') == 1
    assert '<input id="search-q" type="search" name="q" value="" maxlength="200" autofocus>' in html


def test_results_are_the_cards_of_the_listing_grid_with_the_snippet_for_standfirst(
    client, demo_magazine
):
    html = client.get("/search/", {"q": "Wagner"}).content.decode()
    grid = html[html.index('<div class="grid">') : html.index("</main>")]
    assert grid.count('<article class="card">') == len(found("Wagner")) > 0
    assert '<p class="card__standfirst">' in grid and "<mark>Wagner</mark>" in grid
    # The results page keeps one search box: its own, not the masthead's as well.
    assert html.count('role="search"') == 1 and 'class="search-link"' not in html


def _search_queries(client, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return len(queries)


def _add_pieces(count, section, contributor):
    for n in range(count):
        make_article(
            headline=f"Harbour report {n}",
            section=section,
            bylines=[(contributor, ""), (make_contributor(), "Photographer")],
            tags=["Harbour", f"Extra {n}"],
            hero_image=make_image(),
        )


def test_search_runs_the_same_number_of_queries_with_3_pieces_as_with_60(client):
    section = Section.objects.create(name="Coast", slug="coast")
    writer = make_contributor()
    _add_pieces(3, section, writer)
    # The first page of a generation reads the sections; the count is of the pages after it.
    _search_queries(client, "harbour")
    with_3 = _search_queries(client, "harbour")
    _add_pieces(57, section, writer)
    assert len(found("harbour")) == 60
    assert _search_queries(client, "harbour") == with_3


def test_updating_the_index_costs_the_same_whatever_the_byline_and_tags():
    small = make_article(tags=["One"])
    large = make_article(
        bylines=[(make_contributor(), "") for _ in range(6)],
        tags=[f"Tag {n}" for n in range(12)],
    )
    counts = []
    for article in (small, large):
        with CaptureQueriesContext(connection) as queries:
            search.index_articles([article.pk])
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 4


def test_the_search_pages_are_valid_html(demo_magazine, client, tmp_path):
    command = [java(), "-jar", str(vnu_jar()), "--errors-only", "--format", "json"]
    for name, query in {"results": '"Wagner Group"', "none": "zeppelin", "empty": ""}.items():
        (tmp_path / f"{name}.html").write_bytes(client.get("/search/", {"q": query}).content)
    result = subprocess.run(
        [*command, *map(str, sorted(tmp_path.glob("*.html")))],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr.strip() or result.stdout.strip())["messages"]
    assert not messages, messages


@pytest.mark.browser
def test_the_masthead_search_link_finds_pieces_on_a_320px_screen_for_every_reader(
    demo_magazine, live_server, new_page
):
    """One tap on the masthead's link, words typed and Enter: marked results that fit, pass axe."""
    axe = axe_script()
    for scheme in ("light", "dark"):
        # axe-core is added as a script of the test's own, which the site's CSP would refuse.
        page = new_page(
            viewport={"width": 320, "height": 800}, color_scheme=scheme, bypass_csp=True
        )
        page.goto(live_server.url + "/")
        page.locator(".masthead").get_by_role("link", name="Search").click()
        box = page.get_by_role("searchbox", name="Search the magazine")
        expect(box).to_be_focused()
        box.fill('"Wagner Group"')
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/search/\?q=%22Wagner\+Group%22$"))
        expect(page.locator(".card__headline").first).to_have_text(REFERENCE_HEADLINE)
        expect(page.locator("mark").first).to_have_text(re.compile("Wagner", re.IGNORECASE))
        scroll_width, client_width = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll_width <= client_width, scheme
        page.add_script_tag(path=str(axe))
        violations = page.evaluate(
            """async () => (await axe.run(document, {runOnly: {type: "tag",
                values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})).violations
                .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)"""
        )
        assert not violations, f"{scheme}: {violations}"


@pytest.mark.browser
def test_matches_are_marked_in_the_sites_own_colours_in_light_and_dark(
    demo_magazine, live_server, new_page
):
    """The highlight is the site's tint of its accent, not the browser's yellow, in both schemes."""
    backgrounds = {}
    for scheme in ("light", "dark"):
        page = new_page(color_scheme=scheme)
        page.goto(live_server.url + "/search/?q=Wagner")
        background, colour, ink = page.locator("mark").first.evaluate(
            """(mark) => [getComputedStyle(mark).backgroundColor, getComputedStyle(mark).color,
                getComputedStyle(document.body).color]"""
        )
        assert background not in ("rgb(255, 255, 0)", "rgba(0, 0, 0, 0)"), scheme
        assert colour == ink, scheme
        backgrounds[scheme] = background
    assert backgrounds["light"] != backgrounds["dark"]
