"""The editors' admin in a real Chromium: the dashboard, the list of pieces, a piece's page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from articles import workflow
from articles.models import Article

from .admin_checks import (
    SCREEN_SIZES,
    VIEWPORTS,
    accessibility_problems,
    pages_as_sent_and_shown,
)
from .factories import (
    PASSWORD,
    make_article,
    make_contributor,
    make_draft,
    make_editor,
    make_image,
    make_section,
    make_writer,
)
from .test_html_validity import assert_valid

pytestmark = pytest.mark.browser

LONG_HEADLINE = (
    "After a Year of Rent Strikes, the Halls of Residence Agree to Freeze Prices for Students "
    "on the Lowest Incomes"
)


@pytest.fixture
def desk(transactional_db):
    """A working week: pieces waiting, one scheduled, decisions made, a credit to complete."""
    culture = make_section(name="Culture", slug="culture")
    editor = make_editor("eve", email="eve@example.org", first_name="Eve")
    writer = make_writer("ada", name="Ada Okafor", email="ada@example.org")
    others = [make_contributor(name=name) for name in ("Tomasz Wierzbicki", "Ines Castellanos")]
    picture = make_image(caption="Reading room at dawn", alt_text="An empty reading room")
    waiting = []
    for headline in [LONG_HEADLINE, "Night buses return", "The library goes online"]:
        piece = make_draft(writer, headline=headline, section=culture, hero_image=picture)
        workflow.submit(piece, by=writer)
        waiting.append(piece)
    make_article(
        headline="Freshers' week, reviewed",
        status=Article.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=2),
        section=culture,
    )
    decided = make_draft(writer, headline="The café closes", section=culture)
    workflow.submit(decided, by=writer)
    workflow.request_changes(decided, by=editor, message="A source for the figures, please.")
    for n in range(12):
        make_article(
            headline=f"{LONG_HEADLINE} (part {n + 1})",
            section=culture,
            bylines=[(writer.contributor, "Staff Writer"), *((c, "Contributor") for c in others)],
        )
    # Published before its credit rules were kept: the audit lists it.
    make_article(
        headline="An old picture",
        hero_image=make_image(credit={"title": "", "license": "cc-by-2.0"}),
    )
    return {"editor": editor, "waiting": waiting, "picture": picture}


def signed_in(new_page, live_server, **options):
    page = new_page(**options)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label(re.compile("^Username")).fill("eve")
    page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    return page


def admin_pages(desk):
    return {
        "home": "/admin/",
        "article-list": "/admin/articles/article/",
        "article-page": f"/admin/articles/article/{desk['waiting'][0].pk}/change/",
        "credit-audit": "/admin/articles/creditaudit/",
    }


@pytest.mark.parametrize(("scheme", "width"), SCREEN_SIZES, ids=lambda v: str(v))
def test_the_editors_pages_have_no_accessibility_violations(
    axe, desk, live_server, new_page, scheme, width
):
    # axe-core is added as a script of the test's own, which the site's CSP would refuse.
    page = signed_in(
        new_page, live_server, color_scheme=scheme, viewport=VIEWPORTS[width], bypass_csp=True
    )
    problems = accessibility_problems(page, axe, live_server.url, admin_pages(desk))
    assert not problems, f"Accessibility violations, {scheme}, {width} px:\n" + "\n".join(problems)


def test_the_editors_pages_are_valid_html_as_sent_and_as_shown(
    vnu, desk, live_server, new_page, tmp_path
):
    pages = {}
    for scheme, width in SCREEN_SIZES:
        page = signed_in(new_page, live_server, color_scheme=scheme, viewport=VIEWPORTS[width])
        pages.update(
            pages_as_sent_and_shown(page, live_server.url, admin_pages(desk), f"{scheme}-{width}")
        )
    assert "Review queue" in pages["home-as-sent"]
    assert_valid(vnu, pages, tmp_path)


@pytest.mark.parametrize("width", VIEWPORTS)
def test_no_editors_page_scrolls_sideways(desk, live_server, new_page, width):
    page = signed_in(new_page, live_server, viewport=VIEWPORTS[width])
    wide = []
    for name, path in admin_pages(desk).items():
        page.goto(live_server.url + path)
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            wide.append(f"{name} is {scroll} px wide in a {client} px window")
    assert not wide, "\n".join(wide)


def test_at_1280_px_the_list_of_pieces_fits_and_the_headlines_have_room(
    desk, live_server, new_page
):
    page = signed_in(new_page, live_server, viewport=VIEWPORTS[1280])
    page.goto(f"{live_server.url}/admin/articles/article/")
    expect(page.get_by_role("link", name=LONG_HEADLINE, exact=True)).to_be_visible()
    # The table fits its box: nothing to scroll sideways, on the page or inside the list.
    results = page.locator("#changelist-form .results")
    assert results.evaluate("box => box.scrollWidth <= box.clientWidth"), results.evaluate(
        """box => `the list is ${box.scrollWidth} px wide in a ${box.clientWidth} px box: `
            + [...box.querySelectorAll("thead th")]
                .map((th) => `${th.className} ${Math.round(th.getBoundingClientRect().width)}`)
                .join(", ")"""
    )
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    headline = page.locator("#result_list thead th.column-headline")
    assert headline.bounding_box()["width"] >= 250
    # Long headlines wrap inside their column rather than widening it.
    assert page.locator("#result_list th.field-headline").first.bounding_box()["height"] > 30


def test_the_picture_is_chosen_from_the_pictures_thumbnails(desk, live_server, new_page):
    other = make_image(caption="Bunting over the quad", alt_text="Bunting over the quad")
    piece = desk["waiting"][0]
    page = signed_in(new_page, live_server, viewport=VIEWPORTS[1280])
    page.goto(f"{live_server.url}/admin/articles/article/{piece.pk}/change/")
    chosen = page.locator(".picture-choice__chosen img")
    expect(chosen).to_be_visible()
    assert chosen.evaluate("img => img.complete && img.naturalWidth > 0"), "no thumbnail"

    with page.expect_popup() as opened:
        page.locator("#lookup_id_hero_image").click()
    pictures = opened.value
    pictures.wait_for_load_state()
    # The list of pictures shows each by its thumbnail, and a click on one chooses it.
    expect(pictures.get_by_role("img", name="Bunting over the quad")).to_be_visible()
    with pictures.expect_event("close"):
        try:
            pictures.get_by_role("link", name="Bunting over the quad").first.click()
        except PlaywrightError:
            # Choosing closes the list's window, at times before the click call has returned;
            # any other failure leaves it open. What counts is checked on the piece's page.
            if not pictures.is_closed():
                raise

    expect(page.locator("#id_hero_image")).to_have_value(str(other.pk))
    # The old thumbnail no longer stands for the choice; a note says what happens next.
    expect(chosen).to_be_hidden()
    expect(
        page.get_by_text("Another picture is chosen: it shows here once you save.")
    ).to_be_visible()

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator(".picture-choice strong")).to_have_text("Bunting over the quad")
    expect(page.locator(".picture-choice__chosen img")).to_be_visible()
    piece.refresh_from_db()
    assert piece.hero_image == other


def test_the_dashboard_leads_to_the_piece_waiting_longest(desk, live_server, new_page):
    page = signed_in(new_page, live_server, viewport=VIEWPORTS[390])
    queue = page.get_by_role("region", name="Review queue")
    expect(queue).to_contain_text("3 pieces waiting for a decision, oldest first.")
    queue.get_by_role("link", name=LONG_HEADLINE).click()
    expect(page).to_have_url(
        f"{live_server.url}/admin/articles/article/{desk['waiting'][0].pk}/change/"
    )
    expect(page.get_by_role("heading", name=LONG_HEADLINE)).to_be_visible()
