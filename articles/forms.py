import copy

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.forms.models import construct_instance
from simple_history.models import to_historic
from taggit.forms import TagField
from taggit.models import Tag

from . import workflow
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
    # The version the editor opened; a save over a newer one is refused (optimistic locking).
    opened_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    # Who is editing, for the record of a refused edit; the admin sets it on the form class.
    editor = None

    class Meta:
        model = Article
        fields = ["headline", "slug", "standfirst", "body", "section", "tags", "hero_image"]
        widgets = {
            "headline": forms.TextInput(attrs={"class": "vTextField", "style": "width: 40em"}),
            "standfirst": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 28}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "tags" not in self.initial:
            self.initial["tags"] = [tag.pk for tag in self.instance.tags.all()]
        if self.instance.pk:
            self.initial.setdefault("opened_version", self._opened_version())

    def _opened_version(self):
        # A revision being restored carries its own old number; the edit starts from the stored one.
        if to_historic(self.instance) is not None:
            return (
                Article.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
        return self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        # TaggableManager.save_form_data accepts Tag objects and names alike.
        chosen = list(cleaned_data.get("tags") or [])
        known = {tag.name.lower() for tag in chosen}
        new = [name for name in cleaned_data.get("new_tags") or [] if name.lower() not in known]
        cleaned_data["tags"] = chosen + new
        if self.instance.pk:
            self._refuse_if_saved_since_opened(cleaned_data)
        return cleaned_data

    def _refuse_if_saved_since_opened(self, cleaned_data):
        # The admin validates and saves in one transaction, so the lock holds until the save.
        stored = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if stored is None or stored == cleaned_data.get("opened_version"):
            return
        refused = copy.copy(self.instance)
        construct_instance(self, refused, self._meta.fields, self._meta.exclude)
        refused.keep_refused_edit(by=self.editor)
        raise forms.ValidationError(
            "Someone else saved this piece after you opened it, so your changes were not "
            "applied. Your text is shown below and kept in the piece's history. Reload the page "
            "to see the current version, then make your changes to it.",
            code="edit_conflict",
        )


class DecisionForm(forms.Form):
    """An editor's decision on a piece, as posted from the decision panel."""

    action = forms.ChoiceField(
        choices=[
            (t.name, t.label) for t in workflow.TRANSITIONS.values() if t.name in workflow.DECISIONS
        ],
        error_messages={
            "required": "Choose a decision.",
            "invalid_choice": "That is not a decision an editor can make.",
        },
    )
    message = forms.CharField(
        label="Message to the contributor",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text="Required to request changes or to decline; sent by email.",
    )
    publish_at = forms.DateTimeField(
        label="Publish on",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "Enter the publish date as a date and a time."},
    )

    def clean(self):
        cleaned_data = super().clean()
        if (
            cleaned_data.get("action") == workflow.SCHEDULE.name
            and cleaned_data.get("publish_at") is None
            and not self.has_error("publish_at")
        ):
            self.add_error("publish_at", "Choose when the piece should appear.")
        return cleaned_data

    def decide(self, article, *, by):
        """Make the decision through the workflow; raises TransitionNotAllowed if it may not."""
        action = self.cleaned_data["action"]
        message = self.cleaned_data["message"]
        if action == workflow.SCHEDULE.name:
            return workflow.schedule(
                article, by=by, when=self.cleaned_data["publish_at"], message=message
            )
        decisions = {
            workflow.REQUEST_CHANGES.name: workflow.request_changes,
            workflow.DECLINE.name: workflow.decline,
            workflow.PUBLISH.name: workflow.publish,
            workflow.UNPUBLISH.name: workflow.unpublish,
        }
        return decisions[action](article, by=by, message=message)
