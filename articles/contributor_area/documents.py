"""The contributor's forms that start a piece from a .docx, or replace a draft's text from one.

The file is checked and converted while the form is validated (articles/word/), so a file that
cannot be used is refused with the rest of the form's errors and nothing is stored; its pictures
are saved with the piece, as the writer's pictures awaiting their credits. A file that could be
read, on a form that came back with another error, is kept (held.py) and read again on the next
try, so that it need not be chosen twice.
"""

from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError

from .. import body_pictures
from ..models import Article, HeldDocument
from ..word import HELP_TEXT, DocumentField, read_document, report, save_pictures
from .forms import PieceForm
from .held import HELD_DOCUMENT_LOST, held_file, held_upload, hold_document

HEADLINE_NEEDED = "Give the piece a headline."
CHOOSE_A_FILE = "Choose the Word or Google Docs file whose text should replace the piece's."


def document_headline(document):
    """The document's opening heading, or else its file name as a headline to start from."""
    headline = document.heading or PurePosixPath(document.name).stem.replace("_", " ").strip()
    return headline[: Article._meta.get_field("headline").max_length]


def refused_pictures(document, user, article=None):
    """Picture lines typed in the document itself are checked like those typed in the form."""
    return body_pictures.refused_references(document.body(), user, article)


class KeptDocument(forms.Form):
    """A form's document, kept from a try that came back with an error until the next one.

    `kept_document` is the HeldDocument the form carries the key of (None without one); the
    view calls `hold_document()` when the form has errors, and `forget_kept_document()` in the
    transaction that saves it.
    """

    # The key of a document kept from an earlier try of this form (see held.py).
    held_document = forms.CharField(widget=forms.HiddenInput, required=False)
    drop_document = forms.BooleanField(
        label="Do not use this file",
        required=False,
    )

    def keep_documents(self, data):
        """Find the document an earlier try kept; before the form's own __init__."""
        self.kept_document, self.kept_document_lost = (None, False)
        # A file that can be read, chosen on this try, and whether its content was refused.
        self.fresh_document, self.document_refused = None, False
        if data is not None:
            self.kept_document, self.kept_document_lost = held_upload(
                data.get("held_document"), self.user, HeldDocument
            )

    def document_to_use(self, cleaned_data):
        """The document this try brings, in cleaned_data["document"]: a file chosen now, else
        the one kept from the last try, unless it was set aside. None without one."""
        chosen = cleaned_data.get("document")
        if chosen:
            self.fresh_document = chosen
            return chosen
        if "document" in self.errors or cleaned_data.get("drop_document"):
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
        kept one aside if the writer asked."""
        if self.is_bound and self.data.get("drop_document") and self.kept_document:
            self.forget_kept_document()
        if self.fresh_document is None or self.document_refused:
            return
        self.kept_document = hold_document(
            self.files["document"], self.user, replacing=self.kept_document
        )
        self.kept_document_lost = False

    def forget_kept_document(self):
        if self.kept_document:
            self.kept_document.delete()
            self.kept_document = None


class NewPieceForm(PieceForm, KeptDocument):
    """A new piece, which may start from a Word or Google Docs file."""

    document = DocumentField(
        label="Start from a Word or Google Docs file",
        required=False,
        help_text=f"{HELP_TEXT} Its first heading becomes the headline if you leave that empty.",
    )

    def __init__(self, data=None, *args, user=None, **kwargs):
        self.user = user
        self.keep_documents(data)
        super().__init__(data, *args, user=user, **kwargs)
        # A document's heading may be the headline; without one it is asked for in clean().
        self.fields["headline"].required = False

    def chosen_document(self):
        """The document the form brought in, once it is valid; None without one."""
        return getattr(self, "cleaned_data", {}).get("document") or None

    def clean(self):
        cleaned_data = super().clean()
        document = self.document_to_use(cleaned_data)
        if not document:
            if not cleaned_data.get("headline") and "headline" not in self.errors:
                self.add_error("headline", HEADLINE_NEEDED)
            return cleaned_data
        if self.submitting:
            self.add_error(
                "document",
                "Save the draft with the file first, and read it through before you submit it.",
            )
        if (cleaned_data.get("body") or "").strip():
            self.add_error(
                "document",
                "The text box has words in it already, and a file would replace them. Empty it "
                "to start from the file, or save the draft first and then use “Replace the text "
                "from a file”.",
            )
        refused = refused_pictures(document, self.user)
        if refused:
            self.refuse_document(refused)
        headline = cleaned_data.get("headline") or document_headline(document)
        cleaned_data["headline"] = headline
        cleaned_data["body"] = document.body(headline=headline)
        return cleaned_data

    def save_document(self, request):
        """Save the document's pictures and put them in the body; say what came in. In the
        transaction that saves the piece, before the piece."""
        self.forget_kept_document()
        document = self.chosen_document()
        if document is None:
            return
        images = save_pictures(document, request.user)
        article = self.instance
        article.body = document.body([image.pk for image in images], headline=article.headline)
        report(request, document, images)


class ReplaceTextForm(KeptDocument):
    """A draft's text replaced by a document's, once the writer has ticked that they mean it."""

    document = DocumentField(
        label="Replace the text from a file", required=False, help_text=HELP_TEXT
    )
    replace = forms.BooleanField(
        label="Replace my text",
        help_text="The piece's text is replaced by the document's. Its headline, picture and "
        "the rest stay as they are, and the text it has now is kept in its history.",
        error_messages={
            "required": "Tick “Replace my text” to confirm that the document's text should "
            "replace the piece's."
        },
    )
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, files=None, *, user, article, **kwargs):
        kwargs.setdefault("label_suffix", "")
        self.user = user
        self.article = article
        self.keep_documents(data)
        super().__init__(data, files, **kwargs)
        self.initial.setdefault("opened_version", article.version)

    def clean(self):
        cleaned_data = super().clean()
        document = self.document_to_use(cleaned_data)
        if document:
            refused = refused_pictures(document, self.user, self.article)
            if refused:
                self.refuse_document(refused)
        elif "document" not in self.errors:
            self.add_error("document", CHOOSE_A_FILE)
        return cleaned_data

    def save(self, request):
        """Replace the piece's text, or raise EditConflict if it was saved since it was opened."""
        document = self.cleaned_data["document"]
        article = self.article
        saved = []

        def save():
            self.forget_kept_document()
            images = save_pictures(document, request.user)
            article.body = document.body([image.pk for image in images], headline=article.headline)
            article._change_reason = "Text replaced from a file"
            article.save()
            saved.extend(images)

        article.save_edit(self.cleaned_data["opened_version"], by=request.user, save=save)
        report(request, document, saved)
        return document
