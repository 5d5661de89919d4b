"""The contributor's piece form: the words, the placement, and one credited picture."""

from django import forms
from django.core.exceptions import ValidationError
from taggit.forms import TagField

from .. import licenses
from ..models import Article, Image, ImageCredit

# Fields a contributor never sets, whatever a hand-made POST says: the editors decide them.
PROTECTED_FIELDS = (
    "status",
    "published_at",
    "slug",
    "byline",
    "bylines",
    "contributors",
    "created_by",
    "submitted_at",
    "own_work_declared_at",
    "version",
    "hero_image",
)


def url_field(label, help_text):
    return forms.URLField(
        label=label, required=False, assume_scheme="https", max_length=500, help_text=help_text
    )


class PieceForm(forms.ModelForm):
    """A contributor's draft; the picture and its credit ride along as plain fields."""

    tags = TagField(
        required=False,
        help_text="Places, people and subjects, separated by commas: France, Mali, Sahel.",
    )
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    picture = forms.ImageField(
        required=False,
        help_text="A JPEG, PNG, WebP or GIF. Only a picture you may use: your own, or one "
        "whose licence allows it.",
    )
    alt_text = forms.CharField(
        label="Alt text",
        max_length=300,
        required=False,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    caption = forms.CharField(max_length=300, required=False, help_text="Shown under the picture.")
    credit_title = forms.CharField(
        label="Title of the work",
        max_length=300,
        required=False,
        help_text="As its creator titled it, if they did.",
    )
    credit_creator = forms.CharField(
        label="Creator",
        max_length=200,
        required=False,
        help_text="The photographer, artist or organisation to credit. Your own name if you "
        "took it.",
    )
    credit_creator_url = url_field("Creator's page", "A link to the creator, if they have one.")
    credit_source_url = url_field("Source", "The page where you found the picture.")
    credit_license = forms.ChoiceField(
        label="Licence",
        required=False,
        choices=[("", "Choose the licence…"), *licenses.choices()],
        help_text="As the source page states it. For your own photograph, choose "
        "“Used with permission” or a Creative Commons licence you grant.",
    )
    credit_changes = forms.CharField(
        label="Changes made",
        max_length=200,
        required=False,
        initial="unmodified",
        help_text="“unmodified”, or what you changed (cropped, brightened).",
    )

    class Meta:
        model = Article
        fields = ["headline", "standfirst", "body", "section", "tags", "note_to_editors"]
        widgets = {
            "standfirst": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 24}),
            "note_to_editors": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "headline": "Short and clear; the editors may suggest another.",
            "body": "Markdown: a blank line between paragraphs; ## for a subheading; *italic*, "
            "**bold**; [words](https://…) for a link. “Save and preview” shows it exactly as "
            "readers will see it.",
            "note_to_editors": "Sources, context, anything you want the editors to know. "
            "Readers never see this.",
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["section"].empty_label = "Choose a section…"
        article = self.instance
        if article.pk:
            self.initial.setdefault("opened_version", article.version)
            self.initial.setdefault("tags", list(article.tags.all()))
        image = article.hero_image if article.pk else None
        if image:
            self.fields[
                "picture"
            ].help_text = (
                "Leave empty to keep the current picture, or choose a new one to replace it."
            )
            self.initial.setdefault("alt_text", image.alt_text)
            self.initial.setdefault("caption", image.caption)
            credit = getattr(image, "credit", None)
            if credit:
                for field in ("title", "creator", "creator_url", "source_url", "changes"):
                    self.initial.setdefault(f"credit_{field}", getattr(credit, field))
                self.initial.setdefault("credit_license", credit.license)

    def has_picture(self):
        return bool(
            self.cleaned_data.get("picture") or (self.instance.pk and self.instance.hero_image)
        )

    def clean(self):
        cleaned_data = super().clean()
        if self.has_picture():
            required = {
                "alt_text": "Describe the picture for readers who cannot see it.",
                "credit_creator": "Name who made the picture, so it can be credited.",
                "credit_license": "Choose the licence the picture is under.",
            }
            for field, message in required.items():
                if not cleaned_data.get(field):
                    self.add_error(field, message)
        elif any(cleaned_data.get(f) for f in ("credit_creator", "credit_title", "alt_text")):
            self.add_error("picture", "Choose the picture this credit belongs to.")
        return cleaned_data

    def save_tags(self):
        self.instance.tags.set(self.cleaned_data["tags"])

    def save_picture(self, user):
        """Store the picture and its credit, or update the current ones, before the piece."""
        article = self.instance
        data = self.cleaned_data
        upload = data.get("picture")
        image = article.hero_image
        if upload:
            image = Image(file=upload, uploaded_by=user)
        elif image is None:
            return
        image.alt_text = data["alt_text"]
        image.caption = data["caption"]
        image.save()
        credit = getattr(image, "credit", None) or ImageCredit(image=image)
        credit.title = data["credit_title"]
        credit.creator = data["credit_creator"]
        credit.creator_url = data["credit_creator_url"]
        credit.source_url = data["credit_source_url"]
        credit.license = data["credit_license"]
        credit.changes = data["credit_changes"] or "unmodified"
        credit.full_clean()
        credit.save()
        article.hero_image = image


class SubmitForm(forms.Form):
    """What a contributor states when sending a piece to the editors."""

    label_suffix = ""
    own_work = forms.BooleanField(
        label="This piece is my own work, and I may use the picture as credited.",
        error_messages={
            "required": "Tick the statement that the work is your own before you submit."
        },
    )


def protected_fields_in(data):
    """The names in a POST that a contributor may not set; a form never sends them."""
    return sorted(name for name in PROTECTED_FIELDS if name in data)


def refuse_if_protected(data):
    fields = protected_fields_in(data)
    if fields:
        raise ValidationError(
            "These cannot be set from the contributor area: %(fields)s. Nothing was saved.",
            params={"fields": ", ".join(fields)},
        )
