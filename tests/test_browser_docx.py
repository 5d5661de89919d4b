"""Starting a piece from a Word file in a real Chromium, and the new pages' accessibility and
validity at phone and laptop widths."""

from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from articles.models import Image

from . import admin_checks, docx_files
from .factories import (
    committed,
    jpeg_bytes,
    make_draft,
    make_editor,
    make_section,
    make_writer,
)
from .test_browser import VIEWPORTS, accessibility_problems, axe_violations
from .test_browser_writing import open_page, preview_of, writing_page  # noqa: F401
from .test_html_validity import assert_valid
from .tools import sign_in

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def desk(transactional_db, live_server):
    """Ada with a draft and a picture of hers awaiting its credit, served by the live server."""
    writer = make_writer("ada", name="Ada Okafor")
    make_section(name="Science", slug="science")
    draft = make_draft(writer, headline="Notes on the river", body="The first paragraph.")
    with committed():
        waiting = Image(
            file=ContentFile(jpeg_bytes(), name="from-a-document.jpg"),
            uploaded_by=writer,
            alt_text="A swift above a red roof",
        )
        waiting.save()
    return SimpleNamespace(
        url=live_server.url,
        pages={
            "new-piece-with-a-file": "/submit/new/",
            "replace-the-text": f"/submit/{draft.pk}/replace-text/",
            "give-a-credit": f"/submit/pictures/{waiting.pk}/credit/",
        },
    )


def test_a_contributor_starts_a_piece_from_a_word_file_and_sees_it(desk, open_page):  # noqa: F811
    page = writing_page(open_page, desk, "/submit/new/")
    page.get_by_label("Start from a Word or Google Docs file").set_input_files(
        {"name": "swifts.docx", "mimeType": DOCX, "buffer": docx_files.structured_docx()}
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_url(f"{desk.url}/submit/{page.url.rstrip('/').rsplit('/', 1)[-1]}/")
    expect(page.get_by_label("Headline")).to_have_value("Counting Swifts Over the Old Mill")
    expect(page.locator("textarea[name=body]")).to_contain_text("## How the count works")
    preview = preview_of(page)
    expect(preview.locator("h2").first).to_have_text("How the count works")
    expect(preview.locator("strong")).to_have_text("two hundred")
    expect(preview.get_by_role("link", name="the county survey")).to_have_attribute(
        "href", "https://example.org/swift-survey"
    )
    expect(preview.locator("table td").first).to_have_text("2025")
    expect(preview.locator("figure img")).to_have_count(1)
    expect(page.locator(".message.warning")).to_contain_text("awaiting its credit")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_file_chosen_on_a_form_with_an_error_is_kept_for_the_next_try(
    axe, vnu, desk, new_page, width, tmp_path
):
    page = signed_in_page(new_page, desk, viewport=VIEWPORTS[width], bypass_csp=True)
    page.goto(f"{desk.url}/submit/new/")
    page.get_by_label("Start from a Word or Google Docs file").set_input_files(
        {"name": "swifts.docx", "mimeType": DOCX, "buffer": docx_files.structured_docx()}
    )
    page.locator("textarea[name=body]").fill("A line typed first.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert").first).to_contain_text("The file you chose is kept.")
    expect(page.get_by_text("Kept from your last try: swifts.docx.")).to_be_visible()
    # The page as it stands with the kept file: accessible, valid, and as a writer sees it.
    assert_valid(vnu, {f"kept-file-{width}px": page.content()}, tmp_path)
    violations = [f"{v['id']}: {v['help']}" for v in axe_violations(page, axe)]
    assert not violations, "\n".join(violations)
    page.locator(".kept-file").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"kept-file-{width}.png"))

    # The writer empties the text box, as the note by the file asks, and saves again.
    page.locator("textarea[name=body]").fill("")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_label("Headline")).to_have_value("Counting Swifts Over the Old Mill")
    expect(page.locator("textarea[name=body]")).to_contain_text("## How the count works")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_editor_who_forgets_the_tick_keeps_the_file_and_ticks_it(
    axe, vnu, desk, live_server, new_page, width, tmp_path
):
    make_editor("eve")
    piece = make_draft(make_writer("bo"), headline="The river report", body="The old text.")
    page = admin_checks.signed_in_as_editor(
        new_page, live_server.url, viewport=VIEWPORTS[width], bypass_csp=True
    )
    page.goto(f"{live_server.url}/admin/articles/article/{piece.pk}/change/")
    page.get_by_text("Replace the text from a file", exact=True).click()
    page.locator("input[name=document]").set_input_files(
        {"name": "river.docx", "mimeType": DOCX, "buffer": docx_files.plain_docx("The new text.")}
    )
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errornote")).to_be_visible()
    kept = page.locator(".kept-file")
    expect(kept).to_contain_text("Kept from your last try: river.docx.")
    # The page as it stands with the kept file: valid, accessible, and as an editor sees it.
    html = admin_checks.html_here(page)
    problems = admin_checks.problems_here(page, axe, "kept file")
    assert not problems, "\n".join(problems)
    assert_valid(vnu, {f"admin-kept-file-{width}px": html}, tmp_path)
    kept.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"admin-kept-file-{width}.png"))

    page.get_by_label("Replace my text").check()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator("textarea[name=body]")).to_have_value("The new text.")


def signed_in_page(new_page, desk, **options):
    page = new_page(**options)
    sign_in(page, f"{desk.url}/accounts/login/", "ada")
    expect(page).to_have_url(f"{desk.url}/submit/")
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_the_file_pages_have_no_accessibility_violations(axe, desk, new_page, width):
    # axe-core is added as a script of the test's own, which the site's CSP would refuse.
    page = signed_in_page(new_page, desk, viewport=VIEWPORTS[width], bypass_csp=True)
    problems = accessibility_problems(page, axe, desk.url, desk.pages)
    assert not problems, f"Accessibility violations at {width} px:\n" + "\n".join(problems)


def test_the_file_pages_are_valid_html_as_sent_and_as_shown(vnu, desk, new_page, tmp_path):
    found = {}
    for width in WIDTHS:
        page = signed_in_page(new_page, desk, viewport=VIEWPORTS[width])
        found |= admin_checks.pages_as_sent_and_shown(page, desk.url, desk.pages, f"{width}px")
    assert_valid(vnu, found, tmp_path)
