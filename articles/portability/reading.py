"""Reading an export folder: every file parsed and checked before anything is written."""

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone
from PIL import Image as PILImage

from ..images import clean_upload
from ..links import problem_with, validate_link_lines
from ..models import Image
from .documents import (
    CONTRIBUTORS,
    CREDIT_FIELDS,
    FORMAT,
    IMAGES,
    INDEX,
    PIECES,
    SECTIONS,
    Front,
    ImportProblem,
    describe,
    read_document,
)

# What a picture file may carry and still be kept byte for byte: how to decode and show it.
# Anything else (EXIF with its GPS, XMP, IPTC, comments) has the file re-encoded as an upload is.
PICTURE_INFO_KEPT = {
    "adobe",
    "adobe_transform",
    "aspect",
    "background",
    "chromaticity",
    "dpi",
    "duration",
    "gamma",
    "icc_profile",
    "interlace",
    "jfif",
    "jfif_density",
    "jfif_unit",
    "jfif_version",
    "loop",
    "progression",
    "progressive",
    "srgb",
    "transparency",
}


@dataclass
class Record:
    """One file read and checked: the model's fields, and what it names in other files."""

    where: str
    key: str
    fields: dict
    refs: dict = field(default_factory=dict)
    # Set by the models' saves (auto_now and the like); put back once everything is saved.
    times: dict = field(default_factory=dict)
    bylines: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    old_slugs: list = field(default_factory=list)
    credit: dict | None = None
    original: Path | None = None
    stored_as: str = ""
    reencoded: File | None = None


@dataclass
class Folder:
    """An export folder read whole: every record, each checked, in the order to create them."""

    sections: list
    images: list
    contributors: list
    pieces: list
    tag_slugs: dict


def read_folder(folder, progress):
    """Read and check every file of the folder, and what they name in each other."""
    index, _ = read_document(folder / INDEX, INDEX)
    index = Front(index, INDEX, ("format", "magazine", "exported_at", "counts", "tags"))
    if index.data.get("format") != FORMAT:
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
    content.pieces.sort(key=lambda record: record.times.get("created_at") or timezone.now())
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
    front = Front(front, where, ("name", "slug", "role", "pronouns", "links", "photo"))
    fields = {
        "name": front.text("name", required=True),
        "slug": front.text("slug", required=True),
        "role": front.text("role") or "Contributor",
        "pronouns": front.text("pronouns"),
        "links": front.text("links"),
        "bio": body,
    }
    try:
        validate_link_lines(fields["links"])
    except ValidationError as error:
        raise front.problem(f"links: {describe(error)}") from None
    return Record(where, fields["slug"], fields, refs={IMAGES: front.text("photo")})


def read_image(folder, where, front, body):
    front = Front(
        front,
        where,
        (
            "file",
            "stored_as",
            "alt_text",
            "decorative",
            "caption",
            *Image.CROP_FIELDS,
            "focal_x",
            "focal_y",
            "uploaded_at",
            "credit",
        ),
    )
    fields = {
        "alt_text": front.text("alt_text"),
        "decorative": front.flag("decorative"),
        "caption": front.text("caption"),
        **{name: front.number(name) for name in Image.CROP_FIELDS},
        "focal_x": front.fraction("focal_x"),
        "focal_y": front.fraction("focal_y"),
    }
    name = front.text("file", required=True)
    if PurePosixPath(name).name != name or "\\" in name or name.startswith("."):
        raise front.problem(f"file should name a file beside it in {IMAGES}/, not {name!r}")
    original = folder / IMAGES / name
    if not original.is_file():
        raise front.problem(f"its picture file {IMAGES}/{name} is missing")
    return Record(
        where,
        PurePosixPath(where).stem,
        fields,
        times={"uploaded_at": front.moment("uploaded_at")},
        credit=read_credit(front),
        original=original,
        stored_as=read_stored_name(front),
        reencoded=checked_picture(original, where),
    )


def read_credit(front):
    credit = front.data.get("credit")
    if credit is None:
        return None
    if not isinstance(credit, dict):
        raise front.problem("credit should be a list of the credit's fields")
    credit = Front(credit, front.where, CREDIT_FIELDS)
    values = {name: credit.text(name) for name in CREDIT_FIELDS}
    for name in ("creator_url", "source_url"):
        if values[name] and (problem := problem_with(values[name])):
            raise front.problem(f"credit {name}: {problem}")
    # As the model's default: a credit that says nothing of changes states none were made.
    if "changes" not in credit.data:
        values["changes"] = "unmodified"
    return values


def read_stored_name(front):
    """The picture's name in the media storage, kept so its address stays the same."""
    name = front.text("stored_as")
    path = PurePosixPath(name)
    if name and (path.is_absolute() or ".." in path.parts or "\\" in name):
        raise front.problem(f"stored_as should be a name inside the media storage, not {name!r}")
    return name


def checked_picture(path, where):
    """Check the picture as an upload is checked; a re-encoded copy if it carries metadata."""
    with File(path.open("rb"), name=path.name) as upload:
        try:
            clean = clean_upload(upload)
        except ValidationError as error:
            raise ImportProblem(where, f"its picture file was refused: {describe(error)}") from None
    with PILImage.open(path) as picture:
        carries_metadata = bool(set(picture.info) - PICTURE_INFO_KEPT) or bool(picture.getexif())
    # A picture as this site stored it is kept byte for byte; one added by hand, with a
    # camera's EXIF (GPS and all), is stored as an upload would be: re-encoded without it.
    return clean.content if carries_metadata else None


def read_piece(folder, where, front, body):
    front = Front(
        front,
        where,
        (
            "headline",
            "slug",
            "standfirst",
            "section",
            "status",
            "published_at",
            "bylines",
            "tags",
            "hero_image",
            "note_to_editors",
            "created_at",
            "updated_at",
            "submitted_at",
            "own_work_declared_at",
            "with_contributors_only",
            "old_slugs",
        ),
    )
    fields = {
        "headline": front.text("headline", required=True),
        "slug": front.text("slug", required=True),
        "standfirst": front.text("standfirst"),
        "body": body,
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
        refs={SECTIONS: front.text("section"), IMAGES: front.text("hero_image")},
        times={"created_at": front.moment("created_at"), "updated_at": front.moment("updated_at")},
        bylines=read_bylines(front),
        tags=front.names("tags"),
        old_slugs=read_old_slugs(front),
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


def entries(front, key, fields, should_have):
    """The mappings listed under `key`, each read as front matter of its own."""
    found = []
    for entry in front.items(key):
        if not isinstance(entry, dict):
            raise front.problem(f"each of {key} should have {should_have}")
        found.append(Front(entry, front.where, fields))
    return found


def check_references(content):
    """Refuse two files with one slug, and a name of a section, person or picture not there."""
    keys = {}
    for kind in (SECTIONS, IMAGES, CONTRIBUTORS, PIECES):
        keys[kind] = {}
        for record in getattr(content, kind):
            if record.key in keys[kind]:
                raise ImportProblem(
                    record.where, f"{record.key} is also the slug of {keys[kind][record.key]}"
                )
            keys[kind][record.key] = record.where
    for record in content.contributors + content.pieces:
        for kind, key in record.refs.items():
            if key and key not in keys[kind]:
                raise ImportProblem(record.where, f"there is no {kind}/{key}.md for {key!r}")
        for contributor, _ in record.bylines:
            if contributor not in keys[CONTRIBUTORS]:
                raise ImportProblem(
                    record.where, f"its byline names {contributor!r}, who has no contributor file"
                )
