from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .contributor_area import views as submit
from .feeds import (
    ArticleAtomFeed,
    ArticleFeed,
    ContributorAtomFeed,
    ContributorFeed,
    SectionAtomFeed,
    SectionFeed,
    TagAtomFeed,
    TagFeed,
)
from .sitemaps import SITEMAPS

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("feed/", ArticleFeed(), name="feed"),
    path("feed/atom/", ArticleAtomFeed(), name="feed_atom"),
    path("sections/<slug:slug>/feed/", SectionFeed(), name="section_feed"),
    path("sections/<slug:slug>/feed/atom/", SectionAtomFeed(), name="section_feed_atom"),
    path("tags/<slug:slug>/feed/", TagFeed(), name="tag_feed"),
    path("tags/<slug:slug>/feed/atom/", TagAtomFeed(), name="tag_feed_atom"),
    path("contributors/<slug:slug>/feed/", ContributorFeed(), name="contributor_feed"),
    path(
        "contributors/<slug:slug>/feed/atom/",
        ContributorAtomFeed(),
        name="contributor_feed_atom",
    ),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS, "template_name": "articles/sitemap.xml"},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    path("articles/<slug:slug>/", views.ArticleView.as_view(), name="article"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("contributors/", views.ContributorIndexView.as_view(), name="contributors"),
    path("contributors/<slug:slug>/", views.ContributorView.as_view(), name="contributor"),
    path("credits/", views.CreditsView.as_view(), name="credits"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("submit/", submit.dashboard, name="submit_dashboard"),
    path("submit/new/", submit.new_piece, name="submit_new"),
    path("submit/<int:pk>/", submit.edit_piece, name="submit_edit"),
    path("submit/<int:pk>/preview/", submit.preview, name="submit_preview"),
    path("submit/<int:pk>/<slug:action>/", submit.move_piece, name="submit_move"),
    path("preview/<str:token>/", submit.shared_preview, name="shared_preview"),
]
