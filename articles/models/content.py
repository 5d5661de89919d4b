from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models, transaction
from django.db.models import Count, Prefetch, Q, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst, slugify
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from ..credits import requirements_message
from ..rendering import count_words, picture_numbers, reading_minutes, render_markdown
from .contributors import Byline, Contributor
from .images import Image

# How many of the latest tagged pieces the related list is chosen from.
RELATED_CANDIDATES = 500


def unique_slug(queryset, text, *, fallback, limit):
    """A slug made from `text` that no row of `queryset` has, numbered -2, -3… if it must be."""
    # Room is left for the number; a text with no Latin letters still needs a usable address.
    base = slugify(text)[:limit].strip("-") or fallback
    taken = set(queryset.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(
        blank=True, help_text="One or two sentences shown at the top of the section's page."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the site navigation: lower numbers come first."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def public(self):
        """What readers may see: published (or scheduled) pieces whose publish date has passed."""
        return self.filter(
            status__in=Article.LIVE_STATUSES, published_at__lte=timezone.now()
        ).order_by("-published_at", "-id")

    def for_listing(self):
        """Everything a listing shows of each piece, fetched in a fixed number of queries."""
        # The search vector is the index's business, not a listing's.
        return (
            self.defer("search_vector")
            .select_related("section", "hero_image", "hero_image__credit")
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("contributor")),
                "tags",
            )
        )

    def for_page(self):
        """Everything a piece's own page shows of it: what a listing does, the print issue and
        series it is part of, and when it was last corrected (`corrected_at`, None if never:
        then its corrections cost no query)."""
        # Correction is defined beside Issue and Series, whose module imports this one.
        corrections = self.model._meta.get_field("corrections").related_model.objects
        return (
            self.for_listing()
            .select_related("issue", "series")
            .annotate(corrected_at=corrections.latest_on_each_piece())
        )

    def seen_by_editors(self):
        """Every piece but a contributor's own that they have not submitted (or withdrew)."""
        return self.filter(with_contributors_only=False)

    def written_by(self, user):
        """Pieces the user created or is named in the byline of: their own work."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(created_by=user) | Q(bylines__contributor__user=user)).distinct()


class EditConflict(Exception):
    """Someone else saved the piece after this edit was opened; the edit was not applied."""


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        DECLINED = "declined", "Declined"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # A scheduled piece goes live by itself when its date passes: no job has to flip it.
    LIVE_STATUSES = (Status.PUBLISHED, Status.SCHEDULED)
    # The only states in which a contributor may change their piece.
    EDITABLE_BY_CONTRIBUTOR = (Status.DRAFT, Status.CHANGES_REQUESTED)

    headline = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the piece's address: for “french-troops-exit-mali” it is "
        "/articles/french-troops-exit-mali/. Once the piece is published, a new one keeps the "
        "old address working.",
    )
    standfirst = models.TextField(
        blank=True, help_text="One or two sentences under the headline that say what the piece is."
    )
    body = models.TextField(
        help_text="Markdown: blank lines between paragraphs, ## for a subheading, "
        "[words](https://…) for a link."
    )
    body_html = models.TextField(editable=False, default="")
    word_count = models.PositiveIntegerField(editable=False, default=0)
    # Empty only on a contributor's early draft: submitting and publishing need one.
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, null=True, related_name="articles"
    )
    tags = TaggableManager(
        blank=True, help_text="Places, people and subjects, separated by commas."
    )
    hero_image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hero_of",
        help_text="Shown at the top of the piece and in listings, with its credit.",
    )
    contributors = models.ManyToManyField(Contributor, through="Byline", related_name="articles")
    content_warning = models.CharField(
        max_length=200,
        blank=True,
        help_text="Optional: a short note shown before the piece and on its cards, e.g. "
        "“Discusses suicide and self-harm”.",
    )
    # The pictures the body shows inline and in galleries, kept from the body at every save:
    # /credits/, the audit and the licence checks read them here.
    body_pictures = models.ManyToManyField(
        Image, blank=True, related_name="shown_in_body_of", editable=False
    )
    issue = models.ForeignKey(
        "Issue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contents",
        help_text="The print issue this piece appeared in, if any.",
    )
    issue_position = models.PositiveSmallIntegerField(
        "order in the issue",
        default=0,
        help_text="Within its section in the issue's contents: lower numbers come first.",
    )
    series = models.ForeignKey(
        "Series",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="parts",
        help_text="The series this piece is a part of, if any.",
    )
    series_position = models.PositiveSmallIntegerField(
        "part number",
        default=0,
        help_text="Its place in the series: parts are shown in this order.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publish date",
        null=True,
        blank=True,
        db_index=True,
        help_text="When readers may see it. A date in the future keeps it hidden until then.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it was last sent for review."
    )
    note_to_editors = models.TextField(
        blank=True, help_text="From the contributor: anything the editors should know."
    )
    # A piece a contributor started stays theirs until they submit it, and again once they
    # withdraw it: until then editors neither list, open, preview nor act on it.
    with_contributors_only = models.BooleanField(
        "seen by its contributors only",
        default=False,
        editable=False,
        help_text="A contributor's piece that has not been submitted (or was withdrawn).",
    )
    own_work_declared_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the contributor stated that the work is their own.",
    )
    # Counts saves; an edit form carries the number it was opened on (optimistic locking).
    version = models.PositiveIntegerField(default=0, editable=False)
    # Filled by articles.search on PostgreSQL (SQLite keeps its index in an FTS5 table instead).
    search_vector = SearchVectorField(null=True, editable=False)
    # The listings this piece was public in when its change was last worked out (articles/
    # derived.py): what readers saw before a change decides which pages it forgets. [] if not
    # public; None for a piece from before footprints, which is assumed to be in every list.
    public_footprint = models.JSONField(null=True, default=list, editable=False)

    objects = ArticleQuerySet.as_manager()
    # Every save keeps a revision; the rendered HTML, the search index and the footprint are
    # derived, so they are not kept twice.
    history = HistoricalRecords(excluded_fields=["body_html", "search_vector", "public_footprint"])

    class Meta:
        ordering = ["-published_at", "-id"]
        # Newest first, then the status: read in this order, a listing's first page is the first
        # rows of the index. Status first, SQLite without statistics sorted every public piece.
        indexes = [
            models.Index(fields=["-published_at", "status"], name="article_newest_public_idx"),
            # A section's page: its pieces, newest first, without sorting the whole section.
            models.Index(fields=["section", "-published_at"], name="article_section_newest_idx"),
        ]
        permissions = [("publish_article", "Can publish, schedule and unpublish pieces")]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.word_count = count_words(self.body_html)
        if self.status in self.LIVE_STATUSES and self.published_at is None:
            self.published_at = timezone.now()
        # Counted from the stored row, so a restored old revision still moves the number on.
        # The same read gives the stored address, to keep it if this save moves the piece.
        stored = None
        if self.pk:
            stored = (
                Article.objects.filter(pk=self.pk)
                .values("version", "slug", "published_at", "body_html")
                .first()
            )
        self.version = (stored["version"] if stored else 0) + 1
        super().save(*args, **kwargs)
        # The pictures the body shows are recorded beside it, for /credits/, the audit and the
        # licence checks; a save that leaves them as they were costs no query for it.
        pictures = set(picture_numbers(self.body_html))
        if pictures != set(picture_numbers(stored["body_html"] if stored else "")):
            self.body_pictures.set(Image.objects.filter(pk__in=pictures))
        # A publish date is set only by publishing or scheduling, and kept when a piece is
        # unpublished: with one, the old address may be in readers' links and must still work.
        if stored and stored["slug"] != self.slug and stored["published_at"] is not None:
            SlugHistory.remember(stored["slug"], self)

    def get_absolute_url(self):
        return reverse("articles:article", kwargs={"slug": self.slug})

    def save_edit(self, opened_version, *, by=None, save=None):
        """Save an edit opened on `opened_version`, or raise EditConflict and keep it in history.

        The row is locked while the version is compared, so two saves cannot both pass.
        `save` does the saving (the piece with its tags, byline or picture), in that transaction.
        """
        with transaction.atomic():
            stored = (
                Article.objects.select_for_update()
                .filter(pk=self.pk)
                .values_list("version", flat=True)
                .first()
            )
            conflict = stored is not None and stored != opened_version
            if not conflict:
                (save or self.save)()
        if conflict:
            # Nothing is lost: the refused text becomes a revision an editor can restore.
            self.keep_refused_edit(by=by)
            raise EditConflict(
                "Someone else saved this piece after you opened it. Your text was not applied; "
                "it is kept in the piece's history. Reload to see the current version."
            )

    def keep_refused_edit(self, *, by=None):
        """Keep this unsaved text as a revision marked "not applied", for an editor to restore."""
        Article.history.bulk_history_create(
            [self],
            update=True,
            default_user=by,
            default_change_reason="Not applied: saved over a newer version",
        )

    def picture_warnings(self):
        """What editors and contributors should hear about the licences and credits of the
        piece's pictures: the hero's, then those of each picture in the body, named."""
        warnings = []
        if self.hero_image is not None:
            warnings += picture_warnings(self.hero_image, "The picture", "The picture's credit")
        for image in self.shown_in_body():
            name = image.named()
            warnings += picture_warnings(image, capfirst(name), f"The credit of {name}")
        return warnings

    def shown_in_body(self):
        """The pictures of the body (the hero apart), with their credits, as last saved."""
        if self.pk is None:
            return []
        return [
            image
            for image in self.body_pictures.select_related("credit").order_by("pk")
            if image.pk != self.hero_image_id
        ]

    @cached_property
    def printed_corrections(self):
        """The corrections and updates readers see on the piece, oldest first; none removed.
        A piece fetched for its page (for_page) that was never corrected costs no query."""
        if getattr(self, "corrected_at", True) is None:
            return []
        return list(self.corrections.filter(removed_at__isnull=True).order_by("published_at", "id"))

    @property
    def reading_time(self):
        return reading_minutes(self.word_count)

    @property
    def is_public(self):
        return (
            self.status in self.LIVE_STATUSES
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def related(self, limit=3):
        """The latest pieces sharing the most of this one's tags; with none shared, the latest
        in its section. Each has `shared_tags`: 0 for pieces listed for their section alone."""
        tag_ids = [tag.pk for tag in self.tags.all()]
        others = Article.objects.public().exclude(pk=self.pk)
        # Both kinds of candidate in one query: the page costs the same with or without a match.
        in_section = (
            others.filter(section_id=self.section_id)
            .order_by("-published_at", "-id")
            .values("pk")[:limit]
        )
        chosen = Q(pk__in=Subquery(in_section))
        shared = Value(0)
        if tag_ids:
            # A popular tag carries thousands of pieces; counting the shared tags of every one
            # cost the page 20 ms at 10,000 pieces. The latest RELATED_CANDIDATES suffice.
            candidates = (
                TaggedItem.objects.filter(
                    content_type=ContentType.objects.get_for_model(Article), tag_id__in=tag_ids
                )
                .exclude(object_id=self.pk)
                .order_by("-object_id")
                .values("object_id")[:RELATED_CANDIDATES]
            )
            chosen |= Q(pk__in=Subquery(candidates))
            shared = Count("tags", filter=Q(tags__in=tag_ids), distinct=True)
        pieces = list(
            others.filter(chosen)
            .annotate(shared_tags=shared)
            .order_by("-shared_tags", "-published_at", "-id")
            # What the list shows of each, and no more: the bodies would be read for nothing.
            .select_related("section")
            .only("headline", "slug", "published_at", "section__name", "section__slug")[:limit]
        )
        return [piece for piece in pieces if piece.shared_tags] or pieces


def picture_warnings(image, subject, credit_subject):
    """What to say of one picture's licence and credit; `subject` names it in a sentence."""
    credit = getattr(image, "credit", None)
    if credit is None:
        return [f"{subject} has no credit: say who made it and under what licence."]
    warnings = []
    missing = requirements_message(credit, subject=credit_subject)
    if missing:
        warnings.append(missing)
    terms = credit.license_terms
    if settings.MAGAZINE_COMMERCIAL and not terms.commercial:
        warnings.append(
            f"{subject} is under {terms.short_name}, which allows no commercial use, and "
            "this magazine is commercial. Use another picture or ask the creator's permission."
        )
    return warnings


class SlugHistory(models.Model):
    """An address a piece had once it was published, so that links to it still arrive."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    slug = models.SlugField(max_length=200, unique=True)
    created_at = models.DateTimeField(
        auto_now_add=True, help_text="When the piece left this address."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "slug history"

    def __str__(self):
        return f"{self.slug} → {self.article.slug}"

    @classmethod
    def remember(cls, slug, article):
        """Send `slug` to `article` from now on: the piece that left an address last has it."""
        cls.objects.update_or_create(
            slug=slug, defaults={"article": article, "created_at": timezone.now()}
        )
