"""Choosing a piece's print issue by typing part of its title or address."""

from django.contrib.admin.widgets import AutocompleteSelect

# What the empty choice says; the box shows nothing for it.
NOT_IN_PRINT = "Not in a print issue"


class IssueChoiceWidget(AutocompleteSelect):
    """Django's autocomplete box, with its empty choice named: HTML wants no empty <option>."""

    def create_option(self, name, value, label, *args, **kwargs):
        return super().create_option(name, value, label or NOT_IN_PRINT, *args, **kwargs)
