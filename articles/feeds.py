"""RSS and Atom feeds of the public pieces: the whole magazine, a section, a tag, a contributor.

Every feed starts from Article.objects.public() and fetches its pieces with for_listing(), so
a feed of thirty pieces costs the same few queries as a feed of one. Each item carries the
full text and the picture, and the picture never travels without its credit.

Text is escaped once, by the feed generator as it writes the XML. The hooks hand it plain text,
except where a format reads a field as HTML (RSS's descriptions, Atom's summary): there
`as_html` turns the text into HTML that shows exactly that text, and nothing more.
"""

import html
import mimetypes
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import format_html
from taggit.models import Tag

from . import body_pictures, pagetags
from .models import Article, Contributor, Correction, Issue, Rendition, Section
from .rendering import PLACEHOLDER, picture_numbers

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
# Enough for a reader that checks once a day; older pieces stay on the site and in the sitemap.
ITEM_LIMIT = 30
# The JPEG readers get: sharp in a feed reader's column, far lighter than the original.
FEED_PICTURE_WIDTH = 960


@dataclass(frozen=True)
class FeedPicture:
    """The file a feed or sitemap offers for a picture, with what a reader needs to know of it."""

    file: object
    mime_type: str
    width: int
    height: int

    @property
    def length(self):
        """The file's size in bytes, or 0 (RSS's word for unknown) if storage cannot say."""
        try:
            return self.file.size
        except OSError:
            # A missing file breaks one picture, not the whole feed.
            return 0


def feed_picture(image):
    """The JPEG rendition nearest FEED_PICTURE_WIDTH, else the original."""
    jpegs = sorted(
        (
            rendition
            for rendition in image.made_renditions()
            if rendition.kind == Rendition.Kind.WIDTH and rendition.format == Rendition.Format.JPEG
        ),
        key=lambda rendition: rendition.width,
    )
    if jpegs:
        chosen = next((r for r in reversed(jpegs) if r.width <= FEED_PICTURE_WIDTH), jpegs[0])
        return FeedPicture(chosen.file, chosen.content_type, chosen.width, chosen.height)
    mime_type = mimetypes.guess_type(image.file.name)[0] or "application/octet-stream"
    return FeedPicture(image.file, mime_type, image.width, image.height)


def add_media_content(handler, item):
    """Write the picture as Media RSS, its credit and licence inside it."""
    # No media:description: readers such as feedparser take it for the item's own summary.
    picture = item.get("picture")
    if not picture or not item["enclosures"]:
        return
    enclosure = item["enclosures"][0]
    attributes = {"url": enclosure.url, "type": enclosure.mime_type, "medium": "image"}
    if enclosure.length != "0":
        attributes["fileSize"] = enclosure.length
    if picture["width"]:
        attributes["width"] = str(picture["width"])
        attributes["height"] = str(picture["height"])
    handler.startElement("media:content", attributes)
    if picture["credit"]:
        handler.addQuickElement("media:credit", picture["credit"])
    if picture["license_url"]:
        handler.addQuickElement(
            "media:license",
            picture["license_name"],
            {"type": "text/html", "href": picture["license_url"]},
        )
    handler.endElement("media:content")


class MagazineRssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the full text in content:encoded and the picture in media:content."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NS, "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        # RSS has no element for when a piece last changed; Atom's, in its namespace, does.
        if item["updateddate"] is not None:
            handler.addQuickElement("atom:updated", feedgenerator.rfc3339_date(item["updateddate"]))
        handler.addQuickElement("content:encoded", item["content"])
        add_media_content(handler, item)


class MagazineAtomFeed(feedgenerator.Atom1Feed):
    """Atom with the full text in <content type="html"> and the picture in media:content."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})
        add_media_content(handler, item)


def as_html(text):
    """Text as HTML that reads as the same text: only what HTML would take as markup escaped."""
    # Quotes mean nothing between tags: left as typed, a reader that takes the field for plain
    # text (as many do) still shows "Chekhov's", never "Chekhov&#x27;s".
    return html.escape(text, quote=False)


def content_warning(item):
    """The piece's content warning as a sentence of plain text, or ""."""
    warning = " ".join(item.content_warning.split())
    if not warning:
        return ""
    return f"Content warning: {warning}{'' if warning[-1] in '.!?…' else '.'}"


def with_feed_pictures(content, pictures, request):
    """The text with the pictures its body names in place, each with its caption and credit.

    A feed reader fetches a picture from its address alone: it gets the absolute address of
    the JPEG a feed offers, and the credit travels with it in the text.
    """

    def figure(image):
        picture = feed_picture(image)
        credit = getattr(image, "credit", None)
        caption = format_html('<span class="caption">{}</span> ', image.caption)
        return format_html(
            '<figure><img src="{}" width="{}" height="{}" alt="{}">'
            "<figcaption>{}{}</figcaption></figure>",
            request.build_absolute_uri(picture.file.url),
            picture.width,
            picture.height,
            image.alt,
            caption if image.caption else "",
            format_html("Image Credit: {}", credit.line_html()) if credit else "",
        )

    def fill(match):
        numbers = [int(number) for number in match[2].split()]
        return "".join(figure(pictures[n]) for n in numbers if n in (pictures or {}))

    return PLACEHOLDER.sub(fill, content)


def names_in_words(names):
    """The byline as one name, "A, B and C", for the one author a feed item has."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


class ArticleFeed(Feed):
    """The latest public pieces of the whole magazine; narrower feeds override the hooks."""

    feed_type = MagazineRssFeed
    # A tag or contributor with nothing public has no feed, as it has no page.
    allow_empty = True

    def get_object(self, request, slug=None):
        scope = self.find(slug)
        if not self.allow_empty and not self.articles(scope).exists():
            raise Http404("Nothing public here.")
        return scope

    def find(self, slug):
        return None

    def articles(self, scope):
        return Article.objects.public()

    def items(self, scope):
        latest = Correction.objects.latest_on_each_piece()
        items = list(self.articles(scope).for_listing().annotate(corrected_at=latest)[:ITEM_LIMIT])
        pagetags.shows_listing(scope)
        pagetags.shows_pieces(items)
        for item in items:
            pagetags.shows_tags(item.tags.all())
        # The pictures of every item's text, in one query for the whole feed.
        named = {item.pk: picture_numbers(item.body_html) for item in items}
        pictures = body_pictures.shown_pictures([n for numbers in named.values() for n in numbers])
        pagetags.shows(*(f"i{number}" for number in pictures))
        for item in items:
            item.text_pictures = {n: pictures[n] for n in named[item.pk] if n in pictures}
        return items

    def get_feed(self, scope, request):
        feed = super().get_feed(scope, request)
        # A picture stored by the site itself has a path for an address; a reader needs the
        # whole URL. One stored elsewhere is absolute already, and stays as it is.
        for item in feed.items:
            item["enclosures"] = [
                feedgenerator.Enclosure(
                    request.build_absolute_uri(enclosure.url), enclosure.length, enclosure.mime_type
                )
                for enclosure in item["enclosures"]
            ]
            # So do the pictures in the text.
            pictures = item.get("text_pictures")
            item["content"] = with_feed_pictures(item["content"], pictures, request)
        return feed

    def title(self, scope):
        return settings.MAGAZINE_NAME

    def link(self, scope):
        return reverse("articles:home")

    def about(self, scope):
        """What the feed is, in plain text."""
        return settings.MAGAZINE_TAGLINE

    def description(self, scope):
        # RSS's channel description is read as HTML.
        return as_html(self.about(scope))

    def subtitle(self, scope):
        # Atom's subtitle is plain text unless it says otherwise.
        return self.about(scope)

    def author_name(self, scope):
        # Atom wants an author for every entry; a piece without a byline is the magazine's.
        return settings.MAGAZINE_NAME

    def item_title(self, item):
        # Plain text in both formats: escaping it as HTML too made readers show "&#x27;".
        return item.headline

    def item_description(self, item):
        # Both formats treat the description as HTML, and the standfirst is typed as text.
        # A content warning comes first, as it does on the page and the cards.
        summary = " ".join(filter(None, [content_warning(item), item.standfirst]))
        return as_html(summary) if summary else None

    def item_author_name(self, item):
        names = [byline.contributor.name for byline in item.bylines.all()]
        return names_in_words(names) or None

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # A scheduled piece was last saved before it went public; it is not older than that.
        # A correction or update since makes the item updated too (Atom's <updated>, and RSS's
        # atom:updated), for readers that show a piece again when it changes.
        return max(item.updated_at, item.published_at, item.corrected_at or item.published_at)

    def item_categories(self, item):
        return sorted(tag.name for tag in item.tags.all())

    def item_enclosures(self, item):
        if item.hero_image is None:
            return []
        picture = feed_picture(item.hero_image)
        return [feedgenerator.Enclosure(picture.file.url, str(picture.length), picture.mime_type)]

    def item_extra_kwargs(self, item):
        image = item.hero_image
        credit = getattr(image, "credit", None) if image else None
        content = item.body_html
        if item.content_warning:
            # Readers that show the full text show it first, before the piece.
            warning = format_html(
                '<p class="content-warning"><strong>Content warning:</strong> {}</p>',
                item.content_warning,
            )
            content = warning + content
        if credit is not None:
            # The credit sits at the foot of the text, as it does on the page.
            content += format_html(
                '<p class="image-credit">Image Credit: {}</p>', credit.line_html()
            )
        extra = {"content": content, "text_pictures": getattr(item, "text_pictures", {})}
        if image is not None:
            terms = credit.license_terms if credit else None
            picture = feed_picture(image)
            extra["picture"] = {
                "width": picture.width,
                "height": picture.height,
                "credit": credit.line() if credit else "",
                "license_name": terms.short_name if terms else "",
                "license_url": terms.url if terms else "",
            }
        return extra


class SectionFeed(ArticleFeed):
    """The latest public pieces in one section."""

    def find(self, slug):
        return get_object_or_404(Section, slug=slug)

    def articles(self, section):
        return Article.objects.public().filter(section=section)

    def title(self, section):
        return f"{section.name} · {settings.MAGAZINE_NAME}"

    def link(self, section):
        return section.get_absolute_url()

    def about(self, section):
        return section.description or f"The latest pieces in {section.name}."


class TagFeed(ArticleFeed):
    """The latest public pieces with one tag."""

    allow_empty = False

    def find(self, slug):
        return get_object_or_404(Tag, slug=slug)

    def articles(self, tag):
        return Article.objects.public().filter(tags=tag)

    def title(self, tag):
        return f"{tag.name} · {settings.MAGAZINE_NAME}"

    def link(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def about(self, tag):
        return f"The latest pieces tagged {tag.name}."


class ContributorFeed(ArticleFeed):
    """The latest public pieces with one contributor in the byline."""

    allow_empty = False

    def find(self, slug):
        return get_object_or_404(Contributor, slug=slug)

    def articles(self, contributor):
        return Article.objects.public().filter(bylines__contributor=contributor)

    def title(self, contributor):
        return f"{contributor.name} · {settings.MAGAZINE_NAME}"

    def link(self, contributor):
        return contributor.get_absolute_url()

    def about(self, contributor):
        return f"The latest pieces by {contributor.name}."


class IssueFeed(ArticleFeed):
    """The public pieces of one public print issue, in the order of its contents."""

    def find(self, slug):
        return get_object_or_404(Issue.objects.public(), slug=slug)

    def articles(self, issue):
        return issue.public_contents()

    def title(self, issue):
        return f"{issue.title} ({issue.volume_and_number}) · {settings.MAGAZINE_NAME}"

    def link(self, issue):
        return issue.get_absolute_url()

    def about(self, issue):
        return f"The pieces in {issue.title}, {issue.volume_and_number}."


class ArticleAtomFeed(ArticleFeed):
    feed_type = MagazineAtomFeed


class SectionAtomFeed(SectionFeed):
    feed_type = MagazineAtomFeed


class TagAtomFeed(TagFeed):
    feed_type = MagazineAtomFeed


class ContributorAtomFeed(ContributorFeed):
    feed_type = MagazineAtomFeed


class IssueAtomFeed(IssueFeed):
    feed_type = MagazineAtomFeed
