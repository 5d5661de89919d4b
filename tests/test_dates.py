"""Dates in the magazine's time zone, shown and typed day-month-year on the 24-hour clock."""

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from articles import workflow
from articles.forms import DecisionForm
from articles.models import Article

from .factories import make_article, make_draft
from .test_admin_review import change_url, form_post

S = Article.Status
LONDON = ZoneInfo("Europe/London")
PROJECT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def settings_time_zone(tmp_path, **env):
    """TIME_ZONE as the settings read it in a fresh interpreter, with this environment."""
    clean = {name: value for name, value in os.environ.items() if name != "TIME_ZONE"}
    clean.update(DJANGO_SETTINGS_MODULE="magazine.settings", MAGAZINE_DATA_DIR=str(tmp_path), **env)
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.TIME_ZONE)"],
        cwd=PROJECT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_magazines_time_zone_is_london_unless_time_zone_is_set(tmp_path):
    assert settings_time_zone(tmp_path, DEBUG="1") == "Europe/London"
    assert settings_time_zone(tmp_path, DEBUG="1", TIME_ZONE="Europe/Paris") == "Europe/Paris"


def test_dates_are_written_day_month_year_on_the_24_hour_clock():
    moment = datetime(2027, 3, 25, 14, 30, tzinfo=LONDON)
    assert date_format(moment, "DATETIME_FORMAT") == "25 Mar 2027, 14:30"
    assert date_format(moment, "SHORT_DATETIME_FORMAT") == "25/03/2027 14:30"
    assert date_format(moment, "TIME_FORMAT") == "14:30"
    assert date_format(moment, "DATE_FORMAT") == "25 Mar 2027"


@pytest.mark.parametrize(
    "typed", ["25-03-2027 14:30", "25/03/2027 14:30", "25.03.2027 14:30", "2027-03-25 14:30"]
)
def test_a_publish_date_typed_day_first_is_that_time_in_the_magazines_zone(typed):
    form = DecisionForm({"action": "schedule", "publish_at": typed})
    assert form.is_valid(), form.errors
    # London is on GMT until the clocks go forward on 28 March 2027.
    assert form.cleaned_data["publish_at"] == datetime(2027, 3, 25, 14, 30, tzinfo=LONDON)
    assert form.cleaned_data["publish_at"] == datetime(2027, 3, 25, 14, 30, tzinfo=ZoneInfo("UTC"))


def test_a_summer_date_is_taken_as_british_summer_time():
    form = DecisionForm({"action": "schedule", "publish_at": "25-07-2027 14:30"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["publish_at"] == datetime(2027, 7, 25, 13, 30, tzinfo=ZoneInfo("UTC"))


def test_the_zone_is_the_one_the_magazine_is_set_to(settings):
    settings.TIME_ZONE = "America/New_York"
    form = DecisionForm({"action": "schedule", "publish_at": "25-03-2027 14:30"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["publish_at"] == datetime(
        2027, 3, 25, 14, 30, tzinfo=ZoneInfo("America/New_York")
    )
    assert "in America/New_York time" in form.fields["publish_at"].help_text


@pytest.mark.parametrize("typed", ["03/25/2027 2:30 PM", "25 March", "14:30"])
def test_a_date_the_magazine_does_not_write_is_refused_with_the_form_it_wants(typed):
    form = DecisionForm({"action": "schedule", "publish_at": typed})
    assert not form.is_valid()
    assert form.errors["publish_at"] == [
        "Enter the publish date as a date and a time: day-month-year and 24-hour time, "
        "such as 25/03/2027 14:30."
    ]


def test_the_publish_on_box_is_plain_text_named_with_its_format_and_zone(editor_client, writer):
    article = make_draft(writer)
    workflow.submit(article, by=writer)
    html = editor_client.get(change_url(article)).content.decode()
    # Not datetime-local, whose browser shows the date in the order of its own locale.
    assert 'type="datetime-local"' not in html
    assert (
        '<input type="text" name="decision-publish_at" autocomplete="off" size="16" '
        'aria-describedby="id_decision-publish_at_helptext" id="id_decision-publish_at">'
    ) in html
    assert 'id="id_decision-publish_at_helptext"' in html
    assert "Day-month-year and 24-hour time, such as 25/03/2027 14:30, in Europe/London time." in (
        html
    )


def test_save_and_schedule_stores_the_typed_local_time(editor_client, writer):
    article = make_draft(writer)
    workflow.submit(article, by=writer)
    day = timezone.localdate() + timedelta(days=30)
    data = form_post(editor_client.get(change_url(article)))
    data.update({"decision-action": "schedule", "decision-publish_at": f"{day:%d-%m-%Y} 14:30"})
    response = editor_client.post(change_url(article), data, follow=True)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == S.SCHEDULED
    assert timezone.localtime(article.published_at).timetuple()[:5] == (
        day.year, day.month, day.day, 14, 30
    )  # fmt: skip
    assert timezone.localtime(article.published_at).tzinfo.key == "Europe/London"
    messages = [str(message) for message in response.context["messages"]]
    assert f"from {day.day} {day:%b} {day.year}, 14:30" in messages[0]


def test_the_article_list_and_page_show_24_hour_times(editor_client):
    article = make_article(published_at=datetime(2026, 11, 5, 14, 30, tzinfo=LONDON))
    listing = editor_client.get("/admin/articles/article/").content.decode()
    assert '<time datetime="2026-11-05T14:30:00+00:00">5 Nov 2026<br>14:30</time>' in listing
    page = editor_client.get(change_url(article)).content.decode()
    assert "5 Nov 2026, 14:30" in page
    # The date hierarchy above the list names its days day first too.
    month = editor_client.get(
        "/admin/articles/article/?published_at__year=2026&published_at__month=11"
    ).content.decode()
    assert ">5 November</a>" in month
    assert "p.m." not in listing + page and "a.m." not in listing + page


def test_the_admins_own_date_boxes_are_day_first(admin_client, editor):
    editor.date_joined = datetime(2027, 3, 25, 14, 30, 5, tzinfo=LONDON)
    editor.save()
    html = admin_client.get(f"/admin/auth/user/{editor.pk}/change/").content.decode()
    assert 'name="date_joined_0" value="25/03/2027"' in html
    assert 'name="date_joined_1" value="14:30:05"' in html
