"""The mail the workflow and accounts send, from plain-text templates.

Everything a contributor typed (a headline, a note) goes into plain text only, and never into a
header unflattened.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from .roles import EDITORS


def absolute(path):
    return settings.MAGAZINE_SITE_URL.rstrip("/") + path


def one_line(text, limit=120):
    """Text fit for a subject line: no line breaks, not too long."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def editor_addresses():
    users = get_user_model().objects.filter(
        Q(groups__name=EDITORS) | Q(is_superuser=True), is_active=True
    )
    return sorted({user.email for user in users if user.email})


def contributor_addresses(article, *, except_user=None):
    addresses = set()
    for byline in article.bylines.select_related("contributor__user"):
        user = byline.contributor.user
        if user and user.is_active and user.email and user != except_user:
            addresses.add(user.email)
    return sorted(addresses)


def greeting_names(addresses):
    """The name to greet each address by: its account's first name, or else its byline name."""
    names = {}
    users = (
        get_user_model()
        .objects.filter(email__in=addresses, is_active=True)
        .select_related("contributor")
        .order_by("pk")
    )
    for user in users:
        contributor = getattr(user, "contributor", None)
        name = user.first_name.strip() or (contributor.name.strip() if contributor else "")
        if name:
            names.setdefault(user.email, name)
    return names


def _send(template, subject, recipients, context):
    if not recipients:
        return 0
    context = {"magazine_name": settings.MAGAZINE_NAME, **context}
    subject = f"[{settings.MAGAZINE_NAME}] {one_line(subject)}"
    names = greeting_names(recipients)
    # One message each, opening with the person's name; nobody sees the others' addresses.
    return send_mass_mail(
        [
            (
                subject,
                render_to_string(
                    f"emails/{template}.txt", {**context, "name": names.get(address, "")}
                ),
                settings.DEFAULT_FROM_EMAIL,
                [address],
            )
            for address in recipients
        ]
    )


def submission_received(change):
    """Tell the editors a piece is waiting for review."""
    article = change.article
    return _send(
        "submission_received",
        f"Submitted for review: {article.headline}",
        editor_addresses(),
        {
            "article": article,
            "change": change,
            "review_url": absolute(reverse("admin:articles_article_change", args=[article.pk])),
        },
    )


def decision_made(change):
    """Tell the piece's contributors what the editors decided, with their message."""
    article = change.article
    return _send(
        "decision_made",
        f"{change.get_to_status_display()}: {article.headline}",
        contributor_addresses(article, except_user=change.actor),
        {
            "article": article,
            "change": change,
            "piece_url": absolute(reverse("articles:submit_edit", args=[article.pk])),
            "public_url": absolute(article.get_absolute_url()) if article.is_public else "",
        },
    )


def invitation(invitation):
    """Send an invitation to write for the magazine, with its signed link."""
    return _send(
        "invitation",
        f"An invitation to write for {settings.MAGAZINE_NAME}",
        [invitation.email],
        {
            "invitation": invitation,
            "accept_url": absolute(invitation.get_absolute_url()),
            "days": settings.MAGAZINE_INVITATION_DAYS,
        },
    )


def name_changed(contributor, old_name, *, by):
    """Tell the editors a contributor changed the name their bylines show."""
    return _send(
        "name_changed",
        f"A contributor changed their name: {old_name} is now {contributor.name}",
        editor_addresses(),
        {
            "contributor": contributor,
            "old_name": old_name,
            "account": by.get_username(),
            "admin_url": absolute(
                reverse("admin:articles_contributor_change", args=[contributor.pk])
            ),
        },
    )
