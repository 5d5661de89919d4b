"""The contributor area: my pieces, the piece form, submitting and withdrawing, and previews.

Every piece is looked up through `Article.objects.written_by(user)`, so another contributor's
piece is simply not found: its headline never reaches the page.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import workflow
from ..models import (
    Article,
    Autosave,
    Byline,
    EditConflict,
    PendingUpload,
    PreviewLink,
    StatusChange,
)
from ..models.content import unique_slug
from ..roles import contributor_profile, is_editor, may_use_contributor_area
from .documents import NewPieceForm
from .forms import PieceForm, SubmitForm, refuse_if_protected

# What the contributor can do next, by the piece's state.
NEXT_STEP = {
    Article.Status.DRAFT: "Finish it and submit it for review when it is ready.",
    Article.Status.SUBMITTED: "The editors are reading it. You can withdraw it to make changes.",
    Article.Status.CHANGES_REQUESTED: "Read the editors' message, revise it and submit it again.",
    Article.Status.DECLINED: "The editors have decided not to run it. Their message says why.",
    Article.Status.SCHEDULED: "It is scheduled: readers will see it on the date shown.",
    Article.Status.PUBLISHED: "It is published. Thank you!",
    Article.Status.WITHDRAWN: "It is withdrawn. Return it to draft to work on it again.",
}


def who_sees(article, user):
    """Who can see the piece now, in words that are true of it."""
    if article.with_contributors_only:
        others = [
            byline.contributor.name
            for byline in article.bylines.all()
            if byline.contributor.user_id != user.pk
        ]
        who = ", ".join(["you", *others[:-1]]) + (f" and {others[-1]}" if others else "")
        return f"Only {who} can see it. The editors will once it is submitted."
    if article.is_public:
        return "Everyone can read it."
    if article.status == Article.Status.SCHEDULED:
        when = date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
        return f"You and the editors can see it; readers will from {when}."
    return "You and the editors can see it; readers cannot."


def contributor_area(view):
    """Signed-in contributors only; anyone else is told why, never shown a piece."""

    @wraps(view)
    @login_required
    @never_cache
    def wrapper(request, *args, **kwargs):
        if not may_use_contributor_area(request.user):
            return render(request, "articles/submit/no_profile.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def own_piece(request, pk):
    return get_object_or_404(Article.objects.written_by(request.user), pk=pk)


def refused(request, message, status):
    return render(request, "articles/submit/refused.html", {"message": message}, status=status)


@contributor_area
def dashboard(request):
    pieces = (
        Article.objects.written_by(request.user)
        .select_related("section")
        .prefetch_related(
            Prefetch(
                "status_changes",
                # The editors' decisions, not the contributor's own moves.
                queryset=StatusChange.objects.exclude(actor=request.user).filter(
                    to_status__in=[workflow.TRANSITIONS[n].target for n in workflow.DECISIONS]
                ),
                to_attr="decisions",
            ),
            Prefetch("bylines", queryset=Byline.objects.select_related("contributor")),
        )
        .order_by("-updated_at")
    )
    rows = [
        {
            "article": piece,
            "last_decision": piece.decisions[-1] if piece.decisions else None,
            "next_step": NEXT_STEP[piece.status],
            "who_sees": who_sees(piece, request.user),
        }
        for piece in pieces
    ]
    return render(request, "articles/submit/dashboard.html", {"rows": rows})


@contributor_area
def new_piece(request):
    form = NewPieceForm(request.POST or None, request.FILES or None, user=request.user)
    submit_form = submit_form_for(request)
    if request.method == "POST":
        try:
            refuse_if_protected(request.POST)
        except ValidationError as error:
            return refused(request, error.messages[0], status=400)
        if all_valid(form, submit_form):
            article = form.instance
            article.created_by = request.user
            # Theirs alone until they submit it.
            article.with_contributors_only = True
            with transaction.atomic():
                article.slug = unique_slug(
                    Article.objects, article.headline, fallback="piece", limit=180
                )
                form.save_picture(request.user)
                # A Word or Google Docs file's pictures, before the piece whose body shows them.
                form.save_document(request, article)
                article.save()
                Byline.objects.create(article=article, contributor=request.user.contributor)
                form.save_tags()
                # What was kept as it was typed is in the piece now.
                Autosave.objects.filter(user=request.user, article=None).delete()
            return after_save(request, article, form)
        form.hold_picture()
        form.hold_document()
    return render(request, "articles/submit/edit.html", {"form": form, "submit_form": submit_form})


@contributor_area
def edit_piece(request, pk):
    article = own_piece(request, pk)
    editable = article.status in Article.EDITABLE_BY_CONTRIBUTOR
    form = PieceForm(
        request.POST or None, request.FILES or None, instance=article, user=request.user
    )
    submit_form = submit_form_for(request)
    if request.method == "POST":
        try:
            refuse_if_protected(request.POST)
        except ValidationError as error:
            return refused(request, error.messages[0], status=400)
        if not editable:
            return refused(
                request,
                f"This piece is {article.get_status_display().lower()}, so it cannot be edited "
                "now. Nothing was saved.",
                status=409,
            )
        if all_valid(form, submit_form):
            try:
                save_changes(request, form)
            except EditConflict as conflict:
                form.add_error(None, str(conflict))
                form.hold_picture()
            else:
                return after_save(request, article, form)
        else:
            form.hold_picture()
    context = {
        "form": form if editable else None,
        "submit_form": submit_form,
        "article": article,
        "next_step": NEXT_STEP[article.status],
        "who_sees": who_sees(article, request.user),
        # What the last save's pasted credit line filled, said once beside the credit.
        "paste_report": request.session.pop(PASTE_REPORT, "") if request.method == "GET" else "",
        # The editors' messages; the contributor's own moves need no heading of their own.
        "feedback": article.status_changes.exclude(message="")
        .exclude(actor=request.user)
        .select_related("actor"),
        "comments": article.comments.filter(internal=False).select_related("author"),
        "actions": [t for t in workflow.available(request.user, article) if t != workflow.SUBMIT],
    }
    return render(request, "articles/submit/edit.html", context)


PASTE_REPORT = "submit:paste_report"


def submit_form_for(request):
    """The own-work statement, checked only when the piece is being submitted."""
    return SubmitForm(request.POST if "submit" in request.POST else None)


def all_valid(form, submit_form):
    # Both are checked, so every problem is named at once.
    piece_valid = form.is_valid()
    return (submit_form.is_valid() if submit_form.is_bound else True) and piece_valid


def save_changes(request, form):
    article = form.instance
    opened_version = form.cleaned_data["opened_version"]

    def save():
        if article.status == Article.Status.DRAFT and not article.published_at:
            # Until it has been public the address follows the headline.
            article.slug = unique_slug(
                Article.objects.exclude(pk=article.pk),
                article.headline,
                fallback="piece",
                limit=180,
            )
        form.save_picture(request.user)
        article.save()
        form.save_tags()

    article.save_edit(opened_version, by=request.user, save=save)


def after_save(request, article, form):
    """Save draft, save and preview, or save and submit: the button decides."""
    if form.paste_report:
        request.session[PASTE_REPORT] = form.paste_report
    if "submit" in request.POST:
        try:
            workflow.submit(article, by=request.user, message=article.note_to_editors)
        except workflow.TransitionNotAllowed as refusal:
            messages.error(request, f"{refusal} The draft was saved.")
            return redirect("articles:submit_edit", article.pk)
        messages.success(request, "Submitted. The editors have been told; you'll hear from them.")
        return redirect("articles:submit_dashboard")
    if "preview" in request.POST:
        return redirect("articles:submit_preview", article.pk)
    if "delete" in request.POST:
        # Saved first, so that "Keep it" on the next page loses nothing typed.
        return redirect("articles:submit_delete", article.pk)
    messages.success(request, "Draft saved.")
    return redirect("articles:submit_edit", article.pk)


@contributor_area
def delete_piece(request, pk):
    """A contributor deletes a draft of their own, once they have confirmed it."""
    article = own_piece(request, pk)
    if article.status != Article.Status.DRAFT:
        return refused(
            request,
            f"Only a draft can be deleted, and this piece is "
            f"{article.get_status_display().lower()}. Nothing was deleted.",
            status=409,
        )
    if request.method == "POST":
        headline = article.headline
        article.delete()
        messages.success(request, f"Deleted “{headline}”.")
        return redirect("articles:submit_dashboard")
    return render(request, "articles/submit/delete.html", {"article": article})


@contributor_area
@require_POST
def move_piece(request, pk, action):
    """Withdraw a submission, or return a withdrawn piece to draft."""
    article = own_piece(request, pk)
    transition = {"withdraw": workflow.withdraw, "reopen": workflow.reopen}.get(action)
    if transition is None:
        raise Http404("No such action.")
    try:
        transition(article, by=request.user)
    except workflow.TransitionNotAllowed as refusal:
        return refused(request, f"{refusal} Nothing was changed.", status=409)
    messages.success(request, f"Done: the piece is now {article.get_status_display().lower()}.")
    return redirect("articles:submit_edit", article.pk)


@login_required
@never_cache
def preview(request, pk):
    """A piece as readers will see it, for its contributors and the editors."""
    pieces = Article.objects.for_listing()
    own = Article.objects.written_by(request.user).values("pk")
    if is_editor(request.user):
        # Editors see what was submitted to them, and their own.
        pieces = pieces.filter(Q(with_contributors_only=False) | Q(pk__in=own))
    elif contributor_profile(request.user) is None:
        raise Http404("No such piece.")
    else:
        pieces = pieces.filter(pk__in=own)
    article = get_object_or_404(pieces, pk=pk)
    # Its contributor goes back to editing from here, or on to submitting.
    editable = article.status in Article.EDITABLE_BY_CONTRIBUTOR
    own = editable and workflow.is_contributor_of(request.user, article)
    edit_url = reverse("articles:submit_edit", args=[article.pk]) if own else ""
    return render_preview(request, article, edit_url=edit_url)


@never_cache
def shared_preview(request, token):
    """A piece shown through an editor's signed link, until it expires or is revoked."""
    link = PreviewLink.from_token(token)
    if link is None:
        return render(request, "articles/submit/preview_ended.html", status=404)
    article = get_object_or_404(Article.objects.for_listing(), pk=link.article_id)
    return render_preview(request, article, shared_until=link.expires_at)


def render_preview(request, article, **context):
    response = render(
        request,
        "articles/article.html",
        {
            "article": article,
            "preview": True,
            "preview_date": article.published_at or timezone.now(),
            "current_section": article.section,
            **context,
        },
    )
    # Search engines must never index a draft, even if a link leaks.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@contributor_area
def held_picture(request, key):
    """A picture kept from a form with errors, shown only to the person who chose it."""
    held = get_object_or_404(PendingUpload, key=key, uploaded_by=request.user)
    response = FileResponse(held.file.open("rb"))
    # It passed the upload checks, so its type is known; a stored name decides nothing here.
    response["Content-Type"] = HELD_TYPES.get(held.file.name.rsplit(".", 1)[-1], "image/jpeg")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


HELD_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "avif": "image/avif",
}
