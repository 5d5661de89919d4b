"""What each reader page shows, as tags, and forgetting the pages that show something.

A page made for readers notes what it shows while it is made (`shows`): `a12` for piece 12,
`c3` for a contributor, `s2` a section, `t7` a tag, `i5` a picture, and the listings it is a
window of: `list` (every public piece: the home page, the main feeds, the contributors and
credits pages), `list-s2`, `list-t7`, `list-c3`, and `search`, `sitemap`, `credits`. A print
issue is `e4` (its title, cover and number), its contents `list-e4`, the index of issues
`issues`. A series is `r3` (its title), its parts `list-r3`; `corrections` is the list of
corrections and its feeds. Every page carries `all` and `nav` (the sections in its navigation).

Forgetting works by versions. A clock counts forgettings; each forgotten tag records the tick it
was forgotten at, and a page records the tick it was started at. A page is still good while
every tag it carries was last forgotten no later than that. The tags are written before the
clock moves, so a page checked against the clock it read sees every forgetting up to it. The
same tags go out in a header for a proxy in front, and can be purged there
(MAGAZINE_CACHE_PURGE_URL).
"""

import contextvars
import fcntl
import logging
import math
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import astuple, dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

CLOCK_KEY = "pagetags:clock"
VERSIONS_KEY = "pagetags:versions"
LOCK_KEY = "pagetags:lock"
# Every reader page carries these: forgetting "all" forgets every page (after a restore).
ALWAYS = ("all", "nav")
# A purge request names at most this many tags, well inside a proxy's header limits.
PURGE_BATCH = 200
PURGE_TIMEOUT_SECONDS = 2

_shown = contextvars.ContextVar("page_tags", default=None)
# The clock a reader's request read as it began (pagecache), so that its fragments need not
# ask the shared cache again.
_request_clock = contextvars.ContextVar("request_clock", default=None)


@contextmanager
def collecting():
    """Collect the tags of what is shown while the block runs: one page's worth."""
    tags = set(ALWAYS)
    token = _shown.set(tags)
    try:
        yield tags
    finally:
        _shown.reset(token)


def shows(*tags):
    """Note that the page being made shows these things; outside a reader page, nothing."""
    collected = _shown.get()
    if collected is not None:
        collected.update(tags)


def shows_pieces(articles):
    """Note pieces as a listing, a feed or a page shows them: with bylines, section and picture."""
    collected = _shown.get()
    if collected is None:
        return
    for article in articles:
        collected.add(f"a{article.pk}")
        collected.add(f"s{article.section_id}")
        if article.hero_image_id:
            collected.add(f"i{article.hero_image_id}")
        for byline in article.bylines.all():
            collected.add(f"c{byline.contributor_id}")


# The letter each kind of thing shown is tagged with.
LETTERS = {"Section": "s", "Tag": "t", "Contributor": "c", "Issue": "e", "Series": "r"}


def shows_listing(scope=None):
    """Note the listing a page is a window of: all public pieces, or one section's, tag's or
    contributor's; a listing of one thing also shows the thing (its name, its description)."""
    if scope is None:
        shows("list")
        return
    letter = LETTERS[type(scope).__name__]
    shows(f"list-{letter}{scope.pk}", f"{letter}{scope.pk}")


def shows_tags(tags):
    shows(*(f"t{tag.pk}" for tag in tags))


def shows_contributors(contributors):
    for contributor in contributors:
        shows(f"c{contributor.pk}")
        if contributor.photo_id:
            shows(f"i{contributor.photo_id}")


def remembered(key, make):
    """What `make` returns, kept under the versions of what it showed; made again once any is
    forgotten. The page around it shows the same things. An exception is never kept."""
    if not settings.MAGAZINE_FRAGMENT_CACHE:
        return make()
    # Read before anything the fragment shows, as a page's is.
    tick = (_request_clock.get() or read_clock()).tick
    key = f"fragment:{key}"
    kept = cache.get(key)
    if kept is not None:
        started, checked_at, tags, value = kept
        fresh = checked_at == tick
        if fresh or still_good(tags, started):
            if not fresh:
                cache.set(key, (started, tick, tags, value), settings.MAGAZINE_PAGE_CACHE_SECONDS)
            shows(*tags)
            return value
    with collecting() as tags:
        value = make()
    cache.set(key, (tick, tick, frozenset(tags), value), settings.MAGAZINE_PAGE_CACHE_SECONDS)
    shows(*tags)
    return value


@contextmanager
def reading_with(clock):
    """Let the fragments of the request under way use the clock it read as it began."""
    token = _request_clock.set(clock)
    try:
        yield
    finally:
        _request_clock.reset(token)


# The clock and the versions of tags, in the shared cache.


def now_ms():
    return int(time.time() * 1000)


@contextmanager
def locked():
    """One forgetting at a time, across this server's processes or, on Redis, every server's."""
    if isinstance(caches["default"], RedisCache):
        # SET NX on Redis: the one lock every app server sees.
        deadline = time.monotonic() + 5
        while not cache.add(LOCK_KEY, 1, timeout=10) and time.monotonic() < deadline:
            time.sleep(0.002)
        try:
            yield
        finally:
            cache.delete(LOCK_KEY)
        return
    # The file cache and the in-memory one serve one server: a file lock spans its workers.
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    with open(settings.DATA_DIR / "pagetags.lock", "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


@dataclass
class Clock:
    """The tick pages are checked against, and when the next scheduled piece goes live."""

    tick: int
    due: float
    checked: float

    def as_tuple(self):
        return astuple(self)


def read_clock():
    """The clock as it stands; started afresh (every page then stale) if the cache lost it."""
    stored = cache.get(CLOCK_KEY)
    if stored is not None:
        return Clock(*stored)
    with locked():
        stored = cache.get(CLOCK_KEY)
        if stored is not None:
            return Clock(*stored)
        # Later than any tick before it, so no page kept from before counts as checked.
        tick = now_ms()
        cache.set(VERSIONS_KEY, {"floor": tick, "tags": {}}, None)
        clock = Clock(tick, next_scheduled_time(), time.time())
        cache.set(CLOCK_KEY, clock.as_tuple(), None)
        return clock


def still_good(tags, started, versions=None):
    """Whether a page started at this tick, showing these tags, has had none of them forgotten."""
    versions = versions if versions is not None else cache.get(VERSIONS_KEY)
    if versions is None or started < versions["floor"]:
        return False
    forgotten = versions["tags"]
    return all(forgotten.get(tag, 0) <= started for tag in tags)


def forget(tags):
    """Forget every page showing any of these tags: here, on every server, and in a proxy."""
    tags = set(tags)
    if not tags:
        return
    with locked():
        clock = stored_clock()
        tick = max(clock.tick + 1, now_ms())
        versions = cache.get(VERSIONS_KEY) or {"floor": tick, "tags": {}}
        # A page lives at most MAGAZINE_PAGE_CACHE_SECONDS: a tag forgotten before any live page
        # was started can no longer make one stale, and is dropped.
        horizon = now_ms() - settings.MAGAZINE_PAGE_CACHE_SECONDS * 1000
        kept = {tag: at for tag, at in versions["tags"].items() if at >= horizon}
        kept.update(dict.fromkeys(tags, tick))
        cache.set(VERSIONS_KEY, {"floor": versions["floor"], "tags": kept}, None)
        # Only now: a page checked against this tick must find every tag above written.
        clock.tick = tick
        cache.set(CLOCK_KEY, clock.as_tuple(), None)
    purge(tags)


def schedule(checked=None):
    """Record when the next scheduled piece goes live, and up to when the last check looked."""
    due = next_scheduled_time()
    with locked():
        clock = stored_clock()
        if clock.due == due and checked is None:
            return
        clock.due = due
        clock.checked = clock.checked if checked is None else checked
        cache.set(CLOCK_KEY, clock.as_tuple(), None)


def stored_clock():
    stored = cache.get(CLOCK_KEY)
    return Clock(*stored) if stored else Clock(0, next_scheduled_time(), time.time())


def next_scheduled_time():
    """When the next piece already scheduled, or the next published issue, becomes public, as
    a timestamp, or infinity."""
    from django.db.models import Min
    from django.utils.timezone import now

    from .models import Article

    upcoming = Article.objects.filter(
        status__in=Article.LIVE_STATUSES, published_at__gt=now()
    ).aggregate(first=Min("published_at"))["first"]
    moments = [upcoming.timestamp()] if upcoming else []
    issue_day = next_issue_start()
    if issue_day is not None:
        moments.append(issue_day.timestamp())
    return min(moments, default=math.inf)


def next_issue_start():
    """The moment the next published issue's date begins (local midnight), or None."""
    from django.db.models import Min
    from django.utils import timezone

    from .models import Issue

    day = Issue.objects.filter(published=True, date__gt=timezone.localdate()).aggregate(
        first=Min("date")
    )["first"]
    return start_of_day(day) if day else None


def start_of_day(day):
    """The moment a date begins in the magazine's time zone: when an issue of that date is out."""
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time.min))


def purge(tags):
    """Ask the proxy in front (MAGAZINE_CACHE_PURGE_URL) to drop its pages carrying these tags."""
    address = settings.MAGAZINE_CACHE_PURGE_URL
    if not address:
        return
    ordered = sorted(tags)
    for start in range(0, len(ordered), PURGE_BATCH):
        batch = " ".join(ordered[start : start + PURGE_BATCH])
        request = urllib.request.Request(
            address, method="PURGE", headers={settings.MAGAZINE_CACHE_TAG_HEADER: batch}
        )
        try:
            with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT_SECONDS) as answer:
                answer.read()
        except OSError:
            # The proxy keeps its pages until s-maxage ends; the site itself is right already.
            logger.exception("Could not purge %s at %s", batch, address)
