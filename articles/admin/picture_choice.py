"""Choosing a piece's picture by its thumbnail rather than by its caption."""

from django import forms
from django.contrib.admin.widgets import ForeignKeyRawIdWidget

from . import pictures


class PictureChoiceWidget(ForeignKeyRawIdWidget):
    """The picture's number, the magnifying glass that opens the pictures, and the chosen one."""

    template_name = "admin/widgets/picture_choice.html"
    help_text = (
        "Choose it with the magnifying glass: the list of pictures opens, with their thumbnails."
    )

    class Media:
        js = [forms.Script("js/admin-picture-choice.js", defer=True)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        picture = None
        if context["link_label"]:
            # The label says the number names a picture; the thumbnail shows which.
            picture = self.rel.model._default_manager.filter(pk=value).first()
        context["thumbnail"] = pictures.thumbnail(picture) if picture else ""
        return context
