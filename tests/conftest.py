import io

import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads made by a test go to its own folder, never the project's data."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo_magazine(db):
    """The demo magazine of `manage.py seed_demo`: the reference piece among realistic others."""
    # With live_server in the test, `db` is transactional, so the server's thread sees the data.
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
