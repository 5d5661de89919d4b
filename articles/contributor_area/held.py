"""Pictures and documents kept from a form that came back with an error, so nobody chooses
one twice.

A picture that passed the upload checks on a form with an error is stored as a PendingUpload,
a Word or Google Docs file that could be read as a HeldDocument; the form carries its key in a
hidden field, and the next try of the form uses it. Only the person who chose it can see or
use it. Kept for two days, then deleted the next time anyone's form keeps one of its kind (its
file after the commit, by articles/derived.py).
"""

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ..models import HeldDocument, PendingUpload

HELD_PICTURE_LOST = (
    "The picture you chose earlier is no longer kept (a form is kept for two days): "
    "choose it again."
)


HELD_DOCUMENT_LOST = (
    "The file you chose earlier is no longer kept (a form is kept for two days): choose it again."
)


def held_upload(key, user, kind=PendingUpload):
    """What is held for this person under the key a form carried (a picture, or with
    kind=HeldDocument a document), and whether it is gone."""
    if not key or user is None:
        return None, False
    try:
        key = uuid.UUID(str(key))
    except ValueError:
        return None, True
    held = kind.objects.filter(key=key, uploaded_by=user).first()
    return held, held is None


def hold(upload, user, replacing=None):
    """Keep a checked upload (a CleanPicture) for this person; it replaces the one held before."""
    with transaction.atomic():
        if replacing is not None:
            replacing.delete()
        PendingUpload.objects.filter(
            created_at__lt=timezone.now() - PendingUpload.KEPT_FOR
        ).delete()
        return PendingUpload.objects.create(uploaded_by=user, file=upload.content)


def hold_document(upload, user, replacing=None):
    """Keep a .docx that was read (the upload as chosen) for this person, instead of the one
    held before."""
    upload.seek(0)
    content = ContentFile(upload.read(), name="document.docx")
    with transaction.atomic():
        if replacing is not None:
            replacing.delete()
        HeldDocument.objects.filter(created_at__lt=timezone.now() - HeldDocument.KEPT_FOR).delete()
        return HeldDocument.objects.create(
            uploaded_by=user, file=content, name=(upload.name or "document.docx")[:255]
        )


def held_file(held):
    """A held document as a file its checks and conversion can read again."""
    with held.file.open("rb") as stored:
        return ContentFile(stored.read(), name=held.name)


def content_of(held):
    """The held picture's bytes, as a file a new library picture can be saved from."""
    with held.file.open("rb") as stored:
        return ContentFile(stored.read(), name=held.file.name.rsplit("/", 1)[-1])
