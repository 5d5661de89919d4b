"""Renditions: resized AVIF, WebP and JPEG copies of each picture, and its share card.

They are made once a picture (or its credit) is saved and committed (articles/derived.py),
never while a page is being served, so that a reader only ever downloads a file sized for
their screen. The first half of this module works on a Pillow image alone (the benchmark calls
it without a database); the second half keeps the Rendition rows and files in step with it.
"""

import hashlib
import io
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps

from .models import Image, Rendition

# Plain strings, as stored in Rendition.kind and .format, so that fingerprints hash the same.
WIDTH = "width"
SHARE = "share"
KINDS = (WIDTH, SHARE)
# Enough steps that a phone, a laptop and a large 2x screen each get a file close to its need.
WIDTHS = (480, 960, 1440, 1920)
FORMATS = ("avif", "webp", "jpeg")
# Settings at which a photograph looks the same as its original at reading distance. AVIF at
# speed 8, not 7: on a 12-megapixel photograph 2.5 times as fast for 3 % more bytes.
ENCODINGS = {
    "avif": {"format": "AVIF", "quality": 55, "speed": 8},
    "webp": {"format": "WEBP", "quality": 78, "method": 5},
    "jpeg": {"format": "JPEG", "quality": 80, "progressive": True, "optimize": True},
}
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}
# The size Facebook, LinkedIn and Mastodon crop link previews to.
SHARE_SIZE = (1200, 630)
# A neutral grey that sits quietly beside a picture of any colour, on light or dark feeds.
LETTERBOX_COLOUR = (48, 48, 48)
# Transparent pixels become the page's paper colour: JPEG cannot keep them.
PAPER_COLOUR = (253, 252, 249)
# Part of every fingerprint: change it when the recipe changes, and `manage.py renditions`
# remakes every picture's renditions.
RECIPE = 1


# The pictures themselves, with Pillow alone.


@dataclass(frozen=True)
class Encoded:
    """One rendition as bytes, before it has a file or a row."""

    kind: str
    format: str
    width: int
    height: int
    data: bytes


def prepare(original):
    """The original upright, in RGB, carrying no metadata but its colour profile."""
    picture = ImageOps.exif_transpose(original)
    icc_profile = original.info.get("icc_profile")
    if picture.mode not in ("RGB", "RGBA") and icc_profile:
        # A CMYK or grey profile does not describe RGB pixels: convert through it to sRGB.
        try:
            picture = ImageCms.profileToProfile(
                picture,
                ImageCms.ImageCmsProfile(io.BytesIO(icc_profile)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            picture = picture.convert("RGB")
        icc_profile = None
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        picture = picture.convert("RGBA")
        flat = PILImage.new("RGB", picture.size, PAPER_COLOUR)
        flat.paste(picture, mask=picture.getchannel("A"))
        picture = flat
    elif picture.mode != "RGB":
        picture = picture.convert("RGB")
        icc_profile = None
    # EXIF (with GPS and camera serials), XMP and comments stay behind; the profile keeps colours.
    picture.info.clear()
    if icc_profile:
        picture.info["icc_profile"] = icc_profile
    return picture


def clamp_crop(crop_box, size):
    """The crop box inside the picture, or None if nothing of it is left."""
    if not crop_box:
        return None
    width, height = size
    left, top, right, bottom = crop_box
    left, right = max(0, min(left, width)), max(0, min(right, width))
    top, bottom = max(0, min(top, height)), max(0, min(bottom, height))
    return (left, top, right, bottom) if left < right and top < bottom else None


def widths_for(width):
    """The rendition widths for a picture this wide: none wider than it, always at least one."""
    below = [step for step in WIDTHS if step < width]
    return sorted({*below, min(width, WIDTHS[-1])})


def resize_to_width(picture, width):
    """The picture scaled to this width, in proportion."""
    if width == picture.width:
        return picture
    height = max(1, round(picture.height * width / picture.width))
    # reducing_gap halves the time of a large reduction with no difference one can see.
    return picture.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)


def share_card(picture, *, letterbox, focal=(0.5, 0.5)):
    """A SHARE_SIZE card: the whole picture on a grey ground, or cut around the focal point."""
    card_width, card_height = SHARE_SIZE
    if letterbox:
        scale = min(card_width / picture.width, card_height / picture.height)
        size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
        fitted = picture.resize(size, PILImage.Resampling.LANCZOS, reducing_gap=3.0)
        card = PILImage.new("RGB", SHARE_SIZE, LETTERBOX_COLOUR)
        card.paste(fitted, ((card_width - size[0]) // 2, (card_height - size[1]) // 2))
        card.info.update(picture.info)
        return card
    # The largest window of the card's shape inside the picture, centred on the focal point
    # as far as the edges allow.
    ratio = card_width / card_height
    if picture.width / picture.height > ratio:
        window = (picture.height * ratio, picture.height)
    else:
        window = (picture.width, picture.width / ratio)
    focal_x, focal_y = focal
    left = min(max(focal_x * picture.width - window[0] / 2, 0), picture.width - window[0])
    top = min(max(focal_y * picture.height - window[1] / 2, 0), picture.height - window[1])
    box = (left, top, left + window[0], top + window[1])
    return picture.resize(SHARE_SIZE, PILImage.Resampling.LANCZOS, box=box, reducing_gap=3.0)


def encode(picture, format):
    """The picture encoded in one of FORMATS, with its colour profile and nothing else."""
    options = dict(ENCODINGS[format])
    if picture.info.get("icc_profile"):
        options["icc_profile"] = picture.info["icc_profile"]
    buffer = io.BytesIO()
    picture.save(buffer, **options)
    return buffer.getvalue()


def render(original, *, crop_box=None, letterbox=False, focal=None, kinds=KINDS):
    """Encode each rendition of the original in turn: the widths in every format, then the card."""
    # The focal point is a fraction of the whole picture, where the editor chose it; with a
    # crop it is moved into the crop. None means the centre of what is shown.
    picture = prepare(original)
    crop_box = clamp_crop(crop_box, picture.size)
    if crop_box:
        left, top, right, bottom = crop_box
        if focal:
            focal = (
                (focal[0] * picture.width - left) / (right - left),
                (focal[1] * picture.height - top) / (bottom - top),
            )
        picture = picture.crop(crop_box)
    focal = focal or (0.5, 0.5)
    if WIDTH in kinds:
        for width in widths_for(picture.width):
            resized = resize_to_width(picture, width)
            for format in FORMATS:
                data = encode(resized, format)
                yield Encoded(WIDTH, format, resized.width, resized.height, data)
    if SHARE in kinds:
        card = share_card(picture, letterbox=letterbox, focal=focal)
        yield Encoded(SHARE, "jpeg", *card.size, encode(card, "jpeg"))


# Keeping the renditions of each picture in step with it.


def derivatives_allowed(image):
    """Whether the picture's licence lets us crop it; no credit yet, or an unknown one, says no."""
    return image.allows_derivatives


@dataclass(frozen=True)
class Recipe:
    """What a picture's renditions are made from, as the licence allows it."""

    file_name: str
    crop_box: tuple | None
    letterbox: bool
    focal: tuple | None

    @classmethod
    def for_image(cls, image):
        derivatives = derivatives_allowed(image)
        focal = None
        if derivatives and image.has_focal_point:
            focal = (
                0.5 if image.focal_x is None else image.focal_x,
                0.5 if image.focal_y is None else image.focal_y,
            )
        return cls(
            file_name=image.file.name,
            # NoDerivatives: resized in proportion only, whatever crop is on record.
            crop_box=image.crop_box if derivatives else None,
            letterbox=not derivatives,
            focal=focal,
        )

    def fingerprint(self, kind):
        # Each kind hashes only what changes it: a new licence with no crop leaves the
        # width renditions as they are and remakes only the share card.
        if kind == WIDTH:
            parts = (RECIPE, kind, self.file_name, self.crop_box, WIDTHS, ENCODINGS)
        else:
            parts = (RECIPE, kind, self.file_name, self.crop_box, self.letterbox, self.focal)
            parts += (SHARE_SIZE, ENCODINGS["jpeg"])
        return hashlib.sha256(repr(parts).encode()).hexdigest()


def stale_kinds(image):
    """The kinds of rendition the picture lacks, or has made from something it no longer is."""
    recipe = Recipe.for_image(image)
    existing = list(image.renditions.all())
    stale = []
    for kind in KINDS:
        rows = [rendition for rendition in existing if rendition.kind == kind]
        fingerprint = recipe.fingerprint(kind)
        if not rows or any(rendition.fingerprint != fingerprint for rendition in rows):
            stale.append(kind)
        elif kind == WIDTH:
            widths = {rendition.width for rendition in rows}
            made = {(rendition.format, rendition.width) for rendition in rows}
            if made != {(format, width) for format in FORMATS for width in widths}:
                stale.append(kind)
    return stale


def make_renditions(image, kinds=KINDS):
    """Make the picture's renditions of these kinds afresh, or raise having kept no new file."""
    # Raising lets the caller's transaction roll back; the files already written go first,
    # so nothing half-made is left behind.
    if not image.file:
        delete_renditions(image)
        return []
    recipe = Recipe.for_image(image)
    storage = image.file.storage
    # Read from storage, not the field's file: an upload just saved may already be closed.
    with storage.open(image.file.name, "rb") as stored:
        original = PILImage.open(stored)
        original.load()
    # A new name for every batch, so that no cache ever serves an old crop under it.
    stem = uuid.uuid4().hex
    made = []
    try:
        encoded = render(
            original,
            crop_box=recipe.crop_box,
            letterbox=recipe.letterbox,
            focal=recipe.focal,
            kinds=kinds,
        )
        for item in encoded:
            rendition = Rendition(
                image=image,
                kind=item.kind,
                format=item.format,
                width=item.width,
                height=item.height,
                fingerprint=recipe.fingerprint(item.kind),
            )
            suffix = "share" if item.kind == SHARE else f"{item.width}w"
            name = f"{stem}-{suffix}.{EXTENSIONS[item.format]}"
            rendition.file.save(name, ContentFile(item.data), save=False)
            made.append(rendition)
        with transaction.atomic():
            # Two saves of one picture at once would otherwise both insert the same sizes.
            Image.objects.select_for_update().filter(pk=image.pk).exists()
            image.renditions.filter(kind__in=kinds).delete()
            Rendition.objects.bulk_create(made)
            record_index(image, Rendition.objects.filter(image=image))
    except BaseException:
        for rendition in made:
            rendition.file.storage.delete(rendition.file.name)
        raise
    return made


def ensure_renditions(image):
    """Make whatever renditions the picture lacks or has outgrown; nothing if all are current."""
    kinds = stale_kinds(image)
    if kinds:
        return make_renditions(image, kinds)
    # Saved from a copy loaded before its renditions were last made, the index may be behind.
    record_index(image, Rendition.objects.filter(image=image))
    return []


def delete_renditions(image):
    """Delete the picture's renditions: the rows now, their files once the deletion commits."""
    Rendition.objects.filter(image=image).delete()
    record_index(image, [])


def record_index(image, renditions):
    """Keep the picture's list of its renditions in step with the rows, for the pages."""
    index = Rendition.objects.index(renditions)
    if index != image.renditions_index:
        image.renditions_index = index
        Image.objects.filter(pk=image.pk).update(renditions_index=index)
