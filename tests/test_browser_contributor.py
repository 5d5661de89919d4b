"""The contributor's side in a real Chromium: a picture never lost, by keyboard alone, and
a draft kept from the editors until it is submitted."""

import re

import pytest
from playwright.sync_api import expect

from articles import workflow
from articles.models import Article

from .factories import (
    PASSWORD,
    REFERENCE_CREDIT,
    jpeg_bytes,
    make_draft,
)
from .test_browser import SCREEN_SIZES, VIEWPORTS, axe_violations
from .tools import sign_in

pytestmark = pytest.mark.browser


def test_a_chosen_picture_is_still_there_after_a_form_error(
    live_server, people, new_page, tmp_path
):
    picture = tmp_path / "market.jpg"
    picture.write_bytes(jpeg_bytes(600, 400))
    page = new_page()
    sign_in(page, f"{live_server.url}/accounts/login/", "ada")
    page.goto(f"{live_server.url}/submit/new/")
    page.get_by_label("Headline", exact=True).fill("Saturday at the night market")
    page.get_by_label("Picture", exact=True).set_input_files(str(picture))
    # No credit yet, and on purpose a crop with one side only: the form has an error.
    page.get_by_text("Ask for a crop").click()
    page.get_by_label("Crop: left edge").fill("20")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("Give all four sides of the crop")).to_be_visible()
    kept = page.get_by_role("img", name="The picture you chose")
    expect(kept).to_be_visible()
    # The thumbnail really loads: the kept picture is served to the one who chose it.
    assert kept.evaluate("img => img.complete && img.naturalWidth") == 600
    expect(page.get_by_label("Headline", exact=True)).to_have_value("Saturday at the night market")

    page.get_by_label("Crop: left edge").fill("")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("Draft saved.")
    article = Article.objects.get(headline="Saturday at the night market")
    assert (article.hero_image.width, article.hero_image.height) == (600, 400)
    # Saved without a credit, and the page says what is still needed.
    expect(page.get_by_text("The picture’s credit is not complete yet")).to_be_visible()


def tab_until(page, locator, limit=60):
    """Press Tab until the locator has the focus; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return presses
    raise AssertionError(f"{locator} was not reached in {limit} presses of Tab")


def type_into(page, locator, text):
    tab_until(page, locator)
    page.keyboard.type(text)


def test_the_whole_contributor_flow_by_keyboard_alone(live_server, people, new_page):
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    type_into(page, page.get_by_label(re.compile("^Username")), "ada")
    type_into(page, page.get_by_label(re.compile("^Password")), PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/submit/")

    tab_until(page, page.get_by_role("link", name="Write a new piece"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/submit/new/")
    type_into(page, page.get_by_label("Headline", exact=True), "Letters from the allotment")
    type_into(page, page.get_by_label("Body", exact=True), "The beans came up in June.")
    tab_until(page, page.get_by_label("Section", exact=True))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Section", exact=True)).to_have_value(re.compile(r"^\d+$"))

    # From the top of the form, the own-work box is a few presses away, not dozens.
    page.get_by_role("link", name="← Your pieces").focus()
    tab_until(page, page.get_by_role("link", name="Skip to submitting"), limit=8)
    page.keyboard.press("Enter")
    presses = tab_until(page, page.get_by_role("checkbox", name=re.compile("my own work")))
    assert presses <= 3
    page.keyboard.press("Space")
    tab_until(page, page.get_by_role("button", name="Submit for review"))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"^{live_server.url}/submit/(#submit)?$"))
    expect(page.locator(".messages")).to_contain_text("Submitted")
    article = Article.objects.get(headline="Letters from the allotment")
    assert article.status == Article.Status.SUBMITTED
    assert article.body == "The beans came up in June."


def test_editors_cannot_see_or_act_on_a_draft_until_it_is_submitted(live_server, people, new_page):
    writer = people["writer"]
    article = make_draft(writer, headline="My private notes on the strike", slug="strike-notes")
    Article.objects.filter(pk=article.pk).update(with_contributors_only=True)
    admin = f"{live_server.url}/admin/articles/article"
    editor = new_page()
    sign_in(editor, f"{live_server.url}/admin/login/", "eve")

    editor.goto(f"{admin}/")
    expect(editor.locator("#result_list, .paginator").first).to_be_visible()
    expect(editor.get_by_text("My private notes on the strike")).to_have_count(0)
    editor.goto(f"{admin}/{article.pk}/change/")
    # The admin says the piece does not exist, and shows nothing of it.
    expect(editor.locator(".messagelist")).to_contain_text("doesn’t exist")
    expect(editor.get_by_text("My private notes on the strike")).to_have_count(0)
    assert editor.goto(f"{admin}/{article.pk}/history/").status == 404
    assert editor.goto(f"{live_server.url}/submit/{article.pk}/preview/").status == 404

    # Bulk actions and the decide address, posted by hand with the editor's own session.
    editor.goto(f"{admin}/")
    token = editor.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    headers = {"Referer": f"{admin}/"}
    editor.request.post(
        f"{admin}/",
        form={
            "csrfmiddlewaretoken": token,
            "action": "publish_now",
            "_selected_action": article.pk,
        },
        headers=headers,
    )
    decided = editor.request.post(
        f"{admin}/{article.pk}/decide/",
        form={"csrfmiddlewaretoken": token, "decision-action": "publish"},
        headers=headers,
    )
    assert decided.status == 404
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and article.published_at is None

    # Once it is submitted, the editors see it and can act on it.
    workflow.submit(article, by=writer)
    editor.goto(f"{admin}/")
    editor.get_by_role("link", name="My private notes on the strike").click()
    expect(editor.get_by_label("Headline:")).to_have_value("My private notes on the strike")
    editor.locator('button[name=decision-action][value="publish"]').click()
    expect(editor.locator(".messagelist")).to_contain_text("Published")


@pytest.mark.parametrize(("scheme", "width"), SCREEN_SIZES, ids=lambda v: str(v))
def test_a_held_picture_and_a_folded_credit_pass_axe(
    axe, live_server, people, new_page, tmp_path, scheme, width
):
    picture = tmp_path / "market.jpg"
    picture.write_bytes(jpeg_bytes(600, 400))
    # axe-core is added as a script of the test's own, which the site's CSP would refuse.
    page = new_page(color_scheme=scheme, viewport=VIEWPORTS[width], bypass_csp=True)
    sign_in(page, f"{live_server.url}/accounts/login/", "ada")
    page.goto(f"{live_server.url}/submit/new/")
    page.get_by_label("Headline", exact=True).fill("Saturday at the night market")
    page.get_by_label("Picture", exact=True).set_input_files(str(picture))
    page.get_by_label("Paste a credit line").fill(REFERENCE_CREDIT)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("img", name="The picture you chose")).to_be_visible()
    problems = axe_violations(page, axe)
    assert not problems, f"With a held picture ({scheme}, {width} px): {problems}"

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Filled from the pasted credit")).to_be_visible()
    expect(page.locator("details.credit-fields")).not_to_have_attribute("open", "")
    problems = axe_violations(page, axe)
    assert not problems, f"With a folded credit ({scheme}, {width} px): {problems}"
