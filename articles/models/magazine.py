"""The magazine's own objects beyond the piece: print issues, series, the masthead, corrections."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


def edition_upload_to(instance, filename):
    # A generated name, like pictures: the uploader's file name is never kept.
    return f"editions/{timezone.now():%Y}/{uuid.uuid4().hex}.pdf"


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
    title = models.CharField(max_length=120, help_text='What the issue is called, e.g. "Spring 2026".')
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The last part of its address: /issues/<this>/, e.g. vol-12-no-3.",
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


class Series(models.Model):
    """An ordered collection of pieces: "Part 2 of 5 in <title>"."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The last part of its address: /series/<this>/."
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
