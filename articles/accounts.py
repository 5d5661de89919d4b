"""Accounts: the client address for login rate limits, invitations, login and password reset."""

from django.conf import settings


def client_ip(request):
    """The address a request came from, believing X-Forwarded-For only as far as our proxies.

    Each trusted proxy appends the address it was reached from, so with N proxies the client is
    the Nth entry from the right; anything further left was written by the client and is ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
