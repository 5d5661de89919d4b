"""A content warning on a piece: set by an editor (or proposed by its writer), shown before the
piece on its page, on its cards and in the feeds, and inert whatever was typed into it."""

import html
import re

import feedparser
import pytest
from django.contrib.auth import get_user_model

from articles.models import Article

from .factories import make_article, make_contributor, make_image, make_section
from .test_admin import _article_form
from .test_contributor_area import piece_data

pytestmark = pytest.mark.django_db

WARNING = "Discusses suicide and self-harm"
HOSTILE = '<script>alert("cw")</script><img src=x onerror=alert(1)> & "quotes" \'too\''
LONG = (
    "Describes the aftermath of a flood in detail, including the deaths of several residents "
    "and the search for those still missing"
)


@pytest.fixture
def piece(db):
    return make_article(
        headline="What the River Took",
        slug="what-the-river-took",
        standfirst="A village counts its losses.",
        body="The first paragraph of the body.\n\nThe second paragraph.",
        section=make_section(name="World", slug="world"),
        bylines=[(make_contributor(name="Pipa Powers", slug="pipa-powers"), "")],
        content_warning=WARNING,
    )


# On the piece's page


def test_the_warning_is_shown_after_the_headline_and_before_the_body(client, piece):
    page = client.get(piece.get_absolute_url()).text
    warning = (
        f'<p class="content-warning" role="note"><strong>Content warning:</strong> {WARNING}</p>'
    )
    assert page.count(warning) == 1
    assert page.index("What the River Took</h1>") < page.index(warning)
    assert page.index(warning) < page.index("The first paragraph of the body.")


def test_the_warning_comes_before_the_picture_too(client, piece):
    piece.hero_image = make_image()
    piece.save()
    page = client.get(piece.get_absolute_url()).text
    assert page.index('class="content-warning"') < page.index('class="piece__hero"')


def test_a_piece_without_a_warning_shows_none(client, piece):
    other = make_article(section=piece.section)
    page = client.get(other.get_absolute_url()).text
    assert "Content warning" not in page
    assert "content-warning" not in page


def test_hostile_text_in_the_warning_is_shown_as_text_on_the_page(client, piece):
    piece.content_warning = HOSTILE
    piece.save()
    page = client.get(piece.get_absolute_url()).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert (
        "&lt;script&gt;alert(&quot;cw&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        in (page)
    )
    # Nor does it leak into the structured data.
    json_ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1]
    assert "<script" not in json_ld


# On the cards of listings


def cards(page):
    return re.findall(r'<article class="card[^"]*">.*?</article>', page, re.S)


def card_of(page, headline):
    return next(card for card in cards(page) if headline in card)


@pytest.mark.parametrize("url", ["/", "/sections/world/", "/contributors/pipa-powers/"])
def test_each_card_of_the_piece_carries_a_short_warning(client, piece, url):
    make_article(section=piece.section, headline="A second piece for the grid")
    card = card_of(client.get(url).text, "What the River Took")
    assert f'<p class="card__warning"><strong>Content warning:</strong> {WARNING}</p>' in card, url
    # Under the headline, before the standfirst.
    assert card.index("card__headline") < card.index("card__warning") < card.index("A village")


def test_a_long_warning_is_cut_short_on_a_card_and_shown_whole_on_the_page(client, piece):
    piece.content_warning = LONG
    piece.save()
    card = card_of(client.get("/sections/world/").text, "What the River Took")
    shown = re.search(r"Content warning:</strong> ([^<]+)</p>", card)[1]
    # Cut at a word, not inside one.
    cut = "Describes the aftermath of a flood in detail, including the deaths of several residents"
    assert shown == f"{cut} and the …"
    assert LONG in client.get(piece.get_absolute_url()).text


def test_a_search_result_carries_the_warning_too(client, piece):
    page = client.get("/search/?q=river").text
    assert "Content warning:</strong> " + WARNING in card_of(page, "What the River Took")


def test_hostile_text_in_the_warning_is_shown_as_text_on_a_card(client, piece):
    piece.content_warning = HOSTILE
    piece.save()
    page = client.get("/sections/world/").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in card_of(page, "What the River Took")


def test_cards_of_pieces_without_a_warning_show_none(client, piece):
    make_article(section=piece.section, headline="Nothing to warn of")
    page = client.get("/sections/world/").text
    assert "card__warning" not in card_of(page, "Nothing to warn of")


# In the feeds


def entry_of(client, url, piece):
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return next(e for e in parsed.entries if e.link.endswith(piece.get_absolute_url()))


FEEDS = ["/feed/", "/feed/atom/", "/sections/world/feed/", "/contributors/pipa-powers/feed/atom/"]


@pytest.mark.parametrize("url", FEEDS)
def test_a_feed_items_summary_starts_with_the_warning(client, piece, url):
    entry = entry_of(client, url, piece)
    assert html.unescape(entry.summary) == (
        f"Content warning: {WARNING}. A village counts its losses."
    )


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_a_feed_items_full_text_starts_with_the_warning(client, piece, url):
    content = entry_of(client, url, piece).content[0].value
    assert content.startswith("<p")
    assert content.index(f"Content warning:</strong> {WARNING}") < content.index("first paragraph")


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_a_warning_without_a_standfirst_is_the_whole_summary(client, piece, url):
    piece.standfirst = ""
    piece.content_warning = "Violence!"
    piece.save()
    assert html.unescape(entry_of(client, url, piece).summary) == "Content warning: Violence!"


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_hostile_text_in_the_warning_reads_back_as_typed_in_a_feed(client, piece, url):
    piece.content_warning = HOSTILE
    piece.save()
    entry = entry_of(client, url, piece)
    # Escaped exactly once: a reader showing the summary as HTML shows the text as typed.
    assert html.unescape(entry.summary_detail.value) == (
        f"Content warning: {HOSTILE}. A village counts its losses."
    )
    content = entry.content[0].value
    assert "<script>" not in content and "<img src=x" not in content
    assert "&amp;amp;" not in content and "&amp;lt;" not in content


def test_pieces_without_a_warning_keep_the_standfirst_as_their_summary(client, piece):
    other = make_article(section=piece.section, standfirst="Only the standfirst.")
    assert entry_of(client, "/feed/", other).summary == "Only the standfirst."


# Where it is written


@pytest.fixture
def superuser_client(client):
    editor = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(editor)
    return client


def test_an_editor_sets_the_warning_in_the_pieces_form(superuser_client):
    form = superuser_client.get("/admin/articles/article/add/").text
    assert 'name="content_warning"' in form
    assert form.index('name="standfirst"') < form.index('name="content_warning"')
    data = _article_form(make_section(), make_contributor(), content_warning=WARNING)
    response = superuser_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 302
    assert Article.objects.get(slug="a-new-piece").content_warning == WARNING


def test_the_warning_is_at_most_200_characters(superuser_client):
    data = _article_form(make_section(), make_contributor(), content_warning="x" * 201)
    response = superuser_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert not Article.objects.filter(slug="a-new-piece").exists()


def test_hostile_text_in_the_warning_is_inert_in_the_admin(superuser_client, piece):
    piece.content_warning = HOSTILE
    piece.save()
    form = superuser_client.get(f"/admin/articles/article/{piece.pk}/change/").text
    assert "<script>alert" not in form
    assert "&lt;script&gt;alert(&quot;cw&quot;)&lt;/script&gt;" in form


def test_a_writer_proposes_a_warning_with_their_draft(client, writer):
    client.force_login(writer)
    form = client.get("/submit/new/").text
    assert 'name="content_warning"' in form
    response = client.post("/submit/new/", piece_data(make_section(), content_warning=WARNING))
    assert response.status_code == 302
    assert Article.objects.get().content_warning == WARNING


def test_an_edited_warning_is_among_the_changes_between_two_revisions():
    from articles.admin.revisions import revision_changes

    article = make_article(content_warning="")
    article.content_warning = WARNING
    article.save()
    newer, older = article.history.order_by("-history_date", "-history_id")[:2]
    labels = [change["label"] for change in revision_changes(older, newer)]
    assert labels == ["Content warning"]
