"""Pictures and their credits: the file, how it may be shown, and the terms it came under."""

import uuid
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from .. import licenses
from ..links import safe_href
from .renditions import Rendition, picture_sources


def image_upload_to(instance, filename):
    # Never keep the uploader's file name: it may carry a path, a person's name or worse.
    extension = PurePosixPath(filename).suffix.lower().lstrip(".")[:5] or "bin"
    today = timezone.now()
    return f"images/{today:%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Image(models.Model):
    file = models.ImageField(upload_to=image_upload_to, width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    alt_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the picture shows, for readers who cannot see it. "
        "Describe it; do not repeat the caption.",
    )
    decorative = models.BooleanField(
        default=False,
        help_text="Tick only if the picture adds nothing a reader would miss: it then has no "
        "alt text, and screen readers skip it.",
    )
    caption = models.CharField(
        max_length=300, blank=True, help_text="Shown under the picture, above the credit."
    )
    # A contributor's credit still being written (the creator or licence not given yet), kept so
    # that what they typed is not lost; the credit row is made once it is complete.
    draft_credit = models.JSONField(default=dict, blank=True, editable=False)
    # The part of the original to show, in its pixels; empty for the whole picture.
    crop_left = models.PositiveIntegerField(null=True, blank=True)
    crop_top = models.PositiveIntegerField(null=True, blank=True)
    crop_right = models.PositiveIntegerField(null=True, blank=True)
    crop_bottom = models.PositiveIntegerField(null=True, blank=True)
    focal_x = models.FloatField(
        "focal point, across",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Where to keep in view when the picture is cut to a share card: "
        "0 is the left edge, 1 the right. Empty for the centre.",
    )
    focal_y = models.FloatField(
        "focal point, down",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the top edge, 1 the bottom. Empty for the centre.",
    )
    # The renditions made of this picture (kind, format, size, file name), kept beside it so
    # that a page shows a picture without a query of its own. The Rendition rows stay the record;
    # articles/renditions.py rewrites this list whenever they change.
    renditions_index = models.JSONField(default=list, blank=True, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    CROP_FIELDS = ("crop_left", "crop_top", "crop_right", "crop_bottom")

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.caption or self.alt_text or f"Picture {self.pk}"

    def made_renditions(self):
        """The picture's renditions as its index lists them, without a query."""
        # Read once per page: the picture, its share card and the JSON-LD all ask.
        made = self.__dict__.get("_made_renditions")
        if made is None or made[0] is not self.renditions_index:
            made = (self.renditions_index, Rendition.objects.from_index(self))
            self.__dict__["_made_renditions"] = made
        return made[1]

    def picture_sources(self):
        """The srcset of each format for <picture>, or None while there are no renditions."""
        return picture_sources(self.made_renditions())

    def renditions_summary(self):
        """What pages send of the picture: its renditions, or its original until they are made."""
        made = self.made_renditions()
        if not made:
            # They are made once the save commits, before the editor's page comes back; a
            # failure is logged, and the site tries again each time it starts.
            return (
                "None yet: pages show the original until they are made. They are made once the "
                "picture is saved, and again when the site starts if that failed."
            )
        widths = sorted({r.width for r in made if r.kind == Rendition.Kind.WIDTH})
        return (
            f"{len(made)} files: {', '.join(map(str, widths))} px wide in AVIF, WebP and JPEG, "
            "and the share card."
        )

    def share_card(self):
        """The Open Graph card among the renditions, or None."""
        return next((r for r in self.made_renditions() if r.kind == Rendition.Kind.SHARE), None)

    def clean(self):
        if not self.decorative and not self.alt_text.strip():
            raise ValidationError(
                {"alt_text": "Describe the picture for readers who cannot see it, or mark it "
                 "as decorative if it adds nothing they would miss."}
            )  # fmt: skip
        if self.decorative:
            self.alt_text = ""
        self.clean_crop()

    def clean_crop(self):
        """Refuse a crop that is half given, inside out, or larger than the picture."""
        given = [getattr(self, name) is not None for name in self.CROP_FIELDS]
        if any(given) and not all(given):
            raise ValidationError("Give all four sides of the crop, or none of them.")
        box = self.crop_box
        if box and not (box[0] < box[2] and box[1] < box[3]):
            raise ValidationError("The crop's right and bottom must lie beyond its left and top.")
        if box and self.width and (box[2] > self.width or box[3] > self.height):
            raise ValidationError(
                f"The crop goes past the picture, which is {self.width} × {self.height} px."
            )

    @property
    def crop_box(self):
        """(left, top, right, bottom) in the original's pixels, or None for the whole picture."""
        box = tuple(getattr(self, name) for name in self.CROP_FIELDS)
        return None if None in box else box

    @property
    def has_focal_point(self):
        return self.focal_x is not None or self.focal_y is not None

    @property
    def allows_derivatives(self):
        """Whether the licence lets us crop the picture: no credit, or an unknown one, says no."""
        try:
            credit = self.credit
        except ObjectDoesNotExist:
            return False
        terms = licenses.LICENSES.get(credit.license)
        return bool(terms and terms.derivatives)

    def fit_classes(self):
        """The classes that say how a box may cut the picture: never, or around its focal point."""
        # Pages may not carry style attributes (the CSP), so the focal point goes to the CSS
        # in quarters of the picture, fine enough for a card's sliver of cropping.
        if not self.allows_derivatives:
            return "picture--whole"
        if not self.has_focal_point:
            return ""
        across, down = self.shown_focal_point()
        return f"focus-x{round(across * 4)} focus-y{round(down * 4)}"

    def shown_focal_point(self):
        """The focal point as fractions of the picture as shown, that is inside its crop."""
        across = 0.5 if self.focal_x is None else self.focal_x
        down = 0.5 if self.focal_y is None else self.focal_y
        box = self.crop_box
        if box and self.width and self.height:
            left, top, right, bottom = box
            across = (across * self.width - left) / (right - left)
            down = (down * self.height - top) / (bottom - top)
        return min(max(across, 0.0), 1.0), min(max(down, 0.0), 1.0)

    @property
    def alt(self):
        """The alt attribute: empty for a decorative picture, so screen readers pass it by."""
        return "" if self.decorative else self.alt_text

    def named(self):
        """The picture as a message names it: “picture 12 “Market at dawn””, title or caption."""
        credit = getattr(self, "credit", None)
        label = (credit.title if credit else "") or self.caption or self.alt_text
        if len(label) > 60:
            label = label[:59].rstrip() + "…"
        return f"picture {self.pk} “{label}”" if label else f"picture {self.pk}"


def crop_refusal(license_key, image):
    """Why the picture may not be cropped under this licence, or "" when it may be."""
    terms = licenses.LICENSES.get(license_key)
    if terms is None or terms.derivatives:
        return ""
    if not (image.crop_box or image.has_focal_point):
        return ""
    return (
        f"{terms.short_name} allows no derivatives: the picture may be resized but not "
        "cropped, and its share card shows it whole. Clear the crop and the focal point."
    )


def pending_upload_to(instance, filename):
    extension = PurePosixPath(filename).suffix.lower().lstrip(".")[:5] or "bin"
    return f"pending/{uuid.uuid4().hex}.{extension}"


class PendingUpload(models.Model):
    """A picture chosen on a form that could not be saved yet, kept so it need not be chosen again.

    It passed the upload checks before it was stored. The form carries its key; only the person
    who chose it can use it or see it, and it becomes a library picture when the form is saved.
    """

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    file = models.ImageField(
        upload_to=pending_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    # A form left with an error for longer than this has been abandoned.
    KEPT_FOR = timedelta(days=2)

    def __str__(self):
        return f"A picture chosen by {self.uploaded_by} at {self.created_at:%Y-%m-%d %H:%M}"


class ImageCredit(models.Model):
    """Where a picture came from and on what terms: the facts its credit line is made of."""

    image = models.OneToOneField(Image, on_delete=models.CASCADE, related_name="credit")
    title = models.CharField(
        max_length=300, blank=True, help_text="The title of the work as its creator gave it."
    )
    creator = models.CharField(
        max_length=200, help_text="The photographer, artist or organisation to credit."
    )
    creator_url = models.URLField("creator's page", max_length=500, blank=True)
    source_url = models.URLField(
        "source", max_length=500, blank=True, help_text="The page the picture was taken from."
    )
    license = models.CharField("licence", max_length=40, choices=licenses.choices)
    permission_from = models.CharField(
        "permission given by",
        max_length=200,
        blank=True,
        help_text="For a picture used with permission: who gave it (a person or an organisation).",
    )
    changes = models.CharField(
        "changes made",
        max_length=200,
        default="unmodified",
        help_text='What was changed, e.g. "cropped". Leave "unmodified" if nothing was.',
    )

    def __str__(self):
        return self.line()

    @property
    def license_terms(self):
        return licenses.get(self.license)

    def clean(self):
        # In the admin the picture may not be saved yet; its form has set the crop already.
        image = self.image if self.image_id or "image" in self._state.fields_cache else None
        refusal = crop_refusal(self.license, image) if image else ""
        if refusal:
            raise ValidationError(refusal)

    @property
    def stated_changes(self):
        """The changes as the credit states them, a crop made here included, said once."""
        changes = (self.changes or "").strip()
        if self.image_id and self.image.crop_box and "crop" not in changes.lower():
            return "cropped" if changes in ("", "unmodified") else f"{changes}, cropped"
        return changes

    def _parts(self):
        """The credit line as (text, link) pairs in TASL order: title, author, source, licence."""
        terms = self.license_terms
        parts = []
        if self.title:
            parts.append((f"“{self.title}”", self.source_url))
        else:
            parts.append(("This image", self.source_url))
        if self.stated_changes:
            parts.append((f" ({self.stated_changes})", ""))
        if self.creator:
            parts.append((" by ", ""))
            parts.append((self.creator, self.creator_url))
        parts.append((f" {terms.statement} ", ""))
        parts.append((terms.short_name, terms.url))
        return parts

    def line(self):
        """The credit line as plain text, for feeds, metadata and the admin."""
        return "".join(text for text, _ in self._parts())

    def line_html(self):
        """The credit line with the title, creator and licence linked to their pages."""
        # An address that is not http(s) (one stored before the forms refused it) stays text.
        hrefs = [(text, safe_href(url)) for text, url in self._parts()]
        pieces = [
            format_html('<a href="{}">{}</a>', href, text) if href else conditional_escape(text)
            for text, href in hrefs
        ]
        # Every piece was escaped above, so the joined line is safe as it stands.
        return mark_safe("".join(pieces))


class CreditAudit(Image):
    """Pictures in published pieces, as the editors' audit of their credits sees them."""

    class Meta:
        proxy = True
        verbose_name = "credit to complete"
        verbose_name_plural = "credits to complete"
