"""The review side of the admin: the queue of submissions and the editors' decisions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from .. import roles, workflow
from ..forms import DECISION_PREFIX, DecisionForm
from ..models import Article, PreviewLink, Submission

S = Article.Status


@admin.display(description="Byline")
def byline(article):
    """The names in a piece's byline with their roles, as the lists of pieces show it."""
    return ", ".join(
        f"{entry.contributor.name} ({entry.shown_role})" for entry in article.bylines.all()
    )


class ListOnlyAdmin(admin.ModelAdmin):
    """A list to read and follow links from; the rows are changed on their own pages."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ListOnlyAdmin):
    list_display = ["piece", byline, "section", "waiting_since", "word_count"]
    # Each row links to the piece's own page, where the decision panel is.
    list_display_links = None
    list_filter = ["section"]
    search_fields = ["headline", "standfirst", "bylines__contributor__name"]
    ordering = ["submitted_at", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=S.SUBMITTED).for_listing()

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": "Submissions waiting for a decision, oldest first"}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:articles_article_change", object_id)

    @admin.display(description="Headline", ordering="headline")
    def piece(self, submission):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[submission.pk]),
            submission.headline,
        )

    @admin.display(description="Waiting since", ordering="submitted_at")
    def waiting_since(self, submission):
        return submission.submitted_at


def decision_panel(request, article):
    """What the decision panel on a piece's page shows this editor."""
    now = timezone.now()
    return {
        # Bound to what was posted, so that a message typed before an error is still there.
        "decision_form": DecisionForm(
            request.POST if request.method == "POST" else None, prefix=DECISION_PREFIX
        ),
        "decisions": [
            transition
            for transition in workflow.available(request.user, article)
            if transition.name in workflow.DECISIONS
        ],
        "status_changes": article.status_changes.select_related("actor"),
        "preview_links": article.preview_links.filter(
            revoked_at__isnull=True, expires_at__gt=now
        ).select_related("created_by"),
        "may_share_preview": (
            request.user.has_perm("articles.add_previewlink")
            and article.status not in workflow.REVOKES_PREVIEWS
        ),
        "may_revoke_preview": request.user.has_perm("articles.change_previewlink"),
        "picture_warnings": article.picture_warnings(),
    }


@require_POST
def decide(request, pk):
    """Make the decision the panel posted, then return to the piece with the outcome."""
    if not roles.is_editor(request.user):
        raise PermissionDenied
    article = get_object_or_404(Article.objects.seen_by_editors(), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back_to(article)
    try:
        form.decide(article, by=request.user)
    except workflow.TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, outcome(article))
    return _back_to(article)


def outcome(article):
    """What an editor is told once a decision is made."""
    if article.status == S.SCHEDULED:
        when = date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
        return f"Scheduled: readers will see “{article.headline}” from {when}"
    return {
        S.CHANGES_REQUESTED: "Changes requested. Your message goes to the contributors by email.",
        S.DECLINED: "Declined. Your message goes to the contributors by email.",
        S.PUBLISHED: f"Published: readers can see “{article.headline}” now.",
        S.WITHDRAWN: f"Unpublished: readers no longer see “{article.headline}”.",
    }[article.status]


@require_POST
def share_preview(request, pk):
    """Make a link that shows the piece to someone without an account, until it expires."""
    article = get_object_or_404(Article.objects.seen_by_editors(), pk=pk)
    share(request, article)
    return _back_to(article)


def share(request, article):
    """Make a preview link for the piece, and say so (or why not) to the editor."""
    if not request.user.has_perm("articles.add_previewlink"):
        raise PermissionDenied
    if article.status in workflow.REVOKES_PREVIEWS:
        # The workflow ends every link when a piece is published or withdrawn; a new one would lie.
        messages.error(
            request,
            f"A {article.get_status_display().lower()} piece cannot be shared by preview link.",
        )
        return
    link = PreviewLink.objects.create(article=article, created_by=request.user)
    until = date_format(timezone.localtime(link.expires_at), "DATETIME_FORMAT")
    messages.success(
        request,
        f"Anyone with this link can read the piece until {until}: "
        f"{request.build_absolute_uri(link.get_absolute_url())}",
    )


@require_POST
def revoke_preview(request, pk, link_id):
    """End a shared preview link now."""
    article = get_object_or_404(Article.objects.seen_by_editors(), pk=pk)
    revoke(request, link_id, article.pk)
    return _back_to(article)


def revoke(request, link_id, article_id):
    """End one of the piece's preview links, and say so."""
    if not request.user.has_perm("articles.change_previewlink"):
        raise PermissionDenied
    link = get_object_or_404(PreviewLink, pk=link_id, article_id=article_id)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    messages.success(request, "The preview link is revoked: it no longer opens the piece.")


def _back_to(article):
    return redirect("admin:articles_article_change", article.pk)


@admin.action(description="Publish now", permissions=["publish"])
def publish_now(modeladmin, request, queryset):
    _move_each(request, queryset, workflow.publish, "published")


@admin.action(description="Unpublish", permissions=["publish"])
def unpublish(modeladmin, request, queryset):
    _move_each(request, queryset, workflow.unpublish, "unpublished")


def _move_each(request, queryset, move, done):
    # Each piece moves on its own: one that may not move is reported, and the others still go.
    moved = 0
    for article in queryset:
        try:
            move(article, by=request.user)
        except workflow.TransitionNotAllowed as refusal:
            messages.error(request, f"“{article.headline}” was not {done}: {refusal}")
        else:
            moved += 1
    if moved:
        pieces = "piece" if moved == 1 else "pieces"
        messages.success(request, f"{moved} {pieces} {done}.")
