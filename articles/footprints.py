"""Where each piece is public, and which reader pages a committed change forgets.

Each piece keeps the listings it is public in (`Article.public_footprint`). What a change means
for readers is decided from what they could see before it and can see now: a draft's save finds
both empty and forgets no page; an edit of a published piece forgets the pages that show it;
publishing and unpublishing also forget the listings it enters or leaves. The tags are those
reader pages record (articles/pagetags.py); articles/derived.py asks after each commit.
"""

from .models import Article, Contributor


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
    articles = Article.objects.filter(pk__in=pks).prefetch_related("bylines", "tags")
    for article in articles.only(
        "status", "published_at", "section_id", "hero_image_id", "public_footprint"
    ):
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
            Contributor.objects.filter(photo__in=changes.pictures, bylines__article__in=public)
            .values_list("photo_id")
        )  # fmt: skip
        tags |= {f"i{pk}" for (pk,) in shown}
    if changes.contributors:
        named = Contributor.objects.filter(
            pk__in=changes.contributors, bylines__article__in=public
        ).values_list("pk", flat=True)
        tags |= {f"c{pk}" for pk in named}
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


def went_live(since, until):
    """Forget what scheduled pieces change by becoming public between these two moments."""
    pks = Article.objects.public().filter(published_at__gt=since, published_at__lte=until)
    return pieces_tags(list(pks.values_list("pk", flat=True)), edited=False)
