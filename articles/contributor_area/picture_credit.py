"""Giving the credit of a picture that came in without one (from a Word or Google Docs file).

Such a picture is the writer's, among their pictures, and no piece showing it can be submitted
until its credit is given (workflow.submit refuses). Only the person who uploaded it gives it
here, and only while it has none: once given, a credit is the editors' to change.
"""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ..models import Image
from .text_pictures import TextPictureCreditForm, piece_to_return_to
from .views import contributor_area


class PictureDescriptionForm(forms.ModelForm):
    """What the picture shows, for readers who cannot see it, and its caption."""

    class Meta:
        model = Image
        fields = ["alt_text", "decorative", "caption"]
        labels = {"alt_text": "Alt text", "decorative": "The picture is decorative"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        if not (cleaned_data.get("decorative") or cleaned_data.get("alt_text", "").strip()):
            self.add_error("alt_text", "Describe the picture for readers who cannot see it.")
        return cleaned_data


def awaiting_credit(user):
    """The pictures `user` uploaded that have no credit yet."""
    return Image.objects.filter(uploaded_by=user, credit__isnull=True)


@contributor_area
def give_credit(request, pk):
    image = get_object_or_404(awaiting_credit(request.user), pk=pk)
    piece = piece_to_return_to(request)
    back = reverse("articles:submit_edit", args=[piece.pk]) if piece else ""
    back = back or reverse("articles:submit_dashboard")
    data = request.POST or None
    description = PictureDescriptionForm(data, instance=image)
    credit = TextPictureCreditForm(data, prefix="credit")
    if request.method == "POST":
        # Both are checked, so that every problem is named at once.
        described = description.is_valid()
        if credit.is_valid() and described:
            with transaction.atomic():
                image = description.save()
                given = credit.save(commit=False)
                given.image = image
                given.changes = given.changes or "unmodified"
                given.save()
            messages.success(request, f"Picture {image.pk} has its credit: {given.line()}")
            return redirect(f"{back}#your-pictures-heading")
    context = {
        "image": image,
        "description": description,
        "credit": credit,
        "piece": piece,
        "back": back,
    }
    return render(request, "articles/submit/picture_credit.html", context)
