from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


def sync_groups(sender, **kwargs):
    # Also after a test database is flushed, which empties the groups the migration made.
    from django.contrib.auth.models import Group, Permission

    from . import roles

    roles.sync_groups(Group, Permission)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Magazine"

    def ready(self):
        from django.conf import settings
        from django.contrib import admin

        from . import derived

        admin.site.site_header = f"{settings.MAGAZINE_NAME}: editors"
        admin.site.site_title = f"{settings.MAGAZINE_NAME} editors"
        admin.site.index_title = "The magazine"
        post_migrate.connect(sync_groups, sender=self)
        derived.connect()


class MagazineAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the magazine's site (articles/admin_site.py) in place of its own."""

    default_site = "articles.admin_site.MagazineAdminSite"
    # Never picked for "articles" itself: that app is ArticlesConfig.
    default = False
