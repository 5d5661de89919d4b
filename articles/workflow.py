"""The editorial workflow: every change of a piece's status goes through one function here.

Each transition checks who may make it and from which state, records it (who, when, from, to,
message), revokes shared previews where it should, and sends its mail once the change is
committed. Views and the admin call these functions; nothing else writes `Article.status`.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst

from . import emails
from .credits import requirements_message
from .models import Article, PreviewLink, StatusChange
from .roles import is_editor

S = Article.Status


class TransitionNotAllowed(Exception):
    """The user may not make this change, or not from the piece's present state."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    by_editor: bool
    needs_message: bool = False

    def allows_from(self, status):
        return status in self.sources


SUBMIT = Transition(
    "submit", "Submit for review", frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.SUBMITTED, False
)
WITHDRAW = Transition(
    "withdraw", "Withdraw the submission", frozenset({S.SUBMITTED}), S.WITHDRAWN, False
)
REOPEN = Transition("reopen", "Return to draft", frozenset({S.WITHDRAWN}), S.DRAFT, False)
REQUEST_CHANGES = Transition(
    "request_changes",
    "Request changes",
    frozenset({S.SUBMITTED}),
    S.CHANGES_REQUESTED,
    True,
    needs_message=True,
)
DECLINE = Transition(
    "decline",
    "Decline",
    frozenset({S.SUBMITTED, S.CHANGES_REQUESTED}),
    S.DECLINED,
    True,
    needs_message=True,
)
_UNPUBLISHED = frozenset({S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.DECLINED, S.WITHDRAWN})
PUBLISH = Transition("publish", "Publish now", _UNPUBLISHED | {S.SCHEDULED}, S.PUBLISHED, True)
SCHEDULE = Transition("schedule", "Schedule", _UNPUBLISHED | {S.SCHEDULED}, S.SCHEDULED, True)
UNPUBLISH = Transition(
    "unpublish", "Unpublish", frozenset({S.PUBLISHED, S.SCHEDULED}), S.WITHDRAWN, True
)

TRANSITIONS = {
    t.name: t
    for t in (SUBMIT, WITHDRAW, REOPEN, REQUEST_CHANGES, DECLINE, PUBLISH, SCHEDULE, UNPUBLISH)
}
# A decision is what the contributor hears about; a submission is what the editors hear about.
DECISIONS = {REQUEST_CHANGES.name, DECLINE.name, PUBLISH.name, SCHEDULE.name, UNPUBLISH.name}
# A shared preview shows a piece before readers see it; once it is out (or pulled) it ends.
REVOKES_PREVIEWS = {S.PUBLISHED, S.WITHDRAWN}


def is_contributor_of(user, article):
    return (
        user.is_authenticated
        and user.is_active
        and Article.objects.written_by(user).filter(pk=article.pk).exists()
    )


def may(user, transition, article):
    """Whether `user` may make `transition` on `article` in its present state."""
    if not transition.allows_from(article.status):
        return False
    if transition.by_editor:
        # A contributor's piece is theirs until they submit it.
        return is_editor(user) and not article.with_contributors_only
    return is_contributor_of(user, article)


def available(user, article):
    """The transitions `user` may make on `article` now, in the order they are offered."""
    return [t for t in TRANSITIONS.values() if may(user, t, article)]


def submit(article, *, by, message=""):
    """The contributor sends the piece to the editors, stating that the work is their own."""
    now = timezone.now()
    return _move(
        article,
        SUBMIT,
        by,
        message,
        submitted_at=now,
        own_work_declared_at=now,
        with_contributors_only=False,
    )


def withdraw(article, *, by, message=""):
    """The contributor takes the piece back: the editors no longer see it."""
    return _move(article, WITHDRAW, by, message, with_contributors_only=True)


def reopen(article, *, by, message=""):
    return _move(article, REOPEN, by, message)


def request_changes(article, *, by, message):
    return _move(article, REQUEST_CHANGES, by, message)


def decline(article, *, by, message):
    return _move(article, DECLINE, by, message)


def publish(article, *, by, message=""):
    """Public now. A piece that was public before keeps its first date."""
    now = timezone.now()
    published_at = article.published_at
    if published_at is None or published_at > now:
        published_at = now
    return _move(article, PUBLISH, by, message, published_at=published_at)


def schedule(article, *, by, when, message=""):
    """Public by itself when `when` passes: the public() query does it, no job runs."""
    if when is None or when <= timezone.now():
        raise TransitionNotAllowed("A piece can only be scheduled for a time in the future.")
    return _move(article, SCHEDULE, by, message, published_at=when)


def unpublish(article, *, by, message=""):
    return _move(article, UNPUBLISH, by, message)


def _move(article, transition, by, message, **changes):
    message = (message or "").strip()
    if transition.needs_message and not message:
        raise TransitionNotAllowed(f"{transition.label} needs a message to the contributor.")
    with transaction.atomic():
        # Read the state under a lock, so two editors deciding at once cannot both succeed.
        current = Article.objects.select_for_update().get(pk=article.pk)
        article.status = current.status
        article.with_contributors_only = current.with_contributors_only
        if not may(by, transition, article):
            raise TransitionNotAllowed(refusal(by, transition, current))
        if transition is SUBMIT:
            _check_ready_for_editors(current)
        if transition.target in Article.LIVE_STATUSES:
            _check_ready_for_readers(current)
        for field, value in changes.items():
            setattr(current, field, value)
        current.status = transition.target
        current._change_reason = transition.label
        current.save()
        change = StatusChange.objects.create(
            article=current,
            actor=by,
            from_status=article.status,
            to_status=transition.target,
            message=message,
        )
        if transition.target in REVOKES_PREVIEWS:
            PreviewLink.objects.filter(article=current, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
        if transition is SUBMIT:
            transaction.on_commit(lambda: emails.submission_received(change))
        elif transition.name in DECISIONS:
            transaction.on_commit(lambda: emails.decision_made(change))
    # The caller's object follows the stored one.
    followed = ("status", "published_at", "submitted_at", "own_work_declared_at", "version")
    for field in (*followed, "with_contributors_only"):
        setattr(article, field, getattr(current, field))
    return change


def _check_ready_for_editors(article):
    """Refuse to submit a draft with no words, no section, or a picture not yet credited."""
    if not article.body.strip():
        raise TransitionNotAllowed("Write the piece before submitting it: the body is empty.")
    if article.section_id is None:
        raise TransitionNotAllowed("Choose the section the piece belongs in before submitting it.")
    # What each licence asks of a credit beyond this is checked when the piece is published.
    if article.hero_image is not None and not hasattr(article.hero_image, "credit"):
        raise TransitionNotAllowed(picture_not_ready(article.hero_image))
    for image in article.shown_in_body():
        if not hasattr(image, "credit"):
            raise TransitionNotAllowed(body_picture_not_ready(image))


def _check_ready_for_readers(article):
    """Refuse to publish a piece with no byline or section, or a picture its licence faults."""
    if article.section_id is None:
        raise TransitionNotAllowed("A piece needs a section first.")
    if not article.bylines.exists():
        raise TransitionNotAllowed("A piece needs at least one name in its byline first.")
    if article.hero_image is not None:
        missing = picture_not_ready(article.hero_image)
        if missing:
            raise TransitionNotAllowed(missing)
    for image in article.shown_in_body():
        missing = body_picture_not_ready(image)
        if missing:
            raise TransitionNotAllowed(missing)


def picture_not_ready(image, subject="The picture", credit_subject="The picture's credit"):
    """Why the picture may not go before readers yet, or "" if it may."""
    credit = getattr(image, "credit", None)
    if credit is None:
        return f"{subject} has no credit yet: say who made it and under what licence first."
    missing = requirements_message(credit, subject=credit_subject)
    return f"{missing} Complete the credit before publishing." if missing else ""


def body_picture_not_ready(image):
    """The same for a picture in the body, named, since a piece may show several."""
    name = image.named()
    return picture_not_ready(image, capfirst(name), f"The credit of {name}")


def refusal(user, transition, article):
    """Why `user` may not make `transition` on `article` now, in a sentence."""
    if not transition.allows_from(article.status):
        return (
            f"“{transition.label}” is not possible while the piece is "
            f"{article.get_status_display().lower()}."
        )
    if transition.by_editor and article.with_contributors_only:
        return "This piece is still its contributor's own: editors see it once it is submitted."
    if transition.by_editor:
        return f"Only an editor can {transition.label.lower()}."
    return "Only the piece's own contributors can do that."
