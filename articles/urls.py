from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import corrections, editions, masthead, series, views
from .contributor_area import picture_credit, profile, replacing, text_pictures
from .contributor_area import views as submit
from .feeds import (
    ArticleAtomFeed,
    ArticleFeed,
    ContributorAtomFeed,
    ContributorFeed,
    IssueAtomFeed,
    IssueFeed,
    SectionAtomFeed,
    SectionFeed,
    TagAtomFeed,
    TagFeed,
)
from .pagecache import reader_page
from .sitemaps import SITEMAPS
from .writing import endpoints as writing

app_name = "articles"

# Pages wrapped in reader_page are the same for every reader and kept in the page cache;
# the contributor area and previews never are.
urlpatterns = [
    path("", reader_page(views.HomeView.as_view()), name="home"),
    path("feed/", reader_page(ArticleFeed()), name="feed"),
    path("feed/atom/", reader_page(ArticleAtomFeed()), name="feed_atom"),
    path("sections/<slug:slug>/feed/", reader_page(SectionFeed()), name="section_feed"),
    path(
        "sections/<slug:slug>/feed/atom/", reader_page(SectionAtomFeed()), name="section_feed_atom"
    ),
    path("tags/<slug:slug>/feed/", reader_page(TagFeed()), name="tag_feed"),
    path("tags/<slug:slug>/feed/atom/", reader_page(TagAtomFeed()), name="tag_feed_atom"),
    path("contributors/<slug:slug>/feed/", reader_page(ContributorFeed()), name="contributor_feed"),
    path(
        "contributors/<slug:slug>/feed/atom/",
        reader_page(ContributorAtomFeed()),
        name="contributor_feed_atom",
    ),
    path(
        "sitemap.xml",
        reader_page(sitemap),
        {"sitemaps": SITEMAPS, "template_name": "articles/sitemap.xml"},
        name="sitemap",
    ),
    path("robots.txt", reader_page(views.robots_txt), name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("articles/<slug:slug>/", reader_page(views.ArticleView.as_view()), name="article"),
    path("sections/<slug:slug>/", reader_page(views.SectionView.as_view()), name="section"),
    path("tags/<slug:slug>/", reader_page(views.TagView.as_view()), name="tag"),
    path("contributors/", reader_page(views.ContributorIndexView.as_view()), name="contributors"),
    path(
        "contributors/<slug:slug>/",
        reader_page(views.ContributorView.as_view()),
        name="contributor",
    ),
    path("credits/", reader_page(views.CreditsView.as_view()), name="credits"),
    path("issues/", reader_page(editions.IssueIndexView.as_view()), name="issues"),
    path("issues/<slug:slug>/", reader_page(editions.IssueView.as_view()), name="issue"),
    path("issues/<slug:slug>/feed/", reader_page(IssueFeed()), name="issue_feed"),
    path("issues/<slug:slug>/feed/atom/", reader_page(IssueAtomFeed()), name="issue_feed_atom"),
    path("issues/<slug:slug>/pdf/", reader_page(editions.issue_pdf), name="issue_pdf"),
    path("masthead/", reader_page(masthead.MastheadView.as_view()), name="masthead"),
    path(
        "masthead/<str:year>/",
        reader_page(masthead.MastheadView.as_view()),
        name="masthead_year",
    ),
    path(
        "corrections/",
        reader_page(corrections.CorrectionListView.as_view()),
        name="corrections",
    ),
    path("corrections/feed/", reader_page(corrections.CorrectionFeed()), name="corrections_feed"),
    path(
        "corrections/feed/atom/",
        reader_page(corrections.CorrectionAtomFeed()),
        name="corrections_feed_atom",
    ),
    path("series/<slug:slug>/", reader_page(series.SeriesView.as_view()), name="series"),
    path("search/", reader_page(views.SearchView.as_view()), name="search"),
    path("submit/", submit.dashboard, name="submit_dashboard"),
    path("submit/new/", submit.new_piece, name="submit_new"),
    path("submit/profile/", profile.profile, name="submit_profile"),
    path("submit/held/<uuid:key>/", submit.held_picture, name="submit_held_picture"),
    path("submit/pictures/new/", text_pictures.add_picture, name="submit_picture"),
    path(
        "submit/pictures/<int:pk>/credit/",
        picture_credit.give_credit,
        name="submit_picture_credit",
    ),
    path("submit/<int:pk>/", submit.edit_piece, name="submit_edit"),
    path("submit/<int:pk>/preview/", submit.preview, name="submit_preview"),
    path("submit/<int:pk>/delete/", submit.delete_piece, name="submit_delete"),
    path("submit/<int:pk>/replace-text/", replacing.replace_text, name="submit_replace_text"),
    path("submit/<int:pk>/<slug:action>/", submit.move_piece, name="submit_move"),
    path("preview/<str:token>/", submit.shared_preview, name="shared_preview"),
    # The writing surface of the piece forms, in the contributor area and the admin alike.
    path("write/preview/", writing.preview, name="write_preview"),
    path("write/paste/", writing.paste, name="write_paste"),
    path("write/autosave/", writing.autosave, name="write_autosave"),
]
