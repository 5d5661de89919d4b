"""Who reaches what: each role against each contributor-area, preview and admin URL, by state.

Contributor B must never see anything of contributor A's piece, its headline included.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import Article, PreviewLink

from .factories import make_draft, make_editor, make_section, make_writer

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


# A contributor's piece is theirs until they submit it: editors neither list, open, preview nor
# act on it. Each situation: how the piece got there, whether editors see it.
SITUATIONS = {
    "a contributor's draft, never submitted": (S.DRAFT, True, False),
    "withdrawn by its contributor": (S.WITHDRAWN, True, False),
    "returned to draft after a withdrawal": (S.DRAFT, True, False),
    "submitted": (S.SUBMITTED, False, True),
    "changes requested": (S.CHANGES_REQUESTED, False, True),
    "declined": (S.DECLINED, False, True),
    "an editor's own draft naming the contributor": (S.DRAFT, False, True),
    "unpublished by an editor": (S.WITHDRAWN, False, True),
}


def piece_in_situation(situation, writer):
    status, theirs, _ = SITUATIONS[situation]
    return make_draft(writer, headline=HEADLINE, status=status, with_contributors_only=theirs)


@pytest.mark.parametrize("situation", list(SITUATIONS))
def test_editors_see_a_contributors_piece_only_once_it_is_submitted(client, people, situation):
    article = piece_in_situation(situation, people["contributor_a"])
    editors_see = SITUATIONS[situation][2]
    client.force_login(people["editor"])
    listed = client.get("/admin/articles/article/")
    assert (HEADLINE.replace("'", "&#x27;").encode() in listed.content) is editors_see
    change = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert change.status_code == (200 if editors_see else 302)
    history = client.get(f"/admin/articles/article/{article.pk}/history/")
    assert history.status_code == (200 if editors_see else 404)
    revision = article.history.latest().history_id
    restore = client.get(f"/admin/articles/article/{article.pk}/history/{revision}/")
    assert restore.status_code == (200 if editors_see else 404)
    compare = client.get(f"/admin/articles/article/{article.pk}/history/compare/")
    assert (compare.status_code == 404) is not editors_see
    preview = client.get(f"/submit/{article.pk}/preview/")
    assert preview.status_code == (200 if editors_see else 404)
    if not editors_see:
        for response in (change, history, restore, compare, preview):
            assert HEADLINE.encode() not in response.content
            assert HEADLINE.replace("'", "&#x27;").encode() not in response.content


@pytest.mark.parametrize("situation", list(SITUATIONS))
def test_editors_act_on_a_contributors_piece_only_once_it_is_submitted(client, people, situation):
    article = piece_in_situation(situation, people["contributor_a"])
    editors_see = SITUATIONS[situation][2]
    before = Article.objects.get(pk=article.pk)
    client.force_login(people["editor"])
    decide = client.post(f"/admin/articles/article/{article.pk}/decide/", {"action": "publish"})
    share = client.post(f"/admin/articles/article/{article.pk}/share-preview/")
    bulk = client.post(
        "/admin/articles/article/",
        {"action": "publish_now", "_selected_action": [article.pk]},
    )
    after = Article.objects.get(pk=article.pk)
    if editors_see:
        assert decide.status_code == 302
    else:
        assert decide.status_code == 404
        assert share.status_code == 404
        assert not PreviewLink.objects.filter(article=article).exists()
        assert bulk.status_code in (200, 302)
        assert (after.status, after.published_at) == (before.status, before.published_at)
        with pytest.raises(workflow.TransitionNotAllowed, match="contributor's own"):
            workflow.publish(article, by=people["editor"])


def test_submitting_shows_the_piece_to_editors_and_withdrawing_hides_it_again(client, people):
    writer, editor = people["contributor_a"], people["editor"]
    article = make_draft(writer, headline=HEADLINE, with_contributors_only=True)
    visible = Article.objects.seen_by_editors()
    assert not visible.filter(pk=article.pk).exists()
    workflow.submit(article, by=writer)
    assert visible.filter(pk=article.pk).exists()
    workflow.withdraw(article, by=writer)
    assert not visible.filter(pk=article.pk).exists()
    workflow.reopen(article, by=writer)
    assert not visible.filter(pk=article.pk).exists()
    workflow.submit(article, by=writer)
    workflow.publish(article, by=editor)
    workflow.unpublish(article, by=editor)
    # Unpublished by an editor, it stays with the editors.
    assert visible.filter(pk=article.pk).exists()


def test_a_piece_started_in_the_contributor_area_is_the_contributors_own(client, people):
    client.force_login(people["contributor_a"])
    section = make_section()
    response = client.post(
        "/submit/new/", {"headline": "Notes", "body": "Words.", "section": section.pk}
    )
    assert response.status_code == 302
    assert Article.objects.get(headline="Notes").with_contributors_only


@pytest.mark.parametrize(
    ("situation", "said"),
    [
        ("a contributor's draft, never submitted", "Only you can see it."),
        ("withdrawn by its contributor", "Only you can see it."),
        ("submitted", "You and the editors can see it; readers cannot."),
        ("an editor's own draft naming the contributor", "You and the editors can see it;"),
    ],
)
def test_the_contributor_is_told_truly_who_can_see_the_piece(client, people, situation, said):
    article = piece_in_situation(situation, people["contributor_a"])
    client.force_login(people["contributor_a"])
    assert said in client.get("/submit/").content.decode()
    assert said in client.get(f"/submit/{article.pk}/").content.decode()
    # And it is true: an editor gets the piece exactly when the page says editors can see it.
    client.force_login(people["editor"])
    status = client.get(f"/submit/{article.pk}/preview/").status_code
    assert (status == 200) is ("editors" in said)


def test_a_co_author_is_named_among_those_who_can_see_a_draft(client, people):
    article = make_draft(people["contributor_a"], headline=HEADLINE, with_contributors_only=True)
    article.bylines.create(contributor=people["contributor_b"].contributor, position=1)
    client.force_login(people["contributor_a"])
    page = client.get(f"/submit/{article.pk}/").content.decode()
    assert f"Only you and {people['contributor_b'].contributor.name} can see it." in page


def test_a_scheduled_piece_tells_its_contributor_when_readers_will_see_it(client, people):
    article = piece_in(S.SCHEDULED, people["contributor_a"])
    client.force_login(people["contributor_a"])
    assert "readers will from" in client.get(f"/submit/{article.pk}/").content.decode()
