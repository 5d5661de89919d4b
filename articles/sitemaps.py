"""The sitemap: every public piece with its picture, and the pages that list them.

Pieces, tags and contributors start from Article.objects.public(), so that neither a draft
nor the name of a tag or a person known only from drafts reaches a search engine.
"""

from urllib.parse import urljoin

from django.contrib.sitemaps import Sitemap
from django.db.models import Prefetch
from django.urls import reverse
from taggit.models import Tag

from . import pagetags
from .feeds import feed_picture
from .models import Article, Contributor, Correction, Image, Issue, Section, Series


class ArticleSitemap(Sitemap):
    """Each public piece, when it last changed or was corrected, and its pictures, hero and
    inline (Google's image extension)."""

    def items(self):
        # One tag for the whole list: any public piece changing forgets the sitemap.
        pagetags.shows("sitemap")
        # The text is not needed to list a piece, and a sitemap lists every one of them.
        corrections = Correction.objects.latest_on_each_piece()
        return (
            Article.objects.public()
            .defer("body", "body_html")
            .select_related("hero_image")
            .prefetch_related(Prefetch("body_pictures", queryset=Image.objects.order_by("pk")))
            .annotate(corrected_at=corrections)
        )

    def lastmod(self, article):
        # As the feeds date it: a scheduled piece is no older than its going public, and a
        # correction or update printed since changes the page.
        return max(
            article.updated_at, article.published_at, article.corrected_at or article.updated_at
        )

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        root = f"{self.get_protocol(protocol)}://{self.get_domain(site)}/"
        for url in urls:
            article = url["item"]
            # The hero first, then each picture its text shows, once.
            pictures = {image.pk: image for image in [article.hero_image] if image}
            pictures.update((image.pk, image) for image in article.body_pictures.all())
            # urljoin keeps a picture stored elsewhere at its own absolute address.
            url["images"] = [
                urljoin(root, feed_picture(image).file.url) for image in pictures.values()
            ]
        return urls


class SectionSitemap(Sitemap):
    """Every section's page: each is in the navigation, empty or not."""

    def items(self):
        return Section.objects.all()


class TagSitemap(Sitemap):
    """The page of each tag that a public piece carries."""

    def items(self):
        return Tag.objects.filter(pk__in=Article.objects.public().values("tags")).order_by(
            "name", "pk"
        )

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})


class ContributorSitemap(Sitemap):
    """The page of each contributor named in the byline of a public piece."""

    def items(self):
        return Contributor.objects.filter(
            pk__in=Article.objects.public().values("bylines__contributor")
        ).order_by("name", "pk")


class SeriesSitemap(Sitemap):
    """The page of each series with a public part (one of drafts alone has no page)."""

    def items(self):
        return Series.objects.filter(pk__in=Article.objects.public().values("series")).order_by(
            "title", "pk"
        )


class IssueSitemap(Sitemap):
    """Each public print issue, when it last changed, and its cover."""

    def items(self):
        # An issue's change, or its date coming, forgets the sitemap.
        pagetags.shows("sitemap")
        # A few a year: read at once, in one query, rather than counted first.
        return list(Issue.objects.public().select_related("cover"))

    def lastmod(self, issue):
        # An issue dated ahead was last saved before readers could see it.
        return max(issue.updated_at, pagetags.start_of_day(issue.date))

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        root = f"{self.get_protocol(protocol)}://{self.get_domain(site)}/"
        for url in urls:
            cover = url["item"].cover
            url["images"] = [urljoin(root, feed_picture(cover).file.url)] if cover else []
        return urls


class PageSitemap(Sitemap):
    """The pages that are neither a piece nor a listing of one thing."""

    def items(self):
        return [
            "articles:home", "articles:contributors", "articles:credits", "articles:issues",
            "articles:corrections", "articles:masthead",
        ]  # fmt: skip

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "contributors": ContributorSitemap,
    "issues": IssueSitemap,
    "series": SeriesSitemap,
}
