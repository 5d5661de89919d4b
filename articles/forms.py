from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from taggit.forms import TagField
from taggit.models import Tag

from .models import Article


class ArticleAdminForm(forms.ModelForm):
    """The editors' article form: existing tags by autocomplete, new ones typed beside them."""

    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
        help_text="Start typing to find a tag already in use.",
    )
    new_tags = TagField(
        required=False,
        label="New tags",
        help_text="Tags not used before, separated by commas (use quotes for a tag with a comma).",
    )

    class Meta:
        model = Article
        fields = [
            "headline", "slug", "standfirst", "body", "section", "tags", "hero_image", "status",
            "published_at",
        ]  # fmt: skip
        widgets = {
            "headline": forms.TextInput(attrs={"class": "vTextField", "style": "width: 40em"}),
            "standfirst": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 28}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "tags" not in self.initial:
            self.initial["tags"] = [tag.pk for tag in self.instance.tags.all()]

    def clean(self):
        cleaned_data = super().clean()
        # TaggableManager.save_form_data accepts Tag objects and names alike.
        chosen = list(cleaned_data.get("tags") or [])
        known = {tag.name.lower() for tag in chosen}
        new = [name for name in cleaned_data.get("new_tags") or [] if name.lower() not in known]
        cleaned_data["tags"] = chosen + new
        return cleaned_data
