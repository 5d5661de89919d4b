from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleView.as_view(), name="article"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("contributors/", views.ContributorIndexView.as_view(), name="contributors"),
    path("contributors/<slug:slug>/", views.ContributorView.as_view(), name="contributor"),
]
