"""The editors' piece form, able to start a piece from a Word or Google Docs file or to replace
a piece's text from one (ticking "Replace my text" first, which works without JavaScript)."""

from django import forms

from .. import body_pictures
from ..forms import DECISION_PREFIX, ArticleAdminForm
from ..models import Article
from ..models.content import unique_slug
from ..word import HELP_TEXT, DocumentField
from ..word.kept import KeptDocument

FIELDSET_NEW = "Start from a file"
FIELDSET_CHANGE = "Replace the text from a file"
FIELDS = ["document", "held_document", "replace_text"]


class ArticleDocumentForm(ArticleAdminForm, KeptDocument):
    document = DocumentField(required=False, help_text=HELP_TEXT)
    replace_text = forms.BooleanField(
        label="Replace my text",
        required=False,
        help_text="Needed with a file: the piece's text is replaced by the document's. The "
        "text it has now is kept in its history.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].label = (
            "Replace the text from a file"
            if self.instance.pk
            else "Start from a Word or Google Docs file"
        )
        if not self.instance.pk:
            # Taken from the document when it is given and they are left empty.
            self.fields[
                "document"
            ].help_text = (
                f"{HELP_TEXT} Its first heading becomes the headline if that is left empty."
            )
            for name in ("headline", "slug", "body"):
                self.fields[name].required = False
        self.user = self.editor
        self.keep_documents(self.data if self.is_bound else None)
        self.fields["held_document"].widget.template_name = "admin/widgets/kept_document.html"

    def is_valid(self):
        valid = super().is_valid()
        # Kept even when this form is valid: a byline or another inline may still send the page
        # back. Saved, the piece forgets it (save_document).
        self.hold_document()
        return valid

    def clean(self):
        cleaned_data = super().clean()
        document = self.document_to_use(cleaned_data)
        if not document:
            if not self.instance.pk:
                for name in ("headline", "slug", "body"):
                    if not cleaned_data.get(name) and name not in self.errors:
                        self.add_error(name, self.fields[name].error_messages["required"])
            return cleaned_data
        if self.instance.pk and not cleaned_data.get("replace_text"):
            self.add_error(
                "replace_text",
                "Tick “Replace my text” to confirm that the document's text should replace "
                "the piece's.",
            )
        if self.data.get(f"{DECISION_PREFIX}-action"):
            self.add_error(
                "document",
                "Bring the file in with “Save” first, and decide once you have read the text.",
            )
        if not self.instance.pk and (cleaned_data.get("body") or "").strip():
            self.add_error(
                "document",
                "The body has words in it already, and a file would replace them: empty it "
                "to start from the file.",
            )
        refused = body_pictures.refused_references(document.body(), self.editor, self.instance)
        if refused:
            self.refuse_document(refused)
        headline = cleaned_data.get("headline") or document.heading or "A piece from a file"
        cleaned_data["headline"] = headline[: Article._meta.get_field("headline").max_length]
        if not self.instance.pk and not cleaned_data.get("slug"):
            cleaned_data["slug"] = unique_slug(
                Article.objects, cleaned_data["headline"], fallback="piece", limit=180
            )
        cleaned_data["body"] = document.body(headline=cleaned_data["headline"])
        return cleaned_data

    def save_document(self, request, article):
        """The document's pictures saved and its text in the body, before the piece is saved."""
        if super().save_document(request, article) and article.pk:
            article._change_reason = "Text replaced from a file"


def with_document_fields(fieldsets, article):
    """The piece's fieldsets with the file's, after the words."""
    name = FIELDSET_CHANGE if article is not None else FIELDSET_NEW
    fields = FIELDS if article is not None else ["document", "held_document"]
    shown = {"fields": fields, "classes": ["collapse"] if article is not None else []}
    return [fieldsets[0], (name, shown), *fieldsets[1:]]
