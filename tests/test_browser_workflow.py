"""The whole editorial loop in a real Chromium: write, submit, revise, publish, read."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article

from .factories import jpeg_bytes
from .tools import sign_in

pytestmark = pytest.mark.browser

HEADLINE = "The night the river library reopened"
CREDIT_LINE = "“Reading room at dawn” (cropped) by Ada Okafor is licensed under CC BY 4.0"


def decide(page, live_server, action, outcome, message=""):
    """An editor opens the piece from the review queue or its change page and decides."""
    article = Article.objects.get(headline=HEADLINE)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    # The decision's buttons are in the piece's own form: what is on screen is saved with it.
    form = page.locator("#decide")
    if message:
        form.locator("textarea[name=decision-message]").fill(message)
    form.locator(f'button[name=decision-action][value="{action}"]').click()
    expect(page.locator(".messagelist")).to_contain_text(outcome)


def test_contributor_submits_editor_asks_for_changes_contributor_revises_editor_publishes(
    live_server, people, new_page, tmp_path, mailoutbox
):
    picture = tmp_path / "reading-room.jpg"
    picture.write_bytes(jpeg_bytes(800, 450))

    # The contributor signs in and writes a piece with a credited picture.
    writer = new_page()
    sign_in(writer, f"{live_server.url}/accounts/login/", "ada")
    expect(writer).to_have_url(f"{live_server.url}/submit/")
    writer.get_by_role("link", name="Write a new piece").click()
    writer.get_by_label("Headline", exact=True).fill(HEADLINE)
    writer.get_by_label("Standfirst", exact=True).fill("After the flood, the books came back.")
    writer.get_by_label("Body", exact=True).fill(
        "The shelves are dry.\n\nVolunteers carried every box."
    )
    writer.get_by_label("Section", exact=True).select_option(label="Culture")
    writer.get_by_label("Tags", exact=True).fill("Libraries, Floods")
    writer.get_by_label("Picture", exact=True).set_input_files(str(picture))
    writer.get_by_label("Alt text", exact=True).fill(
        "Empty reading room with morning light on the tables"
    )
    writer.get_by_label("Title of the work", exact=True).fill("Reading room at dawn")
    writer.get_by_label("Creator", exact=True).fill("Ada Okafor")
    writer.get_by_label("Licence", exact=True).select_option("cc-by-4.0")
    writer.get_by_label("Changes made", exact=True).fill("cropped")
    writer.get_by_label("This piece is my own work").check()
    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.locator(".messages")).to_contain_text("Submitted")
    expect(writer.get_by_role("row", name=re.compile(HEADLINE))).to_contain_text("Submitted")

    # The editor finds it in the review queue and asks for changes.
    editor = new_page()
    sign_in(editor, f"{live_server.url}/admin/login/", "eve")
    editor.goto(f"{live_server.url}/admin/articles/submission/")
    expect(editor.get_by_role("link", name=HEADLINE)).to_be_visible()
    decide(
        editor,
        live_server,
        "request_changes",
        "Changes requested",
        "Please name the volunteers' group.",
    )

    # The contributor reads the message, revises and resubmits.
    writer.goto(f"{live_server.url}/submit/")
    row = writer.get_by_role("row", name=re.compile(HEADLINE))
    expect(row).to_contain_text("Changes requested")
    expect(row).to_contain_text("Please name the volunteers' group.")
    row.get_by_role("link", name=HEADLINE).click()
    expect(writer.locator(".desk-feedback")).to_contain_text("Please name the volunteers' group.")
    writer.get_by_label("Body", exact=True).fill(
        "The shelves are dry.\n\nThe Riverside Volunteers carried every box."
    )
    writer.get_by_label("This piece is my own work").check()
    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.get_by_role("row", name=re.compile(HEADLINE))).to_contain_text("Submitted")

    # The editor publishes it.
    decide(editor, live_server, "publish", "Published")

    # A reader finds it on the home page, with its picture credited.
    reader = new_page()
    reader.goto(live_server.url + "/")
    reader.get_by_role("link", name=HEADLINE).first.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    expect(reader.locator(".piece__body")).to_contain_text("The Riverside Volunteers")
    expect(reader.locator("figcaption .credit")).to_have_text(f"Image Credit: {CREDIT_LINE}")

    # The mail: the editors heard of each submission, the contributor of each decision.
    assert [(m.to, m.subject.split("] ", 1)[1].split(":")[0]) for m in mailoutbox] == [
        (["eve@example.org"], "Submitted for review"),
        (["ada@example.org"], "Changes requested"),
        (["eve@example.org"], "Submitted for review"),
        (["ada@example.org"], "Published"),
    ]
    assert "Please name the volunteers' group." in mailoutbox[1].body
    assert f"/articles/{Article.objects.get(headline=HEADLINE).slug}/" in mailoutbox[3].body


def test_an_editor_edits_the_headline_and_publishes_in_one_go(live_server, people, new_page):
    from articles import workflow

    from .factories import make_draft

    writer = people["writer"]
    article = make_draft(writer, headline=HEADLINE, slug="river-library")
    workflow.submit(article, by=writer)
    editor = new_page()
    sign_in(editor, f"{live_server.url}/admin/login/", "eve")
    editor.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    editor.get_by_label("Headline:").fill("The river library opens its doors again")
    # Asking for changes without a message is refused, and nothing typed is lost.
    editor.locator('button[name=decision-action][value="request_changes"]').click()
    expect(editor.locator(".errornote, .errorlist").first).to_be_visible()
    expect(editor.get_by_label("Headline:")).to_have_value(
        "The river library opens its doors again"
    )
    assert Article.objects.get(pk=article.pk).headline == HEADLINE
    editor.locator('button[name=decision-action][value="publish"]').click()
    expect(editor.locator(".messagelist")).to_contain_text("Published")
    reader = new_page()
    reader.goto(f"{live_server.url}/articles/river-library/")
    expect(reader.locator("h1")).to_have_text("The river library opens its doors again")
