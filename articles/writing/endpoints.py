"""The writing surface's server side: the live preview, pasting, and autosave, all in JSON.

Each answers signed-in writers only (contributors in their area, editors in the admin), is a
CSRF-checked POST (the autosave is also read with a GET), and is never cached. An autosave keeps
what someone typed in its own table, never in the piece: readers' pages, the page cache and
the search index change only when the piece's own form is saved.
"""

import json
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .. import body_pictures
from ..models import Article, Autosave
from ..rendering import count_words, reading_minutes, render_markdown
from ..roles import may_use_contributor_area
from .pasting import markdown_from_html

# The longest body a preview or an autosave takes, in characters: some 80,000 words, far more
# than any piece.
MAX_TEXT = 500_000
# Pasted HTML is mostly styles: Google Docs writes about 20 characters of it for each one of text.
MAX_PASTE = 2_000_000
MAX_HEADLINE = Article._meta.get_field("headline").max_length
MAX_TAB = Autosave._meta.get_field("tab").max_length

# The pages that autosave, the side of the site each is on, and the argument naming the piece.
CONTRIBUTOR, EDITOR = "contributor", "editor"
AUTOSAVING_PAGES = {
    ("articles", "submit_new"): (CONTRIBUTOR, None),
    ("articles", "submit_edit"): (CONTRIBUTOR, "pk"),
    ("admin", "articles_article_add"): (EDITOR, None),
    ("admin", "articles_article_change"): (EDITOR, "object_id"),
}


class Refused(Exception):
    """A request the endpoint answers with an error and a sentence saying why."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def writes_in_the_admin(user, action="change"):
    return user.is_active and user.is_staff and user.has_perm(f"articles.{action}_article")


def may_write(user):
    return may_use_contributor_area(user) or writes_in_the_admin(user)


def writing_endpoint(*methods):
    """JSON in and out, for signed-in writers only; a refusal is a JSON error, never a page."""

    def decorate(view):
        @wraps(view)
        @never_cache
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                response = error(405, f"Use {' or '.join(methods)}.")
                response["Allow"] = ", ".join(methods)
                return response
            if not request.user.is_authenticated:
                return error(
                    403, "You are signed out. Sign in again in another tab, then come back here."
                )
            if not may_write(request.user):
                return error(403, "This account does not write pieces.")
            try:
                return view(request, *args, **kwargs)
            except Refused as refusal:
                return error(refusal.status, refusal.message)

        return wrapper

    return decorate


def error(status, message):
    return JsonResponse({"error": message}, status=status)


def read_json(request):
    """The request's JSON object, refused before it is read if it is larger than Django takes."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if limit is not None and length > limit:
        raise Refused(413, "That is too long to send in one go.")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "The request was not understood.") from None
    if not isinstance(data, dict):
        raise Refused(400, "The request was not understood.")
    return data


def text(data, name, limit, too_long):
    value = data.get(name, "")
    if not isinstance(value, str):
        raise Refused(400, f"The {name} should be text.")
    if len(value) > limit:
        raise Refused(413, too_long)
    return value


@writing_endpoint("POST")
def preview(request):
    """The body as readers will see it, with its word count and reading time."""
    body = text(
        read_json(request),
        "body",
        MAX_TEXT,
        f"The text is too long to preview: it has more than {MAX_TEXT:,} characters.",
    )
    html = render_markdown(body)
    words = count_words(html)
    # The pictures it names, if they are ones this writer may see: a contributor's own, and
    # those of their pieces; each other number gets a note saying so.
    shown = body_pictures.pictures_of(html, body_pictures.previewable_pictures(request.user))
    html = body_pictures.with_pictures(html, shown, explain=True)
    return JsonResponse({"html": html, "words": words, "minutes": reading_minutes(words)})


@writing_endpoint("POST")
def paste(request):
    """Pasted HTML (from Google Docs, Word or a web page) as the Markdown the body is written in."""
    html = text(
        read_json(request),
        "html",
        MAX_PASTE,
        "What you pasted is too long to convert in one go: paste it a few pages at a time.",
    )
    return JsonResponse({"markdown": markdown_from_html(html)})


@writing_endpoint("GET", "POST")
def autosave(request):
    """GET: what was kept for the piece on `page`. POST: keep the text typed, or discard it."""
    if request.method == "GET":
        piece = piece_on_page(request, request.GET.get("page"))
        return JsonResponse(kept_for(request.user, piece))
    data = read_json(request)
    piece = piece_on_page(request, data.get("page"))
    if data.get("discard"):
        return discard(request.user, piece, data.get("token"))
    return keep(request.user, piece, data)


def piece_on_page(request, page):
    """The piece whose form is on `page` (None for a new one), if this user may write to it."""
    if not isinstance(page, str) or not page.startswith("/"):
        raise Refused(400, "Say which page the text was typed on.")
    path = page.split("?", 1)[0]
    # The site may be served below a path of its own, which its URLs do not include.
    script_prefix = request.path[: len(request.path) - len(request.path_info)]
    if script_prefix and path.startswith(script_prefix):
        path = path[len(script_prefix) :]
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    side, argument = (
        AUTOSAVING_PAGES.get((match.app_name, match.url_name), (None, None))
        if match
        else (None, None)
    )
    if side is None:
        raise Refused(404, "Text typed on this page is not saved as you type.")
    user = request.user
    if side == CONTRIBUTOR:
        if not may_use_contributor_area(user):
            raise Refused(403, "Only contributors write in the contributor area.")
        pieces = Article.objects.written_by(user)
    else:
        if not writes_in_the_admin(user, "change" if argument else "add"):
            raise Refused(403, "Only editors write pieces in the admin.")
        pieces = Article.objects.seen_by_editors()
    if argument is None:
        return None
    pk = str(match.kwargs.get(argument, ""))
    piece = pieces.filter(pk=int(pk)).first() if pk.isdigit() else None
    if piece is None:
        raise Refused(404, "There is no such piece, or it is not one you can edit.")
    if side == CONTRIBUTOR and piece.status not in Article.EDITABLE_BY_CONTRIBUTOR:
        raise Refused(
            403,
            f"This piece is {piece.get_status_display().lower()}, so it cannot be changed now.",
        )
    return piece


def kept_for(user, piece):
    """What the page needs to know: who writes, the piece's version, and the text kept for it."""
    kept = Autosave.objects.filter(user=user, article=piece).first()
    if piece is not None:
        # Text the piece's form has saved since is kept already, in the piece. That includes
        # the text of a new piece, once its form created it.
        if kept is not None and kept.matches(piece):
            kept.delete()
            kept = None
        Autosave.objects.filter(
            user=user,
            article=None,
            headline=piece.headline,
            standfirst=piece.standfirst,
            body=piece.body,
        ).delete()
    return {
        "owner": str(user.pk),
        "piece": piece.pk if piece else None,
        "version": piece.version if piece else None,
        "autosave": described(kept),
    }


def described(kept):
    if kept is None:
        return None
    return {
        "headline": kept.headline,
        "standfirst": kept.standfirst,
        "body": kept.body,
        "base_version": kept.base_version,
        "tab": kept.tab,
        "saved_at": kept.saved_at.isoformat(),
        "token": token(kept),
    }


def token(kept):
    """Names one save of the text, so that a tab can say which one it last saw."""
    return kept.saved_at.isoformat()


def keep(user, piece, data):
    fields = {
        "headline": text(data, "headline", MAX_HEADLINE, "The headline is too long to keep."),
        "standfirst": text(data, "standfirst", MAX_TEXT, "The standfirst is too long to keep."),
        "body": text(
            data,
            "body",
            MAX_TEXT,
            f"The text is too long to save as you type: it has more than {MAX_TEXT:,} characters.",
        ),
    }
    tab = data.get("tab")
    if not isinstance(tab, str) or not 0 < len(tab) <= MAX_TAB:
        raise Refused(400, "Say which tab the text was typed in.")
    seen = data.get("seen") or ""
    base_version = data.get("base_version")
    if base_version is not None and not (isinstance(base_version, int) and base_version >= 0):
        raise Refused(400, "The version should be a number.")
    try:
        with transaction.atomic():
            kept = Autosave.objects.select_for_update().filter(user=user, article=piece).first()
            # Another tab's text, saved after what this tab last saw: not overwritten unasked.
            if kept is not None and kept.tab != tab and token(kept) != seen:
                return in_another_tab(kept)
            kept = kept or Autosave(user=user, article=piece)
            for name, value in fields.items():
                setattr(kept, name, value)
            kept.tab = tab
            kept.base_version = base_version
            kept.saved_at = timezone.now()
            kept.save()
    except IntegrityError:
        # Two tabs began the first autosave of a piece at once; the other one's is kept.
        return in_another_tab(Autosave.objects.get(user=user, article=piece))
    return JsonResponse({"saved_at": kept.saved_at.isoformat(), "token": token(kept)})


def in_another_tab(kept):
    return JsonResponse(
        {
            "error": "This piece is being written in another tab or window too.",
            "autosave": described(kept),
        },
        status=409,
    )


def discard(user, piece, discarded):
    """Forget the kept text the page offered, and only that: a newer one was not refused."""
    kept = Autosave.objects.filter(user=user, article=piece).first()
    if kept is None or token(kept) != discarded:
        return JsonResponse({"discarded": False})
    kept.delete()
    return JsonResponse({"discarded": True})
