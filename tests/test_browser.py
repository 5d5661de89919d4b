"""The public site in a real Chromium: what a reader sees, accessibility, layout and privacy."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from taggit.models import Tag

from articles.models import Article, Contributor

from .factories import (
    REFERENCE_CREDIT,
    REFERENCE_HEADLINE,
    committed,
    make_article,
    make_image,
)

pytestmark = pytest.mark.browser

REFERENCE_SLUG = "after-9-years-of-military-presence-french-troops-exit-mali"
REFERENCE_TAGS = {
    "France": "france",
    "Mali": "mali",
    "Sahel": "sahel",
    "Wagner Group": "wagner-group",
    "West Africa": "west-africa",
}
REFERENCE_LICENSE_URL = "https://creativecommons.org/licenses/by-nc-nd/2.0/"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
# The narrowest phone screen in common use, a common phone, and a laptop.
VIEWPORTS = {
    320: {"width": 320, "height": 800},
    390: {"width": 390, "height": 844},
    1280: {"width": 1280, "height": 900},
}
SCREEN_SIZES = [(scheme, width) for scheme in ("light", "dark") for width in VIEWPORTS]


@dataclass
class Magazine:
    """The seeded magazine as served by the live server, with the addresses the tests visit."""

    url: str
    reference: Article
    contributor_path: str

    def pages(self):
        """The public pages a reader reaches from the reference piece, by name."""
        return {
            "home": "/",
            "article": self.reference.get_absolute_url(),
            "section": self.reference.section.get_absolute_url(),
            "tag": f"/tags/{Tag.objects.get(name='Wagner Group').slug}/",
            "contributor": self.contributor_path,
            "contributors": "/contributors/",
            "search-found": "/search/?q=Mali",
            "search-nothing-found": "/search/?q=zeppelinquux",
            "search-empty": "/search/",
        }


@pytest.fixture
def magazine(demo_magazine, live_server):
    """The demo magazine, served to the browser by the live server, pictures included."""
    reference = Article.objects.get(slug=REFERENCE_SLUG)
    pipa = Contributor.objects.get(name="Pipa Powers")
    return Magazine(
        url=live_server.url, reference=reference, contributor_path=pipa.get_absolute_url()
    )


def test_reader_reaches_the_reference_piece_from_home_and_sees_its_credits(magazine, new_page):
    """From home a reader clicks the headline and sees the byline, credited picture and tags."""
    page = new_page()
    page.goto(magazine.url + "/")
    page.get_by_role("link", name=REFERENCE_HEADLINE, exact=True).first.click()

    expect(page).to_have_url(f"{magazine.url}/articles/{REFERENCE_SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(REFERENCE_HEADLINE)

    header = page.locator("header", has=page.get_by_role("heading", level=1))
    expect(header.get_by_text("Pipa Powers, Contributor", exact=False)).to_have_text(
        re.compile(r"^(By )?Pipa Powers, Contributor$")
    )
    expect(header.get_by_role("link", name="Pipa Powers", exact=True)).to_have_attribute(
        "href", "/contributors/pipa-powers/"
    )

    figure = page.get_by_role("figure")
    picture = figure.get_by_role("img")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0"), "the picture is broken"
    caption = figure.locator("figcaption")
    expect(caption).to_contain_text(f"Image Credit: {REFERENCE_CREDIT}")
    credit = magazine.reference.hero_image.credit
    assert credit.source_url and credit.creator_url, "the seeded credit should link its sources"
    expect(
        caption.get_by_role("link", name="“27th Africa-France Summit, Bamako”", exact=True)
    ).to_have_attribute("href", credit.source_url)
    expect(caption.get_by_role("link", name="United Nations Photo", exact=True)).to_have_attribute(
        "href", credit.creator_url
    )
    expect(caption.get_by_role("link", name="CC BY-NC-ND 2.0", exact=True)).to_have_attribute(
        "href", REFERENCE_LICENSE_URL
    )

    piece = page.get_by_role("article")
    for name, slug in REFERENCE_TAGS.items():
        expect(piece.get_by_role("link", name=name, exact=True)).to_have_attribute(
            "href", f"/tags/{slug}/"
        )


def test_pages_request_nothing_from_other_hosts(magazine, new_page):
    """Loading home, the article and its listings fetches only from the magazine's own host."""
    page = new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for path in magazine.pages().values():
        page.goto(magazine.url + path, wait_until="networkidle")

    own_host = urlsplit(magazine.url).netloc
    assert any(url.endswith("/static/css/site.css") for url in requested), (
        f"the stylesheet request was not recorded, so nothing was: {requested}"
    )
    # data: and blob: addresses are made in the page itself and reach no host at all.
    elsewhere = [
        url
        for url in requested
        if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != own_host
    ]
    assert not elsewhere, "Requests to other hosts:\n" + "\n".join(elsewhere)


def test_article_and_its_credit_show_without_javascript(magazine, new_page):
    """With JavaScript off a reader still reaches the piece and sees its picture's credit."""
    page = new_page(java_script_enabled=False)
    page.goto(magazine.url + "/")
    page.get_by_role("link", name=REFERENCE_HEADLINE, exact=True).first.click()

    expect(page).to_have_url(f"{magazine.url}/articles/{REFERENCE_SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(REFERENCE_HEADLINE)
    expect(page.get_by_role("figure").get_by_role("img")).to_be_visible()
    expect(page.get_by_role("figure").locator("figcaption")).to_contain_text(
        f"Image Credit: {REFERENCE_CREDIT}"
    )


def axe_violations(page, axe):
    """Run axe-core's WCAG 2.1 A and AA rules on the page; return its violations, summarised."""
    page.add_script_tag(path=str(axe))
    return page.evaluate(
        """async (options) => (await axe.run(document, options)).violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            count: v.nodes.length,
            targets: v.nodes.slice(0, 4).map((node) => node.target.join(" ")),
        }))""",
        AXE_OPTIONS,
    )


def accessibility_problems(page, axe, base_url, pages):
    problems = []
    for name, path in pages.items():
        response = page.goto(base_url + path)
        assert response.ok or name == "404", f"{path} answered {response.status}"
        for violation in axe_violations(page, axe):
            problems.append(
                f"{name} ({path}): {violation['id']} [{violation['impact']}] {violation['help']}"
                f" on {violation['count']} element(s), e.g. {', '.join(violation['targets'])}"
            )
    return problems


@pytest.mark.parametrize(("scheme", "width"), SCREEN_SIZES, ids=lambda v: str(v))
def test_pages_have_no_accessibility_violations(axe, magazine, new_page, scheme, width):
    """Axe finds no WCAG 2.1 A/AA violation on any public page in this scheme and width."""
    # axe-core is added as a script of the test's own, which the site's CSP would refuse.
    page = new_page(color_scheme=scheme, viewport=VIEWPORTS[width], bypass_csp=True)
    problems = accessibility_problems(page, axe, magazine.url, magazine.pages())
    assert not problems, f"Accessibility violations, {scheme} scheme, {width} px wide:\n" + (
        "\n".join(problems)
    )


def contributor_pages(magazine):
    """The sign-in page and, for the demo contributor, their area, a draft and its preview."""
    draft = Article.objects.get(
        status=Article.Status.DRAFT, bylines__contributor__slug="pipa-powers"
    )
    return {
        "sign-in": "/accounts/login/",
        "dashboard": "/submit/",
        "new-piece": "/submit/new/",
        "draft": f"/submit/{draft.pk}/",
        "piece-after-publication": f"/submit/{magazine.reference.pk}/",
        "preview": f"/submit/{draft.pk}/preview/",
        "delete-draft": f"/submit/{draft.pk}/delete/",
        "profile": "/submit/profile/",
    }


def sign_in_as_pipa(page, magazine):
    page.goto(magazine.url + "/accounts/login/")
    page.get_by_label("Username").fill("pipa")
    page.get_by_label("Password", exact=True).fill("notebook-and-pencil")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(magazine.url + "/submit/")


@pytest.mark.parametrize(("scheme", "width"), SCREEN_SIZES, ids=lambda v: str(v))
def test_contributor_pages_have_no_accessibility_violations(axe, magazine, new_page, scheme, width):
    """Axe finds no WCAG 2.1 A/AA violation in the contributor area either."""
    # axe-core is added as a script of the test's own, which the site's CSP would refuse.
    page = new_page(color_scheme=scheme, viewport=VIEWPORTS[width], bypass_csp=True)
    sign_in_as_pipa(page, magazine)
    problems = accessibility_problems(page, axe, magazine.url, contributor_pages(magazine))
    assert not problems, f"Accessibility violations, {scheme} scheme, {width} px wide:\n" + (
        "\n".join(problems)
    )


def test_the_profile_refuses_a_javascript_link_at_its_field_and_saves_nothing(magazine, new_page):
    """A javascript: link is named at the links field; the name typed with it is not saved."""
    page = new_page()
    sign_in_as_pipa(page, magazine)
    page.get_by_role("link", name="Your profile").first.click()
    expect(page).to_have_url(magazine.url + "/submit/profile/")

    page.get_by_label("Name", exact=True).fill("Pipa Powers-Lee")
    page.get_by_label("Links", exact=True).fill("https://pipa.example.org/\njavascript:alert(1)")
    page.get_by_role("button", name="Save your profile").click()

    links = page.get_by_label("Links", exact=True)
    expect(links).to_have_attribute("aria-invalid", "true")
    expect(links).to_have_accessible_description(
        re.compile(r"Line 2, “javascript:alert\(1\)”, is not a web address")
    )
    expect(page.locator("#id_links_error")).to_have_text(
        "Line 2, “javascript:alert(1)”, is not a web address: links must start with http:// "
        "or https://."
    )
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved yet.")
    # What was typed stays on the page to be corrected.
    expect(links).to_have_value("https://pipa.example.org/\njavascript:alert(1)")
    pipa = Contributor.objects.get(slug="pipa-powers")
    assert (pipa.name, pipa.links) == ("Pipa Powers", "")


# Names the elements sticking out past the right edge, so a failure says where to look.
OVERFLOWING_ELEMENTS = """() => {
    const width = document.documentElement.clientWidth;
    const name = (element) => element.tagName.toLowerCase()
        + [...element.classList].map((c) => "." + c).join("");
    return [...document.querySelectorAll("body *")]
        .filter((element) => element.getBoundingClientRect().right > width + 0.5)
        .slice(0, 8)
        .map((element) => {
            const right = Math.round(element.getBoundingClientRect().right);
            return `${name(element)} (right edge at ${right} px)`;
        });
}"""


def test_no_page_scrolls_sideways_on_a_320px_screen(magazine, new_page):
    """At 320 px wide no public page, nor the 404 page, is wider than the screen."""
    page = new_page(viewport=VIEWPORTS[320])
    problems = overflow_problems(
        page, magazine.url, {**magazine.pages(), "404": "/articles/no-such-piece/"}
    )
    assert not problems, "Horizontal scrolling at 320 px:\n" + "\n".join(problems)


def test_no_contributor_page_scrolls_sideways_on_a_320px_screen(magazine, new_page):
    """The contributor area, its forms and the preview fit a 320 px screen too."""
    page = new_page(viewport=VIEWPORTS[320])
    sign_in_as_pipa(page, magazine)
    problems = overflow_problems(page, magazine.url, contributor_pages(magazine))
    assert not problems, "Horizontal scrolling at 320 px:\n" + "\n".join(problems)


def overflow_problems(page, base_url, pages):
    problems = []
    for name, path in pages.items():
        response = page.goto(base_url + path)
        assert response.ok or name == "404", f"{path} answered {response.status}"
        scroll_width, client_width = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll_width > client_width:
            culprits = page.evaluate(OVERFLOWING_ELEMENTS)
            problems.append(
                f"{name} ({path}) is {scroll_width} px wide in a {client_width} px window; "
                f"overflowing: {', '.join(culprits) or 'none found'}"
            )
    return problems


# The phone's header leaves most of the first screen to the piece.
PHONE_HEADER_MAX = 140


def test_the_phone_header_is_compact_and_every_section_is_reachable(magazine, new_page):
    """At 390 px the content starts within 140 px; Tab reaches each section link, in view."""
    page = new_page(viewport=VIEWPORTS[390])
    page.goto(magazine.url + magazine.reference.get_absolute_url())
    main_top = page.evaluate("() => document.querySelector('main').getBoundingClientRect().top")
    assert main_top <= PHONE_HEADER_MAX, f"the header takes {main_top} px"
    sections = page.locator(".sections-nav a")
    hrefs = sections.evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    assert len(hrefs) >= 5
    # One row, however many sections: every link at the same height.
    tops = sections.evaluate_all("(links) => links.map((a) => a.getBoundingClientRect().top)")
    assert len(set(tops)) == 1, tops
    focused = {}
    for _ in range(len(hrefs) + 4):
        page.keyboard.press("Tab")
        href, left, right, top = page.evaluate(
            """() => { const el = document.activeElement, box = el.getBoundingClientRect();
                return [el.closest('.sections-nav') && el.getAttribute('href'),
                        box.left, box.right, box.top]; }"""
        )
        focused[href] = (left, right, top)
    for href in hrefs:
        # A focused link is at least partly on screen: Chromium scrolls the row to any link
        # that would be out of sight.
        assert href in focused, f"Tab never reached {href}"
        left, right, top = focused[href]
        assert left < 390 and right > 0 and top < PHONE_HEADER_MAX, f"{href} focused off screen"
    # The row scrolls sideways far enough to show each link in full.
    for link in sections.all():
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, link.get_attribute("href")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_search_is_one_tap_from_the_phone_header_and_a_box_on_a_wide_screen(magazine, new_page):
    """A phone's header links to the search page, its box ready; a laptop's holds the box itself."""
    phone = new_page(viewport=VIEWPORTS[390])
    phone.goto(magazine.url + "/")
    expect(phone.locator(".masthead").get_by_role("searchbox")).to_be_hidden()
    phone.locator(".masthead").get_by_role("link", name="Search").click()
    expect(phone).to_have_url(magazine.url + "/search/")
    expect(phone.get_by_role("searchbox", name="Search the magazine")).to_be_focused()
    laptop = new_page(viewport=VIEWPORTS[1280])
    laptop.goto(magazine.url + "/")
    expect(laptop.locator(".masthead").get_by_role("searchbox")).to_be_visible()
    expect(laptop.locator(".masthead").get_by_role("link", name="Search")).to_be_hidden()


def test_the_printed_piece_keeps_its_words_credit_and_address_and_drops_the_rest(
    magazine, new_page
):
    """In print: no box, navigation or footer; a readable measure; the licence and address shown."""
    page = new_page(viewport=VIEWPORTS[1280])
    sign_in_as_pipa(page, magazine)
    page.goto(magazine.url + magazine.reference.get_absolute_url())
    address = page.locator(".piece__address")
    expect(address).to_be_hidden()
    page.emulate_media(media="print")
    for selector in (
        ".skip-link",
        ".account-nav",
        "form.search-box",
        ".sections-nav",
        ".site-footer",
    ):
        expect(page.locator(selector)).to_be_hidden()
    expect(address).to_be_visible()
    expect(address).to_contain_text(
        re.compile(r"https?://[^ ]+" + re.escape(magazine.reference.get_absolute_url()) + "$")
    )
    expect(page.locator(".credit")).to_contain_text(REFERENCE_CREDIT)
    licence_after = page.locator(".credit a", has_text="CC BY-NC-ND 2.0").evaluate(
        "(a) => getComputedStyle(a, '::after').content"
    )
    assert REFERENCE_LICENSE_URL in licence_after
    # About 70 characters a line: the body is no wider than 32 of its ems.
    width, font_size = page.locator(".piece__body").evaluate(
        "(b) => [b.getBoundingClientRect().width, parseFloat(getComputedStyle(b).fontSize)]"
    )
    assert width <= 32 * font_size


# Typography and layout

SECOND_PARAGRAPH_INDENT = """(p) => {
    const range = document.createRange();
    range.setStart(p.firstChild, 0);
    range.setEnd(p.firstChild, 1);
    return range.getBoundingClientRect().left - p.getBoundingClientRect().left;
}"""


def test_a_one_line_first_paragraph_keeps_the_drop_cap_out_of_the_second(magazine, new_page):
    """The drop cap stays inside a first paragraph of one line: the second starts flush left."""
    piece = make_article(
        section=magazine.reference.section,
        body="A short opening.\n\n" + "The second paragraph runs on for a while. " * 6,
    )
    # The test adds a style of its own below, which the site's CSP would refuse.
    page = new_page(viewport=VIEWPORTS[1280], bypass_csp=True)
    page.goto(magazine.url + piece.get_absolute_url())
    second = page.locator(".piece__body > p").nth(1)
    indent = second.evaluate(SECOND_PARAGRAPH_INDENT)
    assert abs(indent) < 1, f"the second paragraph's first letter is {indent} px in"
    # The measure sees the fault it guards against: a plain first paragraph lets the cap in.
    page.add_style_tag(content=".prose > p:first-child { display: block; }")
    assert second.evaluate(SECOND_PARAGRAPH_INDENT) > 20


@pytest.mark.parametrize("width", [1280, 800])
def test_the_home_grids_last_row_has_no_lone_card(magazine, new_page, width):
    """A card alone on the grid's last row spans the row; no row has a single narrow card."""
    page = new_page(viewport={"width": width, "height": 900})
    page.goto(magazine.url + "/")
    grid = page.locator(".grid").first
    rows, grid_width = grid.evaluate(
        """(grid) => {
            const rows = new Map();
            for (const card of grid.children) {
                const box = card.getBoundingClientRect(), top = Math.round(box.top);
                rows.set(top, [...(rows.get(top) || []), box.width]);
            }
            return [[...rows.values()], grid.getBoundingClientRect().width];
        }"""
    )
    assert len(rows[0]) > 1, f"one card a row at {width} px: nothing to check"
    last = rows[-1]
    assert len(last) > 1 or abs(last[0] - grid_width) < 1, f"a lone card: {rows}"


def test_the_footer_ends_the_screen_on_a_short_page(magazine, new_page):
    """On the 404 page at 1280 × 900 the footer's bottom is the viewport's, with no scroll."""
    page = new_page(viewport=VIEWPORTS[1280])
    response = page.goto(magazine.url + "/articles/no-such-piece/")
    assert response.status == 404
    bottom = page.locator(".site-footer").evaluate("(f) => f.getBoundingClientRect().bottom")
    assert bottom == VIEWPORTS[1280]["height"]
    assert page.evaluate("() => document.documentElement.scrollHeight") == bottom


def test_a_bylines_separator_goes_with_the_date_after_it(magazine, new_page):
    """Each date after a byline begins with the "·" and never breaks: none hangs at a line end."""
    page = new_page(viewport=VIEWPORTS[1280])
    for path in ("/", magazine.reference.get_absolute_url()):
        page.goto(magazine.url + path)
        dates = page.locator(".meta > .byline + time")
        assert dates.count() > 0, path
        for before, lines in dates.evaluate_all(
            "(dates) => dates.map((d) => [getComputedStyle(d, '::before').content,"
            " d.getClientRects().length])"
        ):
            assert "·" in before and lines == 1, path


@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 390)])
def test_the_contributors_index_shows_photos_by_family_name(axe, magazine, new_page, scheme, width):
    """People are listed by family name with their photos; a NoDerivatives one is not cut."""
    ines = Contributor.objects.get(name="Ines Castellanos")
    ines.photo = make_image(alt_text="Ines Castellanos", credit={"license": "cc-by-nd-4.0"})
    with committed():
        ines.save()
    page = new_page(color_scheme=scheme, viewport=VIEWPORTS[width], bypass_csp=True)
    page.goto(magazine.url + "/contributors/")
    names = page.locator(".people__name").all_inner_texts()
    assert names == sorted(names, key=lambda name: (name.split()[-1].casefold(), name))
    photo = page.get_by_role("img", name="Ines Castellanos")
    expect(photo).to_be_visible()
    assert photo.evaluate("(img) => img.complete && img.naturalWidth > 0")
    assert photo.evaluate("(img) => getComputedStyle(img).objectFit") == "contain"
    assert not axe_violations(page, axe)
