"""Full-text search over public pieces: PostgreSQL's text search there, SQLite's FTS5 here.

`search(text)` is the one interface whichever the database: the public pieces matching a
reader's words, best first, as a sequence a Paginator pages through, each page with snippets.
"""

import html
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections, router
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

FTS_TABLE = "articles_article_fts"
FTS_COLUMNS = ("headline", "standfirst", "body", "bylines", "tags")
# English stemming on both databases, so that "troop" finds "troops" on either.
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
POSTGRES_CONFIG = "english"
# bm25 weights in FTS_COLUMNS order, as the PostgreSQL vector weighs them: headline A,
# standfirst, bylines and tags B, body C.
FTS_WEIGHTS = "10.0, 4.0, 1.0, 4.0, 4.0"
# A query is read this far and no further, into at most MAX_TERMS words or phrases: enough for
# any real question, while a pasted page costs no more than a sentence.
MAX_QUERY_CHARACTERS = 200
MAX_TERMS = 8
# Pieces indexed per statement when many are indexed at once (a rebuild, a renamed tag).
CHUNK_SIZE = 500
SNIPPET_WORDS = 32

# Letters and digits only: nothing that either database's query syntax gives a meaning to.
WORD = re.compile(r"[^\W_]+")
# A quoted phrase (an unclosed quote runs to the end) or a run of anything else.
PHRASE_OR_RUN = re.compile(r'"([^"]*)"?|[^\s"]+')


class Term(NamedTuple):
    """A word (matching any word it begins) or a quoted phrase (matching exactly)."""

    words: tuple[str, ...]
    prefix: bool


class Hit(NamedTuple):
    """A public piece found by a search, with a safe HTML snippet of its text."""

    article: object
    snippet: str


def parse(text):
    """The words and phrases of a reader's query; all punctuation and syntax are dropped."""
    terms = []
    for match in PHRASE_OR_RUN.finditer(text[:MAX_QUERY_CHARACTERS].lower()):
        phrase = match.group(1)
        if phrase is not None:
            words = tuple(WORD.findall(phrase))
            found = [Term(words, prefix=False)] if words else []
        else:
            found = [Term((word,), prefix=True) for word in WORD.findall(match.group())]
        terms += [term for term in found if term not in terms]
    return terms[:MAX_TERMS]


def fts_match(terms, column=None):
    """The terms as an FTS5 MATCH expression: every term quoted, all of them required."""
    scope = f"{column} : " if column else ""
    return " AND ".join(
        f'{scope}"{" ".join(term.words)}"{"*" if term.prefix else ""}' for term in terms
    )


def tsquery(terms, weight=""):
    """The terms as to_tsquery() text: every word quoted, phrases joined by <->, all required."""
    flags = [(f":*{weight}" if term.prefix else f":{weight}").rstrip(":") for term in terms]
    return " & ".join(
        "(" + " <-> ".join(f"'{word}'{flag}" for word in term.words) + ")"
        for term, flag in zip(terms, flags, strict=True)
    )


class Results(Sequence):
    """The public pieces matching a query, best first; a slice fetches those pieces as Hits."""

    def __init__(self, ids, terms):
        self.ids = ids
        self.terms = terms

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        from .models import Article

        ids = self.ids[index] if isinstance(index, slice) else [self.ids[index]]
        # public() again: a piece unpublished since the ids were found is left out.
        pieces = Article.objects.public().for_listing().in_bulk(ids)
        found = [pieces[pk] for pk in ids if pk in pieces]
        pattern = highlighter(self.terms)
        hits = [Hit(article, snippet(plain_text(article), pattern)) for article in found]
        return hits if isinstance(index, slice) else hits[0]


def search(text):
    """The public pieces matching the reader's words, headline matches first, then by rank."""
    from .models import Article

    terms = parse(text)
    if not terms:
        return Results([], terms)
    public = Article.objects.public()
    if connections[public.db].vendor == "postgresql":
        return Results(_postgres_ids(public, terms), terms)
    return Results(_sqlite_ids(public, terms), terms)


def _postgres_ids(public, terms):
    query = SearchQuery(tsquery(terms), search_type="raw", config=POSTGRES_CONFIG)
    in_headline = SearchQuery(tsquery(terms, "A"), search_type="raw", config=POSTGRES_CONFIG)
    ranked = public.filter(search_vector=query).annotate(
        in_headline=Case(When(search_vector=in_headline, then=Value(1)), default=Value(0)),
        rank=SearchRank(F("search_vector"), query),
    )
    order = ("-in_headline", "-rank", "-published_at", "-id")
    return list(ranked.order_by(*order).values_list("pk", flat=True))


def _sqlite_ids(public, terms):
    public = public.order_by().values(piece=F("pk"), published=F("published_at"))
    public_sql, params = public.query.sql_with_params()
    sql = (
        f"SELECT {FTS_TABLE}.rowid FROM {FTS_TABLE} "
        f"JOIN ({public_sql}) AS public ON public.piece = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s "
        f"ORDER BY {FTS_TABLE}.rowid IN "
        f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) DESC, "
        f"bm25({FTS_TABLE}, {FTS_WEIGHTS}), public.published DESC, {FTS_TABLE}.rowid DESC"
    )
    with connections[public.db].cursor() as cursor:
        cursor.execute(sql, [*params, fts_match(terms), fts_match(terms, "headline")])
        return [row[0] for row in cursor.fetchall()]


def plain_text(article):
    """The piece's body as readers see it, without markup; its standfirst if it has none."""
    text = html.unescape(strip_tags(article.body_html))
    return " ".join(text.split()) or article.standfirst


def highlighter(terms):
    """A pattern for the query's words and phrases in running text, word beginnings included."""

    def stem(word):
        # The index stems words; dropping a plural "s" marks "troop" and "troops" alike.
        return word[:-1] if len(word) > 3 and word.endswith("s") else word

    alternatives = sorted(
        (r"\W+".join(re.escape(stem(word)) + r"\w*" for word in term.words) for term in terms),
        key=len,
        reverse=True,
    )
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})", re.IGNORECASE)


def snippet(text, pattern, length=SNIPPET_WORDS):
    """Some words of the text around the first match, escaped, with every match in <mark>."""
    words = text.split()
    text = " ".join(words)
    first = pattern.search(text)
    start = max(0, len(text[: first.start()].split()) - length // 4) if first else 0
    shown = " ".join(words[start : start + length])
    parts = ["…" if start else ""]
    end = 0
    for match in pattern.finditer(shown):
        parts += [escape(shown[end : match.start()]), "<mark>", escape(match.group()), "</mark>"]
        end = match.end()
    parts += [escape(shown[end:]), "…" if start + length < len(words) else ""]
    return mark_safe("".join(parts))


# Keeping the index in step.


def index_articles(ids=None, model=None, using=None):
    """Rewrite the index entries of these pieces (all if None), in bounded queries per chunk."""
    # `model` is the historical Article when a migration builds the index.
    if model is None:
        from .models import Article as model
    using = using or router.db_for_write(model)
    articles = model._default_manager.using(using)
    ids = list(articles.values_list("pk", flat=True) if ids is None else ids)
    for start in range(0, len(ids), CHUNK_SIZE):
        if connections[using].vendor == "postgresql":
            _index_postgres(articles, ids[start : start + CHUNK_SIZE])
        else:
            _index_sqlite(articles, ids[start : start + CHUNK_SIZE], connections[using])


def _name_sources(articles):
    """For byline names and tag names: (rows, piece id field, name field) to narrow to pieces."""
    meta = articles.model._meta
    bylines = meta.get_field("bylines").related_model._default_manager.using(articles.db)
    # Straight from the tagged-item table: joined through the tags field, its object_id is cast
    # to the bigint of our ids, which keeps PostgreSQL from using the index on it.
    tagged = meta.get_field("tags").remote_field.through._default_manager.using(articles.db)
    return [
        (bylines.order_by("position", "id"), "article_id", "contributor__name"),
        (
            tagged.filter(
                content_type__app_label=meta.app_label, content_type__model=meta.model_name
            ),
            "object_id",
            "tag__name",
        ),
    ]


def _index_postgres(articles, ids):
    people, tags = (
        Subquery(
            rows.filter(**{key: OuterRef("pk")})
            .order_by()
            .values(key)
            .annotate(names=StringAgg(name, " "))
            .values("names")
        )
        for rows, key, name in _name_sources(articles)
    )
    vector = (
        SearchVector("headline", weight="A", config=POSTGRES_CONFIG)
        + SearchVector("standfirst", people, tags, weight="B", config=POSTGRES_CONFIG)
        + SearchVector("body", weight="C", config=POSTGRES_CONFIG)
    )
    articles.filter(pk__in=ids).update(search_vector=vector)


def _index_sqlite(articles, ids, connection):
    people, tags = (
        _names_by_article(rows.filter(**{f"{key}__in": ids}).values_list(key, name))
        for rows, key, name in _name_sources(articles)
    )
    table = articles.model._meta.db_table
    with connection.cursor() as cursor:
        _delete_rows(cursor, ids)
        # The text columns come straight from the row; only the joined names travel.
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(FTS_COLUMNS)}) "
            f"SELECT id, headline, standfirst, body, %s, %s FROM {table} WHERE id = %s",
            [(people.get(pk, ""), tags.get(pk, ""), pk) for pk in ids],
        )


def _names_by_article(rows):
    names = defaultdict(list)
    for pk, name in rows:
        if name:
            names[pk].append(name)
    return {pk: " ".join(found) for pk, found in names.items()}


def _delete_rows(cursor, ids):
    cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(ids))})", ids)
