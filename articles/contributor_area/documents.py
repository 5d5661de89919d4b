"""The contributor's forms that start a piece from a .docx, or replace a draft's text from one.

The file is checked and converted while the form is validated (articles/word/), so a file that
cannot be used is refused with the rest of the form's errors and nothing is stored; its pictures
are saved with the piece, as the writer's pictures awaiting their credits. A file that could be
read, on a form that came back with another error, is kept (articles/word/kept.py).
"""

from pathlib import PurePosixPath

from django import forms

from .. import body_pictures
from ..models import Article
from ..word import HELP_TEXT, DocumentField
from ..word.kept import KeptDocument
from .forms import PieceForm

HEADLINE_NEEDED = "Give the piece a headline."
CHOOSE_A_FILE = "Choose the Word or Google Docs file whose text should replace the piece's."


def document_headline(document):
    """The document's opening heading, or else its file name as a headline to start from."""
    headline = document.heading or PurePosixPath(document.name).stem.replace("_", " ").strip()
    return headline[: Article._meta.get_field("headline").max_length]


def refused_pictures(document, user, article=None):
    """Picture lines typed in the document itself are checked like those typed in the form."""
    return body_pictures.refused_references(document.body(), user, article)


class NewPieceForm(PieceForm, KeptDocument):
    """A new piece, which may start from a Word or Google Docs file."""

    document = DocumentField(
        label="Start from a Word or Google Docs file",
        required=False,
        help_text=f"{HELP_TEXT} Its first heading becomes the headline if you leave that empty.",
    )

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, user=user, **kwargs)
        self.keep_documents(data)
        # A document's heading may be the headline; without one it is asked for in clean().
        self.fields["headline"].required = False

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
        super().__init__(data, files, **kwargs)
        self.user = user
        self.article = article
        self.keep_documents(data)
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
        article = self.article
        document = self.chosen_document()

        def save():
            self.save_document(request, article)
            article._change_reason = "Text replaced from a file"
            article.save()

        article.save_edit(self.cleaned_data["opened_version"], by=request.user, save=save)
        return document
