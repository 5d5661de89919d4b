"""The contributor's piece form: the words, the placement, and one credited picture."""

from django import forms
from django.core.exceptions import ValidationError
from taggit.forms import TagField

from .. import licenses
from ..credits import FIELD_NAMES
from ..forms import pasted_credit_report, read_pasted_credit
from ..images import PictureField
from ..models import Article, Image, ImageCredit
from ..models.images import crop_refusal

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


def crop_field(label):
    return forms.IntegerField(
        label=label, required=False, min_value=0, help_text="In pixels of the picture."
    )


# The credit's fields as this form names them.
CREDIT_KEYS = {name: f"credit_{name}" for name in FIELD_NAMES}


class PieceForm(forms.ModelForm):
    """A contributor's draft; the picture and its credit ride along as plain fields."""

    tags = TagField(
        required=False,
        help_text="Places, people and subjects, separated by commas: France, Mali, Sahel.",
    )
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    picture = PictureField(
        required=False,
        help_text="A JPEG, PNG, WebP, AVIF or GIF of up to 20 MB. Only a picture you may "
        "use: your own, or one whose licence allows it.",
    )
    alt_text = forms.CharField(
        label="Alt text",
        max_length=300,
        required=False,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    decorative = forms.BooleanField(
        label="The picture is decorative",
        required=False,
        help_text="Tick only if it adds nothing a reader would miss; it then needs no alt text.",
    )
    caption = forms.CharField(max_length=300, required=False, help_text="Shown under the picture.")
    credit_paste = forms.CharField(
        label="Paste a credit line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: paste the credit from where you found the picture, such as "
        "“Title” by Creator is licensed under CC BY 4.0, and the empty fields below are "
        "filled from it.",
    )
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
    credit_permission_from = forms.CharField(
        label="Permission given by",
        max_length=200,
        required=False,
        help_text="For a picture used with permission: who gave it.",
    )
    credit_changes = forms.CharField(
        label="Changes made",
        max_length=200,
        required=False,
        initial="unmodified",
        help_text="“unmodified”, or what you changed (brightened, for instance). A crop "
        "asked for below is added by itself.",
    )
    crop_left = crop_field("Crop: left edge")
    crop_top = crop_field("Crop: top edge")
    crop_right = crop_field("Crop: right edge")
    crop_bottom = crop_field("Crop: bottom edge")

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

    def __init__(self, data=None, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        self.paste_filled, self.paste_problems = [], []
        if data is not None:
            data = data.copy()
            self.paste_filled, self.paste_problems = read_pasted_credit(
                data, "credit_paste", CREDIT_KEYS.get
            )
        super().__init__(data, *args, **kwargs)
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
            for field in ("alt_text", "decorative", "caption", *Image.CROP_FIELDS):
                self.initial.setdefault(field, getattr(image, field))
            credit = getattr(image, "credit", None)
            if credit:
                for field in FIELD_NAMES:
                    self.initial.setdefault(CREDIT_KEYS[field], getattr(credit, field))

    def has_picture(self):
        return bool(
            self.cleaned_data.get("picture") or (self.instance.pk and self.instance.hero_image)
        )

    def clean(self):
        cleaned_data = super().clean()
        if self.has_picture():
            required = {
                "credit_creator": "Name who made the picture, so it can be credited.",
                "credit_license": "Choose the licence the picture is under.",
            }
            if not cleaned_data.get("decorative"):
                required["alt_text"] = "Describe the picture for readers who cannot see it."
            for field, message in required.items():
                if not cleaned_data.get(field):
                    self.add_error(field, message)
            self.check_crop(cleaned_data)
        elif any(cleaned_data.get(f) for f in ("credit_creator", "credit_title", "alt_text")):
            self.add_error("picture", "Choose the picture this credit belongs to.")
        if self.paste_problems and self.errors:
            self.add_error(
                "credit_paste", pasted_credit_report(self.paste_filled, self.paste_problems)
            )
        return cleaned_data

    def check_crop(self, cleaned_data):
        """A crop is checked against the picture and refused outright under NoDerivatives."""
        picture = cleaned_data.get("picture")
        image = Image(
            width=picture.width if picture else self.instance.hero_image.width,
            height=picture.height if picture else self.instance.hero_image.height,
            **{field: cleaned_data.get(field) for field in Image.CROP_FIELDS},
        )
        refusal = crop_refusal(cleaned_data.get("credit_license"), image)
        if refusal:
            self.add_error("crop_left", refusal)
            return
        try:
            image.clean_crop()
        except ValidationError as error:
            self.add_error("crop_left", error)

    def save_tags(self):
        self.instance.tags.set(self.cleaned_data["tags"])

    def save_picture(self, user):
        """Store the picture and its credit, or update the current ones, before the piece."""
        article = self.instance
        data = self.cleaned_data
        upload = data.get("picture")
        image = article.hero_image
        if upload:
            image = Image(file=upload.content, uploaded_by=user)
        elif image is None:
            return
        for field in ("alt_text", "decorative", "caption", *Image.CROP_FIELDS):
            setattr(image, field, data[field])
        if image.decorative:
            image.alt_text = ""
        image.save()
        credit = getattr(image, "credit", None) or ImageCredit(image=image)
        for field in FIELD_NAMES:
            setattr(credit, field, data[CREDIT_KEYS[field]])
        credit.changes = credit.changes or "unmodified"
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
