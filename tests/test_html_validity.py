"""Every page readers and contributors see is valid HTML according to the Nu HTML Checker."""

import json
import subprocess

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from taggit.models import Tag

from articles import workflow
from articles.models import Article, Invitation

from .factories import (
    REFERENCE_CREDIT,
    REFERENCE_HEADLINE,
    committed,
    jpeg_bytes,
    make_article,
    make_draft,
    make_editor,
    make_image,
    make_writer,
)

# A page with a deliberate error, validated alongside the real ones: if the validator does
# not report it, the run checked nothing and a clean result would mean nothing.
CANARY_NAME = "canary"
CANARY_HTML = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Canary</title></head>'
    "<body><p>A stray end tag follows.</p></div></body></html>"
)


def public_pages(client, settings):
    """Each public page as (name, HTML), rendered the way a reader receives it."""
    # Two pieces a page gives the demo magazine a page 2 of the home page.
    settings.MAGAZINE_PAGE_SIZE = 2
    reference = Article.objects.get(headline=REFERENCE_HEADLINE)
    # Published from the admin a moment ago, so its publish time carries microseconds, and
    # with no picture, so the article page is checked without its figure too.
    without_image = make_article(
        headline="A piece with no picture",
        slug="a-piece-with-no-picture",
        section=reference.section,
        tags=["Mali"],
        published_at=None,
    )
    assert without_image.hero_image is None and without_image.is_public
    contributor = reference.bylines.first().contributor
    # With a photo, on their page and in the contributors index.
    contributor.photo = make_image(alt_text=contributor.name)
    with committed():
        contributor.save()
    section = reference.section
    tag = Tag.objects.get(name="Wagner Group")
    urls = {
        "home": "/",
        "home-page-2": "/?page=2",
        "article-reference": reference.get_absolute_url(),
        "article-without-image": without_image.get_absolute_url(),
        "section": section.get_absolute_url(),
        "tag": f"/tags/{tag.slug}/",
        "contributor": contributor.get_absolute_url(),
        "contributors": "/contributors/",
        "credits": "/credits/",
        "search-results": "/search/?q=Mali+coup",
        "search-nothing-found": "/search/?q=zeppelinquux",
        "search-empty": "/search/",
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        pages[name] = response.content.decode()
    assert "Page 2 of" in pages["home-page-2"], "the home page has no page 2 to validate"

    response = client.get("/articles/no-such-piece-was-ever-published/")
    assert response.status_code == 404 and b"Error 404" in response.content
    pages["404"] = response.content.decode()
    pages["500"] = render_to_string("500.html")
    return pages


def contributor_pages(client):
    """The contributor area, the previews and the account pages, as (name, HTML)."""
    writer = make_writer("ada")
    editor = make_editor("eve")
    draft = make_draft(writer, headline="A draft with <angle> & ampersand")
    submitted = make_draft(writer, headline="A submitted piece")
    workflow.submit(submitted, by=writer)
    workflow.request_changes(submitted, by=editor, message="Shorter, please.\nAnd a source.")
    invitation = Invitation.objects.create(email="new@example.org", name="New Writer")
    pages = {}
    for name, url in {
        "login": "/accounts/login/",
        "password-reset": "/accounts/password_reset/",
        "invitation": invitation.get_absolute_url(),
    }.items():
        pages[name] = page_at(client, url)
    client.force_login(writer)
    for name, url in {
        "dashboard": "/submit/",
        "new-piece": "/submit/new/",
        "edit-draft": f"/submit/{draft.pk}/",
        "edit-after-feedback": f"/submit/{submitted.pk}/",
        "preview": f"/submit/{draft.pk}/preview/",
        "delete-draft": f"/submit/{draft.pk}/delete/",
        "profile": "/submit/profile/",
    }.items():
        pages[name] = page_at(client, url)
    response = client.post("/submit/new/", {"headline": "", "picture": "", "alt_text": "x"})
    assert response.status_code == 200 and b"errorlist" in response.content
    pages["new-piece-with-errors"] = response.content.decode()
    # A picture kept across an error, and a saved credit folded behind its line.
    picture = SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = client.post(
        "/submit/new/", {"headline": "Held", "picture": picture, "crop_left": "3"}
    )
    assert b"The picture you chose is kept" in response.content
    pages["new-piece-with-a-held-picture"] = response.content.decode()
    picture = SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = client.post(
        "/submit/new/",
        {"headline": "Folded", "picture": picture, "credit_paste": REFERENCE_CREDIT},
        follow=True,
    )
    assert b'<details class="credit-fields">' in response.content
    pages["piece-with-a-folded-credit"] = response.content.decode()
    # The profile: a refused link at its field, then a photo with its credit.
    response = client.post("/submit/profile/", {"name": "Ada", "links": "javascript:alert(1)"})
    assert response.status_code == 200 and b'id="id_links_error"' in response.content
    pages["profile-with-errors"] = response.content.decode()
    photo = {
        "name": "Ada",
        "picture": SimpleUploadedFile("me.jpg", jpeg_bytes(), content_type="image/jpeg"),
        "alt_text": "Ada smiling",
        "credit-creator": "Sam Lee",
        "credit-creator_url": "https://sam.example.org/",
        "credit-license": "cc-by-4.0",
        "credit-changes": "unmodified",
    }
    assert client.post("/submit/profile/", photo).status_code == 302
    pages["profile-with-a-photo"] = page_at(client, "/submit/profile/")
    response = client.get("/preview/not-a-token/")
    assert response.status_code == 404
    pages["preview-ended"] = response.content.decode()
    return pages


def page_at(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.content.decode()


def run_vnu(vnu, paths):
    """Validate every file in one run of the Nu checker; return its exit code and messages."""
    result = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    # vnu writes its report to stderr; look at stdout too in case a version changes that.
    output = result.stderr.strip() or result.stdout.strip()
    assert result.returncode in (0, 1), (
        f"vnu failed to run (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
    )
    try:
        report = json.loads(output)
    except json.JSONDecodeError as error:
        raise AssertionError(f"vnu printed no JSON report ({error}):\n{output[:2000]}") from None
    assert isinstance(report.get("messages"), list), f"vnu's report has no messages: {report}"
    return result.returncode, report["messages"]


def describe(message):
    """One vnu message as its line number and text."""
    return f"line {message.get('lastLine', '?')}: {message.get('message', '').strip()}"


def test_every_public_page_is_valid_html(vnu, demo_magazine, client, settings, tmp_path):
    """Home, its page 2, two articles, listings, contributors, 404 and 500 pass the Nu checker."""
    assert_valid(vnu, public_pages(client, settings), tmp_path)


def test_contributor_and_account_pages_are_valid_html(vnu, db, client, tmp_path):
    """The contributor area, previews, sign-in, password reset and invitation pages pass too."""
    assert_valid(vnu, contributor_pages(client), tmp_path)


def assert_valid(vnu, pages, tmp_path):
    """Validate the pages and a canary with a known error in one run; fail on any error."""
    files = {}
    for name, html in {**pages, CANARY_NAME: CANARY_HTML}.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name

    exit_code, messages = run_vnu(vnu, [tmp_path / file_name for file_name in files])

    problems = {}
    for message in messages:
        # "non-document-error" means vnu could not read a file: as bad as an invalid page.
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = message.get("url", "")
        name = files.get(url.rsplit("/", 1)[-1], url)
        problems.setdefault(name, []).append(describe(message))
    canary = problems.pop(CANARY_NAME, [])
    assert exit_code == 1 and canary, (
        "vnu did not report the deliberate error in the canary page, so it checked nothing"
    )
    assert not problems, "Invalid HTML:\n" + "\n".join(
        f"{name}.html {text}" for name, texts in problems.items() for text in texts
    )


def editors_pages(client):
    """The admin pages the magazine templates: the dashboard, the list and page of a piece."""
    writer = make_writer("ada")
    editor = make_editor("eve")
    waiting = make_draft(writer, headline="A piece <waiting> & ready")
    workflow.submit(waiting, by=writer)
    declined = make_draft(writer, headline="Not for us")
    workflow.submit(declined, by=writer)
    workflow.decline(declined, by=editor, message="Thank you, but no.")
    reference = Article.objects.get(headline=REFERENCE_HEADLINE)
    client.force_login(editor)
    return {
        name: page_at(client, url)
        for name, url in {
            "admin-home": "/admin/",
            "admin-article-list": "/admin/articles/article/",
            "admin-piece-waiting": f"/admin/articles/article/{waiting.pk}/change/",
            "admin-piece-published": f"/admin/articles/article/{reference.pk}/change/",
            "admin-review-queue": "/admin/articles/submission/",
            "admin-credit-audit": "/admin/articles/creditaudit/",
        }.items()
    }


def test_the_editors_admin_pages_are_valid_html(vnu, demo_magazine, client, tmp_path):
    """The dashboard, the list of pieces, a piece's page and the credit audit pass too."""
    pages = editors_pages(client)
    assert "Review queue" in pages["admin-home"]
    assert 'name="decision-publish_at"' in pages["admin-piece-waiting"]
    assert_valid(vnu, pages, tmp_path)
