"""Renditions: the resized copies of a picture that pages and share cards actually send."""

from dataclasses import dataclass

from django.db import models
from django.db.models.fields.files import FieldFile


@dataclass(frozen=True)
class PictureSources:
    """The srcset of each format, and the JPEG a browser without srcset loads, for <picture>."""

    avif: str
    webp: str
    jpeg: str
    src: str
    width: int
    height: int


def picture_sources(renditions):
    """The picture's sources from its renditions, or None if some format is missing."""
    by_format = {}
    for rendition in renditions:
        if rendition.kind == Rendition.Kind.WIDTH:
            by_format.setdefault(rendition.format, []).append(rendition)
    if not all(by_format.get(format) for format in Rendition.Format.values):
        return None
    for same_format in by_format.values():
        same_format.sort(key=lambda rendition: rendition.width)
    jpegs = by_format[Rendition.Format.JPEG]
    # The mid-sized JPEG: sharp enough for a phone, not the weight of the widest.
    fallback = next((r for r in reversed(jpegs) if r.width <= 960), jpegs[0])
    return PictureSources(
        avif=srcset(by_format[Rendition.Format.AVIF]),
        webp=srcset(by_format[Rendition.Format.WEBP]),
        jpeg=srcset(jpegs),
        src=fallback.file.url,
        width=fallback.width,
        height=fallback.height,
    )


INDEXED_FIELDS = ("kind", "format", "width", "height")


@dataclass(frozen=True)
class IndexedRendition:
    """A rendition as a picture's index records it: a model instance would cost far more."""

    kind: str
    format: str
    width: int
    height: int
    file: FieldFile

    @property
    def content_type(self):
        return f"image/{self.format}"


class RenditionManager(models.Manager):
    def index(self, renditions):
        """The list Image.renditions_index keeps of these renditions."""
        return sorted(
            [*(getattr(rendition, field) for field in INDEXED_FIELDS), rendition.file.name]
            for rendition in renditions
        )

    def from_index(self, image):
        """The renditions the image's index lists, as much of them as a page needs, no query."""
        field = self.model._meta.get_field("file")
        return [
            IndexedRendition(kind, format, width, height, FieldFile(None, field, name))
            for kind, format, width, height, name in image.renditions_index
        ]


def srcset(renditions):
    return ", ".join(f"{rendition.file.url} {rendition.width}w" for rendition in renditions)


class Rendition(models.Model):
    """One resized, re-encoded copy of a picture, made when it is saved, never for a page."""

    class Kind(models.TextChoices):
        WIDTH = "width", "for a width on the page"
        SHARE = "share", "share card (Open Graph)"

    class Format(models.TextChoices):
        AVIF = "avif", "AVIF"
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    image = models.ForeignKey("Image", on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    format = models.CharField(max_length=4, choices=Format.choices)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file = models.FileField(upload_to="renditions/%Y/%m/", max_length=200)
    # What the rendition was made from (file, crop, focal point, licence terms, recipe):
    # when the picture's own fingerprint differs, the rendition is stale and made again.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RenditionManager()

    class Meta:
        ordering = ["kind", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "kind", "format", "width"], name="one_rendition_per_size"
            )
        ]

    def __str__(self):
        return f"{self.image_id}: {self.get_kind_display()}, {self.format}, {self.width} px"

    @property
    def content_type(self):
        return f"image/{self.format}"
