"""The page cache: readers get stored pages, changes show at once, private pages are never kept.

These tests commit for real (transaction=True): a new generation of pages starts only once a
change is committed, and that is part of what they check.
"""

import os
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from articles import pagecache, workflow
from articles.models import Article, PreviewLink

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


def is_stored(url, client=None):
    """Whether the page cache holds the page at this address for the current generation."""
    request = (client or Client()).get(url).wsgi_request
    return cache.get(pagecache.page_key(request, pagecache.current_generation())) is not None


def signed_in_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_reader_page_is_served_from_the_cache_without_a_query(
    client, piece, django_assert_num_queries
):
    first = client.get(piece.get_absolute_url())
    with django_assert_num_queries(0):
        second = client.get(piece.get_absolute_url())
    assert second.status_code == 200
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
def test_every_reader_page_is_kept_for_readers(client, piece, url):
    response = client.get(url)
    assert response.status_code == 200
    assert is_stored(url)
    assert "public" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_a_new_headline_shows_at_once_through_the_cache(client, piece):
    assert "French Troops Exit Mali" in client.get(piece.get_absolute_url()).text
    assert "French Troops Exit Mali" in client.get("/").text
    piece.headline = "The Last French Troops Leave Mali"
    piece.save()
    assert "The Last French Troops Leave Mali" in client.get(piece.get_absolute_url()).text
    assert "The Last French Troops Leave Mali" in client.get("/").text


def test_a_piece_published_by_an_editor_is_listed_at_once(client, piece):
    writer = make_writer("ada", name="Ada Okafor")
    draft = make_draft(writer, headline="Floods on the Niger", section=piece.section)
    assert "Floods on the Niger" not in client.get("/").text
    workflow.publish(draft, by=make_editor())
    assert "Floods on the Niger" in client.get("/").text
    assert "Floods on the Niger" in client.get("/sections/world/").text


def test_an_unpublished_piece_leaves_the_cached_pages_at_once(client, piece):
    assert client.get(piece.get_absolute_url()).status_code == 200
    workflow.unpublish(piece, by=make_editor())
    assert client.get(piece.get_absolute_url()).status_code == 404
    assert "French Troops Exit Mali" not in client.get("/").text


def test_a_changed_credit_contributor_section_and_tag_show_at_once(client, piece):
    url = piece.get_absolute_url()
    client.get(url)
    credit = piece.hero_image.credit
    credit.creator = "UN Photo Library"
    credit.save()
    assert "UN Photo Library" in client.get(url).text

    contributor = piece.bylines.get().contributor
    contributor.name = "Pipa R. Powers"
    contributor.save()
    assert "Pipa R. Powers" in client.get(url).text

    section = piece.section
    section.name = "The World"
    section.save()
    assert "The World" in client.get(url).text

    tag = piece.tags.get()
    tag.name = "Republic of Mali"
    tag.save()
    assert "Republic of Mali" in client.get(url).text
    piece.tags.add("Sahel")
    assert "Sahel" in client.get(url).text


def test_a_scheduled_piece_appears_when_its_time_comes(client, piece):
    make_article(
        headline="Timed for two seconds from now",
        status=Article.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(seconds=2),
        section=piece.section,
    )
    assert "Timed for two seconds from now" not in client.get("/").text
    assert is_stored("/")
    time.sleep(2.2)
    assert "Timed for two seconds from now" in client.get("/").text


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
    client.get("/")
    assert client.get("/").wsgi_request.COOKIES["messages"] == "anything"
    # The page they got was rendered for them: it would show the message if there were one.
    assert pagecache.reads_cache(client.get("/").wsgi_request) is False


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


def test_a_cached_page_keeps_the_security_headers(client, piece):
    client.get("/")
    cached = client.get("/")
    assert "script-src 'self'" in cached["Content-Security-Policy"]
    assert cached["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in cached["Permissions-Policy"]
    assert cached["X-Frame-Options"] == "DENY"


def test_a_page_that_sets_a_cookie_is_not_kept(rf, piece):
    request = rf.get("/")
    response = pagecache.reader_page(lambda request: _with_cookie())(request)
    assert not pagecache.may_store(request, response)


def _with_cookie():
    from django.http import HttpResponse

    response = HttpResponse("hello")
    response.set_cookie("csrftoken", "x")
    return response


def test_the_page_cache_off_keeps_nothing(client, settings, piece):
    settings.MAGAZINE_PAGE_CACHE = False
    client.get("/")
    assert not is_stored("/")


def test_a_change_made_by_another_server_shows_at_once_here(client, piece):
    """Each process keeps its last pages, but under the generation all servers share."""
    assert "French Troops Exit Mali" in client.get(piece.get_absolute_url()).text
    # Another app server saves the piece: the row changes, and its signal starts a new
    # generation in the shared cache; nothing in this process hears of it.
    Article.objects.filter(pk=piece.pk).update(headline="Edited on another server")
    pagecache.start_generation()
    assert "Edited on another server" in client.get(piece.get_absolute_url()).text


def test_a_transaction_that_changes_many_rows_starts_one_generation(piece, monkeypatch):
    from django.db import transaction

    started = []
    monkeypatch.setattr(pagecache, "start_generation", lambda: started.append(1))
    with transaction.atomic():
        for n in range(5):
            make_article(headline=f"Imported piece {n}", section=piece.section)
    assert started == [1]


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


def test_pages_are_shared_through_redis_and_a_change_shows_at_once(client, piece, redis_cache):
    url = piece.get_absolute_url()
    assert "French Troops Exit Mali" in client.get(url).text
    assert is_stored(url)
    # Another app server, with none of this process's recent pages, gets the page from Redis.
    pagecache.recent_pages.clear()
    assert client.get(url).text.count("French Troops Exit Mali") >= 1
    piece.headline = "Saved on one server, seen on all"
    piece.save()
    pagecache.recent_pages.clear()
    assert "Saved on one server, seen on all" in client.get(url).text
