"""Pull quotes, pictures, galleries and footnotes in a real Chromium: axe-core and the Nu checker
at phone and laptop widths, light and dark; NoDerivatives pictures drawn uncut; the notes
followed there and back; and a contributor's picture inserted from "Your pictures"."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article

from . import admin_checks
from .factories import make_article, make_draft, make_image, make_section, make_writer
from .test_browser import VIEWPORTS, accessibility_problems, overflow_problems
from .test_html_validity import assert_valid
from .test_licence_surfaces import photo
from .tools import sign_in

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
SCREEN_SIZES = [(scheme, width) for scheme in ("light", "dark") for width in WIDTHS]


@pytest.fixture
def site(transactional_db, live_server):
    """A published piece with every construct, its inline picture and one of its gallery's
    under NoDerivatives; and Ada's draft, with two pictures of her own to show in it."""
    ada = make_writer("ada", name="Ada Okafor")
    inline = photo(caption="Each sample went through a fine mesh.")
    gallery = [
        photo(caption="Site 1, below the reservoir."),
        photo(license="cc-by-4.0", caption="Site 3, the old weir."),
        photo(license="cc-by-4.0", caption="Site 4, below the works."),
    ]
    numbers = " ".join(str(image.pk) for image in gallery)
    piece = make_article(
        headline="Counting Microplastics in the River",
        section=make_section(name="Science", slug="science"),
        body=(
            "Every month for a year, six students waded into the river.\n\n"
            "::: pullquote\nEvery load of laundry ends up, a little, in the river.\n:::\n\n"
            f"[[picture {inline.pk}]]\n\n"
            "They found plastic at every site.[^sites] Most of it was fibres.[^fibres]\n\n"
            f"[[gallery {numbers}]]\n\n"
            "The data will be published openly.[^sites]\n\n"
            "[^sites]: Five sites, from the reservoir to the estuary.\n\n"
            "[^fibres]: From synthetic clothing, most likely.\n"
        ),
    )
    own = [
        make_image(uploaded_by=ada, caption="Fields near the river at dusk."),
        make_image(
            uploaded_by=ada,
            caption="A second view.",
            credit={"license": "cc-by-2.0", "title": "", "source_url": ""},
        ),
    ]
    draft = make_draft(ada, headline="Floods and the town", body="The first paragraph.")
    return {
        "url": live_server.url,
        "piece": piece,
        "inline": inline,
        "gallery": gallery,
        "own": own,
        "draft": draft,
        "pages": {"piece-with-everything": piece.get_absolute_url()},
        "contributor_pages": {
            "draft-with-your-pictures": f"/submit/{draft.pk}/",
            "new-piece-with-your-pictures": "/submit/new/",
            "a-picture-for-the-text": f"/submit/pictures/new/?piece={draft.pk}",
        },
    }


def signed_in_page(new_page, site, **options):
    page = new_page(**options)
    sign_in(page, f"{site['url']}/accounts/login/", "ada")
    expect(page).to_have_url(f"{site['url']}/submit/")
    return page


@pytest.mark.parametrize(("scheme", "width"), SCREEN_SIZES, ids=lambda v: str(v))
def test_the_piece_has_no_accessibility_violations(axe, site, new_page, scheme, width):
    """Axe finds no WCAG 2.1 A/AA violation on a piece with every construct."""
    # axe-core is added as a script of the test's own, which the site's CSP would refuse.
    page = new_page(color_scheme=scheme, viewport=VIEWPORTS[width], bypass_csp=True)
    problems = accessibility_problems(page, axe, site["url"], site["pages"])
    assert not problems, f"Accessibility violations, {scheme} scheme, {width} px wide:\n" + (
        "\n".join(problems)
    )


@pytest.mark.parametrize(("scheme", "width"), SCREEN_SIZES, ids=lambda v: str(v))
def test_the_contributor_pages_have_no_accessibility_violations(axe, site, new_page, scheme, width):
    """Nor on the piece form with "Your pictures", or the page adding a picture for the text."""
    page = signed_in_page(
        new_page, site, color_scheme=scheme, viewport=VIEWPORTS[width], bypass_csp=True
    )
    problems = accessibility_problems(page, axe, site["url"], site["contributor_pages"])
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
        page = signed_in_page(new_page, site, viewport=VIEWPORTS[width])
        found |= admin_checks.pages_as_sent_and_shown(
            page, site["url"], site["contributor_pages"], f"{width}px"
        )
    assert_valid(vnu, found, tmp_path)


@pytest.mark.parametrize("width", (320, *WIDTHS))
def test_no_page_scrolls_sideways(site, new_page, width):
    page = new_page(viewport=VIEWPORTS[width])
    problems = overflow_problems(page, site["url"], site["pages"])
    page = signed_in_page(new_page, site, viewport=VIEWPORTS[width])
    problems += overflow_problems(page, site["url"], site["contributor_pages"])
    assert not problems, f"Horizontal scrolling at {width} px:\n" + "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_chromium_draws_nd_pictures_of_the_body_uncut(site, new_page, width):
    page = new_page(viewport=VIEWPORTS[width])
    page.goto(site["url"] + site["piece"].get_absolute_url())
    fit = "img => getComputedStyle(img).objectFit"
    inline = page.locator(".body-picture img")
    assert inline.evaluate(fit) == "contain"
    box = inline.bounding_box()
    assert abs(box["width"] / box["height"] - 1.5) < 0.02, box
    shown = page.locator(".gallery img")
    assert shown.count() == 3
    assert [shown.nth(i).evaluate(fit) for i in range(3)] == ["contain", "cover", "cover"]


def test_the_gallery_is_a_grid_on_a_laptop_and_a_stack_on_a_phone(site, new_page):
    tops = "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    page = new_page(viewport=VIEWPORTS[1280])
    page.goto(site["url"] + site["piece"].get_absolute_url())
    assert len(set(page.locator(".gallery > li").evaluate_all(tops))) == 1
    # Wider than the text on a laptop, as a spread is.
    text = page.locator(".piece__body > p").first.bounding_box()
    gallery = page.locator(".gallery").bounding_box()
    assert gallery["width"] > text["width"] + 200
    page = new_page(viewport=VIEWPORTS[390])
    page.goto(site["url"] + site["piece"].get_absolute_url())
    assert len(set(page.locator(".gallery > li").evaluate_all(tops))) == 3


def test_a_reader_follows_a_note_and_comes_back_to_where_it_was_mentioned(site, new_page):
    page = new_page(viewport=VIEWPORTS[390])
    page.goto(site["url"] + site["piece"].get_absolute_url())
    page.get_by_role("link", name="Note 1").first.click()
    expect(page).to_have_url(re.compile("#footnote-1$"))
    note = page.locator("#footnote-1")
    expect(note).to_be_in_viewport()
    expect(note).to_contain_text("Five sites, from the reservoir to the estuary.")
    # The note is mentioned twice: a link back to each mention.
    back = note.get_by_role("link", name=re.compile("^Back to note 1 in the text"))
    expect(back).to_have_count(2)
    back.last.click()
    expect(page).to_have_url(re.compile("#footnote-ref-1-2$"))
    expect(page.locator("#footnote-ref-1-2")).to_be_in_viewport()


def test_the_pull_quote_is_seen_but_not_read_twice(site, new_page):
    page = new_page(viewport=VIEWPORTS[1280])
    page.goto(site["url"] + site["piece"].get_absolute_url())
    quote = page.locator(".pull-quote")
    expect(quote).to_be_visible()
    expect(quote).to_have_attribute("aria-hidden", "true")
    snapshot = page.locator(".piece__body").aria_snapshot()
    assert snapshot.count("Every load of laundry") == 0


def test_insert_puts_a_pictures_code_at_the_cursor_and_the_preview_shows_it(site, new_page):
    page = signed_in_page(new_page, site, viewport=VIEWPORTS[1280])
    page.goto(f"{site['url']}/submit/{site['draft'].pk}/")
    body = page.get_by_label("Body", exact=True)
    body.click()
    page.keyboard.press("Control+End")
    picture = site["own"][0]
    page.get_by_role("button", name=f"Insert picture {picture.pk} in the text").click()
    expect(body).to_have_value(f"The first paragraph.\n\n[[picture {picture.pk}]]\n\n")
    expect(page.get_by_role("status").filter(has_text="Inserted")).to_have_count(1)
    preview = page.locator("[data-writing-preview-body]")
    expect(preview.get_by_text("Fields near the river at dusk.")).to_be_visible()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("Draft saved.")
    assert list(Article.objects.get(pk=site["draft"].pk).body_pictures.all()) == [picture]


def test_without_javascript_the_codes_are_there_to_copy_and_no_button_shows(site, new_page):
    page = signed_in_page(new_page, site, java_script_enabled=False)
    page.goto(f"{site['url']}/submit/{site['draft'].pk}/")
    listed = page.get_by_role("region", name="Your pictures")
    for picture in site["own"]:
        expect(listed.get_by_text(f"[[picture {picture.pk}]]", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Insert picture"))).to_have_count(0)
