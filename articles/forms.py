import copy

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.forms.models import construct_instance
from django.utils import timezone
from simple_history.models import to_historic
from taggit.forms import TagField
from taggit.models import Tag

from . import body_pictures, workflow
from .credits import FIELD_NAMES, fill_blank_fields, parse_credit_line
from .images import CleanPicture, PictureField
from .links import LinkLinesField, WebAddressField
from .models import Article, Contributor, Image, ImageCredit
from .writing.widgets import WritingArea


class UnlabelledHiddenInput(forms.HiddenInput):
    """A hidden input no label points at: the admin writes a label for every field it lists."""

    def id_for_label(self, id_):
        return ""


# Under the body, in the admin and the contributor area alike. Django shows a help text as
# HTML: this one is ours, and folds the rarer syntax away (README: "Writing a piece").
BODY_HELP = (
    "The buttons above the text make bold, italics, subheadings, links, quotes and lists, and "
    "text pasted from Google Docs or Word keeps them. Underneath it is Markdown: a blank line "
    "between paragraphs, ## for a subheading, *italic*, **bold**, [words](https://…) for a link."
    '<details class="syntax-help"><summary>More: pull quotes, pictures, footnotes</summary><ul>'
    "<li>A pull quote, words from the piece set large: <code>::: pullquote</code> on a line, "
    "the words, then <code>:::</code> on a line. Screen readers skip it, having read them.</li>"
    "<li>A picture from the library, with its caption and credit: <code>[[picture 12]]</code> "
    "as a paragraph of its own. Several side by side: <code>[[gallery 12 13 14]]</code>.</li>"
    "<li>A footnote: <code>[^1]</code> after the words it is about, and "
    "<code>[^1]: The note.</code> on a line of its own; notes are listed at the end.</li>"
    "</ul></details>"
)


class ArticleAdminForm(forms.ModelForm):
    """The editors' article form: existing tags by autocomplete, new ones typed beside them."""

    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
        help_text="Start typing to find a tag already in use.",
    )
    new_tags = TagField(
        required=False,
        label="New tags",
        help_text="Tags not used before, separated by commas (use quotes for a tag with a comma).",
    )
    # The version the editor opened; a save over a newer one is refused (optimistic locking).
    opened_version = forms.IntegerField(required=False, widget=UnlabelledHiddenInput)

    # Who is editing, for the record of a refused edit; the admin sets it on the form class.
    editor = None

    class Meta:
        model = Article
        fields = [
            "headline", "slug", "standfirst", "content_warning", "body", "section", "tags",
            "hero_image",
        ]  # fmt: skip
        widgets = {
            "headline": forms.TextInput(attrs={"class": "vTextField", "style": "width: 40em"}),
            "standfirst": forms.Textarea(attrs={"rows": 3}),
            "body": WritingArea(attrs={"rows": 28}),
        }
        help_texts = {"body": BODY_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The preview shows the pictures the body names from the whole library.
        self.fields["body"].widget.pictures = body_pictures.previewable_pictures(self.editor)
        if self.instance.pk and "tags" not in self.initial:
            self.initial["tags"] = [tag.pk for tag in self.instance.tags.all()]
        if self.instance.pk:
            self.initial.setdefault("opened_version", self._opened_version())

    def _opened_version(self):
        # A revision being restored carries its own old number; the edit starts from the stored one.
        if to_historic(self.instance) is not None:
            return (
                Article.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
        return self.instance.version

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        refused = body_pictures.refused_references(body, self.editor, self.instance)
        if refused:
            raise forms.ValidationError(refused)
        return body

    def clean(self):
        cleaned_data = super().clean()
        # TaggableManager.save_form_data accepts Tag objects and names alike.
        chosen = list(cleaned_data.get("tags") or [])
        known = {tag.name.lower() for tag in chosen}
        new = [name for name in cleaned_data.get("new_tags") or [] if name.lower() not in known]
        cleaned_data["tags"] = chosen + new
        if self.instance.pk:
            self._refuse_if_saved_since_opened(cleaned_data)
        self.decision = self._decision_asked_for(cleaned_data)
        return cleaned_data

    def _decision_asked_for(self, cleaned_data):
        """The decision a "Save and …" button asks for, checked before anything is saved."""
        if not self.data.get(f"{DECISION_PREFIX}-action"):
            return None
        decision = DecisionForm(self.data, prefix=DECISION_PREFIX)
        if not decision.is_valid():
            for errors in decision.errors.values():
                for error in errors:
                    self.add_error(None, f"{error} Nothing was saved yet.")
            return None
        transition = workflow.TRANSITIONS[decision.cleaned_data["action"]]
        if self.instance.pk and not workflow.may(self.editor, transition, self.instance):
            self.add_error(None, workflow.refusal(self.editor, transition, self.instance))
            return None
        if transition.needs_message and not decision.cleaned_data["message"].strip():
            needed = f"{transition.label} needs a message to the contributor."
            self.add_error(None, f"{needed} Nothing was saved yet.")
            return None
        image = cleaned_data.get("hero_image")
        if transition.target in Article.LIVE_STATUSES and image is not None:
            missing = workflow.picture_not_ready(image)
            if missing:
                self.add_error("hero_image", f"{missing} Nothing was saved yet.")
                return None
        if transition.target in Article.LIVE_STATUSES and "body" in cleaned_data:
            # The pictures of the body on screen, not those of the body as it was saved.
            for picture in body_pictures.pictures_named(cleaned_data["body"]):
                missing = "" if picture == image else workflow.body_picture_not_ready(picture)
                if missing:
                    self.add_error("body", f"{missing} Nothing was saved yet.")
                    return None
        return decision

    def _refuse_if_saved_since_opened(self, cleaned_data):
        # The admin validates and saves in one transaction, so the lock holds until the save.
        stored = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if stored is None or stored == cleaned_data.get("opened_version"):
            return
        refused = copy.copy(self.instance)
        construct_instance(self, refused, self._meta.fields, self._meta.exclude)
        refused.keep_refused_edit(by=self.editor)
        raise forms.ValidationError(
            "Someone else saved this piece after you opened it, so your changes were not "
            "applied. Your text is shown below and kept in the piece's history. Reload the page "
            "to see the current version, then make your changes to it.",
            code="edit_conflict",
        )


# The decision's fields share the piece's form, under this prefix: "Save and publish" and the
# like apply the decision to the text on screen, in the transaction that saves it.
DECISION_PREFIX = "decision"


class DecisionForm(forms.Form):
    """An editor's decision on a piece, posted with the piece's own form."""

    action = forms.ChoiceField(
        choices=[
            (t.name, t.label) for t in workflow.TRANSITIONS.values() if t.name in workflow.DECISIONS
        ],
        error_messages={
            "required": "Choose a decision.",
            "invalid_choice": "That is not a decision an editor can make.",
        },
    )
    message = forms.CharField(
        label="Message to the contributor",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text="Required to request changes or to decline; sent by email.",
    )
    # Plain text in the magazine's formats (articles/formats/): a datetime-local box would show
    # the date in the order of the browser's locale, month first in an American one.
    publish_at = forms.DateTimeField(
        label="Publish on",
        required=False,
        widget=forms.DateTimeInput(attrs={"autocomplete": "off", "size": 16}),
        error_messages={
            "invalid": "Enter the publish date as a date and a time: day-month-year and 24-hour "
            "time, such as 25/03/2027 14:30."
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publish_at"].help_text = (
            "Day-month-year and 24-hour time, such as 25/03/2027 14:30, in "
            f"{timezone.get_current_timezone_name()} time."
        )

    def clean(self):
        cleaned_data = super().clean()
        if (
            cleaned_data.get("action") == workflow.SCHEDULE.name
            and cleaned_data.get("publish_at") is None
            and not self.has_error("publish_at")
        ):
            self.add_error("publish_at", "Choose when the piece should appear.")
        return cleaned_data

    def decide(self, article, *, by):
        """Make the decision through the workflow; raises TransitionNotAllowed if it may not."""
        action = self.cleaned_data["action"]
        message = self.cleaned_data["message"]
        if action == workflow.SCHEDULE.name:
            return workflow.schedule(
                article, by=by, when=self.cleaned_data["publish_at"], message=message
            )
        decisions = {
            workflow.REQUEST_CHANGES.name: workflow.request_changes,
            workflow.DECLINE.name: workflow.decline,
            workflow.PUBLISH.name: workflow.publish,
            workflow.UNPUBLISH.name: workflow.unpublish,
        }
        return decisions[action](article, by=by, message=message)


class ImageAdminForm(forms.ModelForm):
    """The editors' picture form: an upload is checked and re-encoded as a contributor's is."""

    file = PictureField(
        label="Picture",
        help_text="JPEG, PNG, WebP, AVIF or GIF, at most 20 MB and 40 megapixels. It is stored "
        "without its camera data, location included.",
    )

    class Meta:
        model = Image
        fields = [
            "file", "alt_text", "decorative", "caption", "crop_left", "crop_top", "crop_right",
            "crop_bottom", "focal_x", "focal_y",
        ]  # fmt: skip

    def clean_file(self):
        value = self.cleaned_data.get("file")
        return value.content if isinstance(value, CleanPicture) else value


def read_pasted_credit(data, key, field_key):
    """Fill the blank credit fields of form data from a pasted line in data[key].

    Returns the names filled and what could not be read; `field_key` maps a credit field's
    name to its key in this form's data. What someone typed is never overwritten.
    """
    pasted = str(data.get(key) or "").strip()
    if not pasted:
        return [], []
    parsed = parse_credit_line(pasted)
    fields = {name: data.get(field_key(name), "") for name in FIELD_NAMES}
    filled = fill_blank_fields(fields, parsed, defaults={"changes": "unmodified"})
    for name in filled:
        data[field_key(name)] = fields[name]
    return filled, parsed.problems


def pasted_credit_report(filled, problems):
    """One plain sentence on what a pasted credit line gave, and what it did not."""
    said = []
    if filled:
        names = [ImageCredit._meta.get_field(name).verbose_name for name in filled]
        said.append(f"Filled from the pasted credit: {', '.join(names)}.")
    return " ".join([*said, *problems])


class ImageCreditForm(forms.ModelForm):
    """A picture's credit, which a pasted credit line can fill in."""

    paste = forms.CharField(
        label="Paste a credit line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: paste a credit such as “Title” by Creator is licensed under "
        "CC BY 4.0, or its licence link, and the empty fields below are filled from it.",
    )
    # http(s) only; a link typed without a scheme is taken as https.
    creator_url = WebAddressField(label="Creator's page", required=False, max_length=500)
    source_url = WebAddressField(
        label="Source",
        required=False,
        max_length=500,
        help_text=ImageCredit._meta.get_field("source_url").help_text,
    )

    class Meta:
        model = ImageCredit
        fields = [
            "paste", "title", "creator", "creator_url", "source_url", "license",
            "permission_from", "changes",
        ]  # fmt: skip

    def __init__(self, data=None, *args, **kwargs):
        self.paste_filled, self.paste_problems = [], []
        if data is not None:
            data = data.copy()
            prefix = kwargs.get("prefix")
            self.paste_filled, self.paste_problems = read_pasted_credit(
                data,
                f"{prefix}-paste" if prefix else "paste",
                lambda name: f"{prefix}-{name}" if prefix else name,
            )
        super().__init__(data, *args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        # Said where it helps: beside the paste, when what it gave is not enough to save.
        if self.paste_problems and self.errors:
            self.add_error("paste", pasted_credit_report(self.paste_filled, self.paste_problems))
        return cleaned_data


# A student graduates within this many years of now; further is a typing slip (2207, 27).
CLASS_YEARS_AHEAD = 10
FIRST_CLASS_YEAR = 1900


def check_class_year(year):
    """The year a student graduates, if it is one someone could mean."""
    last = timezone.localdate().year + CLASS_YEARS_AHEAD
    if year is not None and not FIRST_CLASS_YEAR <= year <= last:
        raise forms.ValidationError(
            f"Enter the year of graduation in full, between {FIRST_CLASS_YEAR} and {last}, "
            "such as 2027."
        )
    return year


class ContributorAdminForm(forms.ModelForm):
    """The editors' contributor form: links are web addresses, one per line."""

    class Meta:
        model = Contributor
        fields = [
            "name", "slug", "role", "pronouns", "class_year", "bio", "photo", "links", "user",
        ]  # fmt: skip
        field_classes = {"links": LinkLinesField}

    def clean_class_year(self):
        return check_class_year(self.cleaned_data.get("class_year"))
