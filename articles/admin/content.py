from django.contrib import admin
from django.db import models
from django.db.models import Count, Prefetch
from django.utils.html import format_html

from ..forms import ArticleAdminForm
from ..models import Article, Byline, Contributor, Image, ImageCredit, Section


class RequiredInline:
    """An inline whose min_num is enforced: the parent cannot be saved with fewer rows."""

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class BylineInline(RequiredInline, admin.TabularInline):
    model = Byline
    autocomplete_fields = ["contributor"]
    fields = ["position", "contributor", "role"]
    extra = 1
    min_num = 1
    verbose_name = "byline entry"
    verbose_name_plural = "byline (in the order shown, lowest position first)"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [BylineInline]
    list_display = ["headline", "status", "section", "byline", "published_at", "updated_at"]
    list_filter = ["status", "section", ("published_at", admin.DateFieldListFilter)]
    search_fields = ["headline", "standfirst", "slug", "bylines__contributor__name"]
    list_select_related = ["section"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "hero_image"]
    readonly_fields = ["word_count", "created_at", "updated_at", "created_by"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body"]}),
        ("Placement", {"fields": ["section", "tags", "new_tags", "hero_image"]}),
        ("Publication", {"fields": ["status", "published_at"]}),
        ("Record", {"fields": ["word_count", "created_at", "updated_at", "created_by"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("contributor"))
            )
        )

    @admin.display(description="Byline")
    def byline(self, article):
        return ", ".join(
            f"{entry.contributor.name} ({entry.shown_role})" for entry in article.bylines.all()
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ImageCreditInline(RequiredInline, admin.StackedInline):
    model = ImageCredit
    # An image without a credit cannot be saved: the inline is required, and stays.
    min_num = 1
    max_num = 1
    can_delete = False
    verbose_name_plural = "credit (title, author, source, licence)"
    # A link typed without a scheme is taken as https, as Django 6 will do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    inlines = [ImageCreditInline]
    list_display = ["thumbnail", "alt_text", "credit_line", "dimensions", "uploaded_at"]
    list_select_related = ["credit"]
    search_fields = ["alt_text", "caption", "credit__title", "credit__creator"]
    readonly_fields = ["thumbnail", "dimensions", "uploaded_at", "uploaded_by"]
    fields = [
        "file",
        "thumbnail",
        "alt_text",
        "caption",
        "dimensions",
        "uploaded_at",
        "uploaded_by",
    ]

    @admin.display(description="Picture")
    def thumbnail(self, image):
        if not image.file:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" style="max-width:160px;height:auto">',
            image.file.url,
            image.alt_text,
        )

    @admin.display(description="Size")
    def dimensions(self, image):
        return f"{image.width} × {image.height} px" if image.width else "—"

    @admin.display(description="Credit")
    def credit_line(self, image):
        credit = getattr(image, "credit", None)
        return credit.line() if credit else "No credit yet"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "user", "pieces"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["photo", "user"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(piece_count=Count("bylines", distinct=True))
        )

    @admin.display(description="Pieces", ordering="piece_count")
    def pieces(self, contributor):
        return contributor.piece_count


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "pieces"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(piece_count=Count("articles"))

    @admin.display(description="Pieces", ordering="piece_count")
    def pieces(self, section):
        return section.piece_count
