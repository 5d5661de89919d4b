"""The magazine's own objects beyond the piece: print issues, series, the masthead, corrections."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

# Print editions are kept here, and served only through their issue's address.
EDITIONS_FOLDER = "editions/"


def edition_upload_to(instance, filename):
    # A generated name, like pictures: the uploader's file name is never kept.
    return f"{EDITIONS_FOLDER}{timezone.now():%Y}/{uuid.uuid4().hex}.pdf"


class IssueQuerySet(models.QuerySet):
    def public(self):
        """What readers may see: issues marked published whose date has come, newest first."""
        return self.filter(published=True, date__lte=timezone.localdate()).order_by(
            "-date", "-volume", "-number", "-id"
        )


class Issue(models.Model):
    """One print issue (edition) of the magazine: "Vol. 12, No. 3 · Spring 2026"."""

    volume = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    title = models.CharField(
        max_length=120, help_text='What the issue is called, e.g. "Spring 2026".'
    )
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The last part of its address, after /issues/: e.g. vol-12-no-3.",
    )
    date = models.DateField(
        "publication date", help_text="Readers see the issue from this day, if it is published."
    )
    published = models.BooleanField(
        default=False, help_text="Ready for readers. It still waits for its publication date."
    )
    cover = models.ForeignKey(
        "Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cover_of",
        help_text="The cover, an ordinary picture with its credit.",
    )
    introduction = models.TextField(
        blank=True, help_text="Optional: a few paragraphs from the editors, in Markdown."
    )
    pdf = models.FileField(
        "print edition (PDF)",
        upload_to=edition_upload_to,
        blank=True,
        help_text="Optional: the print edition as one PDF file.",
    )
    pdf_size = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-volume", "-number", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["volume", "number"], name="one_issue_per_number")
        ]

    def __str__(self):
        return f"{self.volume_and_number} · {self.title}"

    def get_absolute_url(self):
        return reverse("articles:issue", kwargs={"slug": self.slug})

    @property
    def volume_and_number(self):
        return f"Vol. {self.volume}, No. {self.number}"

    @property
    def is_public(self):
        return self.published and self.date <= timezone.localdate()

    def public_contents(self):
        """The issue's public pieces in the order its contents list them: by section, then
        by their order in the issue."""
        from .content import Article

        return (
            Article.objects.public()
            .filter(issue=self)
            .order_by("section__position", "section__name", "section_id", "issue_position", "id")
        )

    def pdf_download_name(self):
        """The print edition's name on a reader's disk: "the-quad-review-vol-12-no-3.pdf"."""
        return f"{slugify(settings.MAGAZINE_NAME)}-vol-{self.volume}-no-{self.number}.pdf"


class Series(models.Model):
    """An ordered collection of pieces: "Part 2 of 5 in <title>"."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of its address, after /series/: e.g. the-sahel-after-france.",
    )
    description = models.TextField(blank=True, help_text="One or two sentences on what it covers.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:series", kwargs={"slug": self.slug})

    def public_parts(self):
        """Its parts readers may see, in the order the series runs."""
        from .content import Article

        return Article.objects.public().filter(series=self).order_by(*PART_ORDER)


# The order of a series: by part number, then as published (two parts may share a number).
PART_ORDER = ("series_position", "published_at", "id")


@dataclass(frozen=True)
class PlaceInSeries:
    """Where a public piece stands among its series' public parts: "Part 2 of 5"."""

    series: Series
    number: int
    count: int
    previous: object = None
    next: object = None

    @classmethod
    def of(cls, article):
        """The piece's place, counted among public parts only; None outside a series.

        One query, for the headlines and addresses of the series' public parts (the series
        itself comes with the piece: Article.objects.for_page()).
        """
        if article.series_id is None:
            return None
        shown = ("headline", "slug", "series_position", "published_at")
        parts = list(article.series.public_parts().only(*shown))
        keys = [part.pk for part in parts]
        if article.pk not in keys:
            # Not public itself (a preview): it has no place among the parts readers see.
            return None
        index = keys.index(article.pk)
        return cls(
            series=article.series,
            number=index + 1,
            count=len(parts),
            previous=parts[index - 1] if index > 0 else None,
            next=parts[index + 1] if index + 1 < len(parts) else None,
        )


class PositionQuerySet(models.QuerySet):
    def in_year(self, year):
        return self.filter(year=year).select_related("contributor").order_by("order", "id")


class Position(models.Model):
    """A place on the masthead held for one academic year: "Editor-in-Chief, 2025–26"."""

    contributor = models.ForeignKey(
        "Contributor", on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField(max_length=120, help_text='e.g. "Editor-in-Chief", "Photo Editor".')
    year = models.PositiveSmallIntegerField(
        "academic year",
        help_text="The year the academic year starts in: 2025 for 2025–26.",
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Order on the masthead: lower numbers come first."
    )

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "order", "id"]
        indexes = [models.Index(fields=["year", "order"], name="position_year_order_idx")]

    def __str__(self):
        return f"{self.title}, {self.academic_year}"

    def get_absolute_url(self):
        """The masthead of its year."""
        return reverse("articles:masthead_year", kwargs={"year": academic_year_slug(self.year)})

    @property
    def academic_year(self):
        return academic_year_label(self.year)


def academic_year_label(year):
    """2025 → "2025–26", as mastheads print it."""
    return f"{year}–{(year + 1) % 100:02d}"


def academic_year_slug(year):
    """2025 → "2025-26", as its address has it."""
    return f"{year}-{(year + 1) % 100:02d}"


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """What readers see: corrections and updates not removed, on public pieces, newest first."""
        from .content import Article

        return (
            self.filter(removed_at__isnull=True, article__in=Article.objects.public())
            .select_related("article")
            .order_by("-published_at", "-id")
        )

    def latest_on_each_piece(self):
        """The date of the latest correction or update readers see on a piece, as a subquery
        to annotate pieces with (`OuterRef("pk")` is the piece): None if it has none."""
        shown = self.filter(article=OuterRef("pk"), removed_at__isnull=True)
        return Subquery(shown.order_by("-published_at").values("published_at")[:1])


class Correction(models.Model):
    """A dated correction or update printed on a published piece, and kept in its record."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey("Article", on_delete=models.PROTECT, related_name="corrections")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.CORRECTION,
        help_text="A correction is shown at the top of the piece, an update at its foot.",
    )
    text = models.TextField(help_text="What was wrong and what is right, or what is new.")
    published_at = models.DateTimeField("date", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Never deleted: a removal is recorded with its reason, and readers stop seeing it.
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    removal_reason = models.TextField(
        blank=True, help_text="Why it no longer applies. Needed to remove it; kept in the record."
    )

    objects = CorrectionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} to “{self.article}”, {self.published_at:%d %b %Y}"

    def get_absolute_url(self):
        """Where readers find it: on its piece's page, at its own anchor."""
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        return f"{self.kind}-{self.pk}"

    @property
    def is_removed(self):
        return self.removed_at is not None
