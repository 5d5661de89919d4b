"""Corrections and updates as readers find them together: /corrections/ and its feeds.

Each is printed on its own piece as well (templates/includes/corrections.html): a correction at
the top, an update at the foot. Every surface here starts from Correction.objects.public(): the
corrections of public pieces, never a removed one, newest first.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import feedgenerator
from django.views.generic import ListView

from . import metadata, pagetags
from .feeds import ITEM_LIMIT, as_html
from .models import Correction

TITLE = "Corrections and updates"
# Short, and read together: more to a page than pieces.
PAGE_SIZE = 30


def about():
    """What the list is, in plain text."""
    return f"Corrections and updates to pieces in {settings.MAGAZINE_NAME}, newest first."


def listed():
    """The corrections readers see, with no more of each piece than its headline and address."""
    return Correction.objects.public().only(
        "kind", "text", "published_at", "article__headline", "article__slug"
    )


def shows(corrections):
    """Note what a page of corrections shows: the list, and the headline of each piece."""
    pagetags.shows("corrections", *(f"a{correction.article_id}" for correction in corrections))


def text_as_html(text):
    """Plain text as HTML that reads as the same text, its line breaks kept."""
    return "<br>".join(as_html(line) for line in text.splitlines())


class CorrectionListView(ListView):
    """Every correction and update readers may see, newest first, each linked to its piece."""

    template_name = "articles/corrections.html"
    context_object_name = "corrections"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return listed()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shows(context["object_list"])
        context["page_meta"] = metadata.listing_page(
            self.request, context["page_obj"], title=TITLE, description=about()
        )
        return context


class CorrectionFeed(Feed):
    """The latest corrections and updates, each an item linking to its place on its piece."""

    feed_type = feedgenerator.Rss201rev2Feed

    def items(self):
        items = list(listed()[:ITEM_LIMIT])
        shows(items)
        return items

    def title(self):
        return f"{TITLE} · {settings.MAGAZINE_NAME}"

    def link(self):
        return reverse("articles:corrections")

    def description(self):
        # RSS's channel description is read as HTML; Atom's subtitle as text.
        return as_html(about())

    def subtitle(self):
        return about()

    def author_name(self):
        return settings.MAGAZINE_NAME

    def item_title(self, item):
        # Plain text in both formats, as the pieces' feeds have it.
        return f"{item.get_kind_display()}: {item.article.headline}"

    def item_description(self, item):
        return text_as_html(item.text)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at


class CorrectionAtomFeed(CorrectionFeed):
    feed_type = feedgenerator.Atom1Feed
