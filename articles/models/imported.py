"""What came from another site: which of its items became which of ours, and its old addresses."""

from django.db import models


class ImportedItem(models.Model):
    """One item of another site (a WordPress post, attachment or author) and what it became here.

    Kept so that importing the same export again finds what it made the first time, and makes
    nothing twice; a row whose object was deleted since keeps the item from coming back.
    """

    class Kind(models.TextChoices):
        POST = "post", "Post (a piece)"
        ATTACHMENT = "attachment", "Attachment (a picture)"
        PERSON = "person", "Author (a contributor)"
        # An author's e-mail address, kept under no site: the same person named by two sites'
        # exports is one contributor.
        EMAIL = "email", "Author's e-mail address (a contributor)"

    site = models.CharField(
        max_length=300, blank=True, help_text="The old site's address; empty for an e-mail."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source_id = models.CharField(
        max_length=300, help_text="The item's id, login or address on the old site."
    )
    object_id = models.PositiveBigIntegerField(help_text="The piece, picture or contributor made.")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "source_id"], name="one_import_per_item"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.source_id} of {self.site or 'any site'}"


class OldAddress(models.Model):
    """A path a piece had on the site it came from, sent on to the piece's address here."""

    # As readers' links give it, decoded, without its trailing slash: "/2024/03/budget", or
    # "?p=123" for WordPress's address by number.
    path = models.CharField(max_length=500, unique=True)
    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="old_addresses")

    class Meta:
        verbose_name_plural = "old addresses"

    def __str__(self):
        return f"{self.path} → {self.article.slug}"

    @staticmethod
    def key(path, query_number=None):
        """The stored form of a request's path, or of WordPress's ?p= number when it is given."""
        if query_number is not None:
            return f"?p={query_number}"
        return "/" + path.strip("/")
