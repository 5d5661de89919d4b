"""Addresses pieces had on the site they were imported from, sent on to where they are now.

WordPress reached a post at its permalink (`/2024/03/budget/`, `/budget/`) and at `/?p=123`.
An import records these (OldAddress); this middleware answers them with a permanent redirect.
A path is looked up only once everything else has answered 404, and `?p=` only on the home
page's address, so that no other page pays a query for it. Only a piece readers may see is
sent to: an old address never gives away a draft's.
"""

from django.http import HttpResponsePermanentRedirect

from .models import Article, OldAddress

# Where WordPress answered ?p=123: its home page, and its front script by name.
NUMBERED_AT = ("/", "/index.php")


class OldAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        number = request.GET.get("p", "") if request.path in NUMBERED_AT else ""
        if number.isdigit() and request.method in ("GET", "HEAD"):
            found = self.moved_to(OldAddress.key("", int(number)))
            if found:
                return found
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        return self.moved_to(OldAddress.key(request.path)) or response

    @staticmethod
    def moved_to(key):
        article = Article.objects.public().filter(old_addresses__path=key).only("slug").first()
        return HttpResponsePermanentRedirect(article.get_absolute_url()) if article else None
