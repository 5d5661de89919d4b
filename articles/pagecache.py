"""Whole pages for readers, kept in Django's cache until something they show changes.

Only views wrapped in `reader_page` are stored, only for GET requests from someone who is not
signed in, and only a plain 200 that sets no cookie. Every key carries a generation: any change to
what readers see (a piece, its picture or credit, a contributor, a section, a tag) starts a new
generation once it is committed, so the next reader gets a fresh page, and the old ones age out.
A piece scheduled for later starts a new generation when its time comes, with no job to run.
"""

import hashlib
import threading
import time
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.timezone import now

STATE_KEY = "pagecache:state"
# The messages framework keeps its notes in this cookie until they are shown.
MESSAGES_COOKIE = "messages"
# Headers worked out afresh for each response, never stored with a page.
FRESH_HEADERS = {"content-length", "date", "set-cookie"}


def reader_page(view):
    """Mark a public view's pages as the same for every reader who is not signed in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.for_readers = True
        return response

    return wrapped


class PageCacheMiddleware:
    """Answer readers from the cache, and keep the reader pages it had to make."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not reads_cache(request):
            response = self.get_response(request)
            if signed_in(request):
                # A proxy or CDN in front must never hand this page to someone else.
                patch_cache_control(response, private=True)
            return response
        key = page_key(request, current_generation())
        stored = recent_pages.get(key)
        if stored is None:
            stored = cache.get(key)
            if stored is not None:
                recent_pages.put(key, stored)
        if stored is not None:
            response = rebuild(stored)
            # A reader who has this very page already gets a 304 and no body.
            return get_conditional_response(request, etag=response["ETag"], response=response)
        response = self.get_response(request)
        if may_store(request, response):
            for_shared_caches(response)
            if not response.has_header("ETag"):
                set_response_etag(response)
            stored = freeze(response)
            cache.set(key, stored, settings.MAGAZINE_PAGE_CACHE_SECONDS)
            recent_pages.put(key, stored)
        return response


class RecentPages:
    """The pages this process served last, so that a popular page skips the shared cache.

    Keys carry the generation, so a change shows here as soon as it does in the shared cache,
    and no page is kept here longer than MAGAZINE_PAGE_CACHE_SECONDS either.
    """

    def __init__(self, size=1024):
        self.size = size
        self.pages = {}
        self.lock = threading.Lock()

    def get(self, key):
        entry = self.pages.get(key)
        if entry is None or entry[0] <= time.monotonic():
            return None
        return entry[1]

    def put(self, key, stored):
        expires = time.monotonic() + settings.MAGAZINE_PAGE_CACHE_SECONDS
        with self.lock:
            self.pages[key] = (expires, stored)
            while len(self.pages) > self.size:
                # Dicts keep their order: the first key is the one put in longest ago.
                del self.pages[next(iter(self.pages))]

    def clear(self):
        with self.lock:
            self.pages.clear()


recent_pages = RecentPages()


def signed_in(request):
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def reads_cache(request):
    return (
        settings.MAGAZINE_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        # Static files are whitenoise's, below: asking the cache first would only slow them.
        and not request.path.startswith(settings.STATIC_URL)
        and not signed_in(request)
        and MESSAGES_COOKIE not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def may_store(request, response):
    control = response.get("Cache-Control", "")
    return (
        request.method == "GET"
        and getattr(response, "for_readers", False)
        and response.status_code == 200
        and not response.streaming
        # A page that sets a cookie (a session, a CSRF token) belongs to one person.
        and not response.cookies
        and not any(word in control for word in ("private", "no-store", "no-cache"))
    )


def for_shared_caches(response):
    """Cache-Control for a CDN or proxy in front: ask again after MAGAZINE_CDN_MAX_AGE."""
    patch_cache_control(response, public=True, max_age=0, s_maxage=settings.MAGAZINE_CDN_MAX_AGE)
    patch_vary_headers(response, ["Cookie"])


def page_key(request, generation):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    return f"page:{generation}:{digest}"


def freeze(response):
    headers = {
        name.lower(): (name, value)
        for name, value in response.items()
        if name.lower() not in FRESH_HEADERS
    }
    return (response.status_code, response.content, headers)


def rebuild(stored):
    status, content, headers = stored
    response = HttpResponse(content, status=status)
    # The headers were checked when the page was first made; setting them one by one again
    # (each encoded and checked anew) cost a page from the cache a quarter of its time.
    response.headers._store = dict(headers)
    return response


def current_generation():
    """The generation pages are kept under now, started afresh when a scheduled piece goes live."""
    state = cache.get(STATE_KEY)
    if state is None or (state[1] is not None and state[1] <= time.time()):
        return start_generation()
    return state[0]


def start_generation():
    """Begin a new generation: every page kept so far is left to expire unseen."""
    generation = uuid.uuid4().hex[:12]
    cache.set(STATE_KEY, (generation, next_scheduled_time()), None)
    return generation


def next_scheduled_time():
    """When the next piece already scheduled becomes public, as a timestamp, or None."""
    from .models import Article

    upcoming = Article.objects.filter(
        status__in=Article.LIVE_STATUSES, published_at__gt=now()
    ).aggregate(first=Min("published_at"))["first"]
    return upcoming.timestamp() if upcoming else None


def readers_see_a_change(**kwargs):
    """Start a new generation once the change is committed, never before readers can see it."""
    # Started before the commit, a reader in between could keep the old page for a generation.
    # One new generation per transaction is enough, however many rows it changes (an import);
    # per savepoint, in fact, since rolling a savepoint back drops what was asked within it.
    connection = transaction.get_connection()
    savepoints = set(connection.savepoint_ids)
    if not any(
        callback is start_generation and asked_in == savepoints
        for asked_in, callback, _ in getattr(connection, "run_on_commit", [])
    ):
        transaction.on_commit(start_generation)


def connect_signals():
    """Listen for changes to everything a reader page shows."""
    from taggit.models import Tag, TaggedItem

    from .models import Article, Byline, Contributor, Image, ImageCredit, Rendition, Section

    for model in (Article, Byline, Contributor, Image, ImageCredit, Rendition, Section, Tag):
        post_save.connect(readers_see_a_change, sender=model, dispatch_uid=f"pages-{model}")
        post_delete.connect(readers_see_a_change, sender=model, dispatch_uid=f"pages-d-{model}")
    post_save.connect(readers_see_a_change, sender=TaggedItem, dispatch_uid="pages-tagged")
    post_delete.connect(readers_see_a_change, sender=TaggedItem, dispatch_uid="pages-d-tagged")
    m2m_changed.connect(
        readers_see_a_change, sender=Article.tags.through, dispatch_uid="pages-m2m-tags"
    )
