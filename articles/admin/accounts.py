"""Invitations: editors invite contributors by email from the admin."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from .. import emails
from ..accounts import account_exists
from ..models import Invitation


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "name"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        if "email" in self.changed_data and account_exists(email):
            raise forms.ValidationError(
                "This address already has an account, so there is nothing to invite them to. "
                "If they have forgotten their password, they can reset it from the sign-in page."
            )
        return email


def when(moment):
    return date_format(timezone.localtime(moment), "j F Y, H:i")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    form = InvitationForm
    list_display = ["email", "name", "invited_by", "created_at", "status"]
    list_filter = [("accepted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["invited_by"]
    search_fields = ["email", "name"]
    readonly_fields = ["invited_by", "created_at", "accepted_at", "user"]
    actions = ["send_again"]

    def get_fields(self, request, obj=None):
        # A new invitation has no record yet: only the address and the name are asked for.
        return ["email", "name"] if obj is None else super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Once accepted, the address is the contributor's username: changing it here would lie.
        if obj is not None and obj.accepted_at:
            return ["email", "name", *self.readonly_fields]
        return self.readonly_fields

    @admin.display(description="Status")
    def status(self, invitation):
        if invitation.accepted_at:
            return f"Accepted on {when(invitation.accepted_at)}"
        if invitation.is_expired:
            return "Expired"
        return f"Waiting, link valid until {when(invitation.expires_at)}"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.invited_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            transaction.on_commit(lambda: emails.invitation(obj))
            self.message_user(request, f"The invitation was sent to {obj.email}.", messages.SUCCESS)

    @admin.action(description="Send the invitation again", permissions=["change"])
    def send_again(self, request, queryset):
        accepted = [invitation.email for invitation in queryset if invitation.accepted_at]
        waiting = [invitation for invitation in queryset if not invitation.accepted_at]
        for invitation in waiting:
            # The mail carries a link signed now; created_at moves with it, so that the status
            # shown in the list tells the truth about the newest link.
            invitation.created_at = timezone.now()
            invitation.save(update_fields=["created_at"])
            transaction.on_commit(lambda invitation=invitation: emails.invitation(invitation))
            self.log_change(request, invitation, "Sent the invitation again.")
        if waiting:
            self.message_user(
                request,
                f"Sent again to {', '.join(invitation.email for invitation in waiting)}.",
                messages.SUCCESS,
            )
        if accepted:
            self.message_user(
                request,
                f"Not sent to {', '.join(accepted)}: already accepted, so they can sign in.",
                messages.WARNING,
            )
