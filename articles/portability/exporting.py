"""Export: every section, contributor, picture, piece, issue, series and masthead position,
written into a new folder."""

import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from operator import attrgetter
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Prefetch

from ..body_pictures import referenced_numbers
from ..models import (
    Article,
    Byline,
    Contributor,
    Correction,
    Image,
    Issue,
    Position,
    Section,
    Series,
    academic_year_label,
    academic_year_slug,
)
from .documents import (
    CONTRIBUTORS,
    CORRECTIONS,
    CREDIT_FIELDS,
    FORMAT,
    IMAGES,
    INDEX,
    ISSUES,
    MASTHEAD,
    PIECES,
    SECTIONS,
    SERIES,
    write_document,
)

FOLDERS = (SECTIONS, CONTRIBUTORS, IMAGES, PIECES, ISSUES, SERIES, MASTHEAD)
INDEX_TEXT = """\
This folder is a whole magazine, written by `manage.py export`. Each file is Markdown with
YAML front matter: sections/, contributors/ (the bio is the body), images/ (each picture's
credit, with its original file beside it), pieces/ (the Markdown body is the body; its
corrections and updates are in its front matter), issues/ (the editors' introduction is the
body; the print edition's PDF is beside it), series/ (the description is the body) and
masthead/ (one file for each academic year). In a body, [[picture 12]] shows the picture of
images/image-12.md, and [[gallery 12 13]] those of image-12 and image-13.
`manage.py import` reads it into an empty site.
"""


def export_magazine(folder, *, progress, warn=None):
    """Write the whole magazine into `folder`, new or empty, and return how many of each.

    `warn` is told of what the folder holds that an import will refuse.
    """
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise CommandError(f"{folder} is not an empty folder. Export into a new or empty one.")
    content = collect_content()
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and moved into place at the end: a failed export leaves nothing.
    # mkdtemp makes it private, which suits a folder holding drafts and notes to editors.
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.partial-"))
    try:
        for kind in FOLDERS:
            (staging / kind).mkdir()
        documents = list(export_documents(content))
        for document in progress(documents, unit="file", desc="Export"):
            document.write(staging)
        write_index(staging, content)
        if folder.exists():
            folder.rmdir()
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for warning in content.pictures_missing():
        if warn:
            warn(warning)
    return content.counts()


@dataclass
class Content:
    """Every row the export writes, read together."""

    sections: list
    contributors: list
    images: list
    pieces: list
    # (name, slug) of each piece's tags, by piece id, in the order they were given.
    tags: dict
    issues: list
    series: list
    positions: list

    def counts(self):
        return {
            SECTIONS: len(self.sections),
            CONTRIBUTORS: len(self.contributors),
            IMAGES: len(self.images),
            PIECES: len(self.pieces),
            ISSUES: len(self.issues),
            SERIES: len(self.series),
            MASTHEAD: len(self.positions),
            CORRECTIONS: sum(len(piece.corrections.all()) for piece in self.pieces),
        }

    def pictures_missing(self):
        """A sentence for each picture a body names that is not in the picture library (an
        editor deleted it): the body is exported as it is, and the import refuses it."""
        exported = {image.pk for image in self.images}
        return [
            f"{PIECES}/{piece.slug}.md shows picture {number}, which is no longer in the "
            "picture library: `manage.py import` refuses the folder until that line is taken "
            "out of the piece (here, or in the site and exported again)."
            for piece in self.pieces
            for number in referenced_numbers(piece.body)
            if number not in exported
        ]


def collect_content():
    """Read the whole magazine in one transaction, so that its parts agree."""
    # On SQLite the transaction holds the write lock, for the few queries only: the files are
    # copied after it. On PostgreSQL a repeatable read gives one moment without any lock.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return Content(
            sections=list(Section.objects.order_by("position", "name")),
            contributors=list(Contributor.objects.order_by("pk")),
            images=list(Image.objects.select_related("credit").order_by("uploaded_at", "pk")),
            pieces=list(
                Article.objects.defer("search_vector")
                .select_related("section", "issue", "series")
                .prefetch_related(
                    Prefetch("bylines", queryset=Byline.objects.select_related("contributor")),
                    "old_slugs",
                    # Removed ones too: a correction's removal, with its reason, is on record.
                    Prefetch(
                        "corrections", queryset=Correction.objects.order_by("published_at", "pk")
                    ),
                )
                .order_by("created_at", "pk")
            ),
            tags=tags_by_piece(),
            issues=list(Issue.objects.order_by("created_at", "pk")),
            series=list(Series.objects.order_by("created_at", "pk")),
            positions=list(
                Position.objects.select_related("contributor").order_by("year", "order", "pk")
            ),
        )


def tags_by_piece():
    """Each piece's tags in the order they were given, which is the order pages list them in."""
    tagged = Article.tags.through.objects.filter(
        content_type__app_label=Article._meta.app_label,
        content_type__model=Article._meta.model_name,
    )
    tags = defaultdict(list)
    rows = tagged.order_by("pk").values_list("object_id", "tag__name", "tag__slug")
    for piece, name, slug in rows:
        tags[piece].append((name, slug))
    return tags


@dataclass
class Document:
    """One file of the export: its place in the folder, front matter and body."""

    path: str
    front: dict
    body: str = ""
    comment: str = ""
    # For a picture or a print edition: its original in the media storage, copied beside it.
    original: str = ""
    original_path: str = ""
    original_what: str = "picture file"

    def write(self, folder):
        write_document(folder / self.path, self.front, self.body, self.comment)
        if self.original:
            try:
                with (
                    default_storage.open(self.original, "rb") as source,
                    (folder / self.original_path).open("wb") as copy,
                ):
                    shutil.copyfileobj(source, copy)
            except FileNotFoundError:
                raise CommandError(
                    f"The {self.original_what} {self.original} is missing from the media "
                    f"storage, so {self.path} cannot be exported. Nothing was exported."
                ) from None


def image_key(image_id):
    return f"image-{image_id}" if image_id else None


def export_documents(content):
    for section in content.sections:
        front = {"name": section.name, "slug": section.slug, "position": section.position}
        yield Document(f"{SECTIONS}/{section.slug}.md", front, section.description)
    for contributor in content.contributors:
        front = {
            "name": contributor.name,
            "slug": contributor.slug,
            "role": contributor.role,
            "pronouns": contributor.pronouns,
            "class_year": contributor.class_year,
            "links": contributor.links,
            "photo": image_key(contributor.photo_id),
        }
        yield Document(f"{CONTRIBUTORS}/{contributor.slug}.md", front, contributor.bio)
    for image in content.images:
        yield image_document(image)
    for piece in content.pieces:
        yield piece_document(piece, [name for name, _ in content.tags[piece.pk]])
    for issue in content.issues:
        yield issue_document(issue)
    for series in content.series:
        front = {
            "title": series.title,
            "slug": series.slug,
            "created_at": series.created_at,
            "updated_at": series.updated_at,
        }
        yield Document(f"{SERIES}/{series.slug}.md", front, series.description)
    for year, positions in groupby(content.positions, key=attrgetter("year")):
        front = {
            "year": year,
            "positions": [
                {"contributor": held.contributor.slug, "title": held.title, "order": held.order}
                for held in positions
            ],
        }
        yield Document(
            f"{MASTHEAD}/{academic_year_slug(year)}.md",
            front,
            comment=f"The masthead of {academic_year_label(year)}, in its order.",
        )


def image_document(image):
    key = image_key(image.pk)
    file_name = key + PurePosixPath(image.file.name).suffix.lower()
    credit = getattr(image, "credit", None)
    front = {
        "file": file_name,
        "stored_as": image.file.name,
        "alt_text": image.alt_text,
        "decorative": image.decorative,
        "caption": image.caption,
        **{name: getattr(image, name) for name in Image.CROP_FIELDS},
        "focal_x": image.focal_x,
        "focal_y": image.focal_y,
        "uploaded_at": image.uploaded_at,
        "credit": {name: getattr(credit, name) for name in CREDIT_FIELDS} if credit else None,
    }
    return Document(
        f"{IMAGES}/{key}.md",
        front,
        # For the reader of the file; the import makes the line again from the fields.
        comment=f"Image Credit: {credit.line()}" if credit else "No credit yet.",
        original=image.file.name,
        original_path=f"{IMAGES}/{file_name}",
    )


def piece_document(piece, tags):
    front = {
        "headline": piece.headline,
        "slug": piece.slug,
        "standfirst": piece.standfirst,
        "content_warning": piece.content_warning,
        # A contributor's early draft may have no section yet.
        "section": piece.section.slug if piece.section_id else "",
        "status": piece.status,
        "published_at": piece.published_at,
        "bylines": [
            {"contributor": byline.contributor.slug, "role": byline.role}
            for byline in piece.bylines.all()
        ],
        "tags": tags,
        "hero_image": image_key(piece.hero_image_id),
        "issue": piece.issue.slug if piece.issue_id else None,
        "issue_position": piece.issue_position,
        "series": piece.series.slug if piece.series_id else None,
        "series_position": piece.series_position,
        "note_to_editors": piece.note_to_editors,
        "created_at": piece.created_at,
        "updated_at": piece.updated_at,
        "submitted_at": piece.submitted_at,
        "own_work_declared_at": piece.own_work_declared_at,
        # A contributor's own draft stays theirs in the magazine it moves to.
        "with_contributors_only": piece.with_contributors_only,
        # Addresses it had once published, which readers' links may still use.
        "old_slugs": [
            {"slug": old.slug, "left_at": old.created_at} for old in piece.old_slugs.all()
        ],
        # In the order they were printed; one removed keeps its wording and the reason.
        "corrections": [
            {
                "kind": correction.kind,
                "published_at": correction.published_at,
                "text": correction.text,
                "removed_at": correction.removed_at,
                "removal_reason": correction.removal_reason,
            }
            for correction in piece.corrections.all()
        ],
    }
    # Its pictures are named by number, as images/image-<number>.md names them.
    return Document(f"{PIECES}/{piece.slug}.md", front, piece.body)


def issue_document(issue):
    edition = f"{issue.slug}.pdf" if issue.pdf else ""
    front = {
        "volume": issue.volume,
        "number": issue.number,
        "title": issue.title,
        "slug": issue.slug,
        "date": issue.date,
        "published": issue.published,
        "cover": image_key(issue.cover_id),
        # The print edition beside this file; the import checks it as an upload is checked.
        "pdf": edition,
        "created_at": issue.created_at,
        "updated_at": issue.updated_at,
    }
    return Document(
        f"{ISSUES}/{issue.slug}.md",
        front,
        issue.introduction,
        original=issue.pdf.name if edition else "",
        original_path=f"{ISSUES}/{edition}",
        original_what="print edition",
    )


def write_index(folder, content):
    tags = dict(tag for tags in content.tags.values() for tag in tags)
    front = {
        "format": FORMAT,
        "magazine": settings.MAGAZINE_NAME,
        "exported_at": datetime.now(UTC),
        "counts": content.counts(),
        # Tag pages are at /tags/<slug>/: the slugs come along so those addresses stay the same.
        "tags": [{"name": name, "slug": slug} for name, slug in sorted(tags.items())],
    }
    write_document(folder / INDEX, front, INDEX_TEXT)
