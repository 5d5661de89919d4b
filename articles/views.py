"""Public pages. Every one starts from Article.objects.public()."""

from django.conf import settings
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView
from django.views.static import serve
from taggit.models import Tag

from . import metadata
from .models import Article, Contributor, Image, Section


class PublicArticleList(ListView):
    """A paginated list of public pieces; each page narrows it in `narrow`."""

    template_name = "articles/listing.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.MAGAZINE_PAGE_SIZE

    def get_queryset(self):
        return self.narrow(Article.objects.public()).for_listing()

    def narrow(self, articles):
        return articles


class HomeView(PublicArticleList):
    template_name = "articles/home.html"


class SectionView(PublicArticleList):
    def narrow(self, articles):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return articles.filter(section=self.section)

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

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.tag.name, kicker="Tag", **kwargs)


class ContributorView(PublicArticleList):
    template_name = "articles/contributor.html"
    # Someone invited to write has no public page until a piece of theirs is published.
    allow_empty = False

    def narrow(self, articles):
        self.contributor = get_object_or_404(
            Contributor.objects.select_related("photo", "photo__credit").prefetch_related(
                "photo__renditions"
            ),
            slug=self.kwargs["slug"],
        )
        return articles.filter(bylines__contributor=self.contributor)

    def get_context_data(self, **kwargs):
        return super().get_context_data(contributor=self.contributor, **kwargs)


class ContributorIndexView(ListView):
    template_name = "articles/contributors.html"
    context_object_name = "contributors"
    paginate_by = 60

    def get_queryset(self):
        public = Article.objects.public().values("pk")
        return (
            Contributor.objects.filter(bylines__article__in=public)
            .annotate(piece_count=Count("bylines", distinct=True))
            .order_by("name")
        )


class CreditsView(ListView):
    """Every picture in a published piece, with its credit and where it is used."""

    template_name = "articles/credits.html"
    context_object_name = "images"
    paginate_by = 50

    def get_queryset(self):
        public = Article.objects.public()
        return (
            Image.objects.filter(pk__in=public.values("hero_image"))
            .select_related("credit")
            .prefetch_related(
                "renditions",
                Prefetch(
                    "hero_of",
                    queryset=public.only("headline", "slug", "published_at", "hero_image"),
                    to_attr="public_pieces",
                ),
            )
            .order_by("-uploaded_at", "-id")
        )


class ArticleView(DetailView):
    template_name = "articles/article.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.public().for_listing()

    def get_context_data(self, **kwargs):
        image = self.object.hero_image
        if image is not None:
            kwargs["share_image"] = metadata.share_image(image, self.request)
            kwargs["image_json_ld"] = metadata.json_ld(metadata.image_object(image, self.request))
        return super().get_context_data(
            related=self.object.related(), current_section=self.object.section, **kwargs
        )


def serve_media(request, path):
    """An uploaded file, from wherever MEDIA_ROOT points when the request arrives."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)
