from django.urls import path

from . import views
from .contributor_area import views as submit

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleView.as_view(), name="article"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("contributors/", views.ContributorIndexView.as_view(), name="contributors"),
    path("contributors/<slug:slug>/", views.ContributorView.as_view(), name="contributor"),
    path("credits/", views.CreditsView.as_view(), name="credits"),
    path("submit/", submit.dashboard, name="submit_dashboard"),
    path("submit/new/", submit.new_piece, name="submit_new"),
    path("submit/<int:pk>/", submit.edit_piece, name="submit_edit"),
    path("submit/<int:pk>/preview/", submit.preview, name="submit_preview"),
    path("submit/<int:pk>/<slug:action>/", submit.move_piece, name="submit_move"),
    path("preview/<str:token>/", submit.shared_preview, name="shared_preview"),
]
