"""Where each piece is public, and which reader pages a committed change forgets.

Each piece keeps the listings it is public in (`Article.public_footprint`). What a change means
for readers is decided from what they could see before it and can see now: a draft's save finds
both empty and forgets no page; an edit of a published piece forgets the pages that show it;
publishing and unpublishing also forget the listings it enters or leaves. The tags are those
reader pages record (articles/pagetags.py); articles/derived.py asks after each commit.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from .models import Article, Contributor, Correction, Image, Issue, Series


def footprint(article):
    """The listings a public piece appears in, and what else places it there; [] if not public."""
    if not article.is_public:
        return []
    marks = {
        "list",
        f"list-s{article.section_id}",
        f"published:{article.published_at.isoformat()}",
        *(f"list-c{byline.contributor_id}" for byline in article.bylines.all()),
        *(f"list-t{tag.pk}" for tag in article.tags.all()),
    }
    if article.hero_image_id:
        marks |= {"credits", f"picture:{article.hero_image_id}"}
    # The pictures of its body are on /credits/ too, with the piece named under each.
    for image in article.body_pictures.all():
        marks |= {"credits", f"picture:{image.pk}"}
    if article.issue_id:
        # Its issue's contents list it, in this place.
        marks |= {f"list-e{article.issue_id}", f"issue-position:{article.issue_position}"}
    if article.series_id:
        # Its series lists it, and each of its parts counts it ("Part 2 of 5"), in this place.
        marks |= {f"list-r{article.series_id}", f"series-position:{article.series_position}"}
    return sorted(marks)


def page_tags(marks):
    """The page-cache tags among a footprint's marks (the rest only tell two footprints apart)."""
    return {mark for mark in marks if ":" not in mark}


def piece_tags(pk, before, now, *, edited=True):
    """The tags to forget for one piece, from the listings it was public in and is now."""
    if not before and not now:
        # Never seen by a reader, then or now: a draft, a submission, a declined piece.
        return set()
    tags = set()
    if edited or before != now:
        # Its own page, every page that shows it, and every text it could now be found by.
        tags |= {f"a{pk}", "search", "sitemap"}
    if before != now:
        # It entered or left a listing, or moved within them: each window of them changes.
        tags |= page_tags(before) | page_tags(now)
    return tags


def previous_footprint(article, now):
    """What the piece was public in when last worked out; unknown means assume the most."""
    if article.public_footprint is not None:
        return article.public_footprint
    if article.published_at is None:
        return []
    # Older than footprints, or made without saves (a bulk load): perhaps public, in any list.
    return sorted(set(now) | {"list", "unknown:"})


def pieces_tags(pks, *, edited=True):
    """Forget the pages of these pieces as they are now, and record what they are public in."""
    tags = set()
    moved = []
    articles = Article.objects.filter(pk__in=pks).prefetch_related(
        "bylines", "tags", Prefetch("body_pictures", queryset=Image.objects.only("pk"))
    )
    for article in articles.only(
        "status", "published_at", "section_id", "hero_image_id", "public_footprint",
        "issue_id", "issue_position", "series_id", "series_position",
    ):  # fmt: skip
        now = footprint(article)
        before = previous_footprint(article, now)
        tags |= piece_tags(article.pk, before, now, edited=edited)
        if article.public_footprint != now:
            article.public_footprint = now
            moved.append(article)
    # No save(): the footprint is derived, and a save would be a change of its own.
    Article.objects.bulk_update(moved, ["public_footprint"])
    return tags


def pages_to_forget(changes):
    public = Article.objects.public()
    tags = pieces_tags(changes.pieces)
    for pk, before in changes.gone_pieces.items():
        tags |= piece_tags(pk, before or [], [])
    if changes.pictures:
        shown = set(public.filter(hero_image__in=changes.pictures).values_list("hero_image_id"))
        shown |= set(
            Image.objects.filter(pk__in=changes.pictures, shown_in_body_of__in=public)
            .values_list("pk")
        )  # fmt: skip
        if shown:
            # The sitemap lists each public piece's pictures by their renditions' addresses.
            tags.add("sitemap")
        shown |= set(
            Contributor.objects.filter(photo__in=changes.pictures, bylines__article__in=public)
            .values_list("photo_id")
        )  # fmt: skip
        shown |= set(
            Issue.objects.public().filter(cover__in=changes.pictures).values_list("cover_id")
        )
        tags |= {f"i{pk}" for (pk,) in shown}
    if changes.issues:
        tags |= issues_tags(changes.issues)
    if changes.corrections or changes.pieces:
        tags |= corrections_tags(changes.corrections, changes.pieces)
    if changes.series:
        tags |= series_tags(changes.series)
    if changes.contributors:
        # Shown where a public piece names them, or on the masthead (which shows c<pk> too).
        named = Contributor.objects.filter(
            Q(bylines__article__in=public) | Q(positions__isnull=False), pk__in=changes.contributors
        ).values_list("pk", flat=True)
        tags |= {f"c{pk}" for pk in named}
    if changes.masthead:
        # Every position is public: the masthead shows it, and so does its holder's page.
        tags |= {"masthead", *(f"c{pk}" for pk in changes.masthead)}
    if changes.tags:
        used = public.filter(tags__in=changes.tags).values_list("tags", flat=True)
        tags |= {f"t{pk}" for pk in set(used)}
    if changes.sections:
        # Every page names the sections in its navigation.
        tags |= {"nav", *(f"s{pk}" for pk in changes.sections)}
    if tags & {*(f"c{pk}" for pk in changes.contributors), *(f"t{pk}" for pk in changes.tags)}:
        tags |= {"search", "sitemap"}
    if changes.sections:
        tags.add("sitemap")
    return tags


def corrections_tags(corrected, pieces):
    """The tags to forget for pieces whose corrections changed, and for pieces changed that
    have corrections (published again, they return to /corrections/): public ones only."""
    shown = Correction.objects.filter(article=OuterRef("pk"), removed_at__isnull=True)
    public = Article.objects.public().filter(Q(pk__in=corrected) | Q(Exists(shown), pk__in=pieces))
    pks = set(public.values_list("pk", flat=True))
    # The piece's page (and every feed carrying it) prints them and dates its last change, as
    # the sitemap's lastmod does.
    return {"corrections", "sitemap", *(f"a{pk}" for pk in pks)} if pks else set()


def series_tags(pks):
    """The tags to forget for series saved or deleted: the pages showing one with a public
    part, or one that is gone (its parts no longer name it)."""
    shown = set(Article.objects.public().filter(series__in=pks).values_list("series_id", flat=True))
    gone = set(pks) - set(Series.objects.filter(pk__in=pks).values_list("pk", flat=True))
    return {"sitemap", *(f"r{pk}" for pk in shown | gone)} if shown | gone else set()


def issues_tags(issues):
    """The tags to forget for issues changed, given whether each was public before the change:
    none for an issue no reader could see then or now."""
    public_now = set(Issue.objects.public().filter(pk__in=issues).values_list("pk", flat=True))
    tags = set()
    for pk, was_public in issues.items():
        if was_public or pk in public_now:
            tags |= issue_tags(pk)
    return tags


def issue_tags(pk):
    # Its page and contents, the pieces that name it, the index of issues, the sitemap, and
    # /credits/, which lists the covers of public issues.
    return {f"e{pk}", f"list-e{pk}", "issues", "sitemap", "credits"}


def went_live(since, until):
    """Forget what scheduled pieces change by becoming public between these two moments, and
    what issues change by their date beginning."""
    pks = Article.objects.public().filter(published_at__gt=since, published_at__lte=until)
    tags = pieces_tags(list(pks.values_list("pk", flat=True)), edited=False)
    # An issue becomes public as its date begins, at local midnight.
    issues = Issue.objects.filter(
        published=True,
        date__gt=timezone.localdate(since),
        date__lte=timezone.localdate(until),
    )
    for pk in issues.values_list("pk", flat=True):
        tags |= issue_tags(pk)
    return tags
