"""Upload safety for pictures: only modest, real pictures get in, re-encoded without metadata."""

import io
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_MEGABYTES = 20
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_FRAMES = 100
MAX_NAME_LENGTH = 255
EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif")
FORMATS = ["JPEG", "PNG", "WEBP", "AVIF", "GIF"]
ACCEPT = "image/jpeg,image/png,image/webp,image/avif,image/gif," + ",".join(EXTENSIONS)

# Each kept format is written again as itself, except a GIF: its first frame becomes a PNG.
SAVE_AS = {
    "JPEG": ("JPEG", "jpg", {"quality": 90, "optimize": True}),
    "PNG": ("PNG", "png", {"optimize": True}),
    "GIF": ("PNG", "png", {"optimize": True}),
    "WEBP": ("WEBP", "webp", {"quality": 90}),
    "AVIF": ("AVIF", "avif", {"quality": 80}),
}

KINDS = "JPEG, PNG, WebP, AVIF or GIF"
SAVE_AGAIN = f"Save it as {KINDS} and upload it again."
RESAVE = f"Open it in an image editor, save it again as {KINDS}, and upload it again."
SMALLER = "Save a smaller version and upload it again."
RENAME = "Rename the file to something plain, such as photo.jpg, and upload it again."
EMPTY = "This file is empty (0 bytes). Choose the picture again and upload it."
TOO_MANY_PIXELS = (
    f"This picture has too many pixels: the most we accept is {MAX_PIXELS // 1_000_000} "
    f"megapixels (for example 7700 × 5100). {SMALLER}"
)

# How common files that are not pictures we publish begin; text ones are matched in lower case.
TEXT_STARTS = [
    ((b"<!doctype html", b"<html"), "a web page (HTML)"),
    ((b"<svg", b"<?xml", b"<!doctype svg"), "an SVG file"),
]
BINARY_STARTS = [
    ((b"8BPS",), "a Photoshop (PSD) file"),
    ((b"II*\x00", b"MM\x00*"), "a TIFF file"),
    ((b"%!PS", b"\xc5\xd0\xd3\xc6"), "an EPS (PostScript) file"),
    ((b"%PDF",), "a PDF document"),
    ((b"BM",), "a BMP file"),
]
HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"hevx")

# A tag as a browser reads one: its name ends at a space, "/" or ">"; requiring that end keeps
# the chance of these few bytes turning up in a real photo's compressed data negligible.
MARKUP = re.compile(rb"<(?:script|html|iframe|svg|body)[\s/>]|<\?php|javascript:", re.IGNORECASE)

# Characters that reorder how a name is displayed, so "photo\u202egpj.exe" reads as "photoexe.jpg".
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u2066\u2067\u2068\u2069") | {
    chr(code) for code in range(0x202A, 0x202F)
}
RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{port}{n}" for port in ("COM", "LPT") for n in range(1, 10)]
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class CleanPicture:
    """A picture that passed every check: its re-encoded file, under a generated name."""

    content: ContentFile
    format: str
    width: int
    height: int


def clean_upload(uploaded_file):
    """Check an uploaded picture and return it re-encoded, or raise ValidationError saying why."""
    check_name(uploaded_file.name or "")
    if not uploaded_file.size:
        raise ValidationError(EMPTY, code="empty")
    if uploaded_file.size > MAX_BYTES:
        raise ValidationError(
            f"This file is {uploaded_file.size / 1024 / 1024:.1f} MB; the most we accept is "
            f"{MAX_MEGABYTES} MB. {SMALLER}",
            code="too_large",
        )
    uploaded_file.seek(0)
    # A byte past the limit is read, so a file whose stated size is wrong is caught here too.
    data = uploaded_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(f"This file is over {MAX_MEGABYTES} MB. {SMALLER}", code="too_large")
    kind = recognise(data)
    if kind:
        raise ValidationError(
            f"This is {kind}, not a picture we can publish. {SAVE_AGAIN}", code="not_a_picture"
        )
    check_extension(uploaded_file.name)
    if MARKUP.search(data):
        raise ValidationError(
            f"This file has web page code (markup or script) hidden in it. {RESAVE}",
            code="markup",
        )
    if data.startswith(PNG_SIGNATURE) and has_data_after_png_end(data):
        raise ValidationError(
            f"This PNG has extra data hidden after the end of the picture. {RESAVE}",
            code="trailing_data",
        )
    return decode_and_reencode(data)


def check_name(name):
    """Refuse a file name that could mislead a person or a file system."""
    if len(name) > MAX_NAME_LENGTH:
        reason = f"The file name is longer than {MAX_NAME_LENGTH} characters."
    elif "/" in name or "\\" in name or ".." in name:
        reason = "The file name contains a folder path or “..”."
    elif any(char in BIDI_CONTROLS for char in name):
        reason = (
            "The file name contains a character that reverses the text direction, which can "
            "disguise what kind of file it is."
        )
    elif any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in name):
        reason = "The file name contains an invisible control character."
    elif not name.strip():
        reason = "The file has no name."
    elif name.startswith("."):
        reason = "The file name starts with a dot, which hides a file on many computers."
    elif name.split(".")[0].strip().upper() in RESERVED_NAMES:
        reason = f"“{name.split('.')[0]}” is a name Windows keeps for devices, not files."
    else:
        return
    raise ValidationError(f"{reason} {RENAME}", code="bad_name")


def check_extension(name):
    """Refuse a name that does not end as a picture's does, so nothing is served as another type."""
    extension = PurePosixPath(name).suffix.lower()
    if extension not in EXTENSIONS:
        ends = f"ends in “{extension}”" if extension else "has no extension"
        raise ValidationError(
            f"The file name {ends}; a picture’s must end in .jpg, .jpeg, .png, .webp, .avif or "
            f".gif. {RENAME}",
            code="bad_extension",
        )


def recognise(data):
    """Name the kind of a file that is not a picture we publish, from its first bytes, or None."""
    text = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    for starts, kind in TEXT_STARTS:
        if text.startswith(starts):
            return kind
    for starts, kind in BINARY_STARTS:
        if data.startswith(starts):
            return kind
    if data[4:8] == b"ftyp" and data[8:12] in HEIC_BRANDS:
        return "a HEIC photo (the iPhone’s own format)"
    return None


def has_data_after_png_end(data):
    """Whether bytes follow a PNG's IEND chunk, walking the chunks without decompressing any."""
    position = len(PNG_SIGNATURE)
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        chunk_type = data[position + 4 : position + 8]
        position += 12 + length
        if chunk_type == b"IEND":
            return position < len(data)
    # Without an IEND the file is cut short; the decoder says so.
    return False


def decode_and_reencode(data):
    """Decode the picture within the limits and write its first frame again, metadata left out."""
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as im:
            # Opening reads only the header: refuse here, before any pixel is decoded.
            if im.size[0] * im.size[1] > MAX_PIXELS:
                raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels")
            # Counting frames reads each one's header, not its pixels.
            frames = getattr(im, "n_frames", 1)
            if frames > MAX_FRAMES:
                kind = "WebP" if im.format == "WEBP" else im.format
                raise ValidationError(
                    f"This {kind} has {frames} frames; we accept animations of at most "
                    f"{MAX_FRAMES} frames, and publish only the first. Upload a still picture.",
                    code="too_many_frames",
                )
            im.seek(0)
            im.load()
            return reencode(im)
    except ValidationError:
        raise
    # Pillow's own limit may stop it first; a warning is raised when warnings are errors.
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels") from error
    except UnidentifiedImageError as error:
        raise ValidationError(
            f"We could not read this file as a picture. {SAVE_AGAIN}", code="unreadable"
        ) from error
    # Pillow's decoders fail in many ways (OSError, SyntaxError, ValueError, struct.error…) on
    # a damaged file; every one of them is the uploader's problem to fix, never a server error.
    except Exception as error:
        raise ValidationError(
            f"This picture is damaged or incomplete, so we cannot read it. {RESAVE}",
            code="damaged",
        ) from error


def reencode(im):
    """Write the decoded picture in its own format, turned upright, with only its colour profile."""
    save_format, extension, options = SAVE_AS[im.format]
    source_mode = im.mode
    icc_profile = im.info.get("icc_profile")
    picture = im
    ImageOps.exif_transpose(picture, in_place=True)
    if save_format == "JPEG" and picture.mode not in ("L", "RGB"):
        picture = picture.convert("RGB")
    elif "transparency" in picture.info:
        # The transparent colour lives in the metadata about to be cleared: move it into pixels.
        picture = picture.convert("RGBA")
    # A profile describes one colour space; after a change of space it would misdescribe it.
    if source_mode == "CMYK" or Image.getmodebase(source_mode) != Image.getmodebase(picture.mode):
        icc_profile = None
    # EXIF (GPS, camera, serial numbers), XMP, IPTC and comments all live here: none is kept.
    picture.info = {}
    if icc_profile:
        options = {**options, "icc_profile": icc_profile}
    buffer = io.BytesIO()
    picture.save(buffer, save_format, **options)
    return CleanPicture(
        content=ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}"),
        format=save_format,
        width=picture.width,
        height=picture.height,
    )


class CheckedFileField(forms.FileField):
    """A file field whose new upload must pass `check`; `accept` tells the file chooser what
    to offer."""

    accept = ""

    def check(self, upload):
        raise NotImplementedError

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = self.accept
        return attrs

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return upload
        return self.check(upload)


class PictureField(CheckedFileField):
    """A file field that accepts only a safe picture and cleans to its CleanPicture."""

    default_error_messages = {"empty": EMPTY}
    accept = ACCEPT

    def check(self, upload):
        return clean_upload(upload)
