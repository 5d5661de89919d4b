"""Who reaches what: each role against each contributor-area, preview and admin URL, by state.

Contributor B must never see anything of contributor A's piece, its headline included.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, PreviewLink

from .factories import make_draft, make_editor, make_writer

S = Article.Status
pytestmark = pytest.mark.django_db

HEADLINE = "Contributor A's unpublished headline"
ROLES = ["anonymous", "contributor_a", "contributor_b", "editor"]
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def piece_in(state, writer):
    dates = {
        S.PUBLISHED: timezone.now() - timedelta(days=1),
        S.SCHEDULED: timezone.now() + timedelta(days=3),
    }
    return make_draft(writer, headline=HEADLINE, status=state, published_at=dates.get(state))


def expected_get(role, url_kind, state):
    """The status each role should get for a GET of each kind of URL."""
    if url_kind == "shared_preview":
        return 200  # the signed link is the permission, whoever holds it
    if role == "anonymous":
        return 302
    if url_kind.startswith("admin"):
        return 200 if role == "editor" else 302
    if url_kind == "preview":
        return 404 if role == "contributor_b" else 200
    if role == "editor":
        return 403  # no contributor profile: editors work in the admin
    if url_kind in ("dashboard", "new"):
        return 200
    return 404 if role == "contributor_b" else 200


def expected_post(role, action, state):
    if role == "anonymous":
        return 302
    if role == "editor":
        return 403
    if role == "contributor_b":
        return 404
    allowed = {
        "edit": state in Article.EDITABLE_BY_CONTRIBUTOR,
        "withdraw": state == S.SUBMITTED,
        "reopen": state == S.WITHDRAWN,
    }[action]
    return 302 if allowed else 409


@pytest.fixture
def people(client):
    writer_a = make_writer("ada")
    return {
        "anonymous": None,
        "contributor_a": writer_a,
        "contributor_b": make_writer("bob"),
        "editor": make_editor("eve"),
    }


def login_as(client, people, role):
    if people[role]:
        client.force_login(people[role])


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("role", ROLES)
def test_every_get_url_answers_each_role_as_expected(client, people, role, state):
    article = piece_in(state, people["contributor_a"])
    link = PreviewLink.objects.create(article=article)
    urls = {
        "dashboard": "/submit/",
        "new": "/submit/new/",
        "edit": f"/submit/{article.pk}/",
        "preview": f"/submit/{article.pk}/preview/",
        "shared_preview": link.get_absolute_url(),
        "admin": "/admin/",
        "admin_change": f"/admin/articles/article/{article.pk}/change/",
        "admin_history": f"/admin/articles/article/{article.pk}/history/",
        "admin_queue": "/admin/articles/submission/",
    }
    login_as(client, people, role)
    for kind, url in urls.items():
        response = client.get(url)
        assert response.status_code == expected_get(role, kind, state), (kind, url)
        if response.status_code == 302:
            login_page = ADMIN_LOGIN if kind.startswith("admin") else LOGIN
            assert response["Location"].startswith(login_page), (kind, response["Location"])
        # The holder of a signed link sees the piece by design; that is what the link is for.
        if role == "contributor_b" and kind != "shared_preview":
            assert HEADLINE.encode() not in response.content, kind
            assert HEADLINE.replace("'", "&#x27;").encode() not in response.content, kind


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("role", ROLES)
def test_every_post_url_answers_each_role_as_expected_and_only_allowed_posts_change_anything(
    client, people, role, state
):
    article = piece_in(state, people["contributor_a"])
    login_as(client, people, role)
    edit = {
        "headline": "Edited headline",
        "body": "Edited body.",
        "section": article.section_id,
        "opened_version": article.version,
        "credit_changes": "unmodified",
    }
    for action, url, data in (
        ("edit", f"/submit/{article.pk}/", edit),
        ("withdraw", f"/submit/{article.pk}/withdraw/", {}),
        ("reopen", f"/submit/{article.pk}/reopen/", {}),
    ):
        before = Article.objects.get(pk=article.pk)
        response = client.post(url, data)
        expected = expected_post(role, action, before.status)
        assert response.status_code == expected, (action, before.status)
        after = Article.objects.get(pk=article.pk)
        if expected != 302 or role == "anonymous":
            assert (after.headline, after.status, after.version) == (
                before.headline, before.status, before.version,
            ), action  # fmt: skip
        if role == "contributor_b":
            assert HEADLINE.encode() not in response.content


@pytest.mark.parametrize("role", ["anonymous", "contributor_a", "contributor_b"])
def test_nobody_but_an_editor_reaches_the_admin_decision_urls(client, people, role):
    article = piece_in(S.SUBMITTED, people["contributor_a"])
    login_as(client, people, role)
    response = client.post(f"/admin/articles/article/{article.pk}/decide/", {"action": "publish"})
    assert response.status_code == 302
    assert response["Location"].startswith(ADMIN_LOGIN)
    assert Article.objects.get(pk=article.pk).status == S.SUBMITTED
