"""Starting a piece from a Word or Google Docs file (.docx): checks, conversion, the form field.

checks.py decides whether a file may be read at all; conversion.py reads it into Markdown and
pictures; this module offers both to forms, and saves a document's pictures as the writer's
pictures, each awaiting its credit.
"""

from django import forms
from django.contrib import messages

from ..models import Image
from .conversion import Document, read_document

__all__ = ["Document", "DocumentField", "read_document", "report", "save_pictures"]

ACCEPT = ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HELP_TEXT = (
    "A .docx of up to 20 MB: from Word, or from Google Docs with File → Download → Microsoft "
    "Word (.docx). Its headings, bold and italics, lists, links, quotes, tables and footnotes "
    "are kept; its pictures join your pictures, each awaiting its credit. Comments and "
    "tracked changes are left out."
)


class DocumentField(forms.FileField):
    """A file field that accepts only a readable .docx and cleans to its Document."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ACCEPT
        return attrs

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return upload
        return read_document(upload)


def save_pictures(document, user):
    """Save the document's pictures as `user`'s, awaiting their credit; the body that shows
    them, and the pictures, in order."""
    images = []
    for picture in document.pictures:
        image = Image(
            file=picture.clean.content,
            uploaded_by=user,
            alt_text=picture.alt_text,
        )
        image.save()
        images.append(image)
    return images


def report(request, document, images):
    """Tell the writer what came in from the document, and what it left out."""
    if images:
        numbers = ", ".join(str(image.pk) for image in images)
        one = len(images) == 1
        messages.warning(
            request,
            f"{'Its picture' if one else f'Its {len(images)} pictures'} ({numbers}) "
            f"{'is' if one else 'are'} among your pictures, awaiting "
            f"{'its credit' if one else 'their credits'}: give "
            f"{'it' if one else 'each'} under “Your pictures” before you submit the piece.",
        )
    for note in document.notes:
        messages.warning(request, note)
