"""Corrections, updates and series in a real Chromium: axe-core and the Nu checker at phone and
laptop widths, light and dark, for readers and editors; the correction heard before the text."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Correction

from . import admin_checks
from .factories import (
    committed,
    make_article,
    make_contributor,
    make_editor,
    make_image,
    make_section,
    make_series,
)
from .test_browser import VIEWPORTS, accessibility_problems, overflow_problems
from .test_html_validity import assert_valid

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
SCREEN_SIZES = [(scheme, width) for scheme in ("light", "dark") for width in WIDTHS]
CORRECTION = "An earlier version of this piece said the mission began in 2014. It began in 2013."
UPDATE = "Since this piece was published, the last peacekeepers have left.\nMore in part 3."


@pytest.fixture
def site(transactional_db, live_server):
    """A series of three public parts and a draft; the second corrected and updated."""
    world = make_section(name="World", slug="world")
    pipa = make_contributor(name="Pipa Powers", slug="pipa-powers")
    series = make_series(
        title="The Sahel after France",
        slug="the-sahel-after-france",
        description="Three pieces on what followed the last French troops out of Mali.",
    )
    now = timezone.now()

    def part(number, headline, **fields):
        return make_article(
            headline=headline,
            section=world,
            bylines=[(pipa, "Contributor")],
            series=series,
            series_position=number,
            **fields,
        )

    first = part(1, "Solar Power Reaches the Last Mile", published_at=now - timedelta(days=9))
    second = part(
        2,
        "French Troops Exit Mali",
        standfirst="What France leaves behind in the Sahel.",
        body="The first paragraph of the piece.\n\nThe second paragraph of the piece.",
        hero_image=make_image(alt_text="Delegates seated at a summit"),
        published_at=now - timedelta(days=6),
    )
    part(3, "A Draft Part Nobody Sees Yet", status=Article.Status.DRAFT)
    part(4, "The Peacekeepers Leave Too", published_at=now - timedelta(days=2))
    with committed():
        Correction.objects.create(
            article=second, text=CORRECTION, published_at=now - timedelta(days=5)
        )
        Correction.objects.create(
            article=second, kind="update", text=UPDATE, published_at=now - timedelta(days=1)
        )
        Correction.objects.create(
            article=first, text="The village is in Tanzania, not Kenya.", published_at=now
        )
    return {
        "url": live_server.url,
        "series": series,
        "first": first,
        "second": second,
        "pages": {
            "corrections": "/corrections/",
            "series": series.get_absolute_url(),
            "piece-with-a-correction-an-update-and-a-series": second.get_absolute_url(),
            "first-part-with-a-correction": first.get_absolute_url(),
        },
    }


@pytest.mark.parametrize(("scheme", "width"), SCREEN_SIZES, ids=lambda v: str(v))
def test_the_pages_have_no_accessibility_violations(axe, site, new_page, scheme, width):
    """Axe finds no WCAG 2.1 A/AA violation on /corrections/, a series and its parts."""
    # axe-core is added as a script of the test's own, which the site's CSP would refuse.
    page = new_page(color_scheme=scheme, viewport=VIEWPORTS[width], bypass_csp=True)
    problems = accessibility_problems(page, axe, site["url"], site["pages"])
    assert not problems, f"Accessibility violations, {scheme} scheme, {width} px wide:\n" + (
        "\n".join(problems)
    )


def test_the_pages_are_valid_html_as_sent_and_as_shown(vnu, site, new_page, tmp_path):
    """The Nu checker finds no error in each page as sent, nor as it stands at each width."""
    found = {}
    for width in WIDTHS:
        page = new_page(viewport=VIEWPORTS[width])
        found |= admin_checks.pages_as_sent_and_shown(
            page, site["url"], site["pages"], f"{width}px"
        )
    assert_valid(vnu, found, tmp_path)


@pytest.mark.parametrize("width", (320, *WIDTHS))
def test_no_page_scrolls_sideways(site, new_page, width):
    page = new_page(viewport=VIEWPORTS[width])
    problems = overflow_problems(page, site["url"], site["pages"])
    assert not problems, f"Horizontal scrolling at {width} px:\n" + "\n".join(problems)


def test_a_screen_reader_finds_the_correction_before_the_text_and_the_update_after(site, new_page):
    page = new_page(viewport=VIEWPORTS[390])
    page.goto(site["url"] + site["second"].get_absolute_url())
    correction = page.get_by_role("region", name="Correction")
    update = page.get_by_role("region", name="Update")
    expect(correction).to_contain_text(f"Correction, {day_of(5)}: {CORRECTION}")
    expect(update).to_contain_text("Since this piece was published, the last peacekeepers")
    expect(correction).to_be_visible()
    tree = page.locator("article.piece").aria_snapshot()
    assert tree.index("French Troops Exit Mali") < tree.index(CORRECTION)
    assert tree.index(CORRECTION) < tree.index("Delegates seated at a summit")
    assert tree.index("The second paragraph") < tree.index("Since this piece was published")


def day_of(days_ago):
    return f"{(timezone.localtime() - timedelta(days=days_ago)):%-d %B %Y}"


def test_without_javascript_a_reader_goes_from_a_correction_to_its_piece_and_through_the_series(
    site, new_page
):
    page = new_page(viewport=VIEWPORTS[390], java_script_enabled=False)
    page.goto(site["url"] + "/corrections/")
    listed = page.get_by_role("listitem").filter(has_text=CORRECTION)
    listed.get_by_role("link", name="French Troops Exit Mali").click()
    correction = Correction.objects.get(article=site["second"], kind="correction")
    expect(page).to_have_url(
        f"{site['url']}{site['second'].get_absolute_url()}#correction-{correction.pk}"
    )
    expect(page.get_by_text("Part 2 of 3 in")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Part 3 .*The Peacekeepers Leave Too")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Peacekeepers Leave Too")
    expect(page.get_by_text("Part 3 of 3 in")).to_be_visible()
    page.get_by_role("link", name="The Sahel after France", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Sahel after France")
    cards = page.locator(".card__headline")
    headlines = ["Solar Power Reaches the Last Mile", "French Troops Exit Mali"]
    expect(cards).to_have_text([*headlines, "The Peacekeepers Leave Too"])


# The editors' side


@pytest.fixture
def desk(site):
    make_editor("eve", first_name="Eve")
    second = site["second"]
    correction = Correction.objects.get(article=second, kind="correction")
    correction.text = CORRECTION.replace("2013", "early 2013")
    with committed():
        correction.save()
    return {
        "correction-list": "/admin/articles/correction/",
        "new-correction-for-a-piece": f"/admin/articles/correction/add/?article={second.pk}",
        "correction": f"/admin/articles/correction/{correction.pk}/change/",
        "correction-history": f"/admin/articles/correction/{correction.pk}/history/",
        "piece-with-corrections": f"/admin/articles/article/{second.pk}/change/",
        "series-list": "/admin/articles/series/",
        "series": f"/admin/articles/series/{site['series'].pk}/change/",
    }


@pytest.mark.parametrize(("scheme", "width"), SCREEN_SIZES, ids=lambda v: str(v))
def test_the_editors_pages_have_no_accessibility_violations(
    axe, site, desk, new_page, scheme, width
):
    page = admin_checks.signed_in_as_editor(
        new_page, site["url"], color_scheme=scheme, viewport=VIEWPORTS[width], bypass_csp=True
    )
    problems = admin_checks.accessibility_problems(page, axe, site["url"], desk)
    assert not problems, f"Accessibility violations, {scheme}, {width} px:\n" + "\n".join(problems)


# Django's autocomplete boxes: one for an optional choice (a piece's print issue) starts with
# an empty <option>, which HTML wants a label on; one for a required choice (the piece of a
# correction) is a required <select> holding only the choice made, which HTML wants to start
# with an empty option. Left out by element, so that anything of ours would still fail.
DJANGO_REQUIRED_AUTOCOMPLETE = re.compile(
    r'(<select name="article")( required(?:="")?)([^>]*class="admin-autocomplete[^"]*"[^>]*>)'
)


def without_djangos_autocomplete_quirks(pages):
    pages = admin_checks.without_empty_autocomplete_choice(pages, "issue")
    return {name: DJANGO_REQUIRED_AUTOCOMPLETE.sub(r"\1\3", html) for name, html in pages.items()}


def test_the_editors_pages_are_valid_html_as_sent_and_as_shown(vnu, site, desk, new_page, tmp_path):
    pages = {}
    for width in WIDTHS:
        page = admin_checks.signed_in_as_editor(new_page, site["url"], viewport=VIEWPORTS[width])
        pages.update(admin_checks.pages_as_sent_and_shown(page, site["url"], desk, f"{width}"))
    pages = without_djangos_autocomplete_quirks(pages)
    assert "early 2013" in pages["correction-history-as-sent"]
    assert_valid(vnu, pages, tmp_path)
