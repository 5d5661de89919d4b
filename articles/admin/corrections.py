"""Corrections and updates in the admin: added while looking at the piece, and kept for good.

A correction is never deleted. An editor removes one by giving the reason, which stamps the
time and keeps the row, its wording and the reason; readers stop seeing it. Each wording it had
stays in its history, where it can be read but not brought back.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from ..models import Correction

NOT_PUBLIC = (
    "Corrections and updates are for published pieces, and this one is not public. "
    "Put a piece that readers cannot see right in its text."
)
NO_REASON = (
    "Say why it is removed: a correction or update is never removed without a reason, "
    "which stays in its record."
)


def shown_date(moment):
    return date_format(timezone.localtime(moment), "j F Y")


class CorrectionForm(forms.ModelForm):
    """A correction or update, checked against its piece; removed only with a reason."""

    # One box of plain text in the magazine's formats, as the decision panel's publish date:
    # Django's pair of date and time boxes leaves each without a label of its own.
    published_at = forms.DateTimeField(
        label="Date",
        widget=forms.DateTimeInput(attrs={"autocomplete": "off", "size": 16}),
        error_messages={
            "invalid": "Enter the date as a date and a time: day-month-year and 24-hour time, "
            "such as 25/03/2027 14:30."
        },
    )
    remove = forms.BooleanField(
        required=False,
        label="Remove it",
        help_text="Readers stop seeing it. It stays here, with its wording, its history and "
        "the reason below. To put a correction right, add a new one instead.",
    )

    class Meta:
        model = Correction
        fields = ["article", "kind", "text", "published_at", "remove", "removal_reason"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "removal_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "published_at" in self.fields:
            self.fields["published_at"].help_text = (
                "When it is printed on the piece: day-month-year and 24-hour time, such as "
                f"25/03/2027 14:30, in {timezone.get_current_timezone_name()} time."
            )
        if (
            self.instance.pk is None
            or self.instance.is_removed
            or "removal_reason" not in self.fields
        ):
            # Only a correction readers see can be removed, and only with its reason at hand.
            del self.fields["remove"]

    def clean(self):
        cleaned_data = super().clean()
        # The piece is read-only once the correction exists.
        article = cleaned_data.get("article") if "article" in self.fields else self.instance.article
        if self.instance.pk is None and article is not None and not article.is_public:
            self.add_error("article" if "article" in self.fields else None, NOT_PUBLIC)
        when = cleaned_data.get("published_at")
        if when is not None and when > timezone.now():
            # Readers would see it at once, dated ahead: no page could say when it appeared.
            self.add_error("published_at", "Date it today or earlier: it is printed at once.")
        elif when is not None and article is not None and when < (article.published_at or when):
            self.add_error("published_at", "It cannot be older than the piece itself.")
        if "remove" in self.fields:
            reason = cleaned_data.get("removal_reason", "").strip()
            if cleaned_data.get("remove") and not reason:
                self.add_error("removal_reason", NO_REASON)
            elif reason and not cleaned_data.get("remove"):
                self.add_error(
                    "remove", "Tick “Remove it” to remove it with this reason, or clear the reason."
                )
        return cleaned_data

    def save(self, commit=True):
        if self.cleaned_data.get("remove") and self.instance.removed_at is None:
            self.instance.removed_at = timezone.now()
        return super().save(commit)


class ReadersSeeFilter(admin.SimpleListFilter):
    title = "readers see it"
    parameter_name = "removed"

    def lookups(self, request, model_admin):
        return [("no", "Shown"), ("yes", "Removed")]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(removed_at__isnull=self.value() == "no")
        return queryset


@admin.register(Correction)
class CorrectionAdmin(SimpleHistoryAdmin):
    form = CorrectionForm
    list_display = ["summary", "article", "kind", "published_at", "removal"]
    list_filter = ["kind", ReadersSeeFilter]
    search_fields = ["text", "article__headline"]
    autocomplete_fields = ["article"]
    list_select_related = ["article"]
    date_hierarchy = "published_at"
    # Each revision in the history names the wording it had.
    history_list_display = ["wording", "removal"]

    def get_fieldsets(self, request, obj=None):
        what = [(None, {"fields": ["article", "kind", "text", "published_at"]})]
        if obj is None:
            return what
        removal = (
            ["removal_reason", "removed_at"] if obj.is_removed else ["remove", "removal_reason"]
        )
        return [
            *what,
            ("Removal", {"fields": removal}),
            ("Record", {"fields": ["created_by"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.is_removed:
            # Removed for good: its record is read, not changed.
            return ["article", "kind", "text", "published_at", "removal_reason", "removed_at",
                    "created_by"]  # fmt: skip
        return ["article", "created_by"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        piece = form.base_fields.get("article")
        if piece is not None:
            # The piece is chosen here, not added, edited or deleted beside its correction.
            piece.widget.can_add_related = False
            piece.widget.can_change_related = False
            piece.widget.can_delete_related = False
        return form

    def has_delete_permission(self, request, obj=None):
        # Never deleted: removed with a reason, and kept.
        return False

    def revert_disabled(self, request, obj=None):
        # An earlier wording is read in the history; an edit starts from the current one.
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            # Bringing back an old version would bring back its removal date too.
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def view_on_site(self, correction):
        if correction.is_removed or not correction.article.is_public:
            return None
        return correction.get_absolute_url()

    @admin.display(description="Text")
    def summary(self, correction):
        return Truncator(correction.text).chars(90)

    @admin.display(description="Wording")
    def wording(self, revision):
        return revision.text

    @admin.display(description="Removed", ordering="removed_at")
    def removal(self, correction):
        if correction.removed_at is None:
            return "—"
        return f"{shown_date(correction.removed_at)}: {correction.removal_reason}"


def on_piece(article):
    """A piece's corrections and updates for its page in the admin, each linked to its own,
    and the way to add one."""
    if article.pk is None:
        return "Added once the piece is published."
    # Paragraphs, not a list: the admin's aligned forms push a list far to the right.
    listed = format_html_join(
        "",
        '<p><a href="{}">{}, {}</a>{}: {}</p>',
        (
            (
                reverse("admin:articles_correction_change", args=[note.pk]),
                note.get_kind_display(),
                shown_date(note.published_at),
                " (removed)" if note.is_removed else "",
                Truncator(note.text).chars(120),
            )
            for note in article.corrections.order_by("published_at", "id")
        ),
    )
    if not article.is_public:
        return format_html("{}<p>{}</p>", listed, "Added once the piece is published.")
    add = reverse("admin:articles_correction_add")
    return format_html(
        '{}<p><a class="addlink" href="{}?article={}">Add a correction or update</a></p>',
        listed,
        add,
        article.pk,
    )
