"""How fast search answers over 10,000 pieces, on SQLite and on PostgreSQL: `make bench-search`.

Each database is throwaway: SQLite in a temporary data folder, PostgreSQL (when one answers at
BENCH_POSTGRES_URL) in a database made for the run and dropped after it. Each is measured in its
own process, since the settings choose the database when they are read. The pieces are written
with bulk_create, bypassing save(), and indexed in one rebuild, as after an import.
A measurement to read, not a test: nothing here passes or fails.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PIECES = 10_000
PAGE = 12
RUNS = 5
BENCH_DATABASE = "magazine_bench_search"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def words(text):
    """The words of a space-separated list."""
    return text.split()


# Words, phrases, prefixes, two- and three-word queries, and one that matches nothing.
QUERIES = [
    "wagner",
    "election",
    "river",
    "students",
    "budget",
    '"wagner group"',
    '"student union"',
    '"climate change"',
    '"exam timetable"',
    "elect",
    "univers",
    "sah",
    "mal",
    "mali coup",
    "french troops",
    "library hours",
    "flood defences",
    "solar power",
    "river water quality",
    "zeppelinquux",
]

COMMON = words(
    "the of and to in a is that for it as was with be by on not he this are or his from at "
    "which but have an they you were her she there been one all we their has would when if so "
    "no will more can out up said what about into than them only other new some could time "
    "these two may first then do any like my now over such our man me even most made after "
    "also did many before must through back years where much your way well down should "
    "because each just those people how too little state good very make world still own see "
    "men work long get here between both life being under never day same another know while "
    "last might us great old year off come since against go came right used take three"
)
TOPICAL = words(
    "students union election turnout budget council library hours exams timetable registry "
    "river water quality microplastics flood defences coastal cities solar power tanzania "
    "villages drought farming harvest rains east africa film society season theatre review "
    "drama studio seagull france mali sahel wagner group troops military coup junta bamako "
    "mercenaries climate change university lecturers strike housing rent tuition research "
    "laboratory chemistry ecology election campaign candidates vote referendum policy minister "
    "parliament protest festival orchestra gallery exhibition novel poetry football rowing"
)
PHRASES = [
    "Wagner Group",
    "student union",
    "climate change",
    "exam timetable",
    "French troops",
    "solar power",
    "flood defences",
    "library hours",
    "military coup in Mali",
    "water quality of the river",
]
FIRST = words("Ada Bruno Chiara Dev Emeka Farah Gwen Hugo Ines Jonas Kemi Luca Mira Niamh Omar")
LAST = words("Adeyemi Brandt Castellanos Dube Eriksen Fofana Greco Haddad Ito Jansen Kowalski")


def sentence(rng, topic, weights):
    """Common words in Zipf-like proportions, with one or two of the piece's own topic words."""
    chosen = rng.choices(COMMON, cum_weights=weights, k=rng.randint(10, 24))
    for word in rng.sample(topic, rng.randint(1, 2)):
        chosen.insert(rng.randrange(len(chosen)), word)
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + "."


def seed(rng):
    """Write PIECES pieces with bylines and tags, bypassing save(), and return the seconds taken."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from articles.models import Article, Byline, Contributor, Section

    started = time.perf_counter()
    # Zipf-like: a few words everywhere, most words rarely, as in real prose.
    weights = []
    total = 0.0
    for rank in range(1, len(COMMON) + 1):
        total += 1 / rank
        weights.append(total)
    sections = Section.objects.bulk_create(
        Section(name=name, slug=name.lower())
        for name in ["World", "Politics", "Culture", "Science"]
    )
    people = Contributor.objects.bulk_create(
        Contributor(name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", slug=f"person-{n}")
        for n in range(300)
    )
    tags = Tag.objects.bulk_create(
        Tag(name=word.title(), slug=word) for word in sorted(set(TOPICAL))
    )
    now = timezone.now()
    articles = []
    for n in range(PIECES):
        # Each piece is about a few subjects, and one in three uses a set phrase: a word like
        # "wagner" is then in some hundreds of pieces, not in most of them.
        topic = rng.sample(TOPICAL, 4)
        if rng.random() < 1 / 3:
            topic.append(rng.choice(PHRASES))
        paragraphs = [
            " ".join(sentence(rng, topic, weights) for _ in range(rng.randint(3, 6)))
            for _ in range(rng.randint(3, 8))
        ]
        headline = " ".join(rng.sample(topic, 2) + rng.choices(COMMON, k=rng.randint(3, 7)))
        articles.append(
            Article(
                headline=headline.capitalize(),
                slug=f"piece-{n}",
                standfirst=sentence(rng, topic, weights),
                body="\n\n".join(paragraphs),
                body_html="".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs),
                section=rng.choice(sections),
                # One in twenty is a draft, as on a real desk.
                status=Article.Status.DRAFT if n % 20 == 0 else Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=rng.randint(60, 5 * 365 * 24 * 60)),
            )
        )
    articles = Article.objects.bulk_create(articles, batch_size=500)
    Byline.objects.bulk_create(
        (
            Byline(article=article, contributor=person, position=position)
            for article in articles
            for position, person in enumerate(rng.sample(people, rng.choice((1, 1, 1, 2))))
        ),
        batch_size=1000,
    )
    piece_type = ContentType.objects.get_for_model(Article)
    TaggedItem.objects.bulk_create(
        (
            TaggedItem(content_type=piece_type, object_id=article.pk, tag=tag)
            for article in articles
            for tag in rng.sample(tags, rng.randint(1, 5))
        ),
        batch_size=1000,
    )
    return time.perf_counter() - started


def measure():
    """In a child process: migrate, seed, index, time the queries; print the numbers as JSON."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from articles import search

    call_command("migrate", verbosity=0)
    seconds_seeding = seed(random.Random(2026))
    started = time.perf_counter()
    search.index_articles()
    seconds_indexing = time.perf_counter() - started

    rows = []
    for query in QUERIES:
        # Once untimed, so that the first query does not pay for warming caches alone.
        search.search(query)[:PAGE]
        finding, paging = [], []
        for _ in range(RUNS):
            # What the view does: find the pieces, then fetch the first page with its snippets.
            began = time.perf_counter()
            results = search.search(query)
            found = time.perf_counter()
            results[:PAGE]
            finding.append((found - began) * 1000)
            paging.append((time.perf_counter() - found) * 1000)
        rows.append({"query": query, "hits": len(results), "find": finding, "page": paging})
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "version": ".".join(map(str, connection.get_database_version())),
                "seeding": seconds_seeding,
                "indexing": seconds_indexing,
                "rows": rows,
            }
        )
    )


def run_child(env):
    # The child reads its database from these alone, whatever this shell had set.
    inherited = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MAGAZINE_DATA_DIR")
    }
    output = subprocess.run(
        [sys.executable, __file__, "--measure"],
        env={**inherited, "DEBUG": "1", **env},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def postgres_admin():
    """A connection to the PostgreSQL server for creating the bench database, or None."""
    try:
        import psycopg

        return psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except Exception as error:  # Any failure means no PostgreSQL to measure; say why.
        print(f"PostgreSQL not measured: {error}".strip(), file=sys.stderr)
        return None


def on_postgres():
    admin = postgres_admin()
    if admin is None:
        return None
    url = urlsplit(POSTGRES_URL)
    bench_url = urlunsplit(url._replace(path=f"/{BENCH_DATABASE}"))
    with admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
        try:
            return run_child({"DATABASE_URL": bench_url})
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def on_sqlite():
    with tempfile.TemporaryDirectory() as data:
        return run_child({"MAGAZINE_DATA_DIR": data})


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main():
    print(f"Seeding {PIECES:,} pieces into each database (a minute or two)…", flush=True)
    results = [result for result in (on_sqlite(), on_postgres()) if result]
    names = [f"{r['vendor']} {r['version']}" for r in results]
    print()
    for name, result in zip(names, results, strict=True):
        print(f"{name}: seeded in {result['seeding']:.1f} s, indexed in {result['indexing']:.1f} s")
    print(
        f"\nMilliseconds per search, median of {RUNS} runs: finding the pieces, then fetching "
        f"the first page of {PAGE} with snippets."
    )
    print(f"{'':<22}" + "".join(f"{name[:30]:>32}" for name in names))
    print(
        f"{'query':<22}" + "".join(f"{'hits':>8}{'find':>8}{'page':>8}{'total':>8}" for _ in names)
    )
    for n, query in enumerate(QUERIES):
        cells = ""
        for result in results:
            row = result["rows"][n]
            total = [f + p for f, p in zip(row["find"], row["page"], strict=True)]
            cells += f"{row['hits']:>8,}" + "".join(
                f"{statistics.median(times):>8.1f}" for times in (row["find"], row["page"], total)
            )
        print(f"{query:<22}{cells}")
    print("-" * (22 + 32 * len(names)))
    for label, share in (("median", 0.5), ("p95", 0.95)):
        cells = ""
        for result in results:
            runs = {
                key: [ms for row in result["rows"] for ms in row[key]] for key in ("find", "page")
            }
            runs["total"] = [f + p for f, p in zip(runs["find"], runs["page"], strict=True)]
            cells += f"{'':>8}" + "".join(
                f"{percentile(runs[key], share):>8.1f}" for key in ("find", "page", "total")
            )
        print(f"{label + ', all queries':<22}{cells}")


if __name__ == "__main__":
    if "--measure" in sys.argv:
        measure()
    else:
        main()
