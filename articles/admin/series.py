"""Series in the admin: a title, an address and its parts in order, numbered."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone

from ..models import Article, Series
from ..models.magazine import PART_ORDER
from .content import LabelledRowsFormSet


class PartInline(admin.TabularInline):
    """The pieces in the series, in order: each one's part number is set here or on the piece."""

    model = Article
    fk_name = "series"
    formset = LabelledRowsFormSet
    fields = ["headline", "status", "published_at", "series_position"]
    readonly_fields = ["headline", "status", "published_at"]
    extra = 0
    # A piece joins or leaves a series on its own page.
    can_delete = False
    show_change_link = True
    verbose_name = "part"
    verbose_name_plural = "parts, in order (the lowest part number first)"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # A contributor's piece they have not submitted is theirs alone, here too.
        return super().get_queryset(request).seen_by_editors().order_by(*PART_ORDER)


class SeriesForm(forms.ModelForm):
    class Meta:
        model = Series
        fields = ["title", "slug", "description"]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    form = SeriesForm
    list_display = ["title", "public_parts", "all_parts"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "description"]
    inlines = [PartInline]

    def get_queryset(self, request):
        public = Q(parts__status__in=Article.LIVE_STATUSES, parts__published_at__lte=timezone.now())
        return (
            super()
            .get_queryset(request)
            .annotate(
                part_count=Count("parts", distinct=True),
                public_count=Count("parts", filter=public, distinct=True),
            )
        )

    def view_on_site(self, series):
        # Until a part is public its page is a 404.
        return series.get_absolute_url() if series.public_count else None

    @admin.display(description="Published parts", ordering="public_count")
    def public_parts(self, series):
        return series.public_count

    @admin.display(description="All parts", ordering="part_count")
    def all_parts(self, series):
        return series.part_count
