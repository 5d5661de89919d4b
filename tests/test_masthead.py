"""The masthead: positions by academic year, the people who hold them, and what their pages show.

Also the contributors' side of it: a class year, the positions on a person's page, the current
one on the contributors index, and ending a graduate's access without touching their work.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import accounts, masthead
from articles.models import Article, Contributor, Position

from .factories import (
    PASSWORD,
    committed,
    make_article,
    make_contributor,
    make_editor,
    make_section,
    make_writer,
)

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent
LOGIN = "/accounts/login/"


def hold(contributor, title, year, order=0):
    """A masthead position, saved as the admin saves one (its derived work done)."""
    with committed():
        return Position.objects.create(contributor=contributor, title=title, year=year, order=order)


def names_on(html):
    """The people on a masthead page, in the order shown."""
    return re.findall(r"<dd>(?:<a [^>]*>)?([^<]+)", html)


def roles_on(html):
    return re.findall(r"<dt>([^<]+)</dt>", html)


@pytest.fixture
def two_years(db):
    """A masthead for 2024–25 and one for 2025–26; Ines has a published piece, Tomasz none."""
    ines = make_contributor(name="Ines Castellanos", slug="ines-castellanos", pronouns="she/her")
    tomasz = make_contributor(name="Tomasz Wierzbicki", slug="tomasz-wierzbicki")
    make_article(bylines=[(ines, "")])
    hold(tomasz, "Editor-in-Chief", 2024, order=1)
    hold(ines, "News Editor", 2024, order=2)
    hold(ines, "Editor-in-Chief", 2025, order=1)
    hold(tomasz, "Science Editor", 2025, order=2)
    return {"ines": ines, "tomasz": tomasz}


# Which year is shown


def test_the_masthead_shows_the_latest_year_when_no_year_is_set(client, settings, two_years):
    settings.MAGAZINE_MASTHEAD_YEAR = ""
    html = client.get("/masthead/").text
    assert '<h1>Masthead <span class="staff-year">2025–26</span></h1>' in html
    assert roles_on(html) == ["Editor-in-Chief", "Science Editor"]
    assert names_on(html) == ["Ines Castellanos", "Tomasz Wierzbicki"]


def test_the_masthead_shows_the_year_the_setting_names(client, settings, two_years):
    settings.MAGAZINE_MASTHEAD_YEAR = "2024-25"
    html = client.get("/masthead/").text
    assert '<h1>Masthead <span class="staff-year">2024–25</span></h1>' in html
    assert names_on(html) == ["Tomasz Wierzbicki", "Ines Castellanos"]
    # The later year is still there, one link away.
    assert '<a href="/masthead/2025-26/">2025–26</a>' in html


def test_a_year_the_setting_names_before_its_positions_are_entered_is_a_friendly_page(
    client, settings, two_years
):
    settings.MAGAZINE_MASTHEAD_YEAR = "2026-27"
    response = client.get("/masthead/")
    assert response.status_code == 200
    assert "The masthead for 2026–27 is not published yet." in response.text
    assert '<a href="/masthead/2025-26/">2025–26</a>' in response.text
    assert client.get("/masthead/2026-27/").status_code == 200


def test_a_masthead_with_no_positions_at_all_is_a_friendly_page(client):
    response = client.get("/masthead/")
    assert response.status_code == 200
    assert "The masthead is not published yet." in response.text
    assert "<dl" not in response.text


def test_past_years_are_linked_from_the_current_one_and_reachable(client, two_years):
    html = client.get("/masthead/").text
    assert "Past years" in html
    assert '<a href="/masthead/2024-25/">2024–25</a>' in html
    past = client.get("/masthead/2024-25/")
    assert past.status_code == 200
    assert '<h1>Masthead <span class="staff-year">2024–25</span></h1>' in past.text
    assert roles_on(past.text) == ["Editor-in-Chief", "News Editor"]
    # From a past year, the current one is the masthead's own address.
    assert '<a href="/masthead/">2025–26</a> <span class="staff-years__now">(this year)</span>' in (
        past.text
    )


def test_the_current_year_has_its_own_address_too(client, two_years):
    response = client.get("/masthead/2025-26/")
    assert response.status_code == 200
    assert names_on(response.text) == ["Ines Castellanos", "Tomasz Wierzbicki"]


@pytest.mark.parametrize(
    "year", ["2025-27", "2025", "25-26", "2025-2026", "2025–26", "abcd-ef", "2019-20", "0000-01"]
)
def test_a_malformed_or_empty_year_is_not_found(client, two_years, year):
    response = client.get(f"/masthead/{year}/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.text


@pytest.mark.parametrize(
    ("text", "year"),
    [("2025-26", 2025), ("1999-00", 1999), (" 2025-26 ", 2025), ("2025-27", None), ("2025", None)],
)
def test_an_academic_year_is_read_only_when_its_two_halves_follow(text, year):
    assert masthead.parse_academic_year(text) == year


def test_a_malformed_masthead_year_setting_stops_the_site_from_starting(tmp_path):
    env = {**os.environ, "DEBUG": "1", "MAGAZINE_MASTHEAD_YEAR": "2025-27"}
    env.update(DJANGO_SETTINGS_MODULE="magazine.settings", MAGAZINE_DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "MAGAZINE_MASTHEAD_YEAR='2025-27' is not an academic year" in result.stderr


# What each entry shows


def test_positions_are_in_masthead_order_within_a_year(client):
    people = [make_contributor(name=name) for name in ("Ana", "Ben", "Cy", "Dee")]
    # Entered out of order; the order field decides.
    hold(people[0], "Copy Editor", 2025, order=4)
    hold(people[1], "Editor-in-Chief", 2025, order=1)
    hold(people[2], "Photo Editor", 2025, order=3)
    hold(people[3], "Managing Editor", 2025, order=2)
    html = client.get("/masthead/").text
    assert roles_on(html) == ["Editor-in-Chief", "Managing Editor", "Photo Editor", "Copy Editor"]
    assert names_on(html) == ["Ben", "Dee", "Cy", "Ana"]


def test_people_holding_the_same_title_are_listed_under_it_once(client):
    hold(make_contributor(name="Ana"), "Editor-in-Chief", 2025, order=1)
    hold(make_contributor(name="Ben"), "Staff Writer", 2025, order=5)
    hold(make_contributor(name="Cy"), "Staff Writer", 2025, order=5)
    html = client.get("/masthead/").text
    assert roles_on(html) == ["Editor-in-Chief", "Staff Writer"]
    assert names_on(html) == ["Ana", "Ben", "Cy"]


def test_a_person_with_a_public_piece_is_linked_to_their_page(client, two_years):
    html = client.get("/masthead/").text
    assert (
        '<dd><a href="/contributors/ines-castellanos/">Ines Castellanos</a> '
        '<span class="staff-list__pronouns">(she/her)</span></dd>'
    ) in html


def test_a_person_with_no_public_piece_is_shown_without_a_link(client, two_years):
    tomasz = two_years["tomasz"]
    # A draft of theirs makes no page for them.
    make_article(bylines=[(tomasz, "")], status=Article.Status.DRAFT)
    html = client.get("/masthead/").text
    assert "<dd>Tomasz Wierzbicki</dd>" in html
    assert "/contributors/tomasz-wierzbicki/" not in html
    assert client.get("/contributors/tomasz-wierzbicki/").status_code == 404


def test_names_and_titles_typed_with_markup_are_shown_as_text(client):
    hold(make_contributor(name="<b>Bold</b> Name"), '<script>alert("x")</script>', 2025)
    html = client.get("/masthead/").text
    assert "<script>alert" not in html and "<b>Bold" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; Name" in html


def test_the_masthead_has_a_title_and_description_for_search_engines(client, two_years):
    html = client.get("/masthead/2024-25/").text
    assert "<title>Masthead 2024–25 · The Quad Review</title>" in html
    assert (
        '<meta name="description" content="The editors and staff of The Quad Review in '
        '2024–25: Editor-in-Chief, Tomasz Wierzbicki; News Editor, Ines Castellanos.">'
    ) in html
    assert '<link rel="canonical" href="http://testserver/masthead/2024-25/">' in html


def test_the_sitemap_lists_the_masthead(client):
    assert "<loc>http://testserver/masthead/</loc>" in client.get("/sitemap.xml").text


def test_the_footer_links_to_the_masthead(client):
    assert '<a href="/masthead/">Masthead</a>' in client.get("/contributors/").text


# What it costs


def masthead_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/masthead/")
    assert response.status_code == 200
    return len(queries)


def fill_masthead(count, year=2025):
    for n in range(count):
        person = make_contributor(name=f"Person {n}", pronouns="they/them")
        if n % 2:
            make_article(bylines=[(person, "")])
        hold(person, f"Editor {n}", year, order=n)


def test_the_masthead_costs_the_same_queries_with_3_positions_as_with_60(
    client, settings, django_assert_num_queries
):
    # Every query the page costs, its navigation included.
    settings.MAGAZINE_FRAGMENT_CACHE = False
    hold(make_contributor(), "Editor-in-Chief", 2024)
    fill_masthead(3)
    with_3 = masthead_queries(client)
    fill_masthead(57)
    assert Position.objects.filter(year=2025).count() == 60
    with django_assert_num_queries(with_3):
        html = client.get("/masthead/").text
    assert len(names_on(html)) == 60
    # The navigation's sections, the years, and the positions with their people.
    assert with_3 == 3


def contributors_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/contributors/")
    assert response.status_code == 200
    return len(queries)


def test_the_contributors_index_costs_the_same_queries_with_3_people_as_with_60(client, settings):
    settings.MAGAZINE_FRAGMENT_CACHE = False

    def add_people(count):
        for n in range(count):
            person = make_contributor(name=f"Person {n}")
            make_article(bylines=[(person, "")])
            hold(person, "Staff Writer", 2025, order=n)
            hold(person, "Contributor", 2024, order=n)

    add_people(3)
    with_3 = contributors_queries(client)
    add_people(57)
    assert contributors_queries(client) == with_3


def test_the_contributors_index_costs_the_same_queries_whichever_way_the_year_is_chosen(
    client, settings, two_years
):
    settings.MAGAZINE_FRAGMENT_CACHE = False
    settings.MAGAZINE_MASTHEAD_YEAR = ""
    latest = contributors_queries(client)
    settings.MAGAZINE_MASTHEAD_YEAR = "2024-25"
    assert contributors_queries(client) == latest


# The contributors index and a contributor's page


def roles_on_index(client):
    """Each person on the contributors index, with what is shown under their name."""
    html = client.get("/contributors/").text
    found = r'class="people__name"[^>]*>([^<]+)</a>\s*<span class="people__role">([^<]+)<'
    return dict(re.findall(found, html))


def test_the_contributors_index_shows_each_persons_position_this_year(client, settings):
    editor = make_contributor(name="Ines Castellanos", role="Staff Writer")
    writer = make_contributor(name="Sam Lee", role="Staff Writer")
    for person in (editor, writer):
        make_article(bylines=[(person, "")])
    hold(editor, "News Editor", 2024)
    hold(editor, "Editor-in-Chief", 2025)
    hold(writer, "Sports Editor", 2024)
    # Last year's positions are past: Sam is shown with their byline role.
    assert roles_on_index(client) == {
        "Ines Castellanos": "Editor-in-Chief",
        "Sam Lee": "Staff Writer",
    }
    settings.MAGAZINE_MASTHEAD_YEAR = "2024-25"
    assert roles_on_index(client) == {"Ines Castellanos": "News Editor", "Sam Lee": "Sports Editor"}


def test_a_contributor_page_shows_their_class_year_and_positions_newest_first(client, two_years):
    ines = two_years["ines"]
    ines.class_year = 2027
    with committed():
        ines.save()
    html = client.get("/contributors/ines-castellanos/").text
    assert '<p class="meta profile__class">Class of 2027</p>' in html
    positions = re.findall(r'<li>([^<]+), <a href="([^"]+)">([^<]+)</a></li>', html)
    assert positions == [
        ("Editor-in-Chief", "/masthead/2025-26/", "2025–26"),
        ("News Editor", "/masthead/2024-25/", "2024–25"),
    ]


def test_a_contributor_page_without_class_year_or_positions_shows_neither(client):
    make_article(bylines=[(make_contributor(name="Guest Writer", slug="guest"), "")])
    html = client.get("/contributors/guest/").text
    assert "Class of" not in html
    assert "profile__positions" not in html


def test_a_contributor_page_costs_no_more_queries_with_positions(client, settings):
    settings.MAGAZINE_FRAGMENT_CACHE = False
    person = make_contributor(name="Ana", slug="ana")
    make_article(bylines=[(person, "")])
    with CaptureQueriesContext(connection) as none_held:
        client.get("/contributors/ana/")
    for year in range(2015, 2025):
        hold(person, "Editor", year)
    with CaptureQueriesContext(connection) as ten_held:
        html = client.get("/contributors/ana/").text
    assert html.count("/masthead/20") == 10
    assert len(ten_held) == len(none_held)


# The profile


def test_a_student_sets_their_class_year_in_their_profile(client):
    writer = make_writer("ada", name="Ada Okafor")
    client.force_login(writer)
    form = client.get("/submit/profile/").text
    assert 'name="class_year"' in form
    response = client.post("/submit/profile/", {"name": "Ada Okafor", "class_year": "2028"})
    assert response.status_code == 302, response.context["form"].errors
    assert Contributor.objects.get(user=writer).class_year == 2028


@pytest.mark.parametrize("typed", ["28", "20288", "1850"])
def test_a_class_year_no_one_could_mean_is_refused(client, typed):
    writer = make_writer("ada", name="Ada Okafor")
    client.force_login(writer)
    response = client.post("/submit/profile/", {"name": "Ada Okafor", "class_year": typed})
    assert response.status_code == 200
    assert "Enter the year of graduation in full" in response.text
    assert Contributor.objects.get(user=writer).class_year is None


# Ending a graduate's access


def sign_in(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def signed_in(client):
    return client.get("/submit/").status_code == 200


@pytest.fixture
def graduate(db):
    """Ada, a contributor with an account, a published piece and a past masthead position."""
    user = make_writer("ada", name="Ada Okafor")
    ada = user.contributor
    ada.class_year = 2025
    ada.save()
    piece = make_article(headline="A Year at the Paper", bylines=[(ada, "Staff Writer")])
    hold(ada, "Editor-in-Chief", 2024)
    return {"user": user, "contributor": ada, "piece": piece}


def end_access(editor_client, *contributors, action="end_access"):
    with committed():
        return editor_client.post(
            "/admin/articles/contributor/",
            {"action": action, "_selected_action": [c.pk for c in contributors]},
            follow=True,
        )


def public_view(client, graduate):
    """Everything readers see of the graduate: their page, the piece's byline, the masthead."""
    return {
        "page": client.get("/contributors/").text.count("Ada Okafor"),
        "own page": client.get(graduate["contributor"].get_absolute_url()).text,
        "piece": client.get(graduate["piece"].get_absolute_url()).text,
        "masthead": client.get("/masthead/2024-25/").text,
    }


def test_a_graduate_signs_in_before_their_access_ends_and_is_refused_after(editor_client, graduate):
    # The editor's client is the test's own: the graduate and the reader use others.
    client = Client()
    assert sign_in(client, "ada").status_code == 302
    assert signed_in(client)
    client.post("/accounts/logout/")

    response = end_access(editor_client, graduate["contributor"])
    assert "Access ended for Ada Okafor" in response.text

    refused = sign_in(client, "ada")
    wrong = sign_in(Client(), "ada", "not-the-password")
    assert refused.status_code == 200
    # The message anyone gets for a wrong password: it tells a stranger nothing more.
    errors = re.findall(r'class="errorlist nonfield"><li>([^<]+)<', refused.text)
    assert errors and errors == re.findall(r'class="errorlist nonfield"><li>([^<]+)<', wrong.text)
    assert not signed_in(client)


def test_ending_access_ends_the_sessions_the_graduate_is_signed_in_with(editor_client, graduate):
    phone, laptop = Client(), Client()
    for device in (phone, laptop):
        assert sign_in(device, "ada").status_code == 302
        assert signed_in(device)
    end_access(editor_client, graduate["contributor"])
    assert not signed_in(phone) and not signed_in(laptop)
    # Not merely refused while inactive: restoring access brings no old session back.
    end_access(editor_client, graduate["contributor"], action="restore_access")
    assert not signed_in(phone)
    assert sign_in(phone, "ada").status_code == 302


def test_ending_access_leaves_their_page_bylines_and_positions_as_they_were(
    editor_client, graduate
):
    # The editor's client is the test's own: the graduate and the reader use others.
    client = Client()
    before = public_view(client, graduate)
    ada = Contributor.objects.get(pk=graduate["contributor"].pk)
    end_access(editor_client, ada)
    after = public_view(client, graduate)
    assert after == before
    assert '<a href="/contributors/ada-' in after["masthead"]
    assert 'Ada Okafor</a>, <span class="byline__role">Staff Writer</span>' in after["piece"]
    ended = Contributor.objects.get(pk=ada.pk)
    assert ended.access_ended_at is not None
    assert ended.user == graduate["user"] and not ended.user.is_active
    assert list(ended.positions.values_list("title", "year")) == [("Editor-in-Chief", 2024)]
    assert ended.class_year == 2025


def test_restoring_access_lets_them_sign_in_again_with_their_password(editor_client, graduate):
    # The editor's client is the test's own: the graduate and the reader use others.
    client = Client()
    end_access(editor_client, graduate["contributor"])
    response = end_access(editor_client, graduate["contributor"], action="restore_access")
    assert "Access restored for Ada Okafor" in response.text
    assert Contributor.objects.get(pk=graduate["contributor"].pk).access_ended_at is None
    assert sign_in(client, "ada").status_code == 302


def test_the_contributor_list_shows_and_filters_whose_access_ended(editor_client, graduate):
    still = make_writer("sam", name="Sam Lee").contributor
    guest = make_contributor(name="Guest Writer")
    end_access(editor_client, graduate["contributor"])
    listing = editor_client.get("/admin/articles/contributor/").text
    assert re.search(r"<td class=\"field-access\">Ended \d{1,2} \w+ \d{4}</td>", listing)
    assert '<td class="field-access">Can sign in</td>' in listing
    assert '<td class="field-access">No account</td>' in listing
    ended = editor_client.get("/admin/articles/contributor/?access=ended").text
    assert "Ada Okafor" in ended and still.name not in ended and guest.name not in ended
    open_ = editor_client.get("/admin/articles/contributor/?access=open").text
    assert still.name in open_ and "Ada Okafor" not in open_


def test_an_editor_cannot_end_their_own_access(client):
    editor = make_editor("eve", first_name="Eve")
    eve = make_contributor(name="Eve Editor", user=editor)
    client.force_login(editor)
    response = end_access(client, eve)
    assert "You cannot end your own access" in response.text
    editor.refresh_from_db()
    assert editor.is_active
    assert Contributor.objects.get(pk=eve.pk).access_ended_at is None


def test_ending_access_of_someone_without_an_account_changes_nothing(editor_client):
    guest = make_contributor(name="Guest Writer")
    response = end_access(editor_client, guest)
    assert "Nothing to end for Guest Writer" in response.text
    assert Contributor.objects.get(pk=guest.pk).access_ended_at is None


# The admin for positions


def test_an_editor_adds_a_position_choosing_the_year_as_mastheads_print_it(editor_client):
    person = make_contributor(name="Ana")
    form = editor_client.get("/admin/articles/position/add/").text
    assert '<option value="2025">2025–26</option>' in form
    with committed():
        response = editor_client.post(
            "/admin/articles/position/add/",
            {"contributor": person.pk, "title": "Photo Editor", "year": "2025", "order": "3"},
        )
    assert response.status_code == 302
    position = Position.objects.get()
    assert (position.contributor, position.title, position.year, position.order) == (
        person,
        "Photo Editor",
        2025,
        3,
    )


def test_the_position_list_filters_by_academic_year(editor_client, two_years):
    listing = editor_client.get("/admin/articles/position/").text
    assert "2024–25" in listing and "2025–26" in listing
    past = editor_client.get("/admin/articles/position/?year=2024").text
    assert "News Editor" in past and "Science Editor" not in past


def test_positions_are_edited_on_the_contributors_own_admin_page(editor_client, two_years):
    ines = two_years["ines"]
    page = editor_client.get(f"/admin/articles/contributor/{ines.pk}/change/").text
    assert "Masthead positions" in page
    assert 'aria-label="Title"' in page
    assert page.count('name="positions-') > 0


def test_the_positions_list_is_open_to_editors_by_their_group(client, two_years):
    editor = make_editor("eve")
    client.force_login(editor)
    assert client.get("/admin/articles/position/").status_code == 200


# Which pages a change forgets (committed for real, with the page cache on)


@pytest.fixture
def cached(settings):
    settings.MAGAZINE_PAGE_CACHE = True


def served_from_cache(client, url, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_the_masthead_notes_the_masthead_and_each_person_on_it(client, two_years):
    tags = set(client.get("/masthead/")["Cache-Tag"].split())
    ines, tomasz = two_years["ines"], two_years["tomasz"]
    assert {"masthead", f"c{ines.pk}", f"list-c{ines.pk}", f"c{tomasz.pk}"} <= tags
    assert "masthead" in client.get("/contributors/")["Cache-Tag"].split()


@pytest.mark.django_db(transaction=True)
def test_a_new_position_shows_at_once_on_the_masthead_and_the_persons_page(
    client, cached, django_assert_num_queries
):
    ines = make_contributor(name="Ines Castellanos", slug="ines")
    other = make_article()
    make_article(bylines=[(ines, "")])
    for url in ("/masthead/", "/contributors/ines/", "/contributors/", other.get_absolute_url()):
        assert client.get(url).status_code == 200
    Position.objects.create(contributor=ines, title="Editor-in-Chief", year=2025)
    assert "Editor-in-Chief" in client.get("/masthead/").text
    assert "Editor-in-Chief, <a" in client.get("/contributors/ines/").text
    assert "Editor-in-Chief" in client.get("/contributors/").text
    served_from_cache(client, other.get_absolute_url(), django_assert_num_queries)


@pytest.mark.django_db(transaction=True)
def test_a_new_year_on_the_masthead_changes_everyones_current_position_on_the_index(client, cached):
    ines = make_contributor(name="Ines Castellanos", role="Staff Writer")
    make_article(bylines=[(ines, "")])
    Position.objects.create(contributor=ines, title="Editor-in-Chief", year=2025)
    assert roles_on_index(client) == {"Ines Castellanos": "Editor-in-Chief"}
    # The first position of the next year goes to someone the index does not list.
    Position.objects.create(contributor=make_contributor(), title="Editor-in-Chief", year=2026)
    assert roles_on_index(client) == {"Ines Castellanos": "Staff Writer"}


@pytest.mark.django_db(transaction=True)
def test_a_position_moved_to_someone_else_leaves_the_first_persons_page_at_once(
    client, cached, django_assert_num_queries
):
    ana = make_contributor(name="Ana", slug="ana")
    ben = make_contributor(name="Ben", slug="ben")
    make_article(bylines=[(ana, "")])
    make_article(bylines=[(ben, "")])
    position = Position.objects.create(contributor=ana, title="Photo Editor", year=2025)
    assert "Photo Editor" in client.get("/contributors/ana/").text
    position.contributor = ben
    position.save()
    assert "Photo Editor" not in client.get("/contributors/ana/").text
    assert "Photo Editor" in client.get("/contributors/ben/").text
    position.delete()
    assert "Photo Editor" not in client.get("/contributors/ben/").text
    assert "Photo Editor" not in client.get("/masthead/").text


@pytest.mark.django_db(transaction=True)
def test_renaming_someone_on_the_masthead_without_a_public_piece_shows_at_once(client, cached):
    tomasz = make_contributor(name="Tomasz Wierzbicki")
    Position.objects.create(contributor=tomasz, title="Science Editor", year=2025)
    assert "Tomasz Wierzbicki" in client.get("/masthead/").text
    tomasz.name = "Tomasz W. Wierzbicki"
    tomasz.save()
    assert "Tomasz W. Wierzbicki" in client.get("/masthead/").text


@pytest.mark.django_db(transaction=True)
def test_a_first_piece_published_links_the_name_on_the_masthead_at_once(client, cached):
    tomasz = make_contributor(name="Tomasz Wierzbicki", slug="tomasz")
    # Made first: a new section is in every page's navigation, and would forget them all.
    science = make_section(name="Science", slug="science")
    Position.objects.create(contributor=tomasz, title="Science Editor", year=2025)
    assert "<dd>Tomasz Wierzbicki</dd>" in client.get("/masthead/").text
    make_article(bylines=[(tomasz, "")], section=science)
    assert '<a href="/contributors/tomasz/">Tomasz Wierzbicki</a>' in client.get("/masthead/").text


@pytest.mark.django_db(transaction=True)
def test_ending_access_forgets_no_page(client, cached, django_assert_num_queries):
    user = make_writer("ada", name="Ada Okafor")
    make_article(bylines=[(user.contributor, "")])
    Position.objects.create(contributor=user.contributor, title="Editor-in-Chief", year=2025)
    pages = ["/masthead/", user.contributor.get_absolute_url(), "/contributors/"]
    for url in pages:
        assert client.get(url).status_code == 200
    assert accounts.end_access(
        Contributor.objects.select_related("user").get(pk=user.contributor.pk)
    )
    assert not get_user_model().objects.get(pk=user.pk).is_active
    for url in pages:
        served_from_cache(client, url, django_assert_num_queries)
