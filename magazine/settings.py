"""Settings for the magazine, read from the environment with defaults that run locally.

Production needs SECRET_KEY and ALLOWED_HOSTS; DATABASE_URL switches from the embedded
SQLite database to PostgreSQL.
"""

import os
import re
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or list(default)


# Everything the site writes (the SQLite database, uploads, collected static files) lives
# here, outside version control.
DATA_DIR = Path(os.environ.get("MAGAZINE_DATA_DIR", BASE_DIR / "data"))

DEBUG = env_flag("DEBUG")
# `make demo` runs with DEBUG off, as production does, but on this machine only.
DEMO = env_flag("MAGAZINE_DEMO")
TESTING = "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEMO:
        key_file = DATA_DIR / "demo-secret-key"
        if not key_file.exists():
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(50))
        SECRET_KEY = key_file.read_text().strip()
    elif DEBUG or TESTING:
        SECRET_KEY = "insecure-key-for-local-development-only"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development, or run `make demo`."
        )

LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", LOCAL_HOSTS if (DEBUG or DEMO or TESTING) else ())
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. Set it to the site's host names, separated by commas "
        "(for example ALLOWED_HOSTS=magazine.example.org)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin, with the magazine's own site: a dashboard for a home, the magazine first.
    "articles.apps.MagazineAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "simple_history",
    "axes",
    "csp",
    "articles",
    # Django's own widget templates, for the form renderer below.
    "django.forms",
]

MIDDLEWARE = [
    # Whole pages for readers: a page served from here skips everything below. It keeps the
    # headers the middleware below adds (HSTS, the policies, the ETag) with the page; a plain
    # HTTP request has keys of its own, which nothing fills, and goes on to be redirected.
    "articles.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Addresses of imported pieces on their old site (WordPress's permalinks and ?p=123),
    # looked up only for a 404 or ?p=: inside the headers above, so its redirects carry them.
    "articles.old_addresses.OldAddressMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each revision of a piece.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses a locked-out account or address before the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "articles:submit_dashboard"
LOGOUT_REDIRECT_URL = "articles:home"

ROOT_URLCONF = "magazine.urls"
WSGI_APPLICATION = "magazine.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]
# Forms find their widgets' templates where the pages' are, in templates/ (the writing surface).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "magazine.sqlite3",
            "OPTIONS": {
                # Writers take the lock when their transaction starts and wait for it,
                # rather than failing half-way with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # One connection per worker thread, kept: opening it runs the pragmas above.
            "CONN_MAX_AGE": None,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if TESTING:
    # The tests make hundreds of accounts; a deliberately slow hash would only slow them down.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-gb"
# The magazine's own zone: every date editors and contributors see or type is in it.
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
# Dates as day-month-year and times on the 24-hour clock, shown and typed (articles/formats/).
FORMAT_MODULE_PATH = ["articles.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
# Naming a bucket moves uploads to S3-compatible storage, shared by every app server.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
# Uploaded images are served by the site itself unless a proxy or object store does it.
SERVE_MEDIA = env_flag("SERVE_MEDIA", default=not AWS_STORAGE_BUCKET_NAME)

STORAGES = {
    # Uploads, on this machine's disk or in the bucket; a file a failed or killed save leaves
    # behind is swept when gunicorn starts (articles/storage.py).
    "default": {
        "BACKEND": "articles.storage.S3MediaStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # Unset, boto3 finds credentials its own way (environment, instance role).
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            # Off: signed addresses expire, and cached pages and feeds would lose their pictures.
            "querystring_auth": env_flag("AWS_QUERYSTRING_AUTH"),
        },
    }
    if AWS_STORAGE_BUCKET_NAME
    else {"BACKEND": "articles.storage.MediaStorage"},
    "staticfiles": {
        # Tests render templates without running collectstatic, so they skip the manifest.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (TESTING or DEBUG)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# In development and tests whitenoise serves static/ as it is, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# The page cache and everything else cached: Redis when REDIS_URL is set (shared by every app
# server), else files in the data folder (shared by the workers of one server).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "magazine"),
        }
    }
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": DATA_DIR / "cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
# Whole pages for readers who are not signed in, until something they show changes
# (articles/pagecache.py). MAGAZINE_PAGE_CACHE=0 turns it off. Tests of pages count the work a
# page does, so they run without it; tests/test_page_cache.py turns it on.
MAGAZINE_PAGE_CACHE = env_flag("MAGAZINE_PAGE_CACHE", default=not TESTING)
MAGAZINE_PAGE_CACHE_SECONDS = int(os.environ.get("MAGAZINE_PAGE_CACHE_SECONDS", "600"))
# How long a CDN or proxy in front may serve a page without asking again; 0 means it asks every
# time (an unchanged page then costs a 304), so an editor's change shows at once there too.
MAGAZINE_CDN_MAX_AGE = int(os.environ.get("MAGAZINE_CDN_MAX_AGE", "0"))
# Each reader page names what it shows in this header (articles/pagetags.py), for a proxy in
# front that can purge by tag: "Cache-Tag" for Varnish with xkey (README), "Surrogate-Key"
# for Fastly.
MAGAZINE_CACHE_TAG_HEADER = os.environ.get("MAGAZINE_CACHE_TAG_HEADER", "Cache-Tag")
# After a commit, the site asks this address (with PURGE and the header above) to drop the
# pages that show what changed. Empty: no proxy in front keeps pages, so none is asked.
MAGAZINE_CACHE_PURGE_URL = os.environ.get("MAGAZINE_CACHE_PURGE_URL", "")
# Parts of pages kept between requests under the versions of what they show, so that a page
# the page cache does not have is made quickly. MAGAZINE_FRAGMENT_CACHE=0 turns them off.
MAGAZINE_FRAGMENT_CACHE = env_flag("MAGAZINE_FRAGMENT_CACHE", default=True)

# Deployment security. HTTPS is assumed outside development, the demo and the tests; a reverse
# proxy that ends TLS says so in a header named by SECURE_PROXY_SSL_HEADER, for example
# "X-Forwarded-Proto: https" (only set it when the proxy always sets or strips that header).
HTTPS = env_flag("HTTPS", default=not (DEBUG or DEMO or TESTING))
proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "")
if proxy_ssl_header:
    header_name, _, header_value = proxy_ssl_header.partition(":")
    if not header_value.strip():
        raise ImproperlyConfigured(
            'SECURE_PROXY_SSL_HEADER must read "Header-Name: value", '
            'for example "X-Forwarded-Proto: https".'
        )
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + header_name.strip().upper().replace("-", "_"),
        header_value.strip(),
    )
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# Browsers remember to use HTTPS only; preloading and subdomains are on because `check --deploy`
# asks for them. Turn them off (0) before the first deployment if another host under the domain
# still serves plain HTTP.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Sites a piece links to learn the magazine's address, never the page a reader came from.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Pages load nothing but the site's own files: no script written into a page, no other origin.
# Pictures may come from an object store's own address (AWS_S3_CUSTOM_DOMAIN or the endpoint).
media_origins = [
    origin
    for origin in (
        "https://" + os.environ["AWS_S3_CUSTOM_DOMAIN"]
        if os.environ.get("AWS_S3_CUSTOM_DOMAIN")
        else os.environ.get("AWS_S3_ENDPOINT_URL", ""),
    )
    if origin
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # The admin's autocomplete widget (Select2) sizes itself with style attributes; an
        # attribute can neither run script nor load anything. Style elements stay refused.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", *media_origins],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Features no page of a magazine needs, refused to the page and to anything it could embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# Failed logins: after AXES_FAILURE_LIMIT, the account and the address are each locked
# out for the cool-off time, whichever was used.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
# A success does not wipe the failures: else anyone with an account could guess at another
# one four times, sign in as themselves, and start again. Failures expire after the cool-off.
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "articles.accounts.client_ip"
AXES_USERNAME_CALLABLE = "articles.accounts.login_attempt_username"
# How many reverse proxies of our own stand in front of the site. X-Forwarded-For is believed
# only that far: a client can write anything into the header, but not past our proxies.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Mail: printed to the console unless an SMTP server is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "The Quad Review <editors@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

MAGAZINE_NAME = os.environ.get("MAGAZINE_NAME", "The Quad Review")
MAGAZINE_TAGLINE = os.environ.get(
    "MAGAZINE_TAGLINE", "Reporting, essays and analysis by students and contributors"
)
# Pieces per page on the home page and on section, tag and contributor pages.
MAGAZINE_PAGE_SIZE = int(os.environ.get("MAGAZINE_PAGE_SIZE", "12"))
# A magazine that sells advertising or subscriptions is commercial: pictures under a
# NonCommercial licence then get a warning on the pieces that use them.
MAGAZINE_COMMERCIAL = env_flag("MAGAZINE_COMMERCIAL")
# The site's public address, for links in mail (which is sent outside any request).
MAGAZINE_SITE_URL = os.environ.get("MAGAZINE_SITE_URL", "http://127.0.0.1:8000")
# How long an invitation to contributors and a shared preview link stay valid.
MAGAZINE_INVITATION_DAYS = int(os.environ.get("MAGAZINE_INVITATION_DAYS", "7"))
MAGAZINE_PREVIEW_LINK_DAYS = int(os.environ.get("MAGAZINE_PREVIEW_LINK_DAYS", "7"))
# The largest print edition (PDF) an editor may upload, in bytes: a 60-page issue with
# photographs exported for screens is well under it.
MAGAZINE_PDF_MAX_BYTES = int(os.environ.get("MAGAZINE_PDF_MAX_BYTES", str(50 * 1024 * 1024)))
# The academic year /masthead/ shows, as "2025-26"; unset, the latest year with positions.
MAGAZINE_MASTHEAD_YEAR = os.environ.get("MAGAZINE_MASTHEAD_YEAR", "").strip()
if MAGAZINE_MASTHEAD_YEAR and not (
    re.fullmatch(r"[0-9]{4}-[0-9]{2}", MAGAZINE_MASTHEAD_YEAR)
    and (int(MAGAZINE_MASTHEAD_YEAR[:4]) + 1) % 100 == int(MAGAZINE_MASTHEAD_YEAR[5:])
):
    raise ImproperlyConfigured(
        f"MAGAZINE_MASTHEAD_YEAR={MAGAZINE_MASTHEAD_YEAR!r} is not an academic year. Write it as "
        "the year it starts in and the last two digits of the next, such as 2025-26, or leave "
        "it unset to show the latest year with positions."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
