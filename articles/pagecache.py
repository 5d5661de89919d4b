"""Whole pages for readers, kept in Django's cache until something they show changes.

Only views wrapped in `reader_page` are stored, only for GET requests from someone who is not
signed in, and only a plain 200 that sets no cookie. While a page is made it notes what it
shows (articles/pagetags.py); a change committed later forgets exactly the pages that show what
it changed (articles/derived.py), and every other page goes on being served from here, with no
query. A piece scheduled for later is worked out when its time comes, with no job to run.

A reader page is also kept gzipped, compressed once as it is stored, and sent so to a reader
who asks for it. Only these pages are ever compressed: they carry no secret (no CSRF token, no
session), so compression cannot give one away (BREACH). A proxy in front may compress too; it
never compresses again what is sent compressed.
"""

import gzip
import hashlib
import math
import threading
import time
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

from . import footprints, pagetags

# Held by the one request that works out which scheduled pieces have gone live.
SCHEDULE_LOCK_KEY = "pagecache:schedule-lock"
# The messages framework keeps its notes in this cookie until they are shown.
MESSAGES_COOKIE = "messages"
# Headers worked out afresh for each response, never stored with a page.
FRESH_HEADERS = {"content-length", "date", "set-cookie"}
# Below this, gzip's own header and the work outweigh what it saves.
COMPRESS_MIN_BYTES = 256
# Level 6 is gzip's usual: nearly all of 9's saving for a fraction of its time.
COMPRESS_LEVEL = 6
# Text that compresses; pictures and PDFs are compressed already.
COMPRESSIBLE_TYPES = ("text/", "application/rss+xml", "application/atom+xml", "application/xml")
# A form's CSRF token in a page: such a page is never compressed, whatever else it says.
CSRF_FIELD = b"csrfmiddlewaretoken"


def reader_page(view):
    """Mark a public view's pages as the same for every reader who is not signed in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with pagetags.collecting() as shown:
            response = view(request, *args, **kwargs)
            # Rendered here, so that what the template shows is noted too.
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        response.for_readers = True
        response[settings.MAGAZINE_CACHE_TAG_HEADER] = " ".join(sorted(shown))
        return response

    return wrapped


class Page:
    """A page as kept: what is sent, what it shows, and the tick it was started at."""

    __slots__ = ("status", "content", "gzipped", "headers", "tags", "started")

    def __init__(self, status, content, headers, tags, started, gzipped=None):
        self.status = status
        self.content = content
        # The same content gzipped, made once as the page was stored; None if not worth it.
        self.gzipped = gzipped
        self.headers = headers
        self.tags = tags
        self.started = started


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
        clock = pagetags.read_clock()
        if clock.due <= time.time():
            clock = scheduled_pieces_went_live(clock)
        keeping = settings.MAGAZINE_PAGE_CACHE
        key = page_key(request)
        page = recent_pages.get(key, clock.tick) if keeping else None
        if page is None and keeping:
            page = cache.get(key)
            if page is not None and not pagetags.still_good(page.tags, page.started):
                page = None
            if page is not None:
                recent_pages.put(key, page, clock.tick)
        if page is not None:
            response = rebuild(page, clock, gzipped=accepts_gzip(request))
            # A reader who has this very page already gets a 304 and no body.
            return get_conditional_response(request, etag=response["ETag"], response=response)
        with pagetags.reading_with(clock):
            response = self.get_response(request)
        if may_store(request, response):
            for_shared_caches(response, clock)
            if keeping:
                if not response.has_header("ETag"):
                    set_response_etag(response)
                tags = tuple(response[settings.MAGAZINE_CACHE_TAG_HEADER].split())
                # Started at the tick read before the page was made: whatever is forgotten
                # from now on may be missing from it, so the check above finds it stale.
                page = freeze(response, tags, clock.tick)
                cache.set(key, page, settings.MAGAZINE_PAGE_CACHE_SECONDS)
                recent_pages.put(key, page, clock.tick)
                if page.gzipped is not None and accepts_gzip(request):
                    send_gzipped(response, page.gzipped)
            elif accepts_gzip(request) and (gzipped := compressed(response)) is not None:
                send_gzipped(response, gzipped)
        return response


def scheduled_pieces_went_live(clock):
    """Forget what the pieces scheduled up to now change, once, and read the clock again."""
    now = time.time()
    if cache.add(SCHEDULE_LOCK_KEY, 1, timeout=30):
        try:
            went_live = footprints.went_live(
                datetime.fromtimestamp(clock.checked, UTC), datetime.fromtimestamp(now, UTC)
            )
            pagetags.forget(went_live)
            pagetags.schedule(checked=now)
        finally:
            cache.delete(SCHEDULE_LOCK_KEY)
    return pagetags.read_clock()


class RecentPages:
    """The pages this process served last, so that a popular page skips the shared cache.

    Each is kept with the tick it was last found good at: while the clock stands there, it is
    served with no look at the shared cache beyond the clock; once the clock moves, its tags are
    checked once. None is kept longer than MAGAZINE_PAGE_CACHE_SECONDS either.
    """

    def __init__(self, size=1024):
        self.size = size
        self.pages = {}
        self.lock = threading.Lock()

    def get(self, key, tick):
        entry = self.pages.get(key)
        if entry is None:
            return None
        expires, page, checked_at = entry
        if expires <= time.monotonic():
            return None
        if checked_at != tick:
            if not pagetags.still_good(page.tags, page.started):
                return None
            self.pages[key] = (expires, page, tick)
        return page

    def put(self, key, page, tick):
        expires = time.monotonic() + settings.MAGAZINE_PAGE_CACHE_SECONDS
        with self.lock:
            self.pages[key] = (expires, page, tick)
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
        request.method in ("GET", "HEAD")
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


def for_shared_caches(response, clock):
    """Cache-Control for a proxy in front: keep it MAGAZINE_CDN_MAX_AGE, never past a schedule."""
    # A proxy hears of edits through purges, but nothing tells it when a scheduled piece goes
    # live: it asks again by then, and that request brings the change about.
    seconds = settings.MAGAZINE_CDN_MAX_AGE
    if clock.due - time.time() < seconds:
        seconds = max(0, math.ceil(clock.due - time.time()))
    patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)
    # A page may be sent gzipped or not: a cache must keep each apart.
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])


# Part of every page's key: raised whenever Page changes shape, so that a page an earlier version
# stored (in Redis, say, across a deploy) is never read as one of these.
PAGE_FORMAT = 2


def page_key(request):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    return f"page:v{PAGE_FORMAT}:{digest}"


def freeze(response, tags, started):
    headers = [
        (name, value) for name, value in response.items() if name.lower() not in FRESH_HEADERS
    ]
    return Page(
        response.status_code, response.content, headers, tags, started, compressed(response)
    )


def rebuild(page, clock, gzipped=False):
    response = HttpResponse(page.content, status=page.status, headers=page.headers)
    if clock.due - time.time() < settings.MAGAZINE_CDN_MAX_AGE:
        # Kept before a piece was scheduled: a proxy must still ask again by its time.
        for_shared_caches(response, clock)
    if gzipped and page.gzipped is not None:
        send_gzipped(response, page.gzipped)
    else:
        response["Content-Length"] = str(len(page.content))
    return response


def accepts_gzip(request):
    """Whether the request's Accept-Encoding names gzip, and not with q=0."""
    for coding in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = coding.partition(";")
        if name.strip().lower() == "gzip":
            quality = params.strip().lower().removeprefix("q=")
            try:
                return not params.strip() or float(quality) > 0
            except ValueError:
                return False
    return False


def compressed(response):
    """A reader page's content gzipped, or None if it is not one to compress or not worth it.

    Called only for pages may_store accepts: a plain 200 for readers that sets no cookie, so
    holds no CSRF token and no session of its own. The checks below say so once more, since a
    compressed secret can be read back from sizes (BREACH).
    """
    content = response.content
    if (
        response.cookies
        or response.has_header("Content-Encoding")
        or not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES)
        or len(content) < COMPRESS_MIN_BYTES
        or CSRF_FIELD in content
    ):
        return None
    gzipped = gzip.compress(content, compresslevel=COMPRESS_LEVEL, mtime=0)
    return gzipped if len(gzipped) < len(content) else None


def send_gzipped(response, gzipped):
    """Make the response carry the gzipped content, with headers that say so."""
    response.content = gzipped
    response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(gzipped))
    # The bytes differ from the plain page's, as Django's GZipMiddleware marks it: a weak ETag.
    etag = response.get("ETag")
    if etag and etag.startswith('"'):
        response["ETag"] = f"W/{etag}"
