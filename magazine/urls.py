from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from articles.views import serve_media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded images, for a site that runs without a proxy or object store in front.
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns += [re_path(rf"^{media_prefix}/(?P<path>.*)$", serve_media)]
