from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from . import pagecache
from .models import Section


def site(request):
    """The magazine's name and its sections, for the masthead and navigation on every page."""
    return {
        "magazine_name": settings.MAGAZINE_NAME,
        "magazine_tagline": settings.MAGAZINE_TAGLINE,
        "nav_sections": SimpleLazyObject(navigation_sections),
    }


def navigation_sections():
    """The sections, read once per generation of pages: every page lists them, few change them."""
    key = f"nav-sections:{pagecache.current_generation()}"
    sections = cache.get(key)
    if sections is None:
        sections = list(Section.objects.all())
        cache.set(key, sections, settings.MAGAZINE_PAGE_CACHE_SECONDS)
    return sections
