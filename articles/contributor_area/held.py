"""Pictures kept from a form that came back with an error, so nobody chooses one twice.

A picture that passed the upload checks on a form with an error is stored as a PendingUpload;
the form carries its key in a hidden field, and the next try of the form uses it. Only the
person who chose it can see or use it. Kept for two days, then deleted the next time anyone's
form keeps a picture (its file after the commit, by articles/derived.py).
"""

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ..models import PendingUpload

HELD_PICTURE_LOST = (
    "The picture you chose earlier is no longer kept (a form is kept for two days): "
    "choose it again."
)


def held_upload(key, user):
    """The picture held for this person under the key a form carried, and whether it is gone."""
    if not key or user is None:
        return None, False
    try:
        key = uuid.UUID(str(key))
    except ValueError:
        return None, True
    held = PendingUpload.objects.filter(key=key, uploaded_by=user).first()
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


def content_of(held):
    """The held picture's bytes, as a file a new library picture can be saved from."""
    with held.file.open("rb") as stored:
        return ContentFile(stored.read(), name=held.file.name.rsplit("/", 1)[-1])
