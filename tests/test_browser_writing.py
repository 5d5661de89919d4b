"""The writing surface in a real Chromium: toolbar, preview, pasting, autosave, accessibility.

The pasted HTML is the Google Docs sample in tests/data/clipboard/, put on a paste event as
Google Docs puts it on the clipboard.
"""

import re
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Autosave

from .factories import make_article, make_draft, make_editor, make_section, make_writer
from .test_browser import AXE_OPTIONS
from .test_html_validity import assert_valid
from .test_writing import SAMPLE_MARKDOWN, clipboard
from .tools import sign_in

pytestmark = pytest.mark.browser

VIEWPORTS = {390: {"width": 390, "height": 844}, 1280: {"width": 1280, "height": 900}}
SCREEN_SIZES = [(scheme, width) for scheme in ("light", "dark") for width in VIEWPORTS]

PASTE = """(textarea, [html, plain]) => {
    const clipboard = new DataTransfer();
    clipboard.setData("text/html", html);
    clipboard.setData("text/plain", plain);
    textarea.dispatchEvent(new ClipboardEvent("paste", {
        clipboardData: clipboard, bubbles: true, cancelable: true,
    }));
}"""


@pytest.fixture
def desk(transactional_db, live_server):
    """Ada with a draft, Eve the editor, and a published piece, served by the live server."""
    section = make_section(name="Culture", slug="culture")
    writer = make_writer("ada", name="Ada Okafor")
    return SimpleNamespace(
        url=live_server.url,
        writer=writer,
        editor=make_editor("eve"),
        draft=make_draft(
            writer, headline="Notes on the river", body="The first paragraph.", section=section
        ),
        published=make_article(headline="The library reopens", section=section),
    )


@pytest.fixture
def open_page(new_page):
    """new_page, whose requests are all answered before the test's data is flushed.

    Autosave and the preview send requests of their own, on timers: one still on its way when
    the test ends would reach the live server while the database is being emptied.
    """
    contexts = []

    def opener(**options):
        page = new_page(**options)
        context = page.context
        in_flight = context.in_flight = set()
        context.on("request", lambda request: in_flight.add(request))
        context.on("requestfinished", lambda request: in_flight.discard(request))
        context.on("requestfailed", lambda request: in_flight.discard(request))
        contexts.append((context, page))
        return page

    yield opener
    for context, page in contexts:
        if page.is_closed():
            continue
        # No new request leaves; those sent already are waited for.
        context.route("**/*", lambda route: route.abort())
        for _ in range(100):
            if not context.in_flight:
                break
            page.wait_for_timeout(100)
        # Nor does what a closing page sends (autosave's last request).
        context.set_offline(True)
        context.close()


def writing_page(open_page, desk, path, username="ada", **options):
    page = open_page(**options)
    # What the console reports: a script the CSP refused, or one that failed.
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    login = "/admin/login/" if path.startswith("/admin/") else "/accounts/login/"
    sign_in(page, desk.url + login, username)
    page.wait_for_load_state()
    page.goto(desk.url + path)
    # The script has run once the toolbar shows.
    expect(page.get_by_role("toolbar", name="Formatting")).to_be_visible()
    return page


def body_of(page):
    return page.locator("textarea[name=body]")


def preview_of(page):
    return page.locator("[data-writing-preview-body]")


def saved(page):
    expect(page.locator("[data-writing-saved]")).to_have_text("Saved as you type")


def select(textarea, words):
    textarea.evaluate(
        "(t, words) => t.setSelectionRange(t.value.indexOf(words), t.value.indexOf(words) + "
        "words.length)",
        words,
    )


def test_the_toolbar_formats_the_text_and_the_preview_shows_it(desk, open_page):
    page = writing_page(open_page, desk, f"/submit/{desk.draft.pk}/")
    body = body_of(page)
    body.fill("Floods came twice this year.\nThe river rose in the night.\n\nSandbags")
    toolbar = page.get_by_role("toolbar", name="Formatting")

    select(body, "twice")
    toolbar.get_by_role("button", name="Bold", exact=True).click()
    select(body, "river")
    toolbar.get_by_role("button", name="Italic", exact=True).click()
    # A subheading is the whole line, wherever the cursor is in it.
    body.evaluate("t => t.setSelectionRange(3, 3)")
    toolbar.get_by_role("button", name="Subheading", exact=True).click()
    select(body, "Sandbags")
    toolbar.get_by_role("button", name="List", exact=True).click()
    select(body, "night")
    toolbar.get_by_role("button", name="Link", exact=True).click()
    # The link's address is selected, ready to be typed over.
    page.keyboard.type("https://example.org/flood")
    select(body, "this year")
    body.press("Control+b")

    assert body.input_value() == (
        "## Floods came **twice** **this year**.\n"
        "The _river_ rose in the [night](https://example.org/flood).\n\n"
        "- Sandbags"
    )
    preview = preview_of(page)
    expect(preview.locator("h2 strong").first).to_have_text("twice")
    expect(preview.locator("em")).to_have_text("river")
    expect(preview.get_by_role("link", name="night")).to_have_attribute(
        "href", "https://example.org/flood"
    )
    expect(preview.locator("ul > li")).to_have_text("Sandbags")
    expect(page.locator("[data-writing-count]")).to_have_text("12 words · 1 min read")
    saved(page)
    assert page.errors == []


def test_pasting_google_docs_html_gives_the_same_structure_in_the_preview(desk, open_page):
    page = writing_page(open_page, desk, "/submit/new/")
    body = body_of(page)
    body.focus()
    body.evaluate(PASTE, [clipboard("google-docs.html"), "The river library opens again"])

    expect(body).to_have_value(SAMPLE_MARKDOWN)
    preview = preview_of(page)
    expect(preview.locator("h2")).to_have_text("The river library opens again")
    expect(preview.locator("p > strong")).to_have_text("forty volunteers")
    expect(preview.locator("p > em")).to_have_text("a small miracle")
    expect(preview.get_by_role("link", name="its report on the flood")).to_have_attribute(
        "href", "https://example.org/council/flood-report"
    )
    expect(preview.locator("ul").first.locator(":scope > li")).to_have_count(3)
    expect(preview.locator("ul ul > li")).to_have_text("1921 to 1958, dried page by page")
    expect(preview.locator("h3")).to_have_text("Opening hours")
    expect(preview.locator("ol > li")).to_have_text(
        ["Weekdays, nine to six", "Saturdays, ten to four"]
    )
    expect(preview.locator("img")).to_have_count(0)
    # Pasted as if typed: one Undo takes it out again.
    body.press("Control+z")
    expect(body).to_have_value("")
    saved(page)


def test_autosave_keeps_a_new_pieces_text_across_a_reload_and_on_another_computer(desk, open_page):
    page = writing_page(open_page, desk, "/submit/new/")
    page.get_by_label("Headline", exact=True).fill("The river library")
    body_of(page).fill("Forty volunteers carried every box.")
    saved(page)
    kept = Autosave.objects.get(user=desk.writer)
    assert (kept.article, kept.headline) == (None, "The river library")

    page.reload()
    expect(body_of(page)).to_have_value("Forty volunteers carried every box.")
    expect(page.get_by_label("Headline", exact=True)).to_have_value("The river library")
    notice = page.locator("[data-writing-notice]")
    expect(notice).to_contain_text("Your unsaved text from")
    expect(notice).to_contain_text("has been put back")

    # Another browser has nothing of it in its storage: the server's copy comes back.
    elsewhere = writing_page(open_page, desk, "/submit/new/")
    expect(body_of(elsewhere)).to_have_value("Forty volunteers carried every box.")
    elsewhere.get_by_role("button", name="Discard it").click()
    expect(body_of(elsewhere)).to_have_value("")
    expect(elsewhere.get_by_label("Headline", exact=True)).to_have_value("")
    expect(elsewhere.locator("[data-writing-saved]")).to_contain_text("Discarded")
    assert not Autosave.objects.exists()


def test_autosave_never_changes_the_piece_and_the_forms_save_supersedes_it(desk, open_page):
    page = writing_page(open_page, desk, f"/submit/{desk.draft.pk}/")
    body_of(page).fill("A second paragraph, not saved yet.")
    saved(page)
    desk.draft.refresh_from_db()
    assert desk.draft.body == "The first paragraph."
    assert Autosave.objects.get(article=desk.draft).body == "A second paragraph, not saved yet."

    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("Draft saved")
    expect(body_of(page)).to_have_value("A second paragraph, not saved yet.")
    expect(page.locator("[data-writing-saved]")).to_have_text("Changes are saved as you type")
    expect(page.locator("[data-writing-notice]")).to_be_hidden()
    desk.draft.refresh_from_db()
    assert desk.draft.body == "A second paragraph, not saved yet."
    assert not Autosave.objects.exists()


def test_text_typed_offline_is_kept_in_the_browser_and_saved_when_the_connection_returns(
    desk, open_page
):
    page = writing_page(open_page, desk, f"/submit/{desk.draft.pk}/")
    expect(page.locator("[data-writing-saved]")).to_have_text("Changes are saved as you type")
    page.context.set_offline(True)
    body_of(page).fill("Typed on the train.")
    expect(page.locator("[data-writing-saved]")).to_contain_text(
        "Offline: your text is kept in this browser"
    )
    stored = page.evaluate(
        "() => Object.keys(localStorage).filter((k) => k.startsWith('magazine-writing:'))"
        ".map((k) => JSON.parse(localStorage.getItem(k)).body)"
    )
    assert stored == ["Typed on the train."]
    assert not Autosave.objects.exists()

    page.context.set_offline(False)
    saved(page)
    assert Autosave.objects.get(article=desk.draft).body == "Typed on the train."


def test_a_second_tab_is_told_and_neither_text_is_lost(desk, open_page):
    first = writing_page(open_page, desk, f"/submit/{desk.draft.pk}/")
    second = first.context.new_page()
    second.goto(f"{desk.url}/submit/{desk.draft.pk}/")
    expect(second.get_by_role("toolbar", name="Formatting")).to_be_visible()
    expect(second.locator("[data-writing-saved]")).to_have_text("Changes are saved as you type")

    body_of(first).fill("The first tab's text.")
    saved(first)
    body_of(second).fill("The second tab's text.")
    expect(second.locator("[data-writing-notice]")).to_contain_text(
        "also being written in another tab or window"
    )
    assert Autosave.objects.get(article=desk.draft).body == "The first tab's text."
    kept_here = second.evaluate(
        "() => Object.values(localStorage).map((entry) => JSON.parse(entry).body).sort()"
    )
    assert kept_here == ["The first tab's text.", "The second tab's text."]

    second.get_by_role("button", name="Save this tab's text as you type instead").click()
    saved(second)
    assert Autosave.objects.get(article=desk.draft).body == "The second tab's text."


def test_without_javascript_the_body_is_a_plain_textarea_and_the_form_saves_it(desk, open_page):
    page = open_page(java_script_enabled=False)
    sign_in(page, desk.url + "/accounts/login/", "ada")
    page.wait_for_load_state()
    page.goto(f"{desk.url}/submit/{desk.draft.pk}/")
    expect(page.get_by_role("toolbar")).to_have_count(0)
    expect(page.locator("[data-writing-preview]")).to_be_hidden()
    expect(page.locator("[data-writing-status]")).to_be_hidden()
    body = page.get_by_label("Body", exact=True)
    field = page.locator(".field", has=body).bounding_box()
    assert body.bounding_box()["width"] > 0.95 * field["width"], "the body should be full width"
    body.fill("Written without a script.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("Draft saved")
    desk.draft.refresh_from_db()
    assert desk.draft.body == "Written without a script."


def test_an_editor_writes_full_width_in_the_admin_with_the_same_surface(desk, open_page):
    page = writing_page(
        open_page,
        desk,
        f"/admin/articles/article/{desk.published.pk}/change/",
        username="eve",
        viewport=VIEWPORTS[1280],
    )
    body = body_of(page)
    body.fill("## Reopened\n\nThe **doors** opened at nine.")
    expect(preview_of(page).locator("h2")).to_have_text("Reopened")
    saved(page)
    assert Autosave.objects.get(user=desk.editor).article == desk.published
    form_width = page.locator("fieldset.module").first.bounding_box()["width"]
    writing_width = page.locator(".writing").bounding_box()["width"]
    assert writing_width > 0.9 * form_width, (writing_width, form_width)
    text, preview = (
        page.locator(selector).bounding_box() for selector in ("#id_body", "[data-writing-preview]")
    )
    assert preview["x"] > text["x"] + text["width"], "the preview should be beside the text"
    assert page.errors == []


# --- Accessibility and valid HTML of the pages with the writing surface -----------------------


def surface_pages(desk):
    """Each page with the surface, who signs in to see it, and the part of it axe checks."""
    return {
        "new-piece": ("/submit/new/", "ada", "html"),
        "draft": (f"/submit/{desk.draft.pk}/", "ada", "html"),
        # The admin's own widgets (Select2, the inlines' cells, the breadcrumbs) are Django's:
        # what this page adds is the body's row.
        "admin-change": (
            f"/admin/articles/article/{desk.published.pk}/change/",
            "eve",
            ".form-row.field-body",
        ),
    }


def axe_violations_in(page, axe, context):
    """axe-core's WCAG 2.1 A and AA violations within the elements `context` selects."""
    page.add_script_tag(path=str(axe))
    return page.evaluate(
        """async ([context, options]) => (await axe.run(context, options)).violations.map(
            (v) => `${v.id} [${v.impact}] ${v.help} on ${v.nodes.length} element(s), e.g. `
                + v.nodes.slice(0, 4).map((node) => node.target.join(" ")).join(", "))""",
        [context, AXE_OPTIONS],
    )


@pytest.mark.parametrize(("scheme", "width"), SCREEN_SIZES, ids=lambda v: str(v))
def test_the_writing_surface_pages_have_no_accessibility_violations(
    axe, desk, open_page, scheme, width
):
    # Unsaved text to put back, so that the notice and its buttons are checked too.
    Autosave.objects.create(
        user=desk.writer,
        article=desk.draft,
        headline=desk.draft.headline,
        body="Unsaved *words*.",
        base_version=desk.draft.version,
        tab="another-tab",
        saved_at=timezone.now(),
    )
    problems = []
    for name, (path, username, context) in surface_pages(desk).items():
        # axe-core is added as a script of the test's own, which the site's CSP would refuse.
        page = writing_page(
            open_page,
            desk,
            path,
            username,
            color_scheme=scheme,
            viewport=VIEWPORTS[width],
            bypass_csp=True,
        )
        toggle = page.get_by_role("button", name="Show the preview")
        if toggle.is_visible():
            toggle.click()
        expect(page.locator("[data-writing-preview]")).to_be_visible()
        if name == "draft":
            expect(page.locator("[data-writing-notice]")).to_contain_text("put back")
        problems += [f"{name} ({path}): {v}" for v in axe_violations_in(page, axe, context)]
        page.context.close()
    assert not problems, f"Accessibility violations, {scheme} scheme, {width} px wide:\n" + (
        "\n".join(problems)
    )


def test_the_writing_surface_pages_are_valid_html_as_served_and_as_the_script_leaves_them(
    vnu, desk, open_page, tmp_path
):
    pages = {}
    for name, (path, username, part) in surface_pages(desk).items():
        client = Client()
        client.force_login(desk.writer if username == "ada" else desk.editor)
        response = client.get(path)
        assert response.status_code == 200, path
        served = response.content.decode()
        assert 'data-preview-url="/write/preview/"' in served
        page = writing_page(open_page, desk, path, username)
        body_of(page).fill("Some **words**, put in by the script's test.")
        saved(page)
        live = page.content()
        if part != "html":
            # As for axe: the admin's own markup is Django's; the body's row is checked alone.
            served = in_a_page(str(BeautifulSoup(served, "html.parser").select_one(part)))
            live = in_a_page(page.locator(part).evaluate("row => row.outerHTML"))
        pages[f"{name}-served"] = served
        pages[f"{name}-live"] = live
        page.context.close()
    assert_valid(vnu, pages, tmp_path)


def in_a_page(fragment):
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A form</title>'
        f"</head><body><form>{fragment}</form></body></html>"
    )


def test_an_article_without_the_surface_loads_none_of_its_files(desk, open_page):
    requested = []
    page = open_page()
    page.on("request", lambda request: requested.append(request.url))
    page.goto(desk.url + desk.published.get_absolute_url(), wait_until="networkidle")
    assert requested and not [url for url in requested if re.search(r"writing|markdown", url)]
