"""Settings are evaluated once per process, so each case reads them in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SHOW = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), "
    "'options': db.get('OPTIONS', {}), 'debug': settings.DEBUG, "
    "'hosts': settings.ALLOWED_HOSTS, 'key': settings.SECRET_KEY, "
    "'email': [settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, "
    "settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL]}))"
)


def load_settings(tmp_path, **env):
    clean = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SECRET_KEY", "DEBUG", "MAGAZINE_DEMO", "ALLOWED_HOSTS", "DATABASE_URL"}
        and not name.startswith("EMAIL_")
    }
    clean.update(DJANGO_SETTINGS_MODULE="magazine.settings", MAGAZINE_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", SHOW], cwd=PROJECT, env=clean, capture_output=True, text=True
    )


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = load_settings(tmp_path, ALLOWED_HOSTS="magazine.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start(tmp_path):
    result = load_settings(tmp_path, SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_production_settings_come_from_the_environment(tmp_path):
    result = load_settings(tmp_path, SECRET_KEY="k" * 50, ALLOWED_HOSTS="a.example, b.example")
    loaded = json.loads(result.stdout)
    assert loaded["debug"] is False
    assert loaded["hosts"] == ["a.example", "b.example"]
    assert loaded["key"] == "k" * 50


def test_the_demo_runs_without_a_key_and_keeps_the_one_it_made(tmp_path):
    first = json.loads(load_settings(tmp_path, MAGAZINE_DEMO="1").stdout)
    second = json.loads(load_settings(tmp_path, MAGAZINE_DEMO="1").stdout)
    assert first["debug"] is False
    assert len(first["key"]) > 40
    assert first["key"] == second["key"]
    assert "127.0.0.1" in first["hosts"]


def test_sqlite_is_the_default_in_wal_with_immediate_transactions(tmp_path):
    loaded = json.loads(load_settings(tmp_path, DEBUG="1").stdout)
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["name"] == str(tmp_path / "magazine.sqlite3")
    assert loaded["options"]["transaction_mode"] == "IMMEDIATE"
    assert loaded["options"]["timeout"] >= 5
    assert "journal_mode=WAL" in loaded["options"]["init_command"]


def test_database_url_switches_to_postgresql(tmp_path):
    result = load_settings(tmp_path, DEBUG="1", DATABASE_URL="postgres://u:p@db.internal:5432/mag")
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["name"] == "mag"


def test_the_sqlite_database_really_opens_in_wal_mode(tmp_path):
    check = (
        "import django; django.setup(); from django.db import connection; "
        "cursor = connection.cursor(); cursor.execute('PRAGMA journal_mode'); "
        "print(cursor.fetchone()[0])"
    )
    env = {**os.environ, "DEBUG": "1", "MAGAZINE_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "magazine.settings"
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip() == "wal", result.stderr


def test_mail_is_printed_to_the_console_unless_an_smtp_server_is_set(tmp_path):
    result = load_settings(tmp_path, DEBUG="1")
    assert json.loads(result.stdout)["email"][0] == "django.core.mail.backends.console.EmailBackend"


def test_an_smtp_server_from_the_environment_carries_the_mail(tmp_path):
    result = load_settings(tmp_path, DEBUG="1", EMAIL_HOST="smtp.example.org", EMAIL_PORT="465")
    assert json.loads(result.stdout)["email"] == [
        "django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", 465, False, True,
    ]  # fmt: skip


def show_cache(tmp_path, **env):
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({k: str(v) for k, v in settings.CACHES['default'].items()}))"
    )
    clean = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DEBUG", "MAGAZINE_DEMO", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    clean.update(DJANGO_SETTINGS_MODULE="magazine.settings", MAGAZINE_DATA_DIR=str(tmp_path), **env)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=clean, capture_output=True, text=True
    )
    return json.loads(result.stdout)


def test_the_cache_is_a_folder_shared_by_the_workers_unless_redis_is_named(tmp_path):
    files = show_cache(tmp_path, DEBUG="1")
    assert files["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert files["LOCATION"] == str(tmp_path / "cache")
    shared = show_cache(tmp_path, DEBUG="1", REDIS_URL="redis://cache.internal:6379/2")
    assert shared["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert shared["LOCATION"] == "redis://cache.internal:6379/2"
