"""The admin's home: the editors' dashboard, and the magazine's lists before the tools."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.admin_site import MagazineAdminSite
from articles.models import Article, StatusChange

from .factories import make_article, make_draft, make_editor, make_image, make_submitted

S = Article.Status
LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def scheduled_for(when, **fields):
    return make_article(status=S.SCHEDULED, published_at=when, **fields)


def incomplete_picture():
    """A picture under CC BY 2.0 with no title or source: its credit falls short of the licence."""
    return make_image(credit={"title": "", "license": "cc-by-2.0"})


def request_by(user):
    request = RequestFactory().get("/admin/")
    # Read afresh, so that its permissions are looked up once, as in a real request.
    request.user = type(user).objects.get(pk=user.pk)
    return request


def test_the_admin_uses_the_magazines_site():
    assert apps.get_app_config("admin").default_site == "articles.admin_site.MagazineAdminSite"
    assert isinstance(admin.site, MagazineAdminSite)


def test_the_home_lists_the_magazine_first_and_the_accounts_and_tools_below(admin_client):
    # A superuser, who sees every list.
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    app_list = response.context["app_list"]
    assert app_list[0]["app_label"] == "articles"
    # Below it, the others in Django's own order, by name.
    others = [str(app["name"]) for app in app_list[1:]]
    assert others == sorted(others, key=str.lower) and "Authentication and Authorization" in others
    html = response.content.decode()
    assert html.index("Review queue") < html.index("Authentication and Authorization")


def test_the_magazines_lists_follow_an_editors_day(editor_client):
    app = editor_client.get("/admin/").context["app_list"][0]
    assert [model["object_name"] for model in app["models"]][:4] == [
        "Submission",
        "Article",
        "Image",
        "CreditAudit",
    ]


def test_the_navigation_beside_every_page_puts_the_magazine_first_too(editor_client):
    response = editor_client.get("/admin/articles/article/")
    assert response.context["available_apps"][0]["app_label"] == "articles"


def test_the_review_queue_shows_its_count_and_the_oldest_first_with_links(editor_client, writer):
    newer = make_submitted(writer, headline="Sent yesterday")
    older = make_submitted(writer, headline="Sent last week")
    Article.objects.filter(pk=newer.pk).update(submitted_at=timezone.now() - timedelta(days=1))
    Article.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=7))
    make_draft(writer, headline="Still a draft")
    make_article(headline="Already out")

    response = editor_client.get("/admin/")
    assert [piece.headline for piece in response.context["review_queue"]] == [
        "Sent last week",
        "Sent yesterday",
    ]
    assert response.context["review_queue_count"] == 2
    html = response.content.decode()
    assert "<strong>2</strong> pieces waiting for a decision, oldest first." in html
    assert f'href="/admin/articles/article/{older.pk}/change/"' in html
    assert html.index("Sent last week") < html.index("Sent yesterday")
    assert 'href="/admin/articles/submission/"' in html


def test_the_dashboard_never_shows_a_contributors_own_piece(editor_client, writer, editor):
    private = make_draft(writer, headline="My secret draft", with_contributors_only=True)
    taken_back = make_submitted(writer, headline="Taken back")
    workflow.request_changes(taken_back, by=editor, message="Shorter, please.")
    workflow.submit(taken_back, by=writer)
    workflow.withdraw(taken_back, by=writer)
    assert taken_back.with_contributors_only and private.with_contributors_only

    response = editor_client.get("/admin/")
    assert response.context["review_queue_count"] == 0
    assert response.context["latest_decisions"] == []
    html = response.content.decode()
    assert "My secret draft" not in html and "Taken back" not in html


def test_scheduled_shows_the_next_seven_days_in_the_magazines_time_zone(editor_client):
    # Monday 6 July 2026 at 10:00 in London, an hour ahead of UTC.
    now = datetime(2026, 7, 6, 10, 0, tzinfo=LONDON)
    make_article(headline="Out already", status=S.SCHEDULED, published_at=now - timedelta(hours=1))
    scheduled_for(datetime(2026, 7, 12, 23, 30, tzinfo=LONDON), headline="Sunday night")
    scheduled_for(datetime(2026, 7, 7, 9, 0, tzinfo=LONDON), headline="Tuesday morning")
    # 23:30 UTC on the Sunday is already Monday in London: the eighth day, not shown.
    scheduled_for(datetime(2026, 7, 12, 23, 30, tzinfo=ZoneInfo("UTC")), headline="Next Monday")
    make_article(headline="Published, not scheduled", published_at=now + timedelta(days=1))

    with mock.patch("django.utils.timezone.now", return_value=now):
        response = editor_client.get("/admin/")
    assert [piece.headline for piece in response.context["scheduled"]] == [
        "Tuesday morning",
        "Sunday night",
    ]
    html = response.content.decode()
    assert "<strong>2</strong> pieces go out by the end of Sunday 12 July" in html
    assert "(times in Europe/London)" in html
    assert "Tue 7 Jul, 09:00" in html and "Sun 12 Jul, 23:30" in html
    assert "Next Monday" not in html


def test_the_latest_decisions_are_the_editors_not_submissions_or_withdrawals(
    editor_client, writer, editor
):
    asked = make_submitted(writer, headline="Asked to change")
    workflow.request_changes(asked, by=editor, message="A source, please.")
    published = make_submitted(writer, headline="Now public")
    workflow.publish(published, by=editor)
    workflow.unpublish(published, by=editor)
    withdrawn = make_submitted(writer, headline="Withdrawn by its writer")
    workflow.withdraw(withdrawn, by=writer)
    workflow.reopen(withdrawn, by=writer)
    workflow.submit(withdrawn, by=writer)

    response = editor_client.get("/admin/")
    shown = [(c.article.headline, c.to_status) for c in response.context["latest_decisions"]]
    assert shown == [
        ("Now public", S.WITHDRAWN),
        ("Now public", S.PUBLISHED),
        ("Asked to change", S.CHANGES_REQUESTED),
    ]
    html = response.content.decode()
    assert "<strong>Unpublished</strong> by" in html
    assert "<strong>Changes requested</strong> by" in html


def test_the_credits_to_complete_are_counted_as_the_audit_lists_them(editor_client):
    make_article(headline="Picture lacking", hero_image=incomplete_picture())
    make_article(headline="Picture fine", hero_image=make_image())
    # Not yet published: its picture is not in the audit.
    make_article(headline="Unpublished", status=S.DRAFT, hero_image=incomplete_picture())

    home = editor_client.get("/admin/")
    audit = editor_client.get("/admin/articles/creditaudit/")
    assert home.context["credits_to_complete"] == audit.context["cl"].result_count == 1
    html = home.content.decode()
    assert "<strong>1</strong> published picture has a credit that lacks" in html
    assert 'href="/admin/articles/creditaudit/"' in html


def test_an_empty_dashboard_says_so_in_words(editor_client):
    html = editor_client.get("/admin/").content.decode()
    assert "Nothing is waiting for a decision." in html
    assert "Nothing is scheduled for the next 7 days." in html
    assert "No decisions yet." in html
    assert "Every picture’s credit is complete." in html


def test_staff_without_the_editors_permissions_see_no_dashboard_parts(client):
    staff = type(make_editor()).objects.create_user("intern", "intern@example.org", "pw")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    for part in ("review_queue", "scheduled", "latest_decisions", "credits_to_complete"):
        assert part not in response.context
    assert "Review queue" not in response.content.decode()


def fill_the_desk(writer, editor, count):
    """`count` of everything the dashboard shows: submissions, schedules, decisions, credits."""
    soon = timezone.now() + timedelta(days=2)
    for n in range(count):
        make_submitted(writer, headline=f"Waiting {n}")
        scheduled_for(soon + timedelta(minutes=n), headline=f"Soon {n}")
        decided = make_submitted(writer, headline=f"Decided {n}")
        workflow.decline(decided, by=editor, message="Not for us.")
        make_article(headline=f"Lacking {n}", hero_image=incomplete_picture())


def test_the_dashboard_costs_the_same_queries_however_full_the_desk(
    writer, editor, django_assert_num_queries
):
    # Two for the editor's permissions; then the queue (its pieces, their bylines and tags, its
    # count), what is scheduled (the pieces, their bylines), the decisions, and the credit
    # audit's own two.
    fill_the_desk(writer, editor, 1)
    request = request_by(editor)
    with django_assert_num_queries(11):
        small = admin.site.dashboard(request)
    fill_the_desk(writer, editor, 11)
    request = request_by(editor)
    with django_assert_num_queries(11):
        large = admin.site.dashboard(request)
    assert (small["review_queue_count"], large["review_queue_count"]) == (1, 12)
    assert len(large["review_queue"]) == 8 and len(large["scheduled"]) == 12
    assert len(large["latest_decisions"]) == 8 and large["credits_to_complete"] == 12
    assert StatusChange.objects.filter(to_status=S.DECLINED).count() == 12


def test_the_home_page_costs_the_same_queries_however_full_the_desk(editor_client, writer, editor):
    fill_the_desk(writer, editor, 1)
    with CaptureQueriesContext(connection) as small:
        editor_client.get("/admin/")
    fill_the_desk(writer, editor, 11)
    with CaptureQueriesContext(connection) as large:
        editor_client.get("/admin/")
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_piece_in_the_queue_shows_its_byline_and_section(editor_client, writer):
    piece = make_submitted(writer, headline="The river library")
    html = editor_client.get("/admin/").content.decode()
    assert f"Ada Okafor · {piece.section.name} · sent" in html
