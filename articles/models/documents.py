"""Word or Google Docs files kept from a form that came back with an error."""

import uuid

from django.conf import settings
from django.db import models

from .images import PendingUpload, pending_upload_to


class HeldDocument(models.Model):
    """A .docx chosen on a form that could not be saved yet, kept so it need not be chosen again.

    It was read and converted before it was stored, and is read again when the form is saved.
    The form carries its key; only the person who chose it can use it, and it goes once the
    form is saved, or after two days like a held picture.
    """

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    file = models.FileField(upload_to=pending_upload_to)
    # The name it was chosen under: the writer knows it by that, and a headline may come from it.
    name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    KEPT_FOR = PendingUpload.KEPT_FOR

    def __str__(self):
        return f"“{self.name}”, chosen by {self.uploaded_by} at {self.created_at:%Y-%m-%d %H:%M}"
