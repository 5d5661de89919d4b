"""Series: a page of their public parts in order, and "Part 2 of 5" on each part."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import derived, footprints
from articles.models import Article, PlaceInSeries, Series

from .factories import committed, make_article, make_series
from .test_admin_review import form_post
from .test_metadata import Head, expanded

pytestmark = pytest.mark.django_db

SCHEMA = "https://schema.org/"


def days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def series(db):
    return make_series(
        title="After the Troops Left",
        slug="after-the-troops-left",
        description="Five pieces on the Sahel since France's exit.",
    )


@pytest.fixture
def parts(series):
    """Parts 1 to 4 by number, published out of order; part 3 is still a draft."""
    return {
        number: make_article(
            headline=f"Part number {number}",
            series=series,
            series_position=number,
            status=Article.Status.DRAFT if number == 3 else Article.Status.PUBLISHED,
            published_at=None if number == 3 else days_ago(10 - number if number != 2 else 20),
        )
        for number in (1, 2, 3, 4)
    }


def page_of(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def headlines_in(html):
    return re.findall(r'class="card__headline"><a href="[^"]+">([^<]+)</a>', html)


# The series' page


def test_the_series_page_lists_its_public_parts_by_part_number_not_by_date(client, parts):
    response = client.get("/series/after-the-troops-left/")
    assert response.status_code == 200
    assert headlines_in(response.content.decode()) == [
        "Part number 1",
        "Part number 2",
        "Part number 4",
    ]


def test_parts_with_the_same_number_run_in_the_order_they_were_published(client, series):
    make_article(headline="Published second", series=series, published_at=days_ago(1))
    make_article(headline="Published first", series=series, published_at=days_ago(2))
    html = client.get(series.get_absolute_url()).content.decode()
    assert headlines_in(html) == ["Published first", "Published second"]


def test_the_series_page_numbers_its_parts_among_public_parts_only(client, parts):
    html = client.get("/series/after-the-troops-left/").content.decode()
    assert re.findall(r'<p class="kicker">(Part \d+)</p>', html) == ["Part 1", "Part 2", "Part 3"]
    assert "3 parts, in order" in html


def test_the_series_page_gives_its_title_and_description(client, parts):
    html = client.get("/series/after-the-troops-left/").content.decode()
    assert "<h1>After the Troops Left</h1>" in html
    assert "Five pieces on the Sahel since France&#x27;s exit." in html
    assert "<title>After the Troops Left · " in html


def test_a_series_of_drafts_alone_has_no_page(client, series):
    make_article(headline="Only a draft", series=series, status=Article.Status.DRAFT)
    make_article(headline="Scheduled", series=series, published_at=timezone.now() + timedelta(1))
    assert client.get(series.get_absolute_url()).status_code == 404


def test_an_unknown_series_has_no_page(client):
    assert client.get("/series/no-such-series/").status_code == 404


def test_the_series_page_costs_the_same_queries_with_3_parts_as_with_60(
    client, series, settings, django_assert_num_queries
):
    settings.MAGAZINE_FRAGMENT_CACHE = False
    settings.MAGAZINE_PAGE_SIZE = 100
    for _ in range(3):
        make_article(series=series)
    with CaptureQueriesContext(connection) as with_3:
        assert client.get(series.get_absolute_url()).status_code == 200
    for _ in range(57):
        make_article(series=series)
    with django_assert_num_queries(len(with_3)):
        response = client.get(series.get_absolute_url())
    assert len(headlines_in(response.content.decode())) == 60


def test_the_series_page_is_a_creative_work_series_with_its_parts_to_a_processor(client, parts):
    html = client.get("/series/after-the-troops-left/").content.decode()
    [block] = Head(html).json_ld
    node = expanded(json.loads(block))
    assert node["@type"] == [SCHEMA + "CreativeWorkSeries"]
    assert node[SCHEMA + "name"] == [{"@value": "After the Troops Left"}]
    found = [
        (part[SCHEMA + "headline"][0]["@value"], part[SCHEMA + "position"][0]["@value"])
        for part in node[SCHEMA + "hasPart"]
    ]
    assert found == [("Part number 1", 1), ("Part number 2", 2), ("Part number 4", 3)]
    urls = [part[SCHEMA + "url"][0]["@value"] for part in node[SCHEMA + "hasPart"]]
    assert urls[0] == f"http://testserver{parts[1].get_absolute_url()}"


def test_markup_in_a_series_title_stays_text_on_its_page_and_in_its_json_ld(client, series):
    title = '</script><script>alert("x")</script> & <b>Sahel</b>'
    Series.objects.filter(pk=series.pk).update(title=title, description=title)
    make_article(series=series)
    html = client.get(series.get_absolute_url()).content.decode()
    assert '<script>alert("x")</script>' not in html and "<b>Sahel</b>" not in html
    [block] = Head(html).json_ld
    assert "<" not in block
    assert json.loads(block)["name"] == title


# A part's own page


def test_a_part_says_which_part_it_is_among_public_parts_and_links_its_series(client, parts):
    html = page_of(client, parts[4])
    assert (
        '<p class="piece__series">Part 3 of 3 in '
        '<a href="/series/after-the-troops-left/">After the Troops Left</a></p>'
    ) in html


def test_a_part_links_the_public_parts_before_and_after_it_skipping_a_draft(client, parts):
    html = page_of(client, parts[2])
    previous = re.search(r'<a class="series-nav__previous" href="([^"]+)" rel="prev">', html)
    following = re.search(r'<a class="series-nav__next" href="([^"]+)" rel="next">', html)
    assert previous.group(1) == parts[1].get_absolute_url()
    assert following.group(1) == parts[4].get_absolute_url()
    assert "Part number 3" not in html


def test_the_first_part_has_no_previous_part_and_the_last_no_next(client, parts):
    first, last = page_of(client, parts[1]), page_of(client, parts[4])
    assert "series-nav__previous" not in first and "series-nav__next" in first
    assert "series-nav__next" not in last and "series-nav__previous" in last


def test_the_only_public_part_has_no_series_navigation(client, series):
    only = make_article(series=series)
    make_article(series=series, status=Article.Status.DRAFT)
    html = page_of(client, only)
    assert "Part 1 of 1 in" in html
    assert "series-nav" not in html


def test_a_piece_in_no_series_says_nothing_of_one(client):
    html = page_of(client, make_article())
    assert "piece__series" not in html and "series-nav" not in html


def test_a_part_not_public_has_no_place_in_its_series(parts):
    assert PlaceInSeries.of(parts[3]) is None


def test_a_parts_page_costs_one_query_more_than_a_piece_in_no_series(client, parts, settings):
    settings.MAGAZINE_FRAGMENT_CACHE = False

    def queries(article):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(captured)

    alone = make_article(section=parts[1].section)
    # The headlines and addresses of the series' public parts, however many there are.
    assert queries(parts[2]) == queries(alone) + 1


def test_a_parts_page_shows_its_series_its_parts_and_the_parts_beside_it(client, parts):
    tags = set(client.get(parts[2].get_absolute_url())["Cache-Tag"].split())
    series = parts[2].series_id
    assert {f"r{series}", f"list-r{series}", f"a{parts[1].pk}", f"a{parts[4].pk}"} <= tags


def test_the_series_page_shows_the_series_and_its_parts(client, parts):
    tags = set(client.get("/series/after-the-troops-left/")["Cache-Tag"].split())
    series = parts[1].series_id
    assert {f"r{series}", f"list-r{series}", f"a{parts[1].pk}", f"a{parts[4].pk}"} <= tags


# What a change forgets


def test_a_part_is_in_its_series_listing_at_its_place(parts):
    marks = footprints.footprint(parts[2])
    assert f"list-r{parts[2].series_id}" in marks
    assert "series-position:2" in marks


def test_moving_a_part_forgets_its_series_and_the_parts_that_count_it(parts):
    article = Article.objects.get(pk=parts[2].pk)
    before = article.public_footprint
    article.series_position = 7
    with committed():
        article.save()
    article.refresh_from_db()
    assert f"list-r{article.series_id}" in footprints.piece_tags(
        article.pk, before, article.public_footprint
    )


def test_publishing_a_part_forgets_its_series_page_and_its_sibling_parts(parts):
    draft = Article.objects.get(pk=parts[3].pk)
    draft.status = Article.Status.PUBLISHED
    draft.save()
    tags = footprints.pages_to_forget(derived.Changes(pieces={draft.pk}))
    assert f"list-r{draft.series_id}" in tags


def test_saving_a_series_with_a_public_part_forgets_its_page_and_parts(parts):
    series = parts[1].series_id
    tags = footprints.pages_to_forget(derived.Changes(series={series}))
    assert tags == {f"r{series}", "sitemap"}


def test_saving_a_series_of_drafts_forgets_nothing(series):
    make_article(series=series, status=Article.Status.DRAFT)
    assert footprints.pages_to_forget(derived.Changes(series={series.pk})) == set()


def test_a_deleted_series_forgets_its_page_and_its_former_parts(parts):
    series = parts[1].series_id
    Series.objects.filter(pk=series).delete()
    assert footprints.pages_to_forget(derived.Changes(series={series})) == {
        f"r{series}",
        "sitemap",
    }


def test_renaming_a_series_is_noted(series):
    series.title = "A New Title"
    series.save()
    assert derived.pending().series == {series.pk}


@pytest.mark.django_db(transaction=True)
def test_publishing_a_part_shows_at_once_on_the_series_page_and_its_siblings_not_elsewhere(
    client, settings, django_assert_num_queries
):
    settings.MAGAZINE_PAGE_CACHE = True
    series = Series.objects.create(title="The Long Exit", slug="the-long-exit")
    first = make_article(headline="The First Part", series=series, series_position=1)
    draft = make_article(
        headline="The Second Part",
        series=series,
        series_position=2,
        status=Article.Status.DRAFT,
    )
    other = make_article(headline="Chess Club")
    for url in (series.get_absolute_url(), first.get_absolute_url(), other.get_absolute_url()):
        assert client.get(url).status_code == 200
    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now() - timedelta(minutes=1)
    draft.save()
    assert "The Second Part" in client.get(series.get_absolute_url()).content.decode()
    assert "Part 1 of 2 in" in client.get(first.get_absolute_url()).content.decode()
    with django_assert_num_queries(0):
        assert client.get(other.get_absolute_url()).status_code == 200


# The sitemap


def test_the_sitemap_lists_a_series_with_a_public_part_and_not_one_of_drafts(client, parts):
    drafts = make_series(slug="only-drafts")
    make_article(series=drafts, status=Article.Status.DRAFT)
    xml = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/series/after-the-troops-left/" in xml
    assert "/series/only-drafts/" not in xml


# The admin


def test_the_series_admin_lists_its_parts_in_order_and_renumbers_them(editor_client, parts):
    series = parts[1].series
    url = f"/admin/articles/series/{series.pk}/change/"
    response = editor_client.get(url)
    assert response.status_code == 200
    rows = response.context["inline_admin_formsets"][0].formset.forms
    assert [form.instance.headline for form in rows] == [f"Part number {n}" for n in (1, 2, 3, 4)]
    data = form_post(response)
    data["parts-0-series_position"] = "9"
    assert editor_client.post(url, data).status_code == 302
    assert Article.objects.get(pk=parts[1].pk).series_position == 9


def test_the_series_admin_makes_the_address_from_the_title_and_counts_public_parts(
    editor_client, parts
):
    response = editor_client.get("/admin/articles/series/add/")
    assert "prepopulated_fields" in response.content.decode() or (
        "data-prepopulated-fields" in response.content.decode()
    )
    listing = editor_client.get("/admin/articles/series/")
    [row] = listing.context["cl"].result_list
    assert (row.public_count, row.part_count) == (3, 4)


def test_a_piece_is_put_in_a_series_from_its_own_form(editor_client, series):
    article = make_article()
    html = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'name="series"' in html and 'name="series_position"' in html
