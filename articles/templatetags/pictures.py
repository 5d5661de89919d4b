"""The template side of a picture's licence: the classes that keep it whole or aim its crop."""

from django import template

register = template.Library()


@register.simple_tag
def picture_classes(image, classes=""):
    """The img's classes: the page's own, then the picture's (articles.models.Image.fit_classes)."""
    return " ".join(name for name in (classes or "", image.fit_classes()) if name)
