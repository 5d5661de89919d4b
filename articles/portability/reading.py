"""Reading an export folder: every file parsed and checked before anything is written."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone

from ..body_pictures import referenced_numbers
from ..links import validate_link_lines
from ..models import Correction
from ..pdfs import EXPORT_AGAIN, RESAVE, check_pdf
from .documents import (
    CONTRIBUTORS,
    CORRECTIONS,
    IMAGES,
    INDEX,
    ISSUES,
    MASTHEAD,
    PIECES,
    READABLE_FORMATS,
    SECTIONS,
    SERIES,
    Front,
    ImportProblem,
    Record,
    describe,
    read_document,
)
from .exporting import image_key
from .pictures import read_image


@dataclass
class Folder:
    """An export folder read whole: every record, each checked, in the order to create them."""

    sections: list
    images: list
    contributors: list
    pieces: list
    issues: list
    series: list
    masthead: list
    tag_slugs: dict


def read_folder(folder, progress):
    """Read and check every file of the folder, and what they name in each other."""
    index, _ = read_document(folder / INDEX, INDEX)
    index = Front(index, INDEX, ("format", "magazine", "exported_at", "counts", "tags"))
    if index.data.get("format") not in READABLE_FORMATS:
        raise index.problem(f"format {index.data.get('format')!r} is not one this version reads")
    tag_slugs = {}
    for tag in index.items("tags"):
        if not isinstance(tag, dict) or not isinstance(tag.get("name"), str):
            raise index.problem("each of tags should have a name and a slug")
        tag_slugs[tag["name"]] = str(tag.get("slug") or "")
    readers = {
        SECTIONS: read_section,
        IMAGES: read_image,
        CONTRIBUTORS: read_contributor,
        PIECES: read_piece,
        ISSUES: read_issue,
        SERIES: read_series,
        MASTHEAD: read_masthead,
    }
    records = {kind: [] for kind in readers}
    paths = [(kind, path) for kind in readers for path in sorted((folder / kind).glob("*.md"))]
    # Its own bar: checking the pictures as uploads are checked takes a while.
    for kind, path in progress(paths, unit="file", desc="Check"):
        where = f"{kind}/{path.name}"
        records[kind].append(readers[kind](folder, where, *read_document(path, where)))
    content = Folder(**records, tag_slugs=tag_slugs)
    # Created in the order they first were, so that ties in any listing fall the same way.
    content.images.sort(key=lambda record: record.times.get("uploaded_at") or timezone.now())
    for records in (content.pieces, content.issues, content.series):
        records.sort(key=lambda record: record.times.get("created_at") or timezone.now())
    content.masthead.sort(key=lambda record: record.fields["year"])
    check_references(content)
    return content


def read_section(folder, where, front, body):
    front = Front(front, where, ("name", "slug", "position"))
    fields = {
        "name": front.text("name", required=True),
        "slug": front.text("slug", required=True),
        "position": front.number("position") or 0,
        "description": body,
    }
    return Record(where, fields["slug"], fields)


def read_contributor(folder, where, front, body):
    front = Front(
        front, where, ("name", "slug", "role", "pronouns", "class_year", "links", "photo")
    )
    fields = {
        "name": front.text("name", required=True),
        "slug": front.text("slug", required=True),
        "role": front.text("role") or "Contributor",
        "pronouns": front.text("pronouns"),
        "class_year": front.number("class_year"),
        "links": front.text("links"),
        "bio": body,
    }
    try:
        validate_link_lines(fields["links"])
    except ValidationError as error:
        raise front.problem(f"links: {describe(error)}") from None
    return Record(where, fields["slug"], fields, refs={IMAGES: front.text("photo")})


def read_piece(folder, where, front, body):
    front = Front(
        front,
        where,
        (
            "headline",
            "slug",
            "standfirst",
            "content_warning",
            "section",
            "status",
            "published_at",
            "bylines",
            "tags",
            "hero_image",
            "issue",
            "issue_position",
            "series",
            "series_position",
            "note_to_editors",
            "created_at",
            "updated_at",
            "submitted_at",
            "own_work_declared_at",
            "with_contributors_only",
            "old_slugs",
            CORRECTIONS,
        ),
    )
    fields = {
        "headline": front.text("headline", required=True),
        "slug": front.text("slug", required=True),
        "standfirst": front.text("standfirst"),
        "content_warning": front.text("content_warning"),
        "body": body,
        "issue_position": front.number("issue_position") or 0,
        "series_position": front.number("series_position") or 0,
        "status": front.text("status", required=True),
        "published_at": front.moment("published_at"),
        "note_to_editors": front.text("note_to_editors"),
        "submitted_at": front.moment("submitted_at"),
        "own_work_declared_at": front.moment("own_work_declared_at"),
        "with_contributors_only": front.flag("with_contributors_only"),
    }
    return Record(
        where,
        fields["slug"],
        fields,
        refs={
            SECTIONS: front.text("section"),
            IMAGES: front.text("hero_image"),
            ISSUES: front.text("issue"),
            SERIES: front.text("series"),
        },
        times={"created_at": front.moment("created_at"), "updated_at": front.moment("updated_at")},
        bylines=read_bylines(front),
        tags=front.names("tags"),
        old_slugs=read_old_slugs(front),
        corrections=read_corrections(front),
        pictures=referenced_numbers(body),
    )


def read_bylines(front):
    return [
        (entry.text("contributor", required=True), entry.text("role"))
        for entry in entries(front, "bylines", ("contributor", "role"), "a contributor and a role")
    ]


def read_old_slugs(front):
    return [
        (entry.text("slug", required=True), entry.moment("left_at"))
        for entry in entries(
            front, "old_slugs", ("slug", "left_at"), "a slug and the date it was left"
        )
    ]


def read_corrections(front):
    """The piece's corrections and updates, in the order they were printed, removed ones too."""
    corrections = []
    fields = ("kind", "published_at", "text", "removed_at", "removal_reason")
    should_have = "a kind, a date (published_at) and a text"
    for entry in entries(front, CORRECTIONS, fields, should_have, each="correction"):
        correction = {
            "kind": entry.text("kind") or Correction.Kind.CORRECTION,
            "published_at": entry.moment("published_at"),
            "text": entry.text("text", required=True),
            "removed_at": entry.moment("removed_at"),
            "removal_reason": entry.text("removal_reason"),
        }
        if correction["kind"] not in Correction.Kind.values:
            kinds = " or ".join(Correction.Kind.values)
            raise entry.problem(f"kind should be {kinds}, not {correction['kind']!r}")
        if correction["published_at"] is None:
            raise entry.problem("published_at is missing: the date it was printed")
        # As in the admin: one is removed only with its reason, which stays in the record.
        if correction["removed_at"] and not correction["removal_reason"].strip():
            raise entry.problem("removed_at is given without a removal_reason")
        if correction["removal_reason"] and not correction["removed_at"]:
            raise entry.problem("removal_reason is given, but not when it was removed (removed_at)")
        corrections.append(correction)
    return corrections


def read_issue(folder, where, front, body):
    front = Front(
        front,
        where,
        (
            "volume",
            "number",
            "title",
            "slug",
            "date",
            "published",
            "cover",
            "pdf",
            "created_at",
            "updated_at",
        ),
    )
    fields = {
        "volume": front.number("volume", required=True),
        "number": front.number("number", required=True),
        "title": front.text("title", required=True),
        "slug": front.text("slug", required=True),
        "date": front.day("date", required=True),
        "published": front.flag("published"),
        "introduction": body,
    }
    edition = None
    if front.text("pdf"):
        edition = front.file_beside("pdf", folder / ISSUES, "print edition")
        check_edition(edition, where)
    return Record(
        where,
        fields["slug"],
        fields,
        refs={IMAGES: front.text("cover")},
        times={"created_at": front.moment("created_at"), "updated_at": front.moment("updated_at")},
        original=edition,
    )


def read_series(folder, where, front, body):
    front = Front(front, where, ("title", "slug", "created_at", "updated_at"))
    fields = {
        "title": front.text("title", required=True),
        "slug": front.text("slug", required=True),
        "description": body,
    }
    return Record(
        where,
        fields["slug"],
        fields,
        times={"created_at": front.moment("created_at"), "updated_at": front.moment("updated_at")},
    )


def read_masthead(folder, where, front, body):
    """One academic year's masthead: its positions in their order."""
    front = Front(front, where, ("year", "positions"))
    year = front.number("year", required=True)
    positions = [
        {
            "contributor": entry.text("contributor", required=True),
            "title": entry.text("title", required=True),
            "order": entry.number("order") or 0,
        }
        for entry in entries(
            front, "positions", ("contributor", "title", "order"), "a contributor and a title"
        )
    ]
    return Record(where, str(year), {"year": year}, positions=positions)


def entries(front, key, fields, should_have, each=""):
    """The mappings listed under `key`, each read as front matter of its own; with `each`
    (what one is called), a problem with one names it by its place: "correction 2"."""
    found = []
    for number, entry in enumerate(front.items(key), 1):
        if not isinstance(entry, dict):
            raise front.problem(f"each of {key} should have {should_have}")
        where = f"{front.where}, {each} {number}" if each else front.where
        found.append(Front(entry, where, fields))
    return found


def check_references(content):
    """Refuse two files with one slug, and a name of a section, person, picture, issue or
    series that is not there."""
    keys = {}
    for kind in (SECTIONS, IMAGES, CONTRIBUTORS, PIECES, ISSUES, SERIES, MASTHEAD):
        keys[kind] = {}
        for record in getattr(content, kind):
            if record.key in keys[kind]:
                named = "year" if kind == MASTHEAD else "slug"
                raise ImportProblem(
                    record.where, f"{record.key} is also the {named} of {keys[kind][record.key]}"
                )
            keys[kind][record.key] = record.where
    for record in content.pieces:
        for number in record.pictures:
            if image_key(number) not in keys[IMAGES]:
                raise ImportProblem(
                    record.where,
                    f"its text shows picture {number}, which was not exported with it "
                    f"(there is no {IMAGES}/{image_key(number)}.md)",
                )
    for record in content.masthead:
        for position in record.positions:
            if position["contributor"] not in keys[CONTRIBUTORS]:
                raise ImportProblem(
                    record.where,
                    f"its positions name {position['contributor']!r}, who has no contributor file",
                )
    for record in content.contributors + content.pieces + content.issues:
        for kind, key in record.refs.items():
            if key and key not in keys[kind]:
                raise ImportProblem(record.where, f"there is no {kind}/{key}.md for {key!r}")
        for contributor, _ in record.bylines:
            if contributor not in keys[CONTRIBUTORS]:
                raise ImportProblem(
                    record.where, f"its byline names {contributor!r}, who has no contributor file"
                )


def check_edition(path, where):
    """Check a print edition as an upload is checked: the same size limit, and nothing active."""
    with File(path.open("rb"), name=path.name) as upload:
        try:
            check_pdf(upload)
        except ValidationError as error:
            # "Nothing was saved" is an upload's ending; the import says what it did instead.
            problem = describe(error).replace(RESAVE, EXPORT_AGAIN)
            raise ImportProblem(
                where, f"its print edition {path.parent.name}/{path.name} was refused: {problem}"
            ) from None
