"""Contributors in the admin: their page, masthead positions, and their account's access."""

from django.contrib import admin
from django.db.models import Count

from ..forms import ContributorAdminForm
from ..models import Contributor, Position
from . import accounts, masthead
from .inlines import LabelledRowsFormSet


class PositionInline(admin.TabularInline):
    """The masthead positions a contributor has held, on their page."""

    model = Position
    form = masthead.PositionForm
    formset = LabelledRowsFormSet
    fields = ["year", "title", "order"]
    extra = 0
    # Each row would link to its year's masthead, a link in a table of boxes.
    view_on_site = False
    verbose_name = "masthead position"
    verbose_name_plural = "masthead positions (one row per academic year and title)"


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    form = ContributorAdminForm
    inlines = [PositionInline]
    list_display = ["name", "role", "user", "pieces", accounts.access]
    list_filter = [accounts.AccessFilter]
    search_fields = ["name", "slug"]
    actions = [accounts.end_access, accounts.restore_access]
    # Changed only by the actions above, which end or restore the account's sign-in.
    readonly_fields = [accounts.access]
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
