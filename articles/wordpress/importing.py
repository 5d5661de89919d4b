"""The import: a WordPress export read into the site in one transaction, through the models.

The whole export is checked first (articles/wordpress/reading.py); then the attachments become
pictures and the posts pieces, in one transaction, so that a failure part way leaves the site
as it was (the media files written for it are deleted). Every item made is recorded with its
id on the old site (ImportedItem): importing the same export again finds it and makes nothing
twice. Pieces are saved by the models' own saves, so their HTML, revisions, search entries
and pages are worked out as for an editor's work, once, after the commit (articles/derived.py).
"""

import os
from collections import defaultdict
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import reset_queries, transaction
from django.utils import timezone
from django.utils.text import slugify

from ..models import Article, Byline, Image, ImportedItem, OldAddress
from ..models.content import unique_slug
from . import attachments, bodies, reading
from .people import People
from .report import Report
from .taxonomy import Terms, read_section_map

STATES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.SCHEDULED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.SUBMITTED,
}
POST, ATTACHMENT = ImportedItem.Kind.POST, ImportedItem.Kind.ATTACHMENT


def import_wordpress(path, *, media=None, section_map=None, dry_run=False, progress):
    """Import the export at `path`; return (export, report). Raise WordPressProblem."""
    if not os.path.isfile(path):
        raise reading.WordPressProblem(f"There is no file {path}. Nothing was imported.")
    if media is not None and not Path(media).is_dir():
        raise reading.WordPressProblem(
            f"The media folder {media} does not exist: give a copy of the site's "
            "wp-content/uploads folder. Nothing was imported."
        )
    mapping = read_section_map(section_map) if section_map else {}
    total = os.path.getsize(path)
    export = reading.survey(path, lambda stream: ReadingBar(stream, progress, total))
    site = export.site or f"file:{Path(path).name}"
    written = []
    try:
        with transaction.atomic():
            report = Import(export, site, media, mapping, written).run(path, progress)
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        # The rows are rolled back; the files saved for them go too.
        delete(written)
        raise
    if dry_run:
        delete(written)
    return export, report


def delete(names):
    for name in names:
        default_storage.delete(name)


class ReadingBar:
    """The export file, with a progress bar of the bytes read from it."""

    def __init__(self, stream, progress, total):
        self.stream = stream
        self.bar = progress(total=total, unit="B", unit_scale=True, desc="Checking the export")

    def read(self, size=-1):
        data = self.stream.read(size)
        self.bar.update(len(data))
        return data

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.bar.close()


class Import:
    """One run of the import, inside its transaction."""

    def __init__(self, export, site, media, section_map, written):
        self.export, self.site, self.media, self.written = export, site, media, written
        self.report = Report()
        self.people = People(site, export, self.report)
        self.terms = Terms(export, section_map, self.report)
        self.done = {
            kind: dict(
                ImportedItem.objects.filter(site=site, kind=kind).values_list(
                    "source_id", "object_id"
                )
            )
            for kind in (POST, ATTACHMENT)
        }
        self.pictures = {}  # attachment id -> picture number here
        self.refused = {}  # attachment id -> why it is not a picture here

    def run(self, path, progress):
        self.import_pictures(progress)
        children = defaultdict(list)
        for item in sorted(self.export.attachments.values(), key=lambda a: (a.menu_order, a.id)):
            children[item.parent].append(item.id)
        for kind, number in self.export.kinds.items():
            status = kind.removeprefix("post:")
            if kind.startswith("post:") and status not in STATES:
                self.report.count(
                    status if status in ("private", "trash") else "other posts", number
                )
        posts = reading.posts(path)
        for post in progress(posts, total=self.export.posts, unit="post", desc="Importing posts"):
            # Under DEBUG, Django keeps every query it ran: a long import would fill memory.
            reset_queries()
            if post.status not in STATES:
                continue
            if str(post.id) in self.done[POST]:
                self.report.count("pieces already imported")
                continue
            self.import_post(post, children[post.id])
        return self.report

    def import_pictures(self, progress):
        found = self.export.attachments.values()
        # A picture imported before and deleted since stays deleted, and is shown nowhere.
        alive = set(
            Image.objects.filter(pk__in=self.done[ATTACHMENT].values()).values_list("pk", flat=True)
        )
        for attachment in progress(found, unit="picture", desc="Importing pictures"):
            reset_queries()
            done = self.done[ATTACHMENT].get(str(attachment.id))
            if done is not None:
                if done in alive:
                    self.pictures[attachment.id] = done
                self.report.count("pictures already imported")
                continue
            if self.media is None:
                self.refused[attachment.id] = "no --media folder was given"
                self.report.missing_media.append(f"{attachment.file}: no --media folder given")
                continue
            captions = self.export.captions.get(attachment.id, [])
            image, problem = attachments.import_picture(
                attachment, self.media, captions, self.written
            )
            if image is None:
                self.refused[attachment.id] = problem
                self.report.missing_media.append(f"attachment {attachment.id}: {problem}")
                continue
            self.pictures[attachment.id] = image.pk
            self.record(ATTACHMENT, attachment.id, image.pk)
            self.report.count("pictures")
            self.report.count("credits made", hasattr(image, "credit"))
            if reason := attachments.credit_to_complete(image):
                self.report.credits_to_complete.append(f"{image.named()}: {reason}")
            if not image.alt_text:
                self.report.without_alt.append(image.named())

    def import_post(self, post, children):
        converted = bodies.convert(post.content, pictures=self.pictures, children=children)
        title = post.title and bodies.plain(post.title)
        named = f"“{title or 'Untitled'}” (post {post.id})"
        self.report.kept_shortcodes += [f"{named}: {code}" for code in converted.kept]
        self.report.linked += [f"{named}: {link}" for link in converted.linked]
        self.report.left_out += [
            f"{named}: attachment {n} ({self.refused.get(n, 'not in the export')})"
            for n in dict.fromkeys(converted.missing)
        ]
        self.report.count("galleries", converted.markdown.count("[[gallery "))
        section, tag_names = self.terms.section_and_tags(post)
        state = STATES[post.status]
        article = Article(
            headline=(title or "Untitled")[:200],
            slug=self.free_slug(post, title),
            standfirst=bodies.plain(post.excerpt),
            body=converted.markdown,
            section=section,
            status=state,
            hero_image_id=self.hero(post),
        )
        if state in Article.LIVE_STATUSES:
            article.published_at = post.date or timezone.now()
        elif state == Article.Status.SUBMITTED:
            article.submitted_at = post.modified or post.date or timezone.now()
        # The model's own save: the HTML, rendered and sanitised, the word count, a revision.
        article.save()
        byline = self.people.byline(post)
        for position, contributor in enumerate(byline):
            Byline(article=article, contributor=contributor, position=position).save()
        self.report.count("contributors named", len(byline))
        # One at a time: pages list the tags in the order they were added.
        for name in tag_names:
            article.tags.add(self.terms.tag(name))
        paths = reading.old_paths(post)
        taken = set(OldAddress.objects.filter(path__in=paths).values_list("path", flat=True))
        for path in paths:
            if path not in taken and len(path) <= 500:
                OldAddress(path=path, article=article).save()
                self.report.count("old addresses")
        self.record(POST, post.id, article.pk)
        if post.date:
            Article.objects.filter(pk=article.pk).update(created_at=post.date)
        self.report.count(state.value)

    def hero(self, post):
        number = post.meta.get("_thumbnail_id", "").strip()
        return self.pictures.get(int(number)) if number.isdigit() else None

    def free_slug(self, post, title):
        """The post's own slug if it is free here, else one made from it or its title."""
        base = slugify(reading.unquote(post.name))[:190].strip("-") or slugify(title)[:190]
        base = base.strip("-") or f"post-{post.id}"
        if not Article.objects.filter(slug=base).exists():
            return base
        return unique_slug(Article.objects, base, fallback=f"post-{post.id}", limit=190)

    def record(self, kind, source_id, object_id):
        ImportedItem.objects.create(
            site=self.site, kind=kind, source_id=str(source_id), object_id=object_id
        )
        self.done[kind][str(source_id)] = object_id
