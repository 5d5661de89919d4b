"""WordPress attachments as library pictures, with their alt text and their credits.

The file is read from a local copy of the site's wp-content/uploads folder, never fetched, and
only from inside it: a path with "..", an absolute path or a link leading out is refused. It
goes through the same checks as any upload (articles/images.py), and is stored re-encoded
under a generated name.

A credit is read, with the credit-line parser (articles/credits.py), from the first of these
that names a licence: the captions the site's posts give the picture in [caption]s, the
attachment's caption, its description. Fields it leaves blank are filled from credit plugins'
post meta (Media Credit, Better Image Credits, Image Source Control). A credit with no licence
or no creator cannot be made: what was read, and the old site's text, is kept on the picture
as its draft credit with a note, and the picture goes to the credit audit.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage

from ..credits import FIELD_NAMES, missing_for_license, parse_credit_line
from ..images import clean_upload
from ..links import problem_with
from ..models import Image, ImageCredit, image_upload_to

# Credit plugins' post meta, by the credit field each fills.
PLUGIN_META = {
    "creator": ("_media_credit", "_wp_attachment_source_name", "isc_image_source"),
    "creator_url": ("_media_credit_url", "_wp_attachment_source_url", "isc_image_source_url"),
    "license": ("_wp_attachment_license", "_wp_attachment_license_url", "isc_image_licence"),
}
# "Source: https://…" or "Via https://…" in a description: where the picture was taken from.
SOURCE = re.compile(r"(?:^|\b)(?:source|via|from|original)\s*:?\s*(https?://[^\s<>\"']+)", re.I)
ALT_META = "_wp_attachment_image_alt"


@dataclass
class Credit:
    """What an attachment's texts say of its credit."""

    fields: dict = field(default_factory=dict)
    # The picture's caption: its own, or a [caption]'s, when that is not its credit line.
    caption: str = ""
    # The old site's words, kept when they could not all be read into a credit.
    note: str = ""

    @property
    def complete_enough(self):
        """Whether a credit row can be made: it needs a licence and a creator."""
        return bool(self.fields.get("license") and self.fields.get("creator"))


def media_file(media, relative):
    """The attachment's file inside `media`, or (None, why not)."""
    if not relative:
        return None, "the export gives no file for it"
    path = PurePosixPath(relative.replace("\\", "/"))
    if path.is_absolute() or re.match(r"^[A-Za-z]:", relative) or ".." in path.parts:
        return None, f"its path {relative!r} leads outside the uploads folder: refused"
    if "\x00" in relative:
        return None, "its path holds a NUL character: refused"
    root = Path(media).resolve()
    found = (root / path).resolve()
    # A link inside the folder may lead anywhere: only what really lies inside it is read.
    if not found.is_relative_to(root):
        return None, f"{relative} is a link leading outside the uploads folder: refused"
    if not found.is_file():
        return None, f"{relative} is not in the uploads folder"
    return found, ""


def read_credit(attachment, captions):
    """The credit fields the attachment's texts give, its caption, and a note of the rest."""
    credit = Credit()
    texts = [*captions, attachment.caption, attachment.description]
    for text in texts:
        parsed = parse_credit_line(text) if text else None
        if parsed and parsed.license:
            credit.fields = parsed.fields()
            break
    for name, keys in PLUGIN_META.items():
        value = next(
            (attachment.meta[key].strip() for key in keys if attachment.meta.get(key, "").strip()),
            "",
        )
        if not value or credit.fields.get(name):
            continue
        if name == "license":
            value = parse_credit_line(value).license
        if value:
            credit.fields[name] = value
    if not credit.fields.get("source_url"):
        source = next((m[1] for t in texts if t and (m := SOURCE.search(t))), "")
        credit.fields["source_url"] = source.rstrip(".,;)")
    for name in ("creator_url", "source_url"):
        if credit.fields.get(name) and problem_with(credit.fields[name]):
            del credit.fields[name]
    credit.fields = {name: value for name, value in credit.fields.items() if value}
    # A caption that is not a credit line is the picture's caption.
    credit.caption = next(
        (
            text
            for text in (attachment.caption, *captions)
            if text and not parse_credit_line(text).license
        ),
        "",
    )
    if not credit.complete_enough or missing_for_license(ImageCredit(**_credit_fields(credit))):
        said = [f"{label}: “{text}”" for label, text in _sources(attachment, captions) if text]
        credit.note = "From the old site — " + "; ".join(said) if said else ""
    return credit


def _sources(attachment, captions):
    yield from (("in a post's [caption]", text) for text in captions)
    yield "caption", attachment.caption
    yield "description", attachment.description
    for keys in PLUGIN_META.values():
        for key in keys:
            yield key, attachment.meta.get(key, "").strip()


def _credit_fields(credit):
    values = {name: credit.fields.get(name, "") for name in FIELD_NAMES}
    values["changes"] = values["changes"] or "unmodified"
    for name, limit in (
        ("title", 300),
        ("creator", 200),
        ("permission_from", 200),
        ("changes", 200),
    ):
        values[name] = values[name][:limit]
    return values


def import_picture(attachment, media, captions, written):
    """Make the attachment a library picture; (Image, None) or (None, why not)."""
    path, problem = media_file(media, attachment.file)
    if path is None:
        return None, problem
    with File(path.open("rb"), name=path.name) as upload:
        try:
            clean = clean_upload(upload)
        except ValidationError as error:
            return None, f"{attachment.file} was refused: {' '.join(error.messages)}"
    credit = read_credit(attachment, captions)
    image = Image(
        alt_text=attachment.meta.get(ALT_META, "").strip()[:300],
        caption=credit.caption[:300],
    )
    name = default_storage.save(image_upload_to(image, clean.content.name), clean.content)
    written.append(name)
    image.file = name
    row = None
    if credit.complete_enough:
        row = ImageCredit(**_credit_fields(credit))
        try:
            row.full_clean(exclude=["image"])
        except ValidationError:
            row = None
    if row is None:
        image.draft_credit = (
            {**credit.fields, "note": credit.note} if credit.note else credit.fields
        )
    elif credit.note:
        image.draft_credit = {"note": credit.note}
    else:
        image.draft_credit = {}
    if row is not None:
        # Known before the picture's first save, as an editor's upload with its credit is.
        image.credit = row
    image.save()
    if row is not None:
        row.image = image
        row.save()
    if attachment.date:
        Image.objects.filter(pk=image.pk).update(uploaded_at=attachment.date)
    return image, None


def credit_to_complete(image):
    """Why the imported picture's credit needs an editor, or "" if it needs nothing."""
    credit = getattr(image, "credit", None)
    if credit is None:
        return "no credit could be read (the old site's words are kept as its note)"
    missing = missing_for_license(credit)
    return f"its credit lacks {', '.join(missing)}" if missing else ""
