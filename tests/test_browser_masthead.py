"""The masthead, a contributor's positions and a content warning in a real Chromium: axe-core
and the Nu checker at phone and laptop widths, light and dark, and the warning read first."""

import pytest
from playwright.sync_api import expect

from articles import accounts
from articles.models import Contributor, Position

from . import admin_checks
from .factories import (
    committed,
    make_article,
    make_contributor,
    make_editor,
    make_image,
    make_section,
    make_writer,
)
from .test_browser import VIEWPORTS, accessibility_problems, overflow_problems
from .test_html_validity import assert_valid

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
SCREEN_SIZES = [(scheme, width) for scheme in ("light", "dark") for width in WIDTHS]
WARNING = "Describes the deaths of residents in a flood and the search for the missing"


@pytest.fixture
def site(transactional_db, live_server):
    """Two years of masthead, someone on it with no public piece, and a piece with a warning."""
    world = make_section(name="World", slug="world")
    ines = make_contributor(
        name="Ines Castellanos",
        slug="ines-castellanos",
        role="Staff Writer",
        pronouns="she/her",
        class_year=2027,
        bio="Ines covers campus news and the student union.",
    )
    tomasz = make_contributor(name="Tomasz Wierzbicki", slug="tomasz-wierzbicki")
    niamh = make_contributor(name="Niamh Adeyemi", slug="niamh-adeyemi", pronouns="she/her")
    warned = make_article(
        headline="What the River Took",
        slug="what-the-river-took",
        standfirst="A village counts its losses a month after the water rose.",
        body="The water came at night.\n\nBy morning the lower street was gone.",
        section=world,
        bylines=[(ines, "")],
        hero_image=make_image(alt_text="A flooded street seen from a bridge"),
        content_warning=WARNING,
    )
    make_article(headline="Turnout Up, Trust Still Low", section=world, bylines=[(niamh, "")])
    with committed():
        for year, entries in {
            2024: [(tomasz, "Editor-in-Chief"), (ines, "News Editor")],
            2025: [
                (ines, "Editor-in-Chief"),
                (tomasz, "Science Editor"),
                (niamh, "Culture Editor"),
                (niamh, "Books Editor"),
            ],
        }.items():
            for order, (person, title) in enumerate(entries):
                Position.objects.create(contributor=person, title=title, year=year, order=order)
    return {
        "url": live_server.url,
        "pages": {
            "masthead": "/masthead/",
            "masthead-past-year": "/masthead/2024-25/",
            "contributor-with-positions": ines.get_absolute_url(),
            "contributors": "/contributors/",
            "piece-with-a-warning": warned.get_absolute_url(),
            "section-with-a-warned-card": "/sections/world/",
        },
    }


@pytest.mark.parametrize(("scheme", "width"), SCREEN_SIZES, ids=lambda v: str(v))
def test_the_masthead_pages_have_no_accessibility_violations(axe, site, new_page, scheme, width):
    """Axe finds no WCAG 2.1 A/AA violation on the masthead, its people and a warned piece."""
    # axe-core is added as a script of the test's own, which the site's CSP would refuse.
    page = new_page(color_scheme=scheme, viewport=VIEWPORTS[width], bypass_csp=True)
    problems = accessibility_problems(page, axe, site["url"], site["pages"])
    assert not problems, f"Accessibility violations, {scheme} scheme, {width} px wide:\n" + (
        "\n".join(problems)
    )


def test_the_masthead_pages_are_valid_html_as_sent_and_as_shown(vnu, site, new_page, tmp_path):
    """The Nu checker finds no error in each page as sent, nor as it stands at each width."""
    found = {}
    for width in WIDTHS:
        page = new_page(viewport=VIEWPORTS[width])
        found |= admin_checks.pages_as_sent_and_shown(
            page, site["url"], site["pages"], f"{width}px"
        )
    assert_valid(vnu, found, tmp_path)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_masthead_page_scrolls_sideways(site, new_page, width):
    page = new_page(viewport=VIEWPORTS[width])
    problems = overflow_problems(page, site["url"], site["pages"])
    assert not problems, f"Horizontal scrolling at {width} px:\n" + "\n".join(problems)


def test_a_screen_reader_meets_the_warning_before_the_picture_and_the_text(site, new_page):
    """In the accessibility tree the warning is a note read after the headline, before the body."""
    page = new_page(viewport=VIEWPORTS[390])
    page.goto(site["url"] + site["pages"]["piece-with-a-warning"])
    note = page.get_by_role("note")
    expect(note).to_have_text(f"Content warning: {WARNING}")
    expect(note).to_be_visible()
    tree = page.locator("article.piece").aria_snapshot()
    assert tree.index("What the River Took") < tree.index("Content warning")
    assert tree.index("Content warning") < tree.index("A flooded street")
    assert tree.index("Content warning") < tree.index("The water came at night.")


def test_a_reader_goes_from_this_years_masthead_to_a_past_year_and_a_persons_page(site, new_page):
    """Without JavaScript: the past year is a link away, and a name with a page is a link."""
    page = new_page(viewport=VIEWPORTS[390], java_script_enabled=False)
    page.goto(site["url"] + "/masthead/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Masthead 2025–26")
    # Tomasz has no public piece, so no page to link to.
    expect(page.get_by_role("link", name="Tomasz Wierzbicki")).to_have_count(0)
    expect(page.get_by_text("Tomasz Wierzbicki")).to_be_visible()
    page.get_by_role("link", name="2024–25").click()
    expect(page).to_have_url(site["url"] + "/masthead/2024-25/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Masthead 2024–25")
    page.get_by_role("link", name="Ines Castellanos").click()
    expect(page).to_have_url(site["url"] + "/contributors/ines-castellanos/")
    expect(page.get_by_text("Class of 2027")).to_be_visible()
    positions = page.get_by_role("list", name="On the masthead").get_by_role("listitem")
    expect(positions).to_have_text(["Editor-in-Chief, 2025–26", "News Editor, 2024–25"])


# The editors' side: positions, and a graduate whose access has ended.


@pytest.fixture
def desk(site):
    """The site above, an editor, and a graduate whose access an editor has ended."""
    make_editor("eve", first_name="Eve")
    graduate = make_writer("ada", name="Ada Okafor").contributor
    make_article(headline="A Year at the Paper", bylines=[(graduate, "")])
    assert accounts.end_access(Contributor.objects.select_related("user").get(pk=graduate.pk))
    ines = Contributor.objects.get(slug="ines-castellanos")
    return {
        "contributor-list": "/admin/articles/contributor/",
        "contributors-whose-access-ended": "/admin/articles/contributor/?access=ended",
        "contributor-with-positions": f"/admin/articles/contributor/{ines.pk}/change/",
        "position-list": "/admin/articles/position/",
        "position-list-of-a-year": "/admin/articles/position/?year=2024",
        "new-position": "/admin/articles/position/add/",
    }


@pytest.mark.parametrize(("scheme", "width"), SCREEN_SIZES, ids=lambda v: str(v))
def test_the_editors_masthead_pages_have_no_accessibility_violations(
    axe, site, desk, new_page, scheme, width
):
    page = admin_checks.signed_in_as_editor(
        new_page, site["url"], color_scheme=scheme, viewport=VIEWPORTS[width], bypass_csp=True
    )
    problems = admin_checks.accessibility_problems(page, axe, site["url"], desk)
    assert not problems, f"Accessibility violations, {scheme}, {width} px:\n" + "\n".join(problems)


def test_the_editors_masthead_pages_are_valid_html_as_sent_and_as_shown(
    vnu, site, desk, new_page, tmp_path
):
    pages = {}
    for width in WIDTHS:
        page = admin_checks.signed_in_as_editor(new_page, site["url"], viewport=VIEWPORTS[width])
        pages.update(admin_checks.pages_as_sent_and_shown(page, site["url"], desk, f"{width}"))
    # Django's markup for an optional autocomplete choice, unmodified (see admin_checks).
    pages = admin_checks.without_empty_autocomplete_choice(pages, "photo", "user")
    assert "Ended " in pages["contributors-whose-access-ended-as-sent"]
    assert_valid(vnu, pages, tmp_path)
