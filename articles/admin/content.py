from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import to_historic

from .. import roles, workflow
from ..models import Article, Byline, Comment, Section
from . import corrections, review
from .documents import ArticleDocumentForm, with_document_fields
from .inlines import LabelledRowsFormSet, RequiredInline
from .issue_choice import IssueChoiceWidget
from .picture_choice import PictureChoiceWidget
from .revisions import revision_changes


class BylineInline(RequiredInline, admin.TabularInline):
    model = Byline
    formset = LabelledRowsFormSet
    autocomplete_fields = ["contributor"]
    fields = ["position", "contributor", "role"]
    extra = 1
    min_num = 1
    verbose_name = "byline entry"
    verbose_name_plural = "byline (in the order shown, lowest position first)"


class CommentInline(admin.TabularInline):
    model = Comment
    formset = LabelledRowsFormSet
    fields = ["body", "internal", "author", "written_at"]
    readonly_fields = ["author", "written_at"]
    extra = 1
    verbose_name_plural = "comments (the contributors see them unless marked internal)"
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}

    @admin.display(description="Written")
    def written_at(self, comment):
        # A comment not yet written has only its field's default time, which would mislead.
        return comment.created_at if comment.pk else ""


class SectionFilter(admin.SimpleListFilter):
    """The magazine's sections. A piece without one is a contributor's early draft, which
    editors never see, so there is no "no section" choice to offer."""

    title = "section"
    parameter_name = "section"

    def lookups(self, request, model_admin):
        return [(str(section.pk), section.name) for section in Section.objects.all()]

    def queryset(self, request, queryset):
        return queryset.filter(section=self.value()) if self.value() else queryset


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    # The piece's form, which may also bring its text in from a Word or Google Docs file.
    form = ArticleDocumentForm
    inlines = [BylineInline, CommentInline]
    # Few enough columns that the headline has room beside the filters at 1280 px.
    list_display = ["headline", "status", "section", review.byline, "publish_date"]
    list_filter = ["status", SectionFilter, ("published_at", admin.DateFieldListFilter)]
    search_fields = ["headline", "standfirst", "slug", "bylines__contributor__name"]
    list_select_related = ["section"]
    date_hierarchy = "published_at"
    actions = [review.publish_now, review.unpublish]
    prepopulated_fields = {"slug": ["headline"]}
    # The picture is chosen from the list of pictures, by thumbnail (picture_choice.py); the
    # section from a plain list, since a magazine has a handful.
    raw_id_fields = ["hero_image"]
    # Found by typing its title or address (articles/admin/editions.py).
    autocomplete_fields = ["issue"]
    # Only the workflow moves a piece between states: the decision panel, not the form, does it.
    readonly_fields = [
        "status", "published_at", "word_count", "created_at", "updated_at", "created_by",
        "corrections_and_updates",
    ]  # fmt: skip
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "headline",
                    "slug",
                    "standfirst",
                    "content_warning",
                    "body",
                    "opened_version",
                ]
            },
        ),
        ("Placement", {"fields": ["section", "tags", "new_tags", "hero_image"]}),
        ("In print", {"fields": [("issue", "issue_position")]}),
        ("Series", {"fields": [("series", "series_position")]}),
        (
            "Publication",
            {
                "fields": ["status", "published_at"],
                "description": "Changed by a decision: see the Decision panel below the form.",
            },
        ),
        ("Corrections and updates", {"fields": ["corrections_and_updates"]}),
        ("Record", {"fields": ["word_count", "created_at", "updated_at", "created_by"]}),
    ]
    object_history_template = "admin/articles/article/object_history.html"
    compare_template = "admin/articles/article/compare_revisions.html"

    def get_urls(self):
        site = self.admin_site
        own = [
            path(
                "<int:pk>/decide/", site.admin_view(review.decide), name="articles_article_decide"
            ),
            path(
                "<int:pk>/share-preview/",
                site.admin_view(review.share_preview),
                name="articles_article_share_preview",
            ),
            path(
                "<int:pk>/share-preview/<int:link_id>/revoke/",
                site.admin_view(review.revoke_preview),
                name="articles_article_revoke_preview",
            ),
            path(
                "<int:pk>/history/compare/",
                site.admin_view(self.compare_view),
                name="articles_article_compare",
            ),
        ]
        # First, or simple-history's "<pk>/history/<revision>/" would take "compare" for an id.
        return own + super().get_urls()

    def get_fieldsets(self, request, obj=None):
        return with_document_fields(super().get_fieldsets(request, obj), obj)

    def get_queryset(self, request):
        # A contributor's piece is theirs until they submit it: not listed, not opened here.
        return (
            super()
            .get_queryset(request)
            .seen_by_editors()
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("contributor"))
            )
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # A fresh class each time: the editor is named in the record of an edit it refuses.
        form.editor = request.user
        return form

    def has_publish_permission(self, request):
        return roles.is_editor(request.user)

    @admin.display(description="On this piece")
    def corrections_and_updates(self, article):
        return corrections.on_piece(article)

    @admin.display(description="Publish date", ordering="published_at")
    def publish_date(self, article):
        # The date above the time: the column stays narrow, and the headline keeps the room.
        if article.published_at is None:
            return "—"
        when = timezone.localtime(article.published_at)
        return format_html(
            '<time datetime="{}">{}<br>{}</time>',
            when.isoformat(timespec="seconds"),
            date_format(when, "DATE_FORMAT"),
            date_format(when, "TIME_FORMAT"),
        )

    def view_on_site(self, article):
        # Until readers can see it, its public address is a 404: the preview shows it instead.
        if article.is_public:
            return article.get_absolute_url()
        return reverse("articles:submit_preview", args=[article.pk])

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "hero_image":
            kwargs["widget"] = PictureChoiceWidget(db_field.remote_field, self.admin_site)
            kwargs["help_text"] = f"{db_field.help_text} {PictureChoiceWidget.help_text}"
        elif db_field.name == "issue":
            kwargs["widget"] = IssueChoiceWidget(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(review.decision_panel(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        revision = to_historic(obj)
        if revision is not None:
            # A restored revision brings back its words, never its state: whatever the form
            # does not edit (status, dates, the contributor's note) stays as stored.
            stored = Article.objects.get(pk=obj.pk)
            for field in Article._meta.concrete_fields:
                if field.name not in form.fields:
                    setattr(obj, field.attname, getattr(stored, field.attname))
            when = date_format(timezone.localtime(revision.history_date), "DATETIME_FORMAT")
            obj._change_reason = f"Restored the revision of {when}"
        elif not change:
            obj.created_by = request.user
        # A Word or Google Docs file's pictures, before the piece whose body shows them.
        form.save_document(request, obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The decision applies to the text as just saved, in the same transaction.
        decision = getattr(form, "decision", None)
        if decision is None:
            return
        try:
            decision.decide(form.instance, by=request.user)
        except workflow.TransitionNotAllowed as refused:
            # Checked before the save; only a decision made meanwhile by someone else gets here.
            transaction.set_rollback(True)
            messages.error(request, f"{refused} Nothing was saved, your edits included.")
            request.decision_refused = True
        else:
            request.decision_outcome = review.outcome(form.instance)

    def response_change(self, request, obj):
        if hasattr(request, "decision_outcome") or hasattr(request, "decision_refused"):
            return self._after_decision(request, obj)
        # The preview link buttons are in the piece's form too: its edits are saved first.
        if request.POST.get("preview-share"):
            review.share(request, obj)
            return redirect("admin:articles_article_change", obj.pk)
        if request.POST.get("preview-revoke", "").isdigit():
            review.revoke(request, int(request.POST["preview-revoke"]), obj.pk)
            return redirect("admin:articles_article_change", obj.pk)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if hasattr(request, "decision_outcome") or hasattr(request, "decision_refused"):
            return self._after_decision(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def _after_decision(self, request, article):
        if hasattr(request, "decision_outcome"):
            messages.success(request, request.decision_outcome)
            return redirect("admin:articles_article_change", article.pk)
        # Rolled back: the page as it was, with the reason above it.
        return redirect(request.path)

    def save_formset(self, request, form, formset, change):
        if formset.model is Comment:
            for comment in formset.save(commit=False):
                if comment.pk is None:
                    comment.author = request.user
                comment.save()
            for comment in formset.deleted_objects:
                comment.delete()
            return
        super().save_formset(request, form, formset, change)

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back on the revisions of a piece the list does not show.
        private = Article.objects.filter(pk=object_id, with_contributors_only=True)
        if object_id.isdigit() and private.exists():
            raise Http404("No such piece.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        get_object_or_404(Article.objects.seen_by_editors(), pk=object_id)
        # As in the change view, the form's version check and the save share one transaction.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def compare_view(self, request, pk):
        """Two revisions of a piece side by side: each field that differs, line by line."""
        article = get_object_or_404(Article.objects.seen_by_editors(), pk=pk)
        if not self.has_view_history_or_change_history_permission(request, article):
            raise PermissionDenied
        revisions = Article.history.filter(id=article.pk).select_related("history_user")
        found = {}
        for key in ("from", "to"):
            value = request.GET.get(key, "")
            if value.isascii() and value.isdigit():
                revision = revisions.filter(history_id=int(value)).first()
                if revision is not None:
                    found[revision.history_id] = revision
        if len(found) != 2:
            messages.error(request, "Choose two different revisions of this piece to compare.")
            return redirect("admin:articles_article_history", article.pk)
        older, newer = sorted(found.values(), key=lambda r: (r.history_date, r.history_id))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare revisions: {article}",
            "opts": self.opts,
            "object": article,
            "revisions": [("Older", older), ("Newer", newer)],
            "changes": revision_changes(older, newer),
        }
        return TemplateResponse(request, self.compare_template, context)


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
