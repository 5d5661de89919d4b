"""The contributor's piece form: the words, the placement, and one credited picture."""

from django import forms
from django.core.exceptions import ValidationError
from taggit.forms import TagField

from .. import body_pictures, licenses
from ..credits import FIELD_NAMES, missing_for_license
from ..forms import BODY_HELP, pasted_credit_report, read_pasted_credit
from ..images import PictureField
from ..links import WebAddressField
from ..models import Article, Image, ImageCredit
from ..models.images import crop_refusal
from ..writing.widgets import WritingArea
from .held import HELD_PICTURE_LOST, content_of, held_upload, hold

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
    # http(s) only; a link typed without a scheme is taken as https.
    return WebAddressField(label=label, required=False, max_length=500, help_text=help_text)


def crop_field(label):
    return forms.IntegerField(
        label=label, required=False, min_value=0, help_text="In pixels of the picture."
    )


# The credit's fields as this form names them.
CREDIT_KEYS = {name: f"credit_{name}" for name in FIELD_NAMES}


class PictureFields(forms.Form):
    """A contributor's picture and its description, as the piece form and the form adding a
    picture for the text both ask for them."""

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
    # The key of a picture kept from an earlier try of this form (see held.py).
    held_picture = forms.CharField(widget=forms.HiddenInput, required=False)

    def offer_replacing(self):
        picture = self.fields["picture"]
        picture.label = "Replace the picture"
        picture.help_text = "Leave empty to keep the picture above, or choose another instead."

    def hold_picture(self):
        """Keep a picture chosen on a form that has errors, so it need not be chosen again."""
        upload = getattr(self, "cleaned_data", {}).get("picture")
        if upload:
            self.held = hold(upload, self.user, replacing=self.held)
            self.held_lost = False
            self.offer_replacing()


class PieceForm(forms.ModelForm, PictureFields):
    """A contributor's draft; the picture and its credit ride along as plain fields."""

    tags = TagField(
        required=False,
        help_text="Places, people and subjects, separated by commas: France, Mali, Sahel.",
    )
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    remove_picture = forms.BooleanField(
        label="Remove the picture",
        required=False,
        help_text="The piece will have no picture. To use another instead, choose it above.",
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

    class Media:
        # The Insert buttons of "Your pictures".
        js = [forms.Script("js/insert-picture.js", defer=True)]

    class Meta:
        model = Article
        fields = [
            "headline", "standfirst", "content_warning", "body", "section", "tags",
            "note_to_editors",
        ]  # fmt: skip
        widgets = {
            "standfirst": forms.Textarea(attrs={"rows": 3}),
            "body": WritingArea(attrs={"rows": 24}),
            "note_to_editors": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "headline": "Short and clear; the editors may suggest another.",
            "content_warning": "Optional: if the piece deals with something some readers may "
            "want to know of first, such as suicide, abuse or violence, say so in a few words. "
            "It is shown before the piece and on its cards; the editors may change it.",
            "body": BODY_HELP,
            "note_to_editors": "Sources, context, anything you want the editors to know. "
            "Readers never see this.",
        }

    def __init__(self, data=None, *args, user=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        self.user = user
        # "Submit for review" asks for more than "Save draft" does.
        self.submitting = data is not None and "submit" in data
        self.paste_filled, self.paste_problems = [], []
        self.held, self.held_lost, self.removing = None, False, False
        if data is not None:
            data = data.copy()
            self.paste_filled, self.paste_problems = read_pasted_credit(
                data, "credit_paste", CREDIT_KEYS.get
            )
            self.held, self.held_lost = held_upload(data.get("held_picture"), user)
        super().__init__(data, *args, **kwargs)
        # The preview shows the pictures of theirs the body names (articles/body_pictures.py).
        self.fields["body"].widget.pictures = body_pictures.previewable_pictures(user)
        # A draft may be only a headline; what submitting needs is asked for then.
        self.fields["body"].required = False
        self.fields["section"].required = False
        self.fields["section"].empty_label = "Choose a section…"
        article = self.instance
        if article.pk:
            self.initial.setdefault("opened_version", article.version)
            self.initial.setdefault("tags", list(article.tags.all()))
        image = article.hero_image if article.pk else None
        if image:
            self.offer_replacing()
            for field in ("alt_text", "decorative", "caption", *Image.CROP_FIELDS):
                self.initial.setdefault(field, getattr(image, field))
            credit = getattr(image, "credit", None)
            written = (
                {field: getattr(credit, field) for field in FIELD_NAMES}
                if credit
                else image.draft_credit
            )
            for field, value in written.items():
                if field in CREDIT_KEYS:
                    self.initial.setdefault(CREDIT_KEYS[field], value)
        if self.held:
            self.offer_replacing()

    @property
    def paste_report(self):
        """What a pasted credit line filled and what it could not read, in a sentence."""
        if not (self.paste_filled or self.paste_problems):
            return ""
        return pasted_credit_report(self.paste_filled, self.paste_problems)

    def shown_credit(self):
        """The credit as the form now holds it: what was typed, or what is stored."""
        return {field: self[key].value() or "" for field, key in CREDIT_KEYS.items()}

    @property
    def credit_folds(self):
        """The credit's fields fold away once they are filled and have nothing to fix."""
        values = self.shown_credit()
        if not (values["creator"] and values["license"]):
            return False
        return not any(key in self.errors for key in CREDIT_KEYS.values())

    def credit_line(self):
        values = self.shown_credit()
        return ImageCredit(**values).line() if values["license"] in licenses.LICENSES else ""

    def current_image(self):
        return self.instance.hero_image if self.instance.pk else None

    def has_picture(self):
        if self.removing:
            return False
        return bool(self.cleaned_data.get("picture") or self.held or self.current_image())

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        # Pictures they uploaded, and those the piece shows already (an editor may have added one).
        refused = body_pictures.refused_references(body, self.user, self.instance)
        if refused:
            raise ValidationError(refused)
        return body

    def your_pictures(self):
        """The pictures the writer may show in the text, newest first, each with its code and
        what its credit still lacks."""
        shown = []
        for image in body_pictures.writers_pictures(self.user, self.instance):
            credit = getattr(image, "credit", None)
            missing = missing_for_license(credit) if credit else ["a credit"]
            shown.append(
                {
                    "image": image,
                    "code": f"[[picture {image.pk}]]",
                    "lacks": missing,
                    # Uploaded without one (from a document): the writer gives it on its page.
                    "awaiting_credit": credit is None and image.uploaded_by_id == self.user.pk,
                }
            )
        return shown

    def credit_values(self, cleaned_data):
        return {field: cleaned_data.get(key) or "" for field, key in CREDIT_KEYS.items()}

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("picture")
        self.removing = bool(cleaned_data.get("remove_picture")) and not upload
        if self.held_lost and not upload and not self.removing:
            self.add_error("picture", HELD_PICTURE_LOST)
        if self.has_picture():
            self.check_credit(cleaned_data)
            self.check_crop(cleaned_data)
        elif not self.removing and any(
            cleaned_data.get(f) for f in ("credit_creator", "credit_title", "alt_text")
        ):
            self.add_error("picture", "Choose the picture this credit belongs to.")
        if self.submitting:
            self.check_ready(cleaned_data)
        return cleaned_data

    def check_credit(self, cleaned_data):
        """A credit given in full must hold together; a half-written one waits for submitting."""
        values = self.credit_values(cleaned_data)
        if not (values["creator"] and values["license"]):
            return
        credit = ImageCredit(**values)
        credit.changes = credit.changes or "unmodified"
        try:
            credit.full_clean(exclude=["image"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(CREDIT_KEYS.get(field, "credit_license"), messages)

    def check_ready(self, cleaned_data):
        """What a piece needs before the editors see it, each named at its field."""
        needed = {}
        if not (cleaned_data.get("body") or "").strip():
            needed["body"] = "Write the piece before you submit it: the body is empty."
        if not cleaned_data.get("section"):
            needed["section"] = "Choose the section the piece belongs in."
        if self.has_picture():
            needed["credit_creator"] = "Name who made the picture, so it can be credited."
            needed["credit_license"] = "Choose the licence the picture is under."
            if not cleaned_data.get("decorative"):
                needed["alt_text"] = "Describe the picture for readers who cannot see it."
        for field, message in needed.items():
            if field in self.fields and not cleaned_data.get(field) and field not in self.errors:
                self.add_error(field, message)

    def check_crop(self, cleaned_data):
        """A crop is checked against the picture and refused outright under NoDerivatives."""
        picture = cleaned_data.get("picture") or self.held or self.current_image()
        image = Image(
            width=picture.width,
            height=picture.height,
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
        """Store the picture and what is known of its credit, before the piece."""
        article = self.instance
        data = self.cleaned_data
        if self.removing:
            article.hero_image = None
            self.drop_held()
            return
        upload = data.get("picture")
        image = article.hero_image
        if upload:
            image = Image(file=upload.content, uploaded_by=user)
        elif self.held:
            content = content_of(self.held)
            image = Image(file=content, uploaded_by=user)
        elif image is None:
            return
        for field in ("alt_text", "decorative", "caption", *Image.CROP_FIELDS):
            setattr(image, field, data[field])
        if image.decorative:
            image.alt_text = ""
        values = self.credit_values(data)
        complete = bool(values["creator"] and values["license"])
        # Until it is complete, what was typed of the credit is kept with the picture.
        image.draft_credit = {} if complete else {k: v for k, v in values.items() if v}
        image.save()
        credit = getattr(image, "credit", None)
        if complete:
            credit = credit or ImageCredit(image=image)
            for field, value in values.items():
                setattr(credit, field, value)
            credit.changes = credit.changes or "unmodified"
            credit.full_clean()
            credit.save()
        elif credit is not None:
            # The creator or licence was cleared: the credit is being written again.
            credit.delete()
            image.credit = None
        self.drop_held()
        article.hero_image = image

    def drop_held(self):
        if self.held:
            self.held.delete()
            self.held = None


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
