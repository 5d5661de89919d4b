"""A contributor's own profile: the name in their bylines, pronouns, class year, bio, photo
and links.

The photo goes through the upload checks every picture does, and carries a credit like any
other; the credit's fields, pasted line and all, are the editors' credit form's. A new name
changes every byline but not the page's address, and the editors are told of it.
"""

from functools import partial

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render

from .. import emails, licenses
from ..credits import FIELD_NAMES
from ..forms import ImageCreditForm, check_class_year
from ..images import PictureField
from ..links import LinkLinesField
from ..models import Article, Contributor, Image, ImageCredit
from .held import HELD_PICTURE_LOST, content_of, held_upload, hold
from .views import contributor_area

PHOTO_HELP = "A photo of you for your page: a JPEG, PNG, WebP, AVIF or GIF of up to 20 MB."


class PhotoCreditForm(ImageCreditForm):
    """The photo's credit: the editors' credit form, worded for a contributor's own photo."""

    HELP = {
        "title": "Only if the photo has a title its creator gave it; most portraits have none.",
        "creator": "Who took the photo: your own name if you took it yourself.",
        "creator_url": "A link to the photographer's own page, if they have one.",
        "source_url": "Where the photo was published before, if it was.",
        "license": "The terms the photo may be shown under. For a photo you or a friend took, "
        "“Used with permission” is usual: then say below who gave it.",
        "permission_from": "For a photo used with permission: who gave it (you, or the "
        "person who took it).",
    }

    REQUIRED = {
        "creator": "Name who took the photo, so that it can be credited.",
        "license": "Choose the licence the photo is shown under.",
    }
    # Seldom needed for a portrait, so they fold away until one of them is used.
    MORE = ("paste", "title", "creator_url", "source_url", "changes")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        # Required only once there is a photo, which the browser cannot know.
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)
        for name, help_text in self.HELP.items():
            self.fields[name].help_text = help_text
        for name, message in self.REQUIRED.items():
            self.fields[name].error_messages["required"] = message
        self.fields["title"].label = "Title of the photo"
        self.fields["license"].choices = [("", "Choose the licence…"), *licenses.choices()]

    def more_in_use(self):
        """Whether a field folded away holds something, or something to fix."""
        if self.is_bound and any(name in self.errors for name in self.MORE):
            return True
        changes = self["changes"].value() or ""
        return changes.strip() not in ("", "unmodified") or any(
            self[name].value() for name in self.MORE if name != "changes"
        )

    def values(self):
        """The credit's fields as cleaned, for a credit made afresh for a new photo."""
        values = {name: self.cleaned_data[name] for name in FIELD_NAMES}
        values["changes"] = values["changes"] or "unmodified"
        return values


class ProfileForm(forms.ModelForm):
    """The contributor's profile, with the photo and its credit (a form of its own) inside."""

    picture = PictureField(label="Photo", required=False, help_text=PHOTO_HELP)
    alt_text = forms.CharField(
        label="Alt text",
        max_length=300,
        required=False,
        help_text="What the photo shows, for readers who cannot see it, such as “Smiling on "
        "the library steps”.",
    )
    remove_photo = forms.BooleanField(
        label="Remove the photo",
        required=False,
        help_text="Your page will show no photo. To use another instead, choose it above.",
    )

    class Meta:
        model = Contributor
        fields = ["name", "pronouns", "class_year", "bio", "links"]
        field_classes = {"links": LinkLinesField}
        labels = {"name": "Name", "class_year": "Class of", "bio": "Bio", "links": "Links"}
        help_texts = {
            "name": "As your bylines and your page show it. If you change it, the editors are "
            "told; your page keeps its address.",
            "pronouns": "Optional: shown after your name on your page, such as she/her, "
            "they/them or he/him.",
            "class_year": "Optional: the year you graduate, such as 2027. Your page shows "
            "“Class of 2027”.",
            "bio": "A few sentences about you, for your page and the foot of your pieces.",
            "links": "Your own pages elsewhere, such as a website or a social profile: one per "
            "line, each starting with https:// (or http://).",
        }
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5}),
            "links": forms.Textarea(attrs={"rows": 3}),
        }

    # The key of a photo kept from an earlier try of this form (see held.py).
    held_picture = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, files=None, *, user=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        self.user = user
        self.held, self.held_lost = held_upload(data and data.get("held_picture"), user)
        super().__init__(data, files, **kwargs)
        photo = self.instance.photo
        self.credit = PhotoCreditForm(
            data, prefix="credit", instance=getattr(photo, "credit", None) if photo else None
        )
        self.needs_credit = False
        if photo:
            self.initial.setdefault("alt_text", photo.alt_text)
        if photo or self.held:
            self.offer_replacing()

    def clean_class_year(self):
        return check_class_year(self.cleaned_data.get("class_year"))

    def offer_replacing(self):
        picture = self.fields["picture"]
        picture.label = "Replace the photo"
        picture.help_text = "Leave empty to keep the photo above, or choose another instead."

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("picture")
        removing = cleaned_data.get("remove_photo") and not upload
        if removing:
            self.drop_held()
        elif self.held_lost and not upload:
            self.add_error("picture", HELD_PICTURE_LOST)
        self.needs_credit = bool(upload or self.held or (self.instance.photo and not removing))
        if self.needs_credit:
            if not cleaned_data.get("alt_text", "").strip() and "alt_text" not in self.errors:
                self.add_error("alt_text", "Describe the photo for readers who cannot see it.")
        else:
            if not removing and not self.has_error("picture") and self.credit_typed():
                self.add_error("picture", "Choose the photo this credit belongs to.")
            self.credit_as_typed()
        return cleaned_data

    def credit_as_typed(self):
        """Without a photo the credit is not checked: it is shown back as typed, unjudged."""
        typed = {name: self.credit[name].value() for name in self.credit.fields}
        self.credit = PhotoCreditForm(prefix="credit", instance=self.credit.instance, initial=typed)

    def credit_typed(self):
        return any(self.credit[name].value() for name in ("title", "creator"))

    def is_valid(self):
        valid = super().is_valid()
        # The credit is checked only for a photo there will be.
        return (self.credit.is_valid() if self.needs_credit else True) and valid

    @property
    def has_errors(self):
        """Whether anything on the page needs fixing, in the profile or the photo's credit."""
        return bool(self.errors or (self.credit.is_bound and self.credit.errors))

    @property
    def credit_details_open(self):
        return self.credit.more_in_use()

    def hold_picture(self):
        """Keep a photo chosen on a form that has errors, so it need not be chosen again."""
        upload = getattr(self, "cleaned_data", {}).get("picture")
        if upload:
            self.held = hold(upload, self.user, replacing=self.held)
            self.held_lost = False
            self.offer_replacing()

    def drop_held(self):
        if self.held:
            self.held.delete()
            self.held = None

    def save_profile(self, user):
        """Save the profile, with the new photo and its credit, or the current one updated."""
        contributor = self.instance
        data = self.cleaned_data
        upload = data.get("picture")
        content = upload.content if upload else (content_of(self.held) if self.held else None)
        if content:
            photo = Image(file=content, uploaded_by=user, alt_text=data["alt_text"])
            photo.save()
            ImageCredit.objects.create(image=photo, **self.credit.values())
            contributor.photo = photo
        elif self.needs_credit:
            photo = contributor.photo
            if photo.alt_text != data["alt_text"]:
                photo.alt_text = data["alt_text"]
                photo.save()
            if self.credit.has_changed() or self.credit.instance.pk is None:
                credit = self.credit.save(commit=False)
                credit.image = photo
                credit.changes = credit.changes or "unmodified"
                credit.save()
        else:
            contributor.photo = None
        self.drop_held()
        # Only what the profile offers: an editor's change to the role or the account stands.
        contributor.save(update_fields=[*self._meta.fields, "photo"])


def has_public_page(contributor):
    return Article.objects.public().filter(bylines__contributor=contributor).exists()


@contributor_area
def profile(request):
    contributor = Contributor.objects.select_related("photo__credit").get(user=request.user)
    form = ProfileForm(
        request.POST or None, request.FILES or None, instance=contributor, user=request.user
    )
    if request.method == "POST" and not form.is_valid():
        form.hold_picture()
    elif request.method == "POST":
        with transaction.atomic():
            # The name as stored, not as the form found it: an editor may have changed it since.
            stored_name = (
                Contributor.objects.select_for_update()
                .values_list("name", flat=True)
                .get(pk=contributor.pk)
            )
            form.save_profile(request.user)
            renamed = contributor.name != stored_name
            if renamed:
                transaction.on_commit(
                    partial(emails.name_changed, contributor, stored_name, by=request.user)
                )
        said = " The editors have been told of your new name." if renamed else ""
        messages.success(request, f"Your profile is saved.{said}")
        return redirect("articles:submit_profile")
    context = {
        "form": form,
        "contributor": contributor,
        "photo": contributor.photo,
        "public_page": has_public_page(contributor),
    }
    return render(request, "articles/submit/profile.html", context)
