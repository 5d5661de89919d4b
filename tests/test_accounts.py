"""Accounts: signing in and out, password reset, login rate limits, and invitations to write."""

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.utils import timezone

from articles import roles
from articles.accounts import client_ip
from articles.models import Contributor, Invitation

from .factories import PASSWORD, make_contributor, make_editor, make_writer

pytestmark = pytest.mark.django_db

User = get_user_model()
LOGIN = "/accounts/login/"
GOOD_PASSWORD = "quiet-lanterns-over-the-quad-7"
LOCKED_MESSAGE = "Too many failed sign-ins"


def sign_in(client, username, password, **headers):
    """POST the site's login form, as a browser at the address given in headers would."""
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


def signed_in_user(client):
    """The user the client's session belongs to, or None."""
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


# Signing in and out


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/done/",
    ],
)
def test_account_pages_render_in_the_sites_look(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="masthead"' in page and "The Quad Review" in page
    assert "css/site.css" in page


def test_login_page_explains_that_invited_contributors_use_their_email(client):
    page = client.get(LOGIN).content.decode()
    assert "your username is the email address" in page
    assert 'href="/accounts/password_reset/"' in page


def test_contributor_signs_in_through_the_form_and_lands_on_the_contributor_area(client):
    writer = make_writer("pipa")
    response = sign_in(client, "pipa", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/submit/"
    assert signed_in_user(client) == writer


def test_editor_without_a_contributor_profile_signs_in_to_the_admin(client):
    editor = make_editor("eve")
    response = sign_in(client, "eve", PASSWORD)
    assert response["Location"] == "/admin/"
    assert signed_in_user(client) == editor


def test_sign_in_follows_next_when_it_is_given(client):
    make_editor("eve")
    response = client.post(
        LOGIN, {"username": "eve", "password": PASSWORD, "next": "/admin/articles/invitation/"}
    )
    assert response["Location"] == "/admin/articles/invitation/"


def test_wrong_password_shows_the_form_again_with_an_error(client):
    make_writer("pipa")
    response = sign_in(client, "pipa", "not-the-password")
    assert response.status_code == 200
    assert b'class="errorlist nonfield"' in response.content
    assert signed_in_user(client) is None


def test_sign_out_is_a_post_that_ends_the_session(client):
    client.force_login(make_writer())
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert signed_in_user(client) is None


def test_signed_in_editor_sees_admin_and_sign_out_in_the_header(client):
    client.force_login(make_editor())
    page = client.get("/").content.decode()
    header = page[page.index('<header class="masthead">') : page.index("</header>")]
    assert 'href="/admin/"' in header
    assert 'action="/accounts/logout/"' in header and "Sign out" in header
    assert "Contributors: sign in" not in page


def test_reader_sees_the_contributor_sign_in_link_in_the_footer_only(client):
    page = client.get("/").content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    header = page[page.index('<header class="masthead">') : page.index("</header>")]
    assert 'href="/accounts/login/">Contributors: sign in</a>' in footer
    assert "sign in" not in header.lower() and "Sign out" not in page


# Password reset


def reset_link(mail):
    return re.search(r"https?://testserver(/accounts/reset/\S+/)", mail.body).group(1)


def test_password_reset_mails_a_link_to_an_account_address(client, mailoutbox):
    make_writer("pipa", email="pipa@example.org")
    response = client.post("/accounts/password_reset/", {"email": "pipa@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["pipa@example.org"]
    assert "The Quad Review" in mail.subject
    assert reset_link(mail)


def test_password_reset_link_lets_the_owner_choose_a_new_password(client, mailoutbox):
    make_writer("pipa", email="pipa@example.org")
    client.post("/accounts/password_reset/", {"email": "pipa@example.org"})
    form_page = client.get(reset_link(mailoutbox[0]), follow=True)
    assert b"Choose a new password" in form_page.content
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/reset/done/"
    assert User.objects.get(username="pipa").check_password(GOOD_PASSWORD)


def test_password_reset_link_works_only_once(client, mailoutbox):
    make_writer("pipa", email="pipa@example.org")
    client.post("/accounts/password_reset/", {"email": "pipa@example.org"})
    link = reset_link(mailoutbox[0])
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    again = client.get(link, follow=True)
    assert "This link doesn’t work" in again.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, mailoutbox):
    make_writer("pipa", email="pipa@example.org")
    known = client.post("/accounts/password_reset/", {"email": "pipa@example.org"}, follow=True)
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.org"}, follow=True)
    assert len(mailoutbox) == 1
    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.content == known.content


# Login rate limits (django-axes)


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.TRUSTED_PROXY_COUNT = 0
    return settings


def assert_locked_out(response):
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED_MESSAGE in page
    assert "try again in 15 minutes" in page


def test_five_failures_against_one_account_lock_it_from_every_address(client, limits):
    make_writer("pipa")
    for n in range(5):
        sign_in(client, "pipa", f"guess-{n}", REMOTE_ADDR=f"198.51.100.{n + 1}")
    response = sign_in(client, "pipa", PASSWORD, REMOTE_ADDR="203.0.113.50")
    assert_locked_out(response)
    assert signed_in_user(client) is None


def test_four_failures_do_not_lock_an_account(client, limits):
    make_writer("pipa")
    for n in range(4):
        sign_in(client, "pipa", f"guess-{n}", REMOTE_ADDR=f"198.51.100.{n + 1}")
    response = sign_in(client, "pipa", PASSWORD, REMOTE_ADDR="203.0.113.50")
    assert response.status_code == 302


def test_signing_in_as_oneself_does_not_wipe_the_guesses_at_another_account(client, limits):
    make_writer("pipa")
    make_writer("mallory")
    attacker = "198.51.100.66"
    for n in range(3):
        sign_in(client, "pipa", f"guess-{n}", REMOTE_ADDR=attacker)
    assert sign_in(client, "mallory", PASSWORD, REMOTE_ADDR=attacker).status_code == 302
    client.post("/accounts/logout/")
    for n in range(2):
        sign_in(client, "pipa", f"second-guess-{n}", REMOTE_ADDR=attacker)
    # Five guesses in all: the account is locked, the attacker's own sign-in between them
    # notwithstanding.
    assert_locked_out(sign_in(client, "pipa", PASSWORD, REMOTE_ADDR="203.0.113.50"))


def test_an_invited_contributor_signs_in_with_their_email_in_any_case(client):
    make_writer("ada.okafor@example.org")
    response = sign_in(client, "  Ada.Okafor@Example.org ", PASSWORD)
    assert response.status_code == 302
    assert signed_in_user(client).username == "ada.okafor@example.org"


def test_guesses_in_different_letter_cases_count_against_one_account(client, limits):
    make_writer("ada.okafor@example.org")
    for n, spelling in enumerate(["ADA.OKAFOR@example.org", "ada.okafor@EXAMPLE.org"] * 3):
        sign_in(client, spelling, f"guess-{n}", REMOTE_ADDR=f"198.51.100.{n + 1}")
    response = sign_in(client, "ada.okafor@example.org", PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert_locked_out(response)


def test_five_failures_from_one_address_lock_that_address_for_every_account(client, limits):
    make_writer("pipa")
    for n in range(5):
        sign_in(client, f"someone{n}", "guess", REMOTE_ADDR="198.51.100.7")
    response = sign_in(client, "pipa", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert_locked_out(response)
    assert signed_in_user(client) is None


def test_forged_forwarded_for_does_not_escape_the_limit_without_trusted_proxies(client, limits):
    for n in range(5):
        sign_in(
            client,
            f"someone{n}",
            "guess",
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"10.0.{n}.{n + 1}",
        )
    response = sign_in(
        client, "someone9", "guess", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert_locked_out(response)


def test_forged_forwarded_for_locks_out_nobody_else_without_trusted_proxies(client, limits):
    make_writer("pipa")
    for n in range(6):
        sign_in(
            client,
            f"someone{n}",
            "guess",
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}",
        )
    response = sign_in(client, "pipa", PASSWORD, REMOTE_ADDR="203.0.113.1")
    assert response.status_code == 302


def test_forging_a_victims_address_does_not_lock_the_victim_out(client, limits):
    make_writer("pipa")
    for n in range(5):
        sign_in(
            client,
            f"someone{n}",
            "guess",
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR="203.0.113.1",
        )
    response = sign_in(client, "pipa", PASSWORD, REMOTE_ADDR="203.0.113.1")
    assert response.status_code == 302


def test_behind_one_proxy_the_attacker_is_the_last_forwarded_address(client, limits):
    limits.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        # The client wrote the first entry itself; our proxy appended the real address.
        sign_in(
            client,
            f"someone{n}",
            "guess",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}, 198.51.100.7",
        )
    response = sign_in(
        client,
        "someone9",
        "guess",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.7",
    )
    assert_locked_out(response)


def test_behind_one_proxy_another_client_still_signs_in(client, limits):
    limits.TRUSTED_PROXY_COUNT = 1
    make_writer("pipa")
    for n in range(6):
        sign_in(
            client,
            f"someone{n}",
            "guess",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    response = sign_in(
        client, "pipa", PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert response.status_code == 302


def test_admin_login_is_rate_limited_too(client, limits):
    make_editor("ed")
    for n in range(5):
        client.post(
            "/admin/login/",
            {"username": "ed", "password": f"guess-{n}", "next": "/admin/"},
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )
    response = client.post(
        "/admin/login/",
        {"username": "ed", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.50",
    )
    assert_locked_out(response)


def test_resetting_the_password_lifts_the_lock_on_the_account(client, limits, mailoutbox):
    make_writer("pipa", email="pipa@example.org")
    for n in range(5):
        sign_in(client, "pipa", f"guess-{n}", REMOTE_ADDR=f"198.51.100.{n + 1}")
    client.post("/accounts/password_reset/", {"email": "pipa@example.org"})
    form_page = client.get(reset_link(mailoutbox[0]), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    response = sign_in(client, "pipa", GOOD_PASSWORD, REMOTE_ADDR="203.0.113.50")
    assert response.status_code == 302


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_client_ip_ignores_forwarded_for_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_client_ip_behind_one_proxy_is_the_last_forwarded_entry(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = request_from("10.0.0.2", "203.0.113.1, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


def test_client_ip_behind_two_proxies_is_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = request_from("10.0.0.3", "203.0.113.1, 198.51.100.7, 10.0.0.2")
    assert client_ip(request) == "198.51.100.7"


def test_client_ip_falls_back_to_the_peer_when_the_header_is_too_short(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from("10.0.0.3", "198.51.100.7")) == "10.0.0.3"
    assert client_ip(request_from("10.0.0.3")) == "10.0.0.3"


# Invitations


def invite(email="new.writer@example.org", name="Ama Mensah", **fields):
    fields.setdefault("invited_by", make_editor())
    return Invitation.objects.create(email=email, name=name, **fields)


def accept_form(name="Ama Mensah", password=GOOD_PASSWORD, confirmation=None):
    return {"name": name, "password1": password, "password2": confirmation or password}


def test_editor_invites_from_the_admin_and_a_mail_carries_the_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    editor = make_editor()
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/articles/invitation/add/",
            {"email": "Ama.Mensah@example.org", "name": "Ama Mensah"},
            follow=True,
        )
    assert response.status_code == 200
    invitation = Invitation.objects.get()
    assert invitation.invited_by == editor
    assert "The invitation was sent to Ama.Mensah@example.org." in response.content.decode()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["Ama.Mensah@example.org"]
    link = re.search(r"http\S+/accounts/invite/(\S+)/", mailoutbox[0].body)
    assert Invitation.from_token(link.group(1)) == invitation


def test_admin_refuses_to_invite_an_address_that_has_an_account(client, mailoutbox):
    make_writer("pipa", email="pipa@example.org")
    client.force_login(make_editor())
    response = client.post(
        "/admin/articles/invitation/add/", {"email": "PIPA@example.org", "name": "Pipa"}
    )
    assert response.status_code == 200
    assert "already has an account" in str(response.context["adminform"].form.errors)
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_admin_lists_each_invitations_status(admin_client):
    invite(email="waiting@example.org")
    invite(email="expired@example.org", created_at=timezone.now() - timedelta(days=30))
    invite(email="done@example.org", accepted_at=timezone.now())
    page = admin_client.get("/admin/articles/invitation/").content.decode()
    assert "Waiting, link valid until" in page
    assert "Expired" in page
    assert "Accepted on" in page


def test_admin_sends_an_invitation_again_but_not_an_accepted_one(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    old = timezone.now() - timedelta(days=30)
    expired = invite(email="expired@example.org", created_at=old)
    accepted = invite(email="done@example.org", created_at=old, accepted_at=old)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/articles/invitation/",
            {"action": "send_again", "_selected_action": [expired.pk, accepted.pk]},
            follow=True,
        )
    assert [mail.to for mail in mailoutbox] == [["expired@example.org"]]
    expired.refresh_from_db()
    assert not expired.is_expired
    assert "Not sent to done@example.org: already accepted" in response.content.decode()


def test_contributor_cannot_reach_the_admin_invitation_page(client):
    client.force_login(make_writer())
    response = client.get("/admin/articles/invitation/add/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_invitation_link_shows_the_form_with_the_name_filled_in(client):
    invitation = invite(name="Ama Mensah")
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="name"' in page and 'value="Ama Mensah"' in page
    assert 'name="password1"' in page and 'name="password2"' in page
    assert "new.writer@example.org" in page


def test_accepting_makes_a_signed_in_contributor_and_goes_to_the_contributor_area(client):
    invitation = invite(email="New.Writer@example.org")
    response = client.post(invitation.get_absolute_url(), accept_form(name="Ama K. Mensah"))
    assert response.status_code == 302
    assert response["Location"] == "/submit/"
    user = User.objects.get(username="new.writer@example.org")
    assert user.email == "New.Writer@example.org"
    assert user.check_password(GOOD_PASSWORD)
    assert not user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [roles.CONTRIBUTORS]
    assert user.contributor.name == "Ama K. Mensah"
    assert user.contributor.slug == "ama-k-mensah"
    assert roles.may_use_contributor_area(user)
    assert signed_in_user(client) == user
    invitation.refresh_from_db()
    assert invitation.user == user and invitation.accepted_at is not None


def test_accepting_numbers_the_slug_when_the_name_is_taken(client):
    make_contributor(name="Ama Mensah", slug="ama-mensah")
    make_contributor(name="Ama Mensah", slug="ama-mensah-2")
    invitation = invite()
    client.post(invitation.get_absolute_url(), accept_form(name="Ama Mensah"))
    assert User.objects.get(username="new.writer@example.org").contributor.slug == "ama-mensah-3"


def test_a_used_invitation_link_says_so_with_410(client):
    invitation = invite()
    client.post(invitation.get_absolute_url(), accept_form())
    client.logout()
    again = client.get(invitation.get_absolute_url())
    assert again.status_code == 410
    assert b"already been used" in again.content
    resubmitted = client.post(invitation.get_absolute_url(), accept_form(name="Someone Else"))
    assert resubmitted.status_code == 410
    assert Contributor.objects.filter(user__isnull=False).count() == 1


def expired_token(invitation, settings):
    settings.MAGAZINE_INVITATION_DAYS = 7
    eight_days_ago = time.time() - 8 * 24 * 60 * 60
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        return invitation.token


def test_an_expired_invitation_link_answers_410_and_creates_nothing(client, settings):
    invitation = invite()
    url = f"/accounts/invite/{expired_token(invitation, settings)}/"
    shown = client.get(url)
    assert shown.status_code == 410
    assert b"This invitation has expired" in shown.content
    assert b"ask the editors for a new one" in shown.content
    posted = client.post(url, accept_form())
    assert posted.status_code == 410
    assert not User.objects.filter(email__iexact=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_tampered_invitation_link_answers_404_and_creates_nothing(client):
    invitation = invite()
    other = invite(email="someone.else@example.org")
    # A valid signature with another invitation's number in front of it.
    token = invitation.token.replace(str(invitation.pk), str(other.pk), 1)
    shown = client.get(f"/accounts/invite/{token}/")
    assert shown.status_code == 404
    assert b"This invitation link doesn" in shown.content
    posted = client.post(f"/accounts/invite/{token}/", accept_form())
    assert posted.status_code == 404
    assert not User.objects.filter(username__in=[invitation.email, other.email]).exists()


def test_a_common_password_is_refused_and_nothing_is_created(client):
    invitation = invite()
    response = client.post(invitation.get_absolute_url(), accept_form(password="password"))
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.filter(username="new.writer@example.org").exists()
    assert Contributor.objects.count() == 0


def test_a_mismatched_confirmation_is_refused_and_nothing_is_created(client):
    invitation = invite()
    response = client.post(
        invitation.get_absolute_url(),
        accept_form(password=GOOD_PASSWORD, confirmation=GOOD_PASSWORD + "x"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert not User.objects.filter(username="new.writer@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_invitation_to_an_address_with_an_account_says_so(client):
    invitation = invite(email="pipa@example.org")
    make_writer("pipa", email="Pipa@Example.org")
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 409
    assert b"You already have an account" in response.content
    posted = client.post(invitation.get_absolute_url(), accept_form())
    assert posted.status_code == 409
    assert User.objects.filter(email__iexact="pipa@example.org").count() == 1


def test_a_failure_part_way_through_accepting_leaves_nothing_behind(client):
    invitation = invite()
    Group.objects.filter(name=roles.CONTRIBUTORS).delete()
    with pytest.raises(Group.DoesNotExist):
        client.post(invitation.get_absolute_url(), accept_form())
    assert not User.objects.filter(username="new.writer@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
