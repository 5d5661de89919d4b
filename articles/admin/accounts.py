"""Accounts in the admin: editors invite contributors by email, and end a graduate's access."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from .. import accounts, emails
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


# Ending a graduate's access, as actions on the list of contributors.


class AccessFilter(admin.SimpleListFilter):
    """Whether each contributor can sign in: a graduate's access may have been ended."""

    title = "access"
    parameter_name = "access"

    def lookups(self, request, model_admin):
        return [("open", "Can sign in"), ("ended", "Access ended"), ("none", "No account")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(user__isnull=False, access_ended_at__isnull=True)
        if self.value() == "ended":
            return queryset.filter(access_ended_at__isnull=False)
        if self.value() == "none":
            return queryset.filter(user__isnull=True)
        return queryset


@admin.display(description="Access", ordering="access_ended_at")
def access(contributor):
    if contributor.access_ended_at:
        return f"Ended {date_format(timezone.localtime(contributor.access_ended_at), 'j F Y')}"
    return "Can sign in" if contributor.user_id else "No account"


def names(contributors):
    return ", ".join(contributor.name for contributor in contributors)


@admin.action(description="End access (graduated)", permissions=["change"])
def end_access(modeladmin, request, queryset):
    """The account can no longer sign in; the bylines, page and positions stay as they are."""
    ended, own, unchanged = [], [], []
    for contributor in queryset.select_related("user"):
        if contributor.user_id is not None and contributor.user_id == request.user.pk:
            own.append(contributor)
        elif accounts.end_access(contributor):
            modeladmin.log_change(request, contributor, "Ended access (graduated).")
            ended.append(contributor)
        else:
            unchanged.append(contributor)
    if ended:
        modeladmin.message_user(
            request,
            f"Access ended for {names(ended)}: they can no longer sign in. Their pieces, page "
            "and masthead positions are unchanged.",
            messages.SUCCESS,
        )
    if own:
        modeladmin.message_user(
            request, "You cannot end your own access: ask another editor.", messages.WARNING
        )
    if unchanged:
        modeladmin.message_user(
            request,
            f"Nothing to end for {names(unchanged)}: no account, or access ended already.",
            messages.WARNING,
        )


@admin.action(description="Restore access", permissions=["change"])
def restore_access(modeladmin, request, queryset):
    """Let someone whose access was ended sign in again, with the password they had."""
    restored, unchanged = [], []
    for contributor in queryset.select_related("user"):
        if accounts.restore_access(contributor):
            modeladmin.log_change(request, contributor, "Restored access.")
            restored.append(contributor)
        else:
            unchanged.append(contributor)
    if restored:
        modeladmin.message_user(
            request,
            f"Access restored for {names(restored)}: they can sign in again.",
            messages.SUCCESS,
        )
    if unchanged:
        modeladmin.message_user(
            request,
            f"Nothing to restore for {names(unchanged)}: their access was not ended.",
            messages.WARNING,
        )
