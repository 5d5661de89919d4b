"""What `make bench` measures, for how long, and the targets its report marks met or missed."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
MIXED_SECONDS = int(os.environ.get("BENCH_MIXED_SECONDS", "60"))
CONNECTIONS = (1, 8, 32)
FIRST_PIECES, PIECES = 100, 10_000
# Enough for every worker to have served the page before it is measured.
WARM_SECONDS = 1
WARM_CONNECTIONS = 8
# The pages wrk loads: a fixed path, or a file of paths (written by bench/seeding.py) to draw from.
PAGES = [
    ("home", "/"),
    ("article", "articles.paths"),
    ("tag", "tags.paths"),
    ("contributor", "contributors.paths"),
    ("search", "search.paths"),
    ("feed", "/feed/"),
]
HELLO = "bare WSGI (bench/hello.py)"
# The misses: these pages are loaded again, at the most connections, with every cache off.
MISS_PAGES = ("article", "home")
# The readers of the scenarios, page cache on: wrk walking in turn through this many of the
# public pieces it loads (articles.paths), while the people named work on the site.
READER_CONNECTIONS = 32
READER_PIECES = 200
SCENARIOS = {
    "readers alone": (),
    "readers, a contributor saving drafts": ("contributor",),
    "readers, the contributor and an editor": ("contributor", "editor"),
}
ALONE, DRAFTS, EDITOR = SCENARIOS

# The targets.
SEEDING_LIMIT_SECONDS = 60
# Counted with every cache cold, the navigation's sections (one query) included: in production
# they are kept until a section changes.
QUERY_LIMITS = {"article": 5, "home": 6, "section": 6, "tag": 6, "contributor": 6}
# The article page without the cache, at 32 connections: its p99, and its share of bare WSGI.
ARTICLE_P99_MS = 100
ARTICLE_SHARE = 1 / 15
# The article page from the cache, at 32 connections: its share of bare WSGI.
CACHED_ARTICLE_SHARE = 0.4
# A miss with the other caches warm, at 32 connections: its share of bare WSGI.
MISS_SHARES = {"article": 1 / 35, "home": 1 / 60}
# The readers while a contributor saves drafts: their share of readers alone, and their p99.
DRAFTS_SHARE = 0.9
DRAFTS_P99_MS = 25
# The readers while an editor also edits and publishes: their share of readers alone.
EDITOR_SHARE = 0.7
ARTICLE_HTML_LIMIT = 40_000
STYLESHEET = ROOT / "static" / "css" / "site.css"
STYLESHEET_LIMIT = 20_000
