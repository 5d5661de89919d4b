"""A picture in the export folder: its front matter read, and its file checked as an upload is.

A file in an export folder may have been added or changed by hand since it was written, so
the import trusts it no more than an editor's upload: the same checks, with the same messages.
"""

from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files import File
from PIL import Image as PILImage

from ..images import clean_upload
from ..links import problem_with
from ..models import Image
from .documents import CREDIT_FIELDS, IMAGES, Front, ImportProblem, Record, describe

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
    original = front.file_beside("file", folder / IMAGES, "picture file")
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
