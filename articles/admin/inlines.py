"""What the admin's inlines share: a required inline, and table rows whose boxes are labelled."""

from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst


class RequiredInline:
    """An inline whose min_num is enforced: the parent cannot be saved with fewer rows."""

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class LabelledRowsFormSet(BaseInlineFormSet):
    """A table's rows with each box named for its column: its header labels none of them."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", capfirst(field.label or ""))
