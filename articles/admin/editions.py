"""Print issues in the admin: an issue's details, cover and print edition, and its contents."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html

from ..models import Article, Issue
from ..pdfs import EditionField, max_bytes, megabytes
from . import pictures
from .content import LabelledRowsFormSet
from .picture_choice import PictureChoiceWidget

# The order of an issue's contents, as readers see them (Issue.public_contents).
CONTENTS_ORDER = ["section__position", "section__name", "section_id", "issue_position", "id"]


class EditionFileInput(AdminFileWidget):
    """The print edition's box, linking the file as stored through its issue's download."""

    template_name = "admin/widgets/edition_file.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        issue = getattr(value, "instance", None)
        # Media never serves editions (articles/views.py): editors download it as readers do.
        context["widget"]["download_url"] = (
            reverse("articles:issue_pdf", args=[issue.slug]) if issue and issue.pk else ""
        )
        context["widget"]["size"] = filesizeformat(issue.pdf_size) if issue else ""
        return context


class IssueAdminForm(forms.ModelForm):
    """An issue's form: the print edition is checked before anything is stored."""

    pdf = EditionField(
        label="Print edition (PDF)",
        required=False,
        widget=EditionFileInput,
        help_text="Optional: the issue as one PDF, exported for print or for the screen.",
    )

    class Meta:
        model = Issue
        fields = [
            "volume", "number", "title", "slug", "date", "published", "cover", "introduction",
            "pdf",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Said where it matters, from the setting as it stands.
        self.fields["pdf"].help_text += (
            f" At most {megabytes(max_bytes())}; one with scripts, attached files, actions or "
            "a password is refused."
        )

    def save(self, commit=True):
        upload = self.cleaned_data.get("pdf")
        if upload is False:
            # "Clear" ticked: the edition is gone.
            self.instance.pdf_size = 0
        elif isinstance(upload, UploadedFile):
            self.instance.pdf_size = upload.size
        return super().save(commit)


class IssueContentsInline(admin.TabularInline):
    """The issue's pieces in the order of its contents; each is added from its own form."""

    model = Article
    fk_name = "issue"
    formset = LabelledRowsFormSet
    fields = ["headline", "section", "status", "issue_position"]
    readonly_fields = ["headline", "section", "status"]
    ordering = CONTENTS_ORDER
    extra = 0
    # Removing a row here would delete the piece itself: a piece leaves an issue from its form.
    can_delete = False
    show_change_link = True
    # The piece's own form is a click away; its page for readers, from there.
    view_on_site = False
    verbose_name = "piece"
    verbose_name_plural = (
        "contents (by section, then by order in the issue; add a piece from its own form, "
        "under “In print”)"
    )

    def get_queryset(self, request):
        # A contributor's piece is theirs until they submit it: never listed here either.
        return super().get_queryset(request).seen_by_editors().select_related("section")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    form = IssueAdminForm
    inlines = [IssueContentsInline]
    list_display = ["cover_thumbnail", "issue_number", "title", "date", "published", "edition"]
    list_display_links = ["issue_number", "title"]
    list_filter = ["published"]
    list_select_related = ["cover"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    # Chosen from the list of pictures, by thumbnail, as a piece's picture is.
    raw_id_fields = ["cover"]
    fieldsets = [
        (None, {"fields": [("volume", "number"), "title", "slug", ("date", "published")]}),
        ("Cover and introduction", {"fields": ["cover", "introduction"]}),
        ("Print edition", {"fields": ["pdf"]}),
    ]

    class Media:
        # The list's thumbnails are sized as the pictures' own list sizes them.
        css = {"all": ["css/picture-crop.css"]}

    @admin.display(description="Cover")
    def cover_thumbnail(self, issue):
        return pictures.thumbnail(issue.cover) if issue.cover else "—"

    @admin.display(description="Issue", ordering="volume")
    def issue_number(self, issue):
        return issue.volume_and_number

    @admin.display(description="Print edition")
    def edition(self, issue):
        if not issue.pdf:
            return "—"
        return format_html(
            '<a href="{}">PDF, {}</a>',
            reverse("articles:issue_pdf", args=[issue.slug]),
            filesizeformat(issue.pdf_size),
        )

    def view_on_site(self, issue):
        # Until readers can see it, its address is a 404.
        return issue.get_absolute_url() if issue.is_public else None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cover":
            kwargs["widget"] = PictureChoiceWidget(db_field.remote_field, self.admin_site)
            kwargs["help_text"] = f"{db_field.help_text} {PictureChoiceWidget.help_text}"
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
