import io
import os

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from .factories import committed, make_editor, make_section, make_writer
from .tools import CHROMIUM_ARGS, axe_script, chromium, java, vnu_jar


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads made by a test go to its own folder, never the project's data."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def nothing_pending():
    """Changes noted in an earlier test's transaction, rolled back with it, are not worked out."""
    from articles import derived

    derived.discard_pending()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: its database is rolled back, the cache is not."""
    from django.core.cache import cache

    from articles.pagecache import recent_pages

    cache.clear()
    recent_pages.clear()
    yield
    cache.clear()
    recent_pages.clear()


# Test files that look at the renditions themselves, or at pages as a browser receives them.
FULL_RENDITIONS = {"test_renditions.py", "test_browser.py", "test_html_validity.py"}


@pytest.fixture(autouse=True)
def quick_renditions(request, monkeypatch):
    """Encoders at their fastest, and one width elsewhere: most tests never look at pictures."""
    from articles import renditions

    monkeypatch.setattr(
        renditions,
        "ENCODINGS",
        {
            "avif": {"format": "AVIF", "quality": 40, "speed": 10},
            "webp": {"format": "WEBP", "quality": 60, "method": 0},
            "jpeg": {"format": "JPEG", "quality": 70},
        },
    )
    if request.path.name not in FULL_RENDITIONS:
        monkeypatch.setattr(renditions, "WIDTHS", (480,))


@pytest.fixture
def demo_magazine(db):
    """The demo magazine of `manage.py seed_demo`: the reference piece among realistic others."""
    # With live_server in the test, `db` is transactional, so the server's thread sees the data.
    with committed():
        call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def writer(db):
    """Ada, a contributor with an account and a byline."""
    return make_writer("ada", name="Ada Okafor", email="ada@example.org")


@pytest.fixture
def editor(db):
    """Eve, an editor."""
    return make_editor("eve", email="eve@example.org")


@pytest.fixture
def people(transactional_db):
    """Ada the contributor and Eve the editor, and a Culture section, seen by a live server."""
    make_section(name="Culture", slug="culture")
    return {
        "writer": make_writer("ada", name="Ada Okafor", email="ada@example.org"),
        "editor": make_editor("eve", email="eve@example.org", first_name="Eve"),
    }


@pytest.fixture
def editor_client(client, editor):
    """The test client, signed in as Eve the editor."""
    client.force_login(editor)
    return client


@pytest.fixture(scope="module")
def axe():
    """The path of axe-core's script, looked up before any data is seeded for the test."""
    return axe_script()


@pytest.fixture
def vnu():
    """The command that runs the Nu HTML checker, looked up before any data is seeded."""
    return [java(), "-jar", str(vnu_jar())]


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module; each test opens its own contexts in it."""
    executable = chromium()
    # Playwright's sync API runs an event loop in this thread, which makes Django refuse the
    # test's own database queries unless told that they are safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(executable), args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh browser context made with the given options (viewport, scheme…)."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
