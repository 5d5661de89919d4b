"""Deployment security: `check --deploy` is clean; every response carries the site's policies."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from .factories import PASSWORD, make_article, make_editor

PROJECT = Path(__file__).resolve().parent.parent


def production_env(tmp_path, **extra):
    """The environment of a production server: no DEBUG, a real key, a host name."""
    env = {
        key: value
        for key, value in os.environ.items()
        # The browser tests' switch for Playwright's event loop is no production setting.
        if key
        not in {
            "DEBUG",
            "MAGAZINE_DEMO",
            "DJANGO_SETTINGS_MODULE",
            "HTTPS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="magazine.example.org",
        MAGAZINE_DATA_DIR=str(tmp_path),
        **extra,
    )
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def setting_in_production(env, name):
    code = (
        f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={**env, "DJANGO_SETTINGS_MODULE": "magazine.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_does_complain_when_https_is_turned_off(tmp_path):
    result = manage(production_env(tmp_path, HTTPS="0"), "check", "--deploy")
    report = result.stdout + result.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in report


def test_the_proxy_header_setting_is_read_from_the_environment(tmp_path):
    env = production_env(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https")
    result = setting_in_production(env, "SECURE_PROXY_SSL_HEADER")
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", result.stderr


def test_a_malformed_proxy_header_setting_is_refused_with_a_clear_message(tmp_path):
    env = production_env(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    result = setting_in_production(env, "SECURE_PROXY_SSL_HEADER")
    assert result.returncode != 0
    assert 'SECURE_PROXY_SSL_HEADER must read "Header-Name: value"' in result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = manage(env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.fixture
def https_settings(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


def test_plain_http_is_sent_to_https(client, https_settings, db):
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"


def test_a_page_through_the_https_proxy_is_served_with_hsts(client, https_settings, db):
    make_article(headline="Behind the proxy")
    response = client.get("/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert "Behind the proxy" in response.text
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_every_page_carries_the_security_policies(client, db):
    make_article(slug="a-piece")
    for url in ("/", "/articles/a-piece/", "/accounts/login/", "/admin/login/", "/feed/"):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'", url
        assert directives["default-src"] == "'self'", url
        assert directives["frame-ancestors"] == "'none'", url
        assert directives["style-src"] == "'self'", url
        assert "unsafe" not in directives["script-src"] + directives["default-src"], url
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["X-Frame-Options"] == "DENY", url
        permissions = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "browsing-topics=()"):
            assert feature in permissions, url


def test_no_template_writes_a_script_or_a_style_into_a_page():
    """Only JSON-LD data blocks, which browsers never run, may be written inline."""
    for template in (PROJECT / "templates").rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert 'type="application/ld+json"' in tag or " src=" in tag, (template, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert not re.search(r"\sstyle\s*=|<style\b", text), template


def test_the_admin_sign_in_is_rate_limited(client, db):
    editor = make_editor("eve")
    for n in range(django_settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/admin/login/", {"username": "eve", "password": f"guess-{n}"})
        assert response.status_code == 200
    # The last guess allowed locks the account.
    client.post("/admin/login/", {"username": "eve", "password": "one-guess-too-many"})
    locked = client.post("/admin/login/", {"username": "eve", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert editor.is_staff


@pytest.mark.browser
def test_no_page_breaks_the_content_security_policy_in_a_browser(
    demo_magazine, live_server, new_page
):
    """Chromium reports no CSP violation on reader pages or in the editors' admin."""
    from articles.models import Article

    violations = []
    page = new_page()
    page.on(
        "console",
        lambda message: (
            violations.append((page.url, message.text))
            if "Content Security Policy" in message.text
            else None
        ),
    )
    piece = Article.objects.public().first()
    for path in ("/", piece.get_absolute_url(), "/search/?q=mali", "/credits/"):
        page.goto(live_server.url + path)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("press-deadline-friday")
    page.get_by_role("button", name="Log in").click()
    for path in (
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{piece.pk}/change/",
        f"/admin/articles/article/{piece.pk}/history/",
        "/admin/articles/image/add/",
    ):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
    assert violations == []


def test_a_page_kept_for_https_readers_is_never_served_over_plain_http(client, https_settings, db):
    https_settings.MAGAZINE_PAGE_CACHE = True
    make_article(headline="Kept in the cache")
    kept = client.get("/", headers={"x-forwarded-proto": "https"})
    again = client.get("/", headers={"x-forwarded-proto": "https"})
    assert kept.status_code == again.status_code == 200
    assert again["Strict-Transport-Security"].startswith("max-age=31536000")
    plain = client.get("/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/"
