"""The page cache: readers get stored pages, a change forgets only the pages that show it.

These tests commit for real (transaction=True): pages are forgotten only once a change is
committed, and that is part of what they check. Each forgetting rule is checked both ways: the
change shows at once where it is shown, and a page that does not show it is still served from
the cache with no query.
"""

import os
import threading
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone

from articles import pagecache, pagetags, workflow
from articles.models import Article, Comment, PreviewLink

from .factories import (
    make_article,
    make_contributor,
    make_draft,
    make_editor,
    make_image,
    make_section,
    make_writer,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.MAGAZINE_PAGE_CACHE = True


@pytest.fixture
def piece(db):
    pipa = make_contributor(name="Pipa Powers", slug="pipa-powers")
    return make_article(
        headline="French Troops Exit Mali",
        slug="french-troops-exit-mali",
        section=make_section(name="World", slug="world"),
        bylines=[(pipa, "Contributor")],
        tags=["Mali"],
        hero_image=make_image(credit={"creator": "United Nations Photo"}),
    )


@pytest.fixture
def other(db):
    """A published piece sharing nothing with `piece`: its own section, writer, tag and picture."""
    return make_article(
        headline="A Quiet Year for the Chess Club",
        slug="chess-club",
        section=make_section(name="Campus", slug="campus"),
        bylines=[(make_contributor(name="Noor Haddad", slug="noor-haddad"), "")],
        tags=["Chess"],
        hero_image=make_image(credit={"creator": "Chess Club Archive"}),
    )


def is_stored(url, client=None):
    """Whether the page cache holds the page at this address and it is still good."""
    request = (client or Client()).get(url).wsgi_request
    page = cache.get(pagecache.page_key(request))
    return page is not None and pagetags.still_good(page.tags, page.started)


def served_from_cache(client, url, django_assert_num_queries):
    """The page, asserting that it came from the cache: not one query."""
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200
    return response


def signed_in_client(user):
    client = Client()
    client.force_login(user)
    return client


def warm(client, *urls):
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_reader_page_is_served_from_the_cache_without_a_query(
    client, piece, django_assert_num_queries
):
    first = client.get(piece.get_absolute_url())
    second = served_from_cache(client, piece.get_absolute_url(), django_assert_num_queries)
    assert second.content == first.content


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/articles/french-troops-exit-mali/",
        "/sections/world/",
        "/tags/mali/",
        "/contributors/",
        "/contributors/pipa-powers/",
        "/credits/",
        "/search/?q=troops",
        "/feed/",
        "/feed/atom/",
        "/sitemap.xml",
        "/robots.txt",
    ],
)
def test_every_reader_page_is_kept_with_what_it_shows_in_a_header(client, piece, url):
    response = client.get(url)
    assert response.status_code == 200
    assert is_stored(url)
    assert "public" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    tags = response["Cache-Tag"].split()
    assert {"all", "nav"} <= set(tags)


def test_the_tags_name_what_a_page_shows(client, piece):
    tags = set(client.get(piece.get_absolute_url())["Cache-Tag"].split())
    contributor = piece.bylines.get().contributor
    tag = piece.tags.get()
    assert {
        f"a{piece.pk}",
        f"c{contributor.pk}",
        f"s{piece.section_id}",
        f"t{tag.pk}",
        f"i{piece.hero_image_id}",
        # Its related pieces are the latest carrying its tags.
        f"list-t{tag.pk}",
    } <= tags
    home = set(client.get("/")["Cache-Tag"].split())
    assert {"list", f"a{piece.pk}", f"c{contributor.pk}"} <= home
    section = set(client.get("/sections/world/")["Cache-Tag"].split())
    assert {f"list-s{piece.section_id}", f"s{piece.section_id}", f"a{piece.pk}"} <= section
    assert "sitemap" in client.get("/sitemap.xml")["Cache-Tag"].split()


# Changes no reader can see forget nothing.


def test_saving_a_draft_forgets_no_page(client, piece, other, django_assert_num_queries):
    writer = make_writer("ada", name="Ada Okafor")
    draft = make_draft(writer, headline="Notes for later", section=piece.section, tags=["Mali"])
    urls = ["/", piece.get_absolute_url(), "/sections/world/", "/tags/mali/", "/feed/"]
    warm(client, *urls)
    clock = pagetags.read_clock().tick
    draft.body = "A second thought."
    draft.save()
    draft.tags.add("Sahel")
    assert pagetags.read_clock().tick == clock
    for url in urls:
        served_from_cache(client, url, django_assert_num_queries)


def test_a_submitted_piece_edited_a_comment_and_a_preview_link_forget_nothing(
    client, piece, django_assert_num_queries
):
    writer = make_writer("ada", name="Ada Okafor")
    draft = make_draft(writer, headline="Sent to the editors", section=piece.section)
    workflow.submit(draft, by=writer)
    editor = make_editor()
    urls = ["/", piece.get_absolute_url(), "/sections/world/"]
    warm(client, *urls)
    clock = pagetags.read_clock().tick
    draft.refresh_from_db()
    draft.standfirst = "Revised after a comment."
    draft.save()
    Comment.objects.create(article=draft, author=editor, body="Shorter, please.")
    PreviewLink.objects.create(article=draft, created_by=editor)
    workflow.request_changes(draft, by=editor, message="Cut the second half.")
    workflow.decline(draft, by=editor, message="Not this time.")
    assert pagetags.read_clock().tick == clock
    for url in urls:
        served_from_cache(client, url, django_assert_num_queries)


def test_a_picture_on_a_draft_forgets_nothing(client, piece, django_assert_num_queries):
    warm(client, "/", "/credits/")
    clock = pagetags.read_clock().tick
    writer = make_writer("ada")
    make_draft(writer, headline="With a picture", section=piece.section, hero_image=make_image())
    assert pagetags.read_clock().tick == clock
    served_from_cache(client, "/credits/", django_assert_num_queries)


# Edits of what readers see.


def test_editing_a_published_piece_forgets_the_pages_that_show_it_and_no_others(
    client, piece, other, django_assert_num_queries
):
    shown = [piece.get_absolute_url(), "/", "/sections/world/", "/tags/mali/", "/feed/"]
    shown += ["/contributors/pipa-powers/", "/sitemap.xml"]
    unrelated = [other.get_absolute_url(), "/sections/campus/", "/tags/chess/"]
    warm(client, *shown, *unrelated, "/search/?q=troops")
    piece.headline = "The Last French Troops Leave Mali"
    piece.save()
    for url in shown[:-1]:
        assert "The Last French Troops Leave Mali" in client.get(url).text, url
    assert not is_stored("/sitemap.xml") or client.get("/sitemap.xml").status_code == 200
    assert "Last French Troops" in client.get("/search/?q=troops").text
    for url in unrelated:
        served_from_cache(client, url, django_assert_num_queries)


def test_an_edit_forgets_the_pages_showing_the_piece_among_related_ones(
    client, piece, other, django_assert_num_queries
):
    sibling = make_article(headline="Wagner in the Sahel", section=other.section, tags=["Mali"])
    warm(client, sibling.get_absolute_url(), other.get_absolute_url())
    assert "French Troops Exit Mali" in client.get(sibling.get_absolute_url()).text
    piece.headline = "France Leaves Mali"
    piece.save()
    assert "France Leaves Mali" in client.get(sibling.get_absolute_url()).text
    served_from_cache(client, other.get_absolute_url(), django_assert_num_queries)


def test_publishing_forgets_the_lists_it_enters_and_not_unrelated_pages(
    client, piece, other, django_assert_num_queries
):
    writer = make_writer("ada", name="Ada Okafor")
    draft = make_draft(writer, headline="Floods on the Niger", section=piece.section)
    draft.tags.add("Mali")
    warm(client, "/", "/sections/world/", "/tags/mali/", piece.get_absolute_url())
    warm(client, other.get_absolute_url(), "/sections/campus/", "/tags/chess/")
    assert "Floods on the Niger" not in client.get("/").text
    workflow.publish(draft, by=make_editor())
    for url in ["/", "/sections/world/", "/tags/mali/", "/feed/"]:
        assert "Floods on the Niger" in client.get(url).text, url
    # Its tag's other pieces now show it among related pieces.
    assert "Floods on the Niger" in client.get(piece.get_absolute_url()).text
    for url in [other.get_absolute_url(), "/sections/campus/", "/tags/chess/"]:
        served_from_cache(client, url, django_assert_num_queries)


def test_unpublishing_forgets_its_page_and_lists_and_not_unrelated_pages(
    client, piece, other, django_assert_num_queries
):
    warm(client, piece.get_absolute_url(), "/", "/sections/world/", "/credits/")
    warm(client, other.get_absolute_url(), "/sections/campus/")
    workflow.unpublish(piece, by=make_editor())
    assert client.get(piece.get_absolute_url()).status_code == 404
    assert "French Troops Exit Mali" not in client.get("/").text
    assert "French Troops Exit Mali" not in client.get("/sections/world/").text
    assert "United Nations Photo" not in client.get("/credits/").text
    for url in [other.get_absolute_url(), "/sections/campus/"]:
        served_from_cache(client, url, django_assert_num_queries)


def test_a_scheduled_piece_appears_when_its_time_comes_and_scheduling_forgets_nothing(
    client, piece, other, django_assert_num_queries
):
    warm(client, "/", "/sections/world/", other.get_absolute_url())
    clock = pagetags.read_clock().tick
    make_article(
        headline="Timed for two seconds from now",
        status=Article.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(seconds=2),
        section=piece.section,
    )
    assert pagetags.read_clock().tick == clock
    assert "Timed for two seconds from now" not in client.get("/").text
    assert is_stored("/")
    time.sleep(2.2)
    assert "Timed for two seconds from now" in client.get("/").text
    assert "Timed for two seconds from now" in client.get("/sections/world/").text
    served_from_cache(client, other.get_absolute_url(), django_assert_num_queries)


def test_a_credit_change_forgets_the_pages_showing_the_picture(
    client, piece, other, django_assert_num_queries
):
    warm(client, piece.get_absolute_url(), "/credits/", other.get_absolute_url())
    credit = piece.hero_image.credit
    credit.creator = "UN Photo Library"
    credit.save()
    assert "UN Photo Library" in client.get(piece.get_absolute_url()).text
    assert "UN Photo Library" in client.get("/credits/").text
    served_from_cache(client, other.get_absolute_url(), django_assert_num_queries)


def test_renaming_a_contributor_forgets_the_pages_that_name_them(
    client, piece, other, django_assert_num_queries
):
    warm(client, piece.get_absolute_url(), "/", "/contributors/", other.get_absolute_url())
    warm(client, "/sections/campus/")
    contributor = piece.bylines.get().contributor
    contributor.name = "Pipa R. Powers"
    contributor.save()
    for url in [piece.get_absolute_url(), "/", "/contributors/"]:
        assert "Pipa R. Powers" in client.get(url).text, url
    assert "Pipa R. Powers" in client.get("/search/?q=pipa").text
    for url in [other.get_absolute_url(), "/sections/campus/"]:
        served_from_cache(client, url, django_assert_num_queries)


def test_renaming_a_tag_forgets_the_pages_that_show_it(
    client, piece, other, django_assert_num_queries
):
    warm(client, piece.get_absolute_url(), "/tags/mali/", other.get_absolute_url())
    tag = piece.tags.get()
    tag.name = "Republic of Mali"
    tag.save()
    assert "Republic of Mali" in client.get(piece.get_absolute_url()).text
    assert "Republic of Mali" in client.get("/tags/mali/").text
    served_from_cache(client, other.get_absolute_url(), django_assert_num_queries)
    piece.tags.add("Sahel")
    assert "Sahel" in client.get(piece.get_absolute_url()).text
    served_from_cache(client, other.get_absolute_url(), django_assert_num_queries)


def test_renaming_a_section_forgets_every_page_since_each_names_it(client, piece, other):
    warm(client, piece.get_absolute_url(), other.get_absolute_url())
    section = piece.section
    section.name = "The World"
    section.save()
    assert "The World" in client.get(piece.get_absolute_url()).text
    # The navigation of every page lists the sections.
    assert "The World" in client.get(other.get_absolute_url()).text


# The mechanism.


def test_a_transaction_that_changes_many_pieces_forgets_once(piece, monkeypatch):
    forgotten = []
    monkeypatch.setattr(pagetags, "purge", forgotten.append)
    contributor = piece.bylines.get().contributor
    made = []
    with transaction.atomic():
        for n in range(5):
            article = Article.objects.create(
                headline=f"Imported piece {n}",
                slug=f"imported-{n}",
                body="Text.",
                section=piece.section,
                status=Article.Status.PUBLISHED,
            )
            article.bylines.create(contributor=contributor)
            article.tags.add("Mali", f"Import {n}")
            made.append(f"a{article.pk}")
    assert len(forgotten) == 1
    assert {"list", *made, f"list-c{contributor.pk}"} <= forgotten[0]


def test_a_change_is_forgotten_only_once_it_is_committed(client, piece):
    warm(client, piece.get_absolute_url())
    clock = pagetags.read_clock().tick
    with pytest.raises(RuntimeError), transaction.atomic():
        piece.headline = "Rolled back"
        piece.save()
        raise RuntimeError("the save fails")
    assert pagetags.read_clock().tick == clock
    assert "Rolled back" not in client.get(piece.get_absolute_url()).text


def test_a_page_made_while_a_change_commits_is_not_kept_as_good(piece):
    # A page started before a tag was forgotten may show the old text: it must count as stale.
    started = pagetags.read_clock().tick
    pagetags.forget({f"a{piece.pk}"})
    assert not pagetags.still_good((f"a{piece.pk}",), started)
    assert pagetags.still_good(("a999999",), started)


def test_a_lost_clock_makes_every_kept_page_stale(client, piece):
    warm(client, "/")
    page_started = pagetags.read_clock().tick
    cache.delete(pagetags.CLOCK_KEY)
    time.sleep(0.002)
    assert pagetags.read_clock().tick > page_started
    assert not pagetags.still_good(("all",), page_started)


@pytest.mark.parametrize("url", ["/", "/articles/french-troops-exit-mali/", "/feed/"])
def test_a_repeat_visit_gets_304_not_modified(client, piece, url):
    first = client.get(url)
    etag = first["ETag"]
    repeat = client.get(url, headers={"if-none-match": etag})
    assert repeat.status_code == 304
    assert repeat.content == b""
    piece.headline = "Changed since"
    piece.save()
    after_change = client.get(url, headers={"if-none-match": etag})
    assert after_change.status_code == 200


def test_a_proxy_is_asked_to_purge_the_forgotten_tags(piece, settings, monkeypatch):
    settings.MAGAZINE_CACHE_PURGE_URL = "http://127.0.0.1:9/"
    sent = []

    class Answer:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self):
            return b""

    def urlopen(request, timeout):
        sent.append((request.get_method(), request.get_header("Cache-tag")))
        return Answer()

    monkeypatch.setattr(pagetags.urllib.request, "urlopen", urlopen)
    piece.headline = "Purged in front"
    piece.save()
    assert [method for method, _ in sent] == ["PURGE"]
    assert f"a{piece.pk}" in sent[0][1].split()


def test_a_proxy_that_does_not_answer_does_not_fail_the_save(piece, settings):
    settings.MAGAZINE_CACHE_PURGE_URL = "http://127.0.0.1:9/"
    piece.headline = "Saved all the same"
    piece.save()
    assert Article.objects.get(pk=piece.pk).headline == "Saved all the same"


def test_the_proxy_is_told_to_ask_again_when_a_scheduled_piece_goes_live(client, piece, settings):
    settings.MAGAZINE_CDN_MAX_AGE = 3600
    make_article(
        status=Article.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(seconds=120),
        section=piece.section,
    )
    control = client.get("/")["Cache-Control"]
    seconds = int(control.split("s-maxage=")[1].split(",")[0])
    assert 100 < seconds <= 120


# Private pages.


def test_a_draft_is_never_cached(client, piece):
    draft = make_draft(make_writer("ada"), headline="Not yet", slug="not-yet")
    response = client.get("/articles/not-yet/")
    assert response.status_code == 404
    assert not is_stored(draft.get_absolute_url())
    assert not any("Not yet" in client.get(url).text for url in ("/", "/feed/", "/sitemap.xml"))


def test_previews_are_never_cached(piece):
    writer = make_writer("ada")
    draft = make_draft(writer, headline="Still a draft")
    own = signed_in_client(writer)
    response = own.get(f"/submit/{draft.pk}/preview/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not is_stored(f"/submit/{draft.pk}/preview/", own)

    shared_url = PreviewLink.objects.create(article=draft, created_by=writer).get_absolute_url()
    shared = Client().get(shared_url)
    assert shared.status_code == 200
    assert "Still a draft" in shared.text
    assert not is_stored(shared_url)


def test_the_contributor_area_is_never_cached(client, piece):
    writer = make_writer("ada")
    own = signed_in_client(writer)
    response = own.get("/submit/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert not is_stored("/submit/", own)
    assert client.get("/submit/").status_code == 302
    assert not is_stored("/submit/")


def test_a_signed_in_reader_never_gets_a_cached_page(client, piece):
    anonymous_page = client.get("/")
    assert "Sign out" not in anonymous_page.text
    assert is_stored("/")
    writer = signed_in_client(make_writer("ada"))
    page = writer.get("/")
    assert "Sign out" in page.text
    assert "private" in page["Cache-Control"]
    # Their page was not kept for others either.
    assert "Sign out" not in client.get("/").text


def test_a_reader_with_a_message_waiting_is_not_served_from_the_cache(client, piece):
    client.get("/")
    client.cookies["messages"] = "anything"
    assert pagecache.reads_cache(client.get("/").wsgi_request) is False


def test_a_cached_page_keeps_the_security_headers(client, piece):
    client.get("/")
    cached = client.get("/")
    assert "script-src 'self'" in cached["Content-Security-Policy"]
    assert cached["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in cached["Permissions-Policy"]
    assert cached["X-Frame-Options"] == "DENY"


def test_a_page_that_sets_a_cookie_is_not_kept(rf, piece):
    from django.http import HttpResponse

    def sets_a_cookie(request):
        response = HttpResponse("hello")
        response.set_cookie("csrftoken", "x")
        return response

    request = rf.get("/")
    response = pagecache.reader_page(sets_a_cookie)(request)
    assert not pagecache.may_store(request, response)


def test_the_page_cache_off_keeps_nothing(client, settings, piece):
    settings.MAGAZINE_PAGE_CACHE = False
    client.get("/")
    assert cache.get(pagecache.page_key(client.get("/").wsgi_request)) is None


# Several app servers on one Redis.


@pytest.fixture
def redis_cache(settings):
    """The cache on the local Redis server, as REDIS_URL gives it in production."""
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis does not answer at {url}: {error} (.ci/run starts it)")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"magazine-test-{os.getpid()}",
        }
    }
    cache.clear()
    yield
    cache.clear()


class Server:
    """An app server: its own thread (so its own Redis client) and its own recent pages."""

    def __init__(self):
        self.recent_pages = pagecache.RecentPages()

    def get(self, url, monkeypatch):
        """The page at this address, and how many queries it took."""
        result = {}

        def serve():
            from django.core.cache import caches
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            result["client"] = caches["default"]
            with CaptureQueriesContext(connection) as queries:
                result["response"] = Client().get(url)
            result["queries"] = len(queries)
            connection.close()

        monkeypatch.setattr(pagecache, "recent_pages", self.recent_pages)
        thread = threading.Thread(target=serve)
        thread.start()
        thread.join()
        self.cache_client = result["client"]
        return result["response"], result["queries"]


def test_two_servers_on_redis_share_pages_and_forget_only_what_changed(
    piece, other, redis_cache, monkeypatch
):
    one, two = Server(), Server()
    url, unrelated = piece.get_absolute_url(), other.get_absolute_url()
    for page in (url, unrelated):
        response, _ = one.get(page, monkeypatch)
        assert response.status_code == 200
    # The second server has none of the first's recent pages: it gets them from Redis.
    response, queries = two.get(url, monkeypatch)
    assert "French Troops Exit Mali" in response.text
    assert queries == 0
    assert two.cache_client is not one.cache_client
    piece.headline = "Saved on one server, seen on all"
    piece.save()
    for server in (one, two):
        response, _ = server.get(url, monkeypatch)
        assert "Saved on one server, seen on all" in response.text
        # The unrelated page is still served from the cache, on both.
        response, queries = server.get(unrelated, monkeypatch)
        assert "Chess Club" in response.text
        assert queries == 0


def test_on_one_servers_file_cache_an_edit_forgets_only_the_pages_showing_it(
    client, piece, other, settings, tmp_path, django_assert_num_queries
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": tmp_path / "cache",
        }
    }
    pagecache.recent_pages.clear()
    warm(client, piece.get_absolute_url(), other.get_absolute_url())
    # Another worker of the same server: none of this one's recent pages, the same files.
    pagecache.recent_pages.clear()
    served_from_cache(client, piece.get_absolute_url(), django_assert_num_queries)
    piece.headline = "Edited with the file cache"
    piece.save()
    pagecache.recent_pages.clear()
    assert "Edited with the file cache" in client.get(piece.get_absolute_url()).text
    served_from_cache(client, other.get_absolute_url(), django_assert_num_queries)
    assert any((tmp_path / "cache").iterdir())


def test_two_servers_on_redis_forget_nothing_for_a_draft_and_the_lists_for_a_publish(
    piece, other, redis_cache, monkeypatch
):
    one, two = Server(), Server()
    pages = ["/", "/sections/world/", other.get_absolute_url()]
    for server in (one, two):
        for page in pages:
            response, _ = server.get(page, monkeypatch)
            assert response.status_code == 200
    writer = make_writer("ada", name="Ada Okafor")
    draft = make_draft(writer, headline="Floods on the Niger", section=piece.section)
    draft.body = "Revised."
    draft.save()
    for server in (one, two):
        for page in pages:
            _, queries = server.get(page, monkeypatch)
            assert queries == 0, page
    workflow.publish(draft, by=make_editor())
    for server in (one, two):
        for page in pages[:2]:
            response, _ = server.get(page, monkeypatch)
            assert "Floods on the Niger" in response.text, page
        _, queries = server.get(other.get_absolute_url(), monkeypatch)
        assert queries == 0


def test_the_sections_latest_under_a_piece_are_forgotten_when_the_section_gains_one(
    client, piece, other, django_assert_num_queries
):
    # `other` shares no tag with any piece: it ends with the latest of its section instead.
    assert "More in Campus" not in client.get(other.get_absolute_url()).text
    assert f"list-s{other.section_id}" in client.get(other.get_absolute_url())["Cache-Tag"]
    warm(client, piece.get_absolute_url())
    writer = make_writer("ada", name="Ada Okafor")
    draft = make_draft(writer, headline="The Chess Club Wins the Cup", section=other.section)
    workflow.publish(draft, by=make_editor())
    html = client.get(other.get_absolute_url()).text
    assert "More in Campus" in html and "The Chess Club Wins the Cup" in html
    # A piece of another section lists its own section's pieces: it is kept.
    served_from_cache(client, piece.get_absolute_url(), django_assert_num_queries)
