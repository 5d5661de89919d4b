"""A Word or Google Docs file kept from a form that came back with an error, until the next try.

A file that could be read, on a form with another error (a text box not empty, a tick not
given, a picture's credit), is stored as a HeldDocument (articles/contributor_area/held.py) and
read again on the next try, so that nobody chooses it twice. The contributor's forms and the
admin's piece form share this.
"""

from django import forms
from django.core.exceptions import ValidationError

from ..contributor_area.held import HELD_DOCUMENT_LOST, held_file, held_upload, hold_document
from ..models import HeldDocument
from . import report, save_pictures
from .conversion import read_document

DROP_FIELD = "drop_document"


class KeptDocumentInput(forms.HiddenInput):
    """The kept document's key, hidden; once a document is kept, its name beside it and a box
    to set it aside. Hidden altogether (and its admin row with it) while none is kept."""

    template_name = "articles/widgets/kept_document.html"
    kept = None

    @property
    def is_hidden(self):
        return self.kept is None

    def id_for_label(self, id_):
        # The key is no control to label: the row's label names what is kept, and the box has
        # its own.
        return ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        kept = self.kept
        context["widget"]["value"] = str(kept.key) if kept else ""
        context["kept"] = kept
        context["drop_field"] = DROP_FIELD
        return context


class KeptDocument(forms.Form):
    """The fields and steps that keep a form's document from one try to the next.

    `kept_document` is the HeldDocument the form carries the key of (None without one). The
    form calls `keep_documents()` when it is made and `document_to_use()` in its clean(); the
    view calls `hold_document()` when the form has errors, and `save_document()` in the
    transaction that saves the piece.
    """

    held_document = forms.CharField(label="Kept file", widget=KeptDocumentInput, required=False)

    def keep_documents(self, data):
        """Find the document an earlier try kept; once the form's fields are made."""
        self.kept_document, self.kept_document_lost = (None, False)
        # A file that can be read, chosen on this try, and whether its content was refused.
        self.fresh_document, self.document_refused = None, False
        if data is not None:
            self.kept_document, self.kept_document_lost = held_upload(
                data.get("held_document"), self.user, HeldDocument
            )
        self.show_kept_document()

    def show_kept_document(self):
        self.fields["held_document"].widget.kept = self.kept_document

    def document_to_use(self, cleaned_data):
        """The document this try brings, in cleaned_data["document"]: a file chosen now, else
        the one kept from the last try, unless it was set aside. None without one."""
        chosen = cleaned_data.get("document")
        if chosen:
            self.fresh_document = chosen
            return chosen
        if "document" in self.errors or self.data.get(DROP_FIELD):
            return None
        if self.kept_document_lost:
            self.add_error("document", HELD_DOCUMENT_LOST)
        elif self.kept_document:
            try:
                cleaned_data["document"] = read_document(held_file(self.kept_document))
            except ValidationError as refusal:
                self.add_error("document", refusal)
            return cleaned_data.get("document")
        return None

    def refuse_document(self, message):
        """Refuse the document for what it holds: kept, it would be refused again."""
        self.document_refused = True
        self.add_error("document", message)

    def hold_document(self):
        """After a try with errors: keep the file chosen in it if it could be read, or set the
        kept one aside if the writer asked. Once a try."""
        if getattr(self, "_held", False):
            return
        self._held = True
        if self.is_bound and self.data.get(DROP_FIELD) and self.kept_document:
            self.forget_kept_document()
        if self.fresh_document is not None and not self.document_refused:
            self.kept_document = hold_document(
                self.files["document"], self.user, replacing=self.kept_document
            )
            self.kept_document_lost = False
        self.show_kept_document()

    def chosen_document(self):
        """The document the form brought in, once it is valid; None without one."""
        return getattr(self, "cleaned_data", {}).get("document") or None

    def save_document(self, request, article):
        """Save the document's pictures as the user's, put them in the article's body, say what
        came in, and forget the kept file. In the transaction that saves the piece, before
        the piece. The document, or None without one."""
        self.forget_kept_document()
        document = self.chosen_document()
        if document is None:
            return None
        images = save_pictures(document, request.user)
        article.body = document.body([image.pk for image in images], headline=article.headline)
        report(request, document, images)
        return document

    def forget_kept_document(self):
        if self.kept_document:
            self.kept_document.delete()
            self.kept_document = None
