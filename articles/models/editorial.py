"""The record of editorial work on a piece: status changes, comments, preview links, invitations."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .content import Article


class StatusChange(models.Model):
    """One step of the workflow: who moved the piece, when, from which state to which."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=20, choices=Article.Status.choices)
    to_status = models.CharField(max_length=20, choices=Article.Status.choices)
    message = models.TextField(blank=True, help_text="Shown to the piece's contributors.")

    class Meta:
        ordering = ["at", "id"]
        get_latest_by = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Comment(models.Model):
    """An editor's note on a piece, seen by its contributors unless marked internal."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField("comment")
    internal = models.BooleanField(
        default=False,
        help_text="Internal comments are for editors only; the contributor never sees them.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.body[:60]


def preview_expiry():
    return timezone.now() + timedelta(days=settings.MAGAZINE_PREVIEW_LINK_DAYS)


class PreviewLink(models.Model):
    """A signed link to a draft for someone without an account, until it expires or is revoked."""

    SALT = "articles.preview-link"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=preview_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preview of {self.article}"

    def get_absolute_url(self):
        return reverse("articles:shared_preview", kwargs={"token": self.token})

    @property
    def token(self):
        # No timestamp: the expiry is kept in the row, so a link reads the same every time.
        return signing.Signer(salt=self.SALT).sign(str(self.key))

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    @classmethod
    def from_token(cls, token):
        """The live link a token names, or None if it is forged, expired or revoked."""
        try:
            key = signing.Signer(salt=cls.SALT).unsign(token)
        except signing.BadSignature:
            return None
        link = cls.objects.select_related("article").filter(key=key).first()
        return link if link and link.is_active else None


class Invitation(models.Model):
    """An editor's invitation to write for the magazine, accepted once through a signed link."""

    SALT = "articles.invitation"

    class Unusable(Exception):
        """A link that cannot be used, with the reason: INVALID, EXPIRED or USED."""

        INVALID = "invalid"
        EXPIRED = "expired"
        USED = "used"

        def __init__(self, reason):
            super().__init__(reason)
            self.reason = reason

    email = models.EmailField(help_text="Where the invitation is sent.")
    name = models.CharField(
        max_length=120, blank=True, help_text="Optional: filled in for them on the sign-up form."
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="invitation",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    def get_absolute_url(self):
        return reverse("accept_invitation", kwargs={"token": self.token})

    @property
    def token(self):
        return signing.TimestampSigner(salt=self.SALT).sign(str(self.pk))

    @property
    def expires_at(self):
        return self.created_at + timedelta(days=settings.MAGAZINE_INVITATION_DAYS)

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @classmethod
    def from_token(cls, token):
        """The invitation a link names, or Invitation.Unusable saying why it cannot be used."""
        signer = signing.TimestampSigner(salt=cls.SALT)
        try:
            pk = signer.unsign(token)
        except signing.BadSignature:
            raise cls.Unusable(cls.Unusable.INVALID) from None
        invitation = cls.objects.filter(pk=pk).first()
        if invitation is None:
            raise cls.Unusable(cls.Unusable.INVALID)
        # Said before "expired": someone who already accepted needs to sign in, not a new link.
        if invitation.accepted_at:
            raise cls.Unusable(cls.Unusable.USED)
        try:
            signer.unsign(token, max_age=timedelta(days=settings.MAGAZINE_INVITATION_DAYS))
        except signing.SignatureExpired:
            raise cls.Unusable(cls.Unusable.EXPIRED) from None
        return invitation


class Submission(Article):
    """A piece as the review queue shows it: sent for review and waiting for a decision."""

    class Meta:
        proxy = True
        verbose_name = "submission"
        verbose_name_plural = "review queue"
