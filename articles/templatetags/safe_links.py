"""The template side of articles.links: a stored address becomes an href only if it is safe."""

from django import template

from .. import links

register = template.Library()


@register.filter
def safe_href(value):
    """The address to link to, or "" when the value must be shown as text only."""
    return links.safe_href(value) or ""
