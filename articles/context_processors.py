from django.conf import settings

from .models import Section


def site(request):
    """The magazine's name and its sections, for the masthead and navigation on every page."""
    return {
        "magazine_name": settings.MAGAZINE_NAME,
        "magazine_tagline": settings.MAGAZINE_TAGLINE,
        "nav_sections": Section.objects.all(),
    }
