"""Pictures a contributor adds for the text of their pieces, shown with `[[picture 12]]`.

A piece's own picture comes with its form; a picture for the text (or a gallery) is added here,
one at a time, through the upload checks and with a credit, and is theirs to use in any piece.
A picture chosen on a form with an error is kept (held.py), so that nobody chooses it twice.
"""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import licenses
from ..forms import ImageCreditForm
from ..models import Article, Image
from .forms import PictureFields
from .held import HELD_PICTURE_LOST, content_of, held_upload
from .views import contributor_area


class TextPictureCreditForm(ImageCreditForm):
    """The picture's credit: the editors' credit form, asking for what submitting needs."""

    REQUIRED = {
        "creator": "Name who made the picture, so that it can be credited.",
        "license": "Choose the licence the picture is under.",
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, message in self.REQUIRED.items():
            self.fields[name].error_messages["required"] = message
        self.fields["license"].choices = [("", "Choose the licence…"), *licenses.choices()]
        self.fields[
            "creator"
        ].help_text = (
            "The photographer, artist or organisation to credit. Your own name if you took it."
        )


class TextPictureForm(PictureFields):
    """A picture for the text, its description and caption; the credit is a form of its own."""

    caption = forms.CharField(
        max_length=300, required=False, help_text="Shown under the picture, above its credit."
    )

    def __init__(self, data=None, files=None, *, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        self.user = user
        self.held, self.held_lost = held_upload(data and data.get("held_picture"), user)
        super().__init__(data, files, **kwargs)
        self.credit = TextPictureCreditForm(data, prefix="credit")
        if self.held:
            self.offer_replacing()

    def clean(self):
        cleaned_data = super().clean()
        if not (cleaned_data.get("picture") or self.held or self.has_error("picture")):
            self.add_error(
                "picture", HELD_PICTURE_LOST if self.held_lost else "Choose the picture to add."
            )
        if not (cleaned_data.get("decorative") or cleaned_data.get("alt_text", "").strip()):
            self.add_error("alt_text", "Describe the picture for readers who cannot see it.")
        return cleaned_data

    def is_valid(self):
        # Both are checked, so that every problem is named at once.
        valid = super().is_valid()
        return self.credit.is_valid() and valid

    @property
    def has_errors(self):
        return bool(self.errors or (self.credit.is_bound and self.credit.errors))

    def save(self):
        """The new library picture, uploaded by the writer, with its credit."""
        data = self.cleaned_data
        upload = data.get("picture")
        image = Image(
            file=upload.content if upload else content_of(self.held),
            uploaded_by=self.user,
            alt_text="" if data["decorative"] else data["alt_text"],
            decorative=data["decorative"],
            caption=data["caption"],
        )
        image.save()
        credit = self.credit.save(commit=False)
        credit.image = image
        credit.changes = credit.changes or "unmodified"
        credit.save()
        if self.held:
            self.held.delete()
            self.held = None
        return image


def piece_to_return_to(request):
    """The piece the writer came from (?piece=), if it is theirs and they may edit it."""
    pk = request.GET.get("piece", "")
    if not (pk.isascii() and pk.isdigit()):
        return None
    return (
        Article.objects.written_by(request.user)
        .filter(pk=int(pk), status__in=Article.EDITABLE_BY_CONTRIBUTOR)
        .first()
    )


@contributor_area
def add_picture(request):
    piece = piece_to_return_to(request)
    back = reverse("articles:submit_edit", args=[piece.pk]) if piece else ""
    back = back or reverse("articles:submit_new")
    form = TextPictureForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                image = form.save()
            messages.success(
                request,
                f"Picture {image.pk} is among your pictures. To show it, put "
                f"[[picture {image.pk}]] in the text as a paragraph of its own.",
            )
            return redirect(f"{back}#your-pictures-heading")
        form.hold_picture()
    context = {"form": form, "piece": piece, "back": back}
    return render(request, "articles/submit/picture.html", context)
