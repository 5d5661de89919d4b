"""Export: every section, contributor, picture and piece, written into a new folder."""

import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Prefetch

from ..models import Article, Byline, Contributor, Image, Section
from .documents import (
    CONTRIBUTORS,
    CREDIT_FIELDS,
    FORMAT,
    IMAGES,
    INDEX,
    PIECES,
    SECTIONS,
    write_document,
)

INDEX_TEXT = """\
This folder is a whole magazine, written by `manage.py export`. Each file is Markdown with
YAML front matter: sections/, contributors/ (the bio is the body), images/ (each picture's
credit, with its original file beside it) and pieces/ (the Markdown body is the body).
`manage.py import` reads it into an empty site.
"""


def export_magazine(folder, *, progress):
    """Write the whole magazine into `folder`, new or empty, and return how many of each."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise CommandError(f"{folder} is not an empty folder. Export into a new or empty one.")
    content = collect_content()
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and moved into place at the end: a failed export leaves nothing.
    # mkdtemp makes it private, which suits a folder holding drafts and notes to editors.
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.partial-"))
    try:
        for kind in (SECTIONS, CONTRIBUTORS, IMAGES, PIECES):
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

    def counts(self):
        return {
            SECTIONS: len(self.sections),
            CONTRIBUTORS: len(self.contributors),
            IMAGES: len(self.images),
            PIECES: len(self.pieces),
        }


def collect_content():
    """Read every section, contributor, picture and piece in one transaction, so they agree."""
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
                .select_related("section")
                .prefetch_related(
                    Prefetch("bylines", queryset=Byline.objects.select_related("contributor")),
                    "old_slugs",
                )
                .order_by("created_at", "pk")
            ),
            tags=tags_by_piece(),
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
    # For a picture: its original in the media storage, copied beside its file.
    original: str = ""
    original_path: str = ""

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
                    f"The picture file {self.original} is missing from the media storage, so "
                    f"{self.path} cannot be exported. Nothing was exported."
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
            "links": contributor.links,
            "photo": image_key(contributor.photo_id),
        }
        yield Document(f"{CONTRIBUTORS}/{contributor.slug}.md", front, contributor.bio)
    for image in content.images:
        yield image_document(image)
    for piece in content.pieces:
        yield piece_document(piece, [name for name, _ in content.tags[piece.pk]])


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
    }
    return Document(f"{PIECES}/{piece.slug}.md", front, piece.body)


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
