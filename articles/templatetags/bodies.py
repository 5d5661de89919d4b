"""The template side of a piece's body: its HTML with the library pictures it names in place."""

from django import template

from .. import body_pictures, pagetags

register = template.Library()


@register.simple_tag
def piece_body(article, pictures=None):
    """The body as readers see it; `pictures` (by number) if the view has fetched them."""
    # A page whose view fetched none (a preview) leaves the name unset: "" in a template.
    if not isinstance(pictures, dict):
        pictures = body_pictures.pictures_of(article.body_html)
    pagetags.shows(*(f"i{number}" for number in pictures))
    return body_pictures.with_pictures(article.body_html, pictures)
