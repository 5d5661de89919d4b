"""The people who write for the magazine, and the byline that names them on a piece."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class Contributor(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    role = models.CharField(
        "default role",
        max_length=80,
        default="Contributor",
        help_text="Shown after the name in a byline unless a piece says otherwise, "
        'e.g. "Contributor", "Staff Writer", "Editor".',
    )
    pronouns = models.CharField(
        max_length=40, blank=True, help_text="As they want them shown, e.g. she/her, they/them."
    )
    bio = models.TextField(blank=True, help_text="A few sentences, shown on their page.")
    class_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="For a student, the year they graduate: shown as “Class of 2027”.",
    )
    photo = models.ForeignKey(
        "Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    links = models.TextField(
        blank=True, help_text="Their own pages elsewhere (website, social profiles), one per line."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributor",
        help_text="The account this contributor signs in with. A guest writer needs none.",
    )
    # Set when an editor ends a graduate's access: the account can no longer sign in, while
    # their bylines, page and masthead positions stay.
    access_ended_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:contributor", kwargs={"slug": self.slug})

    def link_list(self):
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class Byline(models.Model):
    """One name in a piece's byline, with the role shown for this piece."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="bylines")
    contributor = models.ForeignKey(Contributor, on_delete=models.PROTECT, related_name="bylines")
    role = models.CharField(
        max_length=80, blank=True, help_text="Leave blank to use the contributor's default role."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "contributor"], name="one_byline_per_person")
        ]

    def __str__(self):
        return f"{self.contributor.name}, {self.shown_role}"

    @property
    def shown_role(self):
        return self.role or self.contributor.role
