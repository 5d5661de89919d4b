"""Public pages. Every one starts from Article.objects.public()."""

import posixpath

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.generic import DetailView, ListView
from django.views.static import serve
from taggit.models import Tag

from . import body_pictures, masthead, metadata, pagetags, search
from .models import Article, Contributor, Image, Issue, PlaceInSeries, Section
from .models.magazine import EDITIONS_FOLDER


class PublicArticleList(ListView):
    """A paginated list of public pieces; each page narrows it in `narrow`."""

    template_name = "articles/listing.html"
    # The listing below the site's header, kept as a fragment under what it shows.
    content_template_name = "articles/listing_content.html"
    context_object_name = "articles"
    # What the page around the listing needs to know of it.
    around = ("page_meta", "heading", "current_section", "tag", "contributor")

    def get_paginate_by(self, queryset):
        return settings.MAGAZINE_PAGE_SIZE

    def get(self, request, *args, **kwargs):
        key = f"listing:{request.scheme}://{request.get_host()}{request.get_full_path()}"
        return self.render_to_response(pagetags.remembered(key, self.listing_parts))

    def get_template_names(self):
        # ListView would look at the pieces for a name; from a kept fragment there are none.
        return [self.template_name]

    def listing_parts(self):
        """The listing rendered, and what the page around it needs to know of it."""
        # ListView would ask the database first whether a page that may not be empty is; the
        # paginator counts the pieces anyway, and answers 404 when there are none.
        self.object_list = self.get_queryset()
        context = self.get_context_data()
        parts = {name: context[name] for name in self.around if name in context}
        parts["page_number"] = context["page_obj"].number
        parts["content_html"] = render_to_string(
            self.content_template_name, context, request=self.request
        )
        return parts

    def get_queryset(self):
        return self.narrow(Article.objects.public()).for_listing()

    def narrow(self, articles):
        return articles

    def scope(self):
        """What the listing is of: None for every public piece, else a section, tag or person."""
        return None

    def describe(self):
        """The page's title and description, for search engines and shared links."""
        return settings.MAGAZINE_NAME, settings.MAGAZINE_TAGLINE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        page.object_list = list(page.object_list)
        pagetags.shows_listing(self.scope())
        pagetags.shows_pieces(page.object_list)
        title, description = self.describe()
        context["page_meta"] = metadata.listing_page(
            self.request, context["page_obj"], title=title, description=description
        )
        return context


class HomeView(PublicArticleList):
    template_name = "articles/home.html"
    content_template_name = "articles/home_content.html"


class SectionView(PublicArticleList):
    def narrow(self, articles):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return articles.filter(section=self.section)

    def scope(self):
        return self.section

    def describe(self):
        name = self.section.name
        return name, self.section.description or metadata.pieces(f"filed under {name}")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.section.name,
            description=self.section.description,
            current_section=self.section,
            **kwargs,
        )


class TagView(PublicArticleList):
    # A tag used only on drafts has no page: its name alone could give a draft away.
    allow_empty = False

    def narrow(self, articles):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return articles.filter(tags=self.tag)

    def scope(self):
        return self.tag

    def describe(self):
        return self.tag.name, metadata.pieces(f"tagged {self.tag.name}")

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.tag.name, kicker="Tag", tag=self.tag, **kwargs)


class ContributorView(PublicArticleList):
    template_name = "articles/contributor.html"
    content_template_name = "articles/contributor_content.html"
    # Someone invited to write has no public page until a piece of theirs is published.
    allow_empty = False

    def narrow(self, articles):
        self.contributor = masthead.with_positions_held(
            Contributor.objects.select_related("photo", "photo__credit"), slug=self.kwargs["slug"]
        )
        return articles.filter(bylines__contributor=self.contributor)

    def scope(self):
        return self.contributor

    def describe(self):
        name = self.contributor.name
        return name, self.contributor.bio or metadata.pieces(f"by {name}")

    def get_context_data(self, **kwargs):
        pagetags.shows_contributors([self.contributor])
        return super().get_context_data(contributor=self.contributor, **kwargs)


class ContributorIndexView(ListView):
    template_name = "articles/contributors.html"
    context_object_name = "contributors"
    paginate_by = 60

    def get_queryset(self):
        public = Article.objects.public().values("pk")
        people = (
            Contributor.objects.filter(bylines__article__in=public)
            .annotate(piece_count=Count("bylines", distinct=True))
            .select_related("photo", "photo__credit")
            .prefetch_related(
                Prefetch(
                    "positions", queryset=masthead.current_positions(), to_attr="current_positions"
                )
            )
        )
        # By family name, taken as the last word: no database function finds it on all of them.
        return sorted(people, key=family_name_order)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_meta"] = metadata.listing_page(
            self.request,
            context["page_obj"],
            title="Contributors",
            description=f"Everyone whose work {settings.MAGAZINE_NAME} has published.",
        )
        # Who is listed, and how many pieces each has, changes with any piece published; which
        # masthead year is current, with any position.
        pagetags.shows_listing()
        pagetags.shows("masthead")
        pagetags.shows_contributors(context["object_list"])
        return context


def family_name_order(contributor):
    """Sort by the last word of the name, then the whole name, ignoring case."""
    name = contributor.name.casefold()
    return name.rsplit(maxsplit=1)[-1] if name.strip() else "", name


class CreditsView(ListView):
    """Every picture in a published piece, with its credit and where it is used."""

    template_name = "articles/credits.html"
    context_object_name = "images"
    paginate_by = 50

    def get_queryset(self):
        public = Article.objects.public()
        pieces = public.only("headline", "slug", "published_at", "hero_image")
        issues = Issue.objects.public().only("volume", "number", "title", "slug", "cover")
        # Hero pictures, the pictures of the bodies and the covers of print issues alike.
        used = Q(pk__in=public.values("hero_image")) | Q(pk__in=public.values("body_pictures"))
        used |= Q(pk__in=issues.values("cover"))
        return (
            Image.objects.filter(used)
            .select_related("credit")
            .prefetch_related(
                Prefetch("hero_of", queryset=pieces, to_attr="hero_of_pieces"),
                Prefetch("shown_in_body_of", queryset=pieces, to_attr="body_of_pieces"),
                Prefetch("cover_of", queryset=issues, to_attr="cover_of_issues"),
            )
            .order_by("-uploaded_at", "-id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_meta"] = metadata.listing_page(
            self.request,
            context["page_obj"],
            title="Image credits",
            description=f"Who made each picture {settings.MAGAZINE_NAME} has published, where "
            "it came from, and the licence it is used under.",
        )
        pagetags.shows("credits")
        for image in context["object_list"]:
            # Each piece once, newest first, whether the picture leads it or is in its text.
            pieces = {piece.pk: piece for piece in image.hero_of_pieces + image.body_of_pieces}
            image.public_pieces = sorted(
                pieces.values(), key=lambda piece: (piece.published_at, piece.pk), reverse=True
            )
            pagetags.shows(f"i{image.pk}", *(f"a{piece.pk}" for piece in image.public_pieces))
            pagetags.shows(*(f"e{issue.pk}" for issue in image.cover_of_issues))
        return context


class SearchView(ListView):
    """The public pieces matching the reader's words, best first."""

    template_name = "articles/search.html"
    context_object_name = "hits"

    def get_paginate_by(self, queryset):
        return settings.MAGAZINE_PAGE_SIZE

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()
        return search.search(self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(search_query=self.query, **kwargs)
        # Any public piece's text may now match, or no longer.
        pagetags.shows("search")
        pagetags.shows_pieces(hit.article for hit in context["object_list"])
        return context


class ArticleView(DetailView):
    template_name = "articles/article.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.public().for_page()

    def get(self, request, *args, **kwargs):
        # The piece below the site's header is kept under what it shows: most requests that
        # miss the page cache (a first reader, a signed-in one) make only the page around it.
        key = f"piece:{request.scheme}://{request.get_host()}/{self.kwargs['slug']}"
        try:
            parts = pagetags.remembered(key, self.piece_parts)
        except Http404:
            return self.moved_permanently()
        return self.render_to_response(parts)

    def piece_parts(self):
        """The piece rendered, and what the page around it needs to know of it."""
        article = self.object = self.get_object()
        related = list(article.related())
        tags = article.tags.all()
        pagetags.shows_pieces([article])
        pagetags.shows_tags(tags)
        # The related pieces are the latest of those sharing its tags: a window of each; with
        # none shared, of its section's, until a piece shares one.
        pagetags.shows(*(f"a{piece.pk}" for piece in related), *(f"list-t{t.pk}" for t in tags))
        if not any(piece.shared_tags for piece in related):
            pagetags.shows(f"list-s{article.section_id}")
        # Corrections at the top, updates at the foot; the piece's place in its series, with
        # the parts before and after it (which a part published or moved changes).
        notes = article.printed_corrections
        place = PlaceInSeries.of(article)
        if article.series_id:
            pagetags.shows(f"r{article.series_id}", f"list-r{article.series_id}")
        if article.issue_id:
            # Named once its issue is public, which its date coming or an edit may bring about.
            pagetags.shows(f"e{article.issue_id}")
        if place:
            pagetags.shows(*(f"a{part.pk}" for part in (place.previous, place.next) if part))
        context = {
            "article": article,
            "related": related,
            "corrections": [note for note in notes if note.kind == note.Kind.CORRECTION],
            "updates": [note for note in notes if note.kind == note.Kind.UPDATE],
            "series_place": place,
            # The pictures its body names, fetched once for the body and the JSON-LD.
            "body_pictures": body_pictures.pictures_of(article.body_html),
        }
        return {
            # The styles of corrections and series, only on the pages that have them.
            "magazine_styles": bool(notes or place),
            "headline": article.headline,
            "current_section": article.section,
            "page_meta": metadata.article_page(article, self.request),
            "json_ld": metadata.json_ld(
                metadata.news_article(
                    article, self.request, pictures=context["body_pictures"].values()
                )
            ),
            "piece_html": render_to_string("articles/piece.html", context),
        }

    def moved_permanently(self):
        """Send an address the piece had before to the one it has now, or answer 404."""
        # Asked only once the address matches no public piece: a public piece that took the
        # old address over wins, and the normal path costs no query more.
        article = get_object_or_404(Article.objects.public(), old_slugs__slug=self.kwargs["slug"])
        return redirect(article, permanent=True)


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name none (the admin's): the site's icon."""
    return redirect(static("favicon.svg"), permanent=True)


def serve_media(request, path):
    """An uploaded file, from wherever MEDIA_ROOT points when the request arrives."""
    # A print edition goes out only through its issue's address, once the issue is public
    # (articles/editions.py): its file's name must not be a way round that.
    if posixpath.normpath(path).lstrip("/").startswith(EDITIONS_FOLDER):
        raise Http404("Print editions are downloaded from their issue's page.")
    return serve(request, path, document_root=settings.MEDIA_ROOT)


# Pages only signed-in people or holders of a private link should ever reach.
ROBOTS_DISALLOWED = ("/admin/", "/submit/", "/accounts/", "/preview/")


def robots_txt(request):
    """The rules for crawlers, with the sitemap's absolute address."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOWED)]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('articles:sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
