from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from articles import accounts
from articles.views import serve_media

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "accounts/invite/<str:token>/",
        accounts.accept_invitation_view,
        name="accept_invitation",
    ),
    # Before Django's own: the same addresses and names, with the magazine's touches.
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded images, for a site that runs without a proxy or object store in front.
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns += [re_path(rf"^{media_prefix}/(?P<path>.*)$", serve_media)]
