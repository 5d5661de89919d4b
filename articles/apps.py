from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Magazine"

    def ready(self):
        from django.conf import settings
        from django.contrib import admin

        admin.site.site_header = f"{settings.MAGAZINE_NAME}: editors"
        admin.site.site_title = f"{settings.MAGAZINE_NAME} editors"
        admin.site.index_title = "The magazine"
