"""Print issues in a real Chromium: axe-core and the Nu checker on the index of issues, an issue
and a piece from it, at phone and laptop widths, light and dark; the cover opens the issue, and
the print edition downloads under the issue's name."""

import io
from datetime import timedelta

import pikepdf
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Issue

from . import admin_checks
from .factories import make_article, make_editor, make_image, make_issue, make_section
from .test_browser import VIEWPORTS, accessibility_problems, overflow_problems
from .test_html_validity import assert_valid

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
SCREEN_SIZES = [(scheme, width) for scheme in ("light", "dark") for width in WIDTHS]


def pdf_bytes():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def site(transactional_db, live_server, settings):
    """Two issues, one with a cover that may not be cropped; the newer one with its contents,
    in two sections, and its print edition."""
    settings.MAGAZINE_NAME = "The Quad Review"
    world = make_section(name="World", slug="world", position=1)
    culture = make_section(name="Culture", slug="culture", position=2)
    edition = pdf_bytes()
    spring = make_issue(
        volume=12,
        number=3,
        title="Spring 2026",
        slug="vol-12-no-3",
        cover=make_image(
            alt_text="A rowing eight on a misty river",
            credit={"title": "Dawn eight", "creator": "Sam Lee", "license": "cc-by-4.0"},
        ),
        introduction="Our *spring* issue: the boat race, the union elections and a long walk.",
        pdf=ContentFile(edition, name="edition.pdf"),
        pdf_size=len(edition),
    )
    make_issue(
        volume=12,
        number=2,
        title="Winter 2025",
        slug="vol-12-no-2",
        date=timezone.localdate() - timedelta(days=90),
        cover=make_image(
            alt_text="Delegates seated at a summit",
            credit={"creator": "United Nations Photo", "license": "cc-by-nc-nd-2.0"},
        ),
    )
    piece = make_article(
        headline="The Boat Race, From the Bank",
        section=world,
        issue=spring,
        issue_position=1,
        hero_image=make_image(alt_text="Crowds along the towpath"),
    )
    make_article(
        headline="Turnout Up, Trust Still Low", section=world, issue=spring, issue_position=2
    )
    make_article(
        headline="A Long Walk to the Sea",
        section=culture,
        issue=spring,
        hero_image=make_image(alt_text="A coastal path at low tide"),
    )
    return {
        "url": live_server.url,
        "edition": edition,
        "pages": {
            "issues": "/issues/",
            "issue": "/issues/vol-12-no-3/",
            "issue-without-contents": "/issues/vol-12-no-2/",
            "piece-from-an-issue": piece.get_absolute_url(),
        },
    }


@pytest.mark.parametrize(("scheme", "width"), SCREEN_SIZES, ids=lambda v: str(v))
def test_the_issue_pages_have_no_accessibility_violations(axe, site, new_page, scheme, width):
    """Axe finds no WCAG 2.1 A/AA violation on the issues, an issue, and a piece from one."""
    # axe-core is added as a script of the test's own, which the site's CSP would refuse.
    page = new_page(color_scheme=scheme, viewport=VIEWPORTS[width], bypass_csp=True)
    problems = accessibility_problems(page, axe, site["url"], site["pages"])
    assert not problems, f"Accessibility violations, {scheme} scheme, {width} px wide:\n" + (
        "\n".join(problems)
    )


def test_the_issue_pages_are_valid_html_as_sent_and_as_shown(vnu, site, new_page, tmp_path):
    """The Nu checker finds no error in each page as sent, nor as it stands at each width."""
    found = {}
    for width in WIDTHS:
        page = new_page(viewport=VIEWPORTS[width])
        found |= admin_checks.pages_as_sent_and_shown(
            page, site["url"], site["pages"], f"{width}px"
        )
    assert_valid(vnu, found, tmp_path)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_issue_page_scrolls_sideways(site, new_page, width):
    page = new_page(viewport=VIEWPORTS[width])
    problems = overflow_problems(page, site["url"], site["pages"])
    assert not problems, f"Horizontal scrolling at {width} px:\n" + "\n".join(problems)


def test_a_reader_opens_an_issue_by_its_cover_without_javascript(site, new_page):
    page = new_page(viewport=VIEWPORTS[390], java_script_enabled=False)
    page.goto(site["url"] + "/issues/")
    # Where the cover is, the title's link lies over it: a click there is the link's.
    box = page.get_by_role("img", name="A rowing eight on a misty river").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(site["url"] + "/issues/vol-12-no-3/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring 2026")


def test_a_no_derivatives_cover_is_shown_whole_in_its_box(site, new_page):
    page = new_page(viewport=VIEWPORTS[1280])
    page.goto(site["url"] + "/issues/")
    cover = page.get_by_role("img", name="Delegates seated at a summit")
    expect(cover).to_have_css("object-fit", "contain")
    cropped = page.get_by_role("img", name="A rowing eight on a misty river")
    expect(cropped).to_have_css("object-fit", "cover")


def test_the_contents_are_read_section_by_section(site, new_page):
    page = new_page(viewport=VIEWPORTS[1280])
    page.goto(site["url"] + "/issues/vol-12-no-3/")
    headings = page.locator("main h2, main h3").all_text_contents()
    assert headings == [
        "World",
        "The Boat Race, From the Bank",
        "Turnout Up, Trust Still Low",
        "Culture",
        "A Long Walk to the Sea",
    ]


def test_the_print_edition_downloads_under_the_issues_name(site, new_page):
    page = new_page(viewport=VIEWPORTS[1280], accept_downloads=True)
    page.goto(site["url"] + "/issues/vol-12-no-3/")
    link = page.get_by_role("link", name="Download the print edition")
    expect(link).to_contain_text("(PDF, ")
    with page.expect_download() as arrival:
        link.click()
    download = arrival.value
    assert download.suggested_filename == "the-quad-review-vol-12-no-3.pdf"
    with open(download.path(), "rb") as received:
        assert received.read() == site["edition"]


def test_a_piece_from_an_issue_links_back_to_it(site, new_page):
    page = new_page(viewport=VIEWPORTS[390])
    page.goto(site["url"] + site["pages"]["piece-from-an-issue"])
    page.get_by_role("link", name="Vol. 12, No. 3 · Spring 2026").click()
    expect(page).to_have_url(site["url"] + "/issues/vol-12-no-3/")


# The editors' side: the issues, an issue with its contents and edition, a piece placed in one.


@pytest.fixture
def desk(site):
    make_editor("eve", first_name="Eve")
    spring = Issue.objects.get(slug="vol-12-no-3")
    piece = Article.objects.get(headline="The Boat Race, From the Bank")
    return {
        "issue-list": "/admin/articles/issue/",
        "issue-with-contents": f"/admin/articles/issue/{spring.pk}/change/",
        "new-issue": "/admin/articles/issue/add/",
        "piece-in-an-issue": f"/admin/articles/article/{piece.pk}/change/",
    }


@pytest.mark.parametrize(("scheme", "width"), SCREEN_SIZES, ids=lambda v: str(v))
def test_the_editors_issue_pages_have_no_accessibility_violations(
    axe, site, desk, new_page, scheme, width
):
    page = admin_checks.signed_in_as_editor(
        new_page, site["url"], color_scheme=scheme, viewport=VIEWPORTS[width], bypass_csp=True
    )
    problems = admin_checks.accessibility_problems(page, axe, site["url"], desk)
    assert not problems, f"Accessibility violations, {scheme}, {width} px:\n" + "\n".join(problems)


def test_the_editors_issue_pages_are_valid_html_as_sent_and_as_shown(
    vnu, site, desk, new_page, tmp_path
):
    pages = {}
    for width in WIDTHS:
        page = admin_checks.signed_in_as_editor(new_page, site["url"], viewport=VIEWPORTS[width])
        pages.update(admin_checks.pages_as_sent_and_shown(page, site["url"], desk, f"{width}"))
    # Django's markup for an optional autocomplete choice, unmodified (see admin_checks).
    pages = admin_checks.without_empty_autocomplete_choice(pages, "issue", "series")
    assert "The Boat Race, From the Bank" in pages["issue-with-contents-as-sent"]
    assert_valid(vnu, pages, tmp_path)
