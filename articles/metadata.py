"""Machine-readable facts about a page: its address, its description, its share cards, its JSON-LD.

A credit must travel with the picture wherever it goes, so the share card and the structured
data carry the same facts the credit line is made of. Everything here is built from objects the
view has already fetched: describing a page never costs a query.
"""

import json

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .links import is_web_address

# Pieces in this section argue rather than report, which schema.org tells apart from news.
OPINION_SECTION = "opinion"
# Search engines show about this much of a description; a longer one is cut at a word.
DESCRIPTION_LENGTH = 200


def summary(text, limit=DESCRIPTION_LENGTH):
    """The text on one line, cut at a word boundary to fit a meta description."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def timestamp(moment):
    """An ISO 8601 date and time with its offset from UTC, to the second."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def page_url(request, number):
    """The absolute address of one page of a listing; page 1 is the listing's own address."""
    path = request.path if number == 1 else f"{request.path}?page={number}"
    return request.build_absolute_uri(path)


def pieces(which):
    """A sentence for a listing with no description of its own: "Pieces tagged Mali in …"."""
    return f"Pieces {which} in {settings.MAGAZINE_NAME}."


def listing_page(request, page, *, title, description):
    """What a page of a listing tells search engines and link previews about itself."""
    if page.number > 1:
        title = f"{title}: page {page.number}"
    url = page_url(request, page.number)
    description = summary(description)
    return {
        "canonical": url,
        "description": description,
        "prev": page_url(request, page.previous_page_number()) if page.has_previous() else "",
        "next": page_url(request, page.next_page_number()) if page.has_next() else "",
        "open_graph": open_graph(title, description, url, kind="website"),
        "twitter": twitter_card(title, description, has_image=False),
    }


def single_page(request, *, title, description):
    """What a page that is not a listing (the masthead) tells search engines about itself."""
    url = request.build_absolute_uri(request.path)
    description = summary(description)
    return {
        "canonical": url,
        "description": description,
        "open_graph": open_graph(title, description, url, kind="website"),
        "twitter": twitter_card(title, description, has_image=False),
    }


def article_page(article, request):
    """What a piece's page tells search engines and link previews about it."""
    url = request.build_absolute_uri(article.get_absolute_url())
    description = summary(article.standfirst or article.headline)
    properties = open_graph(article.headline, description, url, kind="article")
    properties += [
        ("article:published_time", timestamp(article.published_at)),
        ("article:modified_time", timestamp(modified_at(article))),
        ("article:section", article.section.name),
    ]
    properties += [("article:author", author["url"]) for author in authors(article, request)]
    properties += [("article:tag", tag.name) for tag in article.tags.all()]
    image = article.hero_image
    if image is not None:
        shown = share_image(image, request)
        properties += [
            ("og:image", shown["url"]),
            ("og:image:width", shown["width"]),
            ("og:image:height", shown["height"]),
        ]
        if image.alt:
            properties.append(("og:image:alt", image.alt))
    return {
        "canonical": url,
        "description": description,
        "open_graph": properties,
        "twitter": twitter_card(article.headline, description, has_image=image is not None),
    }


def open_graph(title, description, url, *, kind):
    """The Open Graph properties every page has, as (property, content) pairs."""
    return [
        ("og:site_name", settings.MAGAZINE_NAME),
        ("og:type", kind),
        ("og:title", title),
        ("og:description", description),
        ("og:url", url),
    ]


def twitter_card(title, description, *, has_image):
    """The Twitter card, as (name, content) pairs; its picture is read from og:image."""
    return [
        ("twitter:card", "summary_large_image" if has_image else "summary"),
        ("twitter:title", title),
        ("twitter:description", description),
    ]


def modified_at(article):
    """When the piece last changed, as readers could know it: never before it was published,
    nor before its latest correction or update."""
    # A piece scheduled ahead and left alone was saved before its publish date.
    noted = [note.published_at for note in article.printed_corrections]
    return max(article.published_at, article.updated_at, *noted)


def authors(article, request):
    """Each person in the byline as a schema.org Person with their page's absolute address."""
    people = []
    for byline in article.bylines.all():
        contributor = byline.contributor
        person = {
            "@type": "Person",
            "name": contributor.name,
            "url": request.build_absolute_uri(contributor.get_absolute_url()),
        }
        # Their own pages elsewhere; a stored link that is not http(s) is left out.
        same_as = [link for link in contributor.link_list() if is_web_address(link)]
        if same_as:
            person["sameAs"] = same_as
        people.append(person)
    return people


def news_article(article, request, pictures=()):
    """The piece as a schema.org NewsArticle, with its pictures and credits nested in it.

    `pictures` are those its body shows, fetched by the view: the hero comes first.
    """
    url = request.build_absolute_uri(article.get_absolute_url())
    opinion = article.section.slug == OPINION_SECTION
    data = {
        "@context": "https://schema.org",
        "@type": "OpinionNewsArticle" if opinion else "NewsArticle",
        "headline": article.headline,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": timestamp(article.published_at),
        "dateModified": timestamp(modified_at(article)),
        "author": authors(article, request),
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "wordCount": article.word_count,
        "publisher": {
            "@type": "Organization",
            "name": settings.MAGAZINE_NAME,
            "url": request.build_absolute_uri(reverse("articles:home")),
        },
    }
    if article.standfirst:
        data["description"] = article.standfirst
    shown = [article.hero_image] if article.hero_image is not None else []
    shown += [image for image in pictures if image.pk != article.hero_image_id]
    if len(shown) == 1:
        data["image"] = image_object(shown[0], request)
    elif shown:
        data["image"] = [image_object(image, request) for image in shown]
    # Updates add to a piece rather than put it right: they move dateModified, and no more.
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": note.text,
            "datePublished": timestamp(note.published_at),
        }
        for note in article.printed_corrections
        if note.kind == note.Kind.CORRECTION
    ]
    if corrections:
        data["correction"] = corrections
    parts = part_of(article, request)
    if parts:
        data["isPartOf"] = parts
    return data


def part_of(article, request):
    """What the piece is part of, as schema.org objects: its print issue, once readers can see
    it, and its series. Reads only what the piece's query fetched with it (issue, series)."""
    parts = []
    if article.issue_id and article.issue.is_public:
        parts.append(publication_issue(article.issue, request))
    if article.series_id:
        series = article.series
        parts.append(
            {
                "@type": "CreativeWorkSeries",
                "name": series.title,
                "url": request.build_absolute_uri(series.get_absolute_url()),
            }
        )
    return parts


def creative_work_series(series, parts, request):
    """A series as a schema.org CreativeWorkSeries, with the public parts a page of it lists,
    given as (part number, piece) pairs."""
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWorkSeries",
        "name": series.title,
        "url": request.build_absolute_uri(series.get_absolute_url()),
        "publisher": {
            "@type": "Organization",
            "name": settings.MAGAZINE_NAME,
            "url": request.build_absolute_uri(reverse("articles:home")),
        },
        "hasPart": [
            {
                "@type": "Article",
                "headline": part.headline,
                "url": request.build_absolute_uri(part.get_absolute_url()),
                "datePublished": timestamp(part.published_at),
                "position": number,
            }
            for number, part in parts
        ],
    }
    if series.description:
        data["description"] = series.description
    return data


def periodical(request):
    """The magazine itself, as a schema.org Periodical."""
    return {
        "@type": "Periodical",
        "name": settings.MAGAZINE_NAME,
        "url": request.build_absolute_uri(reverse("articles:home")),
    }


def publication_issue(issue, request):
    """A print issue as a schema.org PublicationIssue, in its volume, in the magazine."""
    return {
        "@type": "PublicationIssue",
        "name": issue.title,
        "issueNumber": issue.number,
        "datePublished": issue.date.isoformat(),
        "url": request.build_absolute_uri(issue.get_absolute_url()),
        "isPartOf": {
            "@type": "PublicationVolume",
            "volumeNumber": issue.volume,
            "isPartOf": periodical(request),
        },
    }


def issue_document(issue, request, description):
    """The issue page's JSON-LD: the issue, with its cover and its credit."""
    data = {"@context": "https://schema.org", **publication_issue(issue, request)}
    if description:
        data["description"] = description
    if issue.cover is not None:
        data["image"] = image_object(issue.cover, request)
    return data


def issue_page(issue, request, description):
    """What an issue's page tells search engines and link previews about it."""
    url = request.build_absolute_uri(issue.get_absolute_url())
    title = f"{issue.title} ({issue.volume_and_number})"
    description = summary(description)
    properties = open_graph(title, description, url, kind="website")
    if issue.cover is not None:
        shown = share_image(issue.cover, request)
        properties += [
            ("og:image", shown["url"]),
            ("og:image:width", shown["width"]),
            ("og:image:height", shown["height"]),
        ]
        if issue.cover.alt:
            properties.append(("og:image:alt", issue.cover.alt))
    return {
        "canonical": url,
        "description": description,
        "open_graph": properties,
        "twitter": twitter_card(title, description, has_image=issue.cover is not None),
    }


def share_image(image, request):
    """The picture a shared link shows: its share card, else the original, as absolute facts."""
    card = image.share_card()
    if card is not None:
        url, width, height = card.file.url, card.width, card.height
    else:
        url, width, height = image.file.url, image.width, image.height
    return {"url": request.build_absolute_uri(url), "width": width, "height": height}


def image_object(image, request):
    """A schema.org ImageObject for the picture, with its credit, creator and licence."""
    shown = share_image(image, request)
    data = {
        "@type": "ImageObject",
        "contentUrl": request.build_absolute_uri(image.file.url),
        "thumbnailUrl": shown["url"],
        "width": image.width,
        "height": image.height,
    }
    if image.caption:
        data["caption"] = image.caption
    credit = getattr(image, "credit", None)
    if credit is None:
        return data
    terms = credit.license_terms
    data["creditText"] = credit.line()
    if credit.creator:
        # Whether the creator is a person or an organisation is not recorded, so it is not said.
        data["creator"] = {"name": credit.creator}
        # Only an http(s) address is a URL a reader may follow; anything else is left out.
        if is_web_address(credit.creator_url):
            data["creator"]["url"] = credit.creator_url
    if credit.title:
        data["name"] = credit.title
    if terms.url:
        data["license"] = terms.url
    if is_web_address(credit.source_url):
        data["acquireLicensePage"] = credit.source_url
    return data


def json_ld(data):
    """JSON for a <script type="application/ld+json">, safe against a closing tag in the text."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
