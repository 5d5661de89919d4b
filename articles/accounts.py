"""Accounts: the client address for login rate limits, invitations, login, password reset, and
ending a graduate's access."""

import axes.utils
from django import forms
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import roles
from .models import Contributor, Invitation
from .models.content import unique_slug


def client_ip(request):
    """The address a request came from, believing X-Forwarded-For only as far as our proxies.

    Each trusted proxy appends the address it was reached from, so with N proxies the client is
    the Nth entry from the right; anything further left was written by the client and is ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


class AccountExists(Exception):
    """Someone already signs in with the invited address."""


def account_exists(email):
    """Whether someone already signs in with this address, as their username or their email."""
    return (
        get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()
    )


def accept_invitation(invitation, *, name, password):
    """Make the invited person's account and byline and mark the invitation used, all or nothing."""
    with transaction.atomic():
        # Locked, so that two sign-ups through the same link cannot both succeed.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise Invitation.Unusable(Invitation.Unusable.USED)
        if account_exists(invitation.email):
            raise AccountExists(invitation.email)
        user = get_user_model().objects.create_user(
            username=invitation.email.lower(),
            email=invitation.email,
            password=password,
            first_name=name,
        )
        user.groups.add(Group.objects.get(name=roles.CONTRIBUTORS))
        Contributor.objects.create(
            name=name,
            slug=unique_slug(Contributor.objects, name, fallback="contributor", limit=100),
            user=user,
        )
        invitation.accepted_at = timezone.now()
        invitation.user = user
        invitation.save(update_fields=["accepted_at", "user"])
    return user


class AcceptInvitationForm(SetPasswordMixin, forms.Form):
    """The name an invited contributor writes under, and the password they choose."""

    name = forms.CharField(
        label="Your name, as it will appear in bylines",
        max_length=120,
        help_text="Most people use their full name. The editors can change it later if you ask.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1="Choose a password", label2="The same password again"
    )

    def __init__(self, invitation, *args, **kwargs):
        self.invitation = invitation
        kwargs.setdefault("initial", {"name": invitation.name})
        super().__init__(*args, **kwargs)

    def clean(self):
        self.validate_passwords()
        # An unsaved user, so the validators can refuse a password that resembles the name or
        # address.
        future_user = get_user_model()(
            username=self.invitation.email.lower(),
            email=self.invitation.email,
            first_name=self.cleaned_data.get("name", ""),
        )
        self.validate_password_for_user(future_user, password_field_name="password1")
        return super().clean()


# What each unusable link answers: a forged link names nothing; a spent one is gone for good.
PROBLEM_STATUS = {
    Invitation.Unusable.INVALID: 404,
    Invitation.Unusable.EXPIRED: 410,
    Invitation.Unusable.USED: 410,
    "account_exists": 409,
}


def invitation_problem(request, problem, invitation=None):
    """The page that explains why an invitation link cannot be used, and what to do instead."""
    return render(
        request,
        "accounts/accept_invitation.html",
        {"problem": problem, "invitation": invitation},
        status=PROBLEM_STATUS[problem],
    )


@sensitive_post_parameters("password1", "password2")
@never_cache
def accept_invitation_view(request, token):
    """The signed link from an invitation mail: a form to choose a byline name and a password."""
    try:
        invitation = Invitation.from_token(token)
    except Invitation.Unusable as problem:
        return invitation_problem(request, problem.reason)
    if account_exists(invitation.email):
        return invitation_problem(request, "account_exists", invitation)

    form = AcceptInvitationForm(invitation, request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = accept_invitation(
                invitation, name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
            )
        except Invitation.Unusable as problem:
            return invitation_problem(request, problem.reason)
        except AccountExists:
            return invitation_problem(request, "account_exists", invitation)
        # Named, because the first backend (axes) only counts attempts and cannot sign anyone in.
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation}
    )


def end_access(contributor):
    """End a graduate's account: no more signing in, and every session of theirs is over.

    Their bylines, page and masthead positions are the contributor's, not the account's, and
    stay exactly as they are. Returns False if there was no account, or it was ended already.
    """
    user = contributor.user
    if user is None or contributor.access_ended_at is not None:
        return False
    with transaction.atomic():
        # Django refuses an inactive account at sign-in and in every session it already has.
        user.is_active = False
        user.save(update_fields=["is_active"])
        contributor.access_ended_at = timezone.now()
        contributor.save(update_fields=["access_ended_at"])
        # Ended, not suspended: restoring the account later must not bring an old session back.
        end_sessions(user)
    return True


def restore_access(contributor):
    """Let someone whose access was ended sign in again; False if it was not ended."""
    user = contributor.user
    if user is None or contributor.access_ended_at is None:
        return False
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        contributor.access_ended_at = None
        contributor.save(update_fields=["access_ended_at"])
    return True


def end_sessions(user):
    """Delete every session the user is signed in with, from the database session store."""
    pk = str(user.pk)
    signed_in = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == pk
    ]
    Session.objects.filter(pk__in=signed_in).delete()


def sign_in_name(username):
    """The username as stored: invited contributors sign in with their email, in lower case."""
    username = (username or "").strip()
    return username.lower() if "@" in username else username


def login_attempt_username(request, credentials):
    """The name django-axes counts failures against, so that "Ada@X.org" and "ada@x.org" are one."""
    if credentials is None:
        credentials = getattr(request, "POST", {})
    return sign_in_name(credentials.get("username"))


class LoginForm(AuthenticationForm):
    def clean_username(self):
        return sign_in_name(self.cleaned_data.get("username"))


class LoginView(auth_views.LoginView):
    """Django's sign-in, which sends an editor with no contributor profile to the admin."""

    authentication_form = LoginForm

    def get_default_redirect_url(self):
        user = self.request.user
        if user.is_staff and not roles.may_use_contributor_area(user):
            return resolve_url("admin:index")
        return super().get_default_redirect_url()


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with the magazine's name in the mail it sends."""

    def form_valid(self, form):
        self.extra_email_context = {"magazine_name": settings.MAGAZINE_NAME}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's new-password form, which also lifts a lock-out of the account it resets."""

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever reads the account's mail owns it, so failed sign-ins made with its username
        # (perhaps by someone else) need not keep them out. Failures made with other usernames
        # still count against the addresses they came from.
        axes.utils.reset(username=form.user.get_username())
        return response
