"""The masthead in the admin: positions by academic year (each person's are also on their page,
in admin/contributors.py)."""

from django import forms
from django.contrib import admin
from django.utils import timezone

from .. import masthead
from ..models import Position, academic_year_label

# The years offered: far enough back for an old masthead, one ahead for the year to come.
YEARS_BACK = 30
YEARS_AHEAD = 1


def year_choices():
    """Academic years as mastheads print them ("2025–26"), newest first."""
    this_year = timezone.localdate().year
    years = range(this_year + YEARS_AHEAD, this_year - YEARS_BACK, -1)
    return [(year, academic_year_label(year)) for year in years]


def default_year():
    """The year a new position most likely belongs to: the masthead's current one."""
    latest = list(Position.objects.order_by("-year").values_list("year", flat=True)[:1])
    return masthead.current_year_of(latest) or timezone.localdate().year


class PositionForm(forms.ModelForm):
    """A position, its year chosen as "2025–26" rather than typed as a number."""

    # Django's autocomplete box holds no choice until one is picked, which HTML does not allow
    # in a required select; every field is checked on the server all the same.
    use_required_attribute = False

    year = forms.TypedChoiceField(
        label="Academic year",
        coerce=int,
        choices=year_choices,
        help_text="The academic year the position is held in.",
    )

    class Meta:
        model = Position
        fields = ["contributor", "title", "year", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial.setdefault("year", default_year())
        # A stored year outside the range offered stays choosable.
        stored = self.instance.year if self.instance.pk else None
        if stored is not None and stored not in dict(year_choices()):
            self.fields["year"].choices = [
                *self.fields["year"].choices,
                (stored, academic_year_label(stored)),
            ]


class AcademicYearFilter(admin.SimpleListFilter):
    """The years that have positions, as "2025–26"."""

    title = "academic year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Position.objects.order_by("-year").values_list("year", flat=True).distinct()
        return [(str(year), academic_year_label(year)) for year in years]

    def queryset(self, request, queryset):
        value = self.value()
        return (
            queryset.filter(year=int(value))
            if value and value.isascii() and value.isdigit()
            else queryset
        )


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    form = PositionForm
    list_display = ["title", "contributor", "academic_year", "order"]
    list_display_links = ["title"]
    list_filter = [AcademicYearFilter]
    list_select_related = ["contributor"]
    search_fields = ["title", "contributor__name"]
    autocomplete_fields = ["contributor"]
    ordering = ["-year", "order", "id"]

    @admin.display(description="Academic year", ordering="year")
    def academic_year(self, position):
        return position.academic_year
