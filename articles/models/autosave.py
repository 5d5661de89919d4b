"""Text typed into a piece's form and not saved yet, kept as it is typed."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .content import Article


class Autosave(models.Model):
    """The latest unsaved text of one person's piece, or of the new piece they are writing.

    It never touches the piece itself: readers' pages, the page cache and the search index see
    only what the piece's own form saves (articles/writing/endpoints.py).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="autosaves"
    )
    # Empty for a piece not created yet: one per person, until its form is first saved.
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="autosaves"
    )
    headline = models.CharField(max_length=200, blank=True)
    standfirst = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # The piece's version the text was typed over: a later one means someone saved since.
    base_version = models.PositiveIntegerField(null=True, blank=True)
    # The browser tab that wrote it last, so that a second tab does not silently overwrite it.
    tab = models.CharField(max_length=64)
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["-saved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=Q(article__isnull=False),
                name="one_autosave_per_person_and_piece",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(article__isnull=True),
                name="one_autosave_per_person_for_a_new_piece",
            ),
        ]

    def __str__(self):
        return f"Unsaved text of “{self.headline or 'a new piece'}” by {self.user}"

    def matches(self, article):
        """Whether this text is what the piece holds already, so there is nothing to keep."""
        return (self.headline, self.standfirst, self.body) == (
            article.headline,
            article.standfirst,
            article.body,
        )
