"""The body's field: a plain textarea, which static/js/writing.js makes a writing surface."""

from django import forms
from django.urls import reverse

from .. import body_pictures
from ..rendering import count_words, reading_minutes, render_markdown

# GitHub's <markdown-toolbar> element, vendored with its licence (see its README).
TOOLBAR_SCRIPT = "vendor/markdown-toolbar-element/index.js"


class WritingArea(forms.Textarea):
    """A Markdown textarea with a toolbar, a live preview, a word count and autosave.

    Without JavaScript only the textarea shows: the toolbar, the preview and the status line
    are `hidden` until the script runs.
    """

    template_name = "articles/widgets/writing_area.html"
    # The pictures the preview may show (a queryset), set by the form for the writer using it;
    # None shows none, only a note where each would be.
    pictures = None

    class Media:
        css = {"all": ["css/writing.css"]}
        # Both run once the page is parsed, in this order.
        js = [
            forms.Script(TOOLBAR_SCRIPT, type="module"),
            forms.Script("js/writing.js", defer=True),
        ]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # The preview as the page opens, by the code the public page uses.
        html = render_markdown(context["widget"]["value"] or "")
        words = count_words(html)
        shown = {} if self.pictures is None else body_pictures.pictures_of(html, self.pictures)
        context["writing"] = {
            "preview_url": reverse("articles:write_preview"),
            "paste_url": reverse("articles:write_paste"),
            "autosave_url": reverse("articles:write_autosave"),
            "preview_html": body_pictures.with_pictures(html, shown, explain=True),
            "words": words,
            "minutes": reading_minutes(words),
        }
        return context
