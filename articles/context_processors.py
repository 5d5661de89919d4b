from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import pagetags
from .models import Section


def site(request):
    """The magazine's name and its sections, for the masthead and navigation on every page."""
    return {
        "magazine_name": settings.MAGAZINE_NAME,
        "magazine_tagline": settings.MAGAZINE_TAGLINE,
        "nav_sections": SimpleLazyObject(navigation_sections),
    }


def navigation_sections():
    """The sections, read again only once one changes: every page lists them, few change them."""
    return pagetags.remembered("nav-sections", lambda: list(Section.objects.all()))
