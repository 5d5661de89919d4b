"""Crash safety: a save killed half-way leaves its piece whole or untouched, and no orphan file.

The database keeps a save whole or absent. Media cannot: a picture's original is written before
the transaction that records it commits, and its renditions after it (articles/derived.py). So
a save that fails, or a worker killed half-way, may leave files no row names, or a committed
picture without renditions. When gunicorn starts, before any worker runs (gunicorn.conf.py),
`manage.py media_orphans` deletes the files no row references and `manage.py renditions` makes
the renditions pictures lack.

Tested in this process first (a failed upload, a committed one, `media_orphans`), then against a
real gunicorn whose worker is killed with SIGKILL mid-save and which is then started again, then
on S3 (moto).
"""

import contextlib
import http.client
import io
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from moto import mock_aws

from articles import storage
from articles.contributor_area.forms import PieceForm
from articles.models import Image, Rendition
from articles.renditions import stale_kinds

from .factories import PASSWORD, admin_image_form, jpeg_bytes, make_image, make_section

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent


def media_files():
    """Every file under MEDIA_ROOT, by its storage name."""
    root = Path(django_settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def referenced_files():
    return set(Image.objects.values_list("file", flat=True)) | set(
        Rendition.objects.values_list("file", flat=True)
    )


def orphans_command(*args):
    out = io.StringIO()
    call_command("media_orphans", *args, stdout=out)
    return out.getvalue()


def sweep():
    """What gunicorn runs before its workers start when media is on this machine's disk."""
    return orphans_command("--delete", "--older-than", "0")


def new_piece_with_picture(section):
    return {
        "headline": "The river library reopens",
        "standfirst": "After the flood, the books came back.",
        "body": "The shelves are dry again.",
        "section": section.pk,
        "tags": "Libraries",
        "picture": SimpleUploadedFile("river.jpg", jpeg_bytes(), content_type="image/jpeg"),
        "alt_text": "Volunteers carrying boxes of books",
        "credit_creator": "Ada Okafor",
        "credit_license": "cc-by-4.0",
        "credit_changes": "unmodified",
    }


def submit_a_piece_whose_save_fails(client, writer, monkeypatch):
    def fail_after_the_picture_is_stored(form):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(PieceForm, "save_tags", fail_after_the_picture_is_stored)
    client.force_login(writer)
    with pytest.raises(RuntimeError):
        client.post("/submit/new/", new_piece_with_picture(make_section()))


# In this process: requests through the test client.


def test_a_rolled_back_upload_leaves_only_its_original_and_the_sweep_removes_it(
    client, writer, monkeypatch
):
    kept = make_image()
    files_before = media_files()

    submit_a_piece_whose_save_fails(client, writer, monkeypatch)
    (left,) = media_files() - files_before
    sweep()

    # Renditions are made only once a save commits: none were written for this one.
    assert left.startswith("images/")
    assert list(Image.objects.all()) == [kept]
    assert media_files() == files_before == referenced_files()


def test_a_committed_upload_keeps_its_original_and_every_rendition(
    client, writer, django_capture_on_commit_callbacks
):
    client.force_login(writer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/submit/new/", new_piece_with_picture(make_section()))
    sweep()

    assert response.status_code == 302
    image = Image.objects.get()
    assert stale_kinds(image) == []
    assert image.renditions_index == Rendition.objects.index(image.renditions.all())
    assert image.file.name in media_files()
    assert media_files() == referenced_files()


def test_unreferenced_asks_every_file_field_of_the_app():
    image = make_image()
    rendition = image.renditions.first()

    names = [image.file.name, rendition.file.name, "images/2020/01/nobody.jpg"]

    assert storage.unreferenced(names) == ["images/2020/01/nobody.jpg"]
    found = {(model.__name__, field.name) for model, field in storage.file_fields()}
    assert {("Image", "file"), ("Rendition", "file")} <= found


# manage.py media_orphans


def age(name, minutes):
    path = Path(django_settings.MEDIA_ROOT) / name
    then = time.time() - minutes * 60
    os.utime(path, (then, then))


@pytest.fixture
def old_and_new_orphans():
    image = make_image()
    old = default_storage.save("images/2020/01/old.jpg", ContentFile(jpeg_bytes()))
    new = default_storage.save("renditions/2020/01/new-480w.jpg", ContentFile(jpeg_bytes()))
    for name in [image.file.name, old]:
        age(name, 120)
    return image, old, new


def test_media_orphans_lists_old_unreferenced_files_and_deletes_nothing(old_and_new_orphans):
    image, old, new = old_and_new_orphans

    output = orphans_command()

    assert old in output
    assert new not in output
    assert image.file.name not in output
    assert "1 orphan media file(s) older than 60 minutes" in output
    assert {old, new} <= media_files()


def test_media_orphans_delete_removes_only_the_old_orphans(old_and_new_orphans):
    image, old, new = old_and_new_orphans

    output = orphans_command("--delete")

    assert "Deleted 1 orphan media file(s)" in output
    assert old not in media_files()
    assert new in media_files()
    assert referenced_files() <= media_files()


def test_media_orphans_older_than_zero_includes_files_just_written(old_and_new_orphans):
    sweep()

    assert media_files() == referenced_files()


def test_media_orphans_with_no_media_folder_says_there_are_none():
    assert "No orphan media files older than 60 minutes." in orphans_command()


def test_media_orphans_refuses_a_negative_age_with_a_plain_message():
    with pytest.raises(CommandError, match="number of minutes: 0 or more"):
        orphans_command("--older-than", "-5")


# End to end: a real gunicorn, its worker killed with SIGKILL mid-save, then started again.

SEED = f"""
import json
from django.contrib.auth import get_user_model
from articles.models import Article
from tests.factories import make_article, make_image
get_user_model().objects.create_superuser("editor", "editor@example.org", {PASSWORD!r})
picture = make_image()
article = make_article(status=Article.Status.DRAFT, hero_image=picture)
byline = article.bylines.get()
print(json.dumps({{
    "article": article.pk, "section": article.section_id, "image": picture.pk,
    "byline": byline.pk, "contributor": byline.contributor_id,
}}))
"""
# Long enough for a slow machine to start gunicorn or reach the crash point; never waited out
# when things work.
PATIENCE = 60
# What a picture has once its renditions are made: each width in every format, and a card.
FULL_RENDITIONS = {("width", "avif"), ("width", "webp"), ("width", "jpeg"), ("share", "jpeg")}


def server_env(data_dir, port=0, crash_point=""):
    env = {
        name: value
        for name, value in os.environ.items()
        # SQLite and files in a throwaway folder, whatever the suite itself runs on.
        if name not in {"DATABASE_URL", "MEDIA_ROOT", "AWS_STORAGE_BUCKET_NAME", "REDIS_URL"}
    }
    env.update(
        DEBUG="1",
        MAGAZINE_DATA_DIR=str(data_dir),
        WEB_CONCURRENCY="1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        LOG_LEVEL="WARNING",
        CRASH_POINT=crash_point,
        CRASH_MARKER=str(data_dir / "crash-marker"),
    )
    return env


def manage(env, *args):
    finished = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


@pytest.fixture(scope="module")
def seeded_data(tmp_path_factory):
    """A migrated SQLite database with an editor and a draft with a picture, made once."""
    data_dir = tmp_path_factory.mktemp("crash-template")
    env = server_env(data_dir)
    manage(env, "migrate", "--noinput", "-v0")
    ids = json.loads(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
    return data_dir, ids


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Just enough of a browser for the admin: cookies kept, redirects not followed."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=None, headers=None, timeout=PATIENCE):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response

    def post(self, path, data):
        if "csrftoken" not in self.cookies:
            self.request("GET", "/admin/login/")
        # Django accepts its cookie's secret as the form's token.
        data = {"csrfmiddlewaretoken": self.cookies["csrftoken"], **data}
        body = encode_multipart(BOUNDARY, data)
        return self.request("POST", path, body=body, headers={"Content-Type": MULTIPART_CONTENT})

    def log_in(self, username, password):
        response = self.post("/admin/login/", {"username": username, "password": password})
        assert response.status == 302, "the editor could not sign in"


class Site:
    """A copy of the seeded data served by gunicorn, and what a test looks at after a crash."""

    def __init__(self, data_dir, ids, log_path):
        self.data_dir = data_dir
        self.ids = ids
        self.log_path = log_path
        self.server = None
        self.browser = None

    def start(self, crash_point=""):
        """Start gunicorn with the project's gunicorn.conf.py, and wait until a worker answers."""
        port = free_port()
        # The crash points wrap the magazine's application; without one, gunicorn serves the
        # application gunicorn.conf.py names.
        application = ["tests.crash_points:application"] if crash_point else []
        with open(self.log_path, "a") as log:
            self.server = subprocess.Popen(
                [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py"]
                + application,
                cwd=PROJECT,
                env=server_env(self.data_dir, port, crash_point),
                stdout=log,
                stderr=subprocess.STDOUT,
                # A process group of its own, so that its workers can be killed with it.
                start_new_session=True,
            )
        self.browser = Browser(port)
        # A worker answers only after when_ready has swept the media and made renditions.
        self.wait("gunicorn to answer", self.answers)

    def stop(self):
        # The master and every worker, a stalled one included, as a power cut would.
        if self.server is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.server.pid, signal.SIGKILL)
            self.server.wait()

    def restart(self):
        self.stop()
        self.start()

    def wait(self, what, check):
        """Poll until `check` returns something true; fail with gunicorn's log if it never does."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline and self.server.poll() is None:
            result = check()
            if result:
                return result
            time.sleep(0.05)
        pytest.fail(f"Gave up waiting for {what}.\n{self.log_path.read_text()}")

    def answers(self):
        try:
            return self.browser.request("GET", "/robots.txt", timeout=5).status == 200
        except OSError:
            return False

    def crash_marker(self):
        marker = self.data_dir / "crash-marker"
        return int(marker.read_text()) if marker.exists() else None

    def kill_mid_save(self, path, data):
        """Post the form and SIGKILL the worker at its crash point; the files it had written."""
        outcome = []

        def post():
            try:
                outcome.append(self.browser.post(path, data).status)
            except (OSError, http.client.HTTPException) as error:
                outcome.append(error)

        request = threading.Thread(target=post)
        request.start()
        try:
            pid = self.wait("the worker to reach its crash point", self.crash_marker)
            files_mid_save = self.media_files()
            os.kill(pid, signal.SIGKILL)
        finally:
            request.join(PATIENCE)
        assert outcome and not isinstance(outcome[0], int), "the save was answered, not killed"
        return files_mid_save

    def media_files(self):
        root = self.data_dir / "media"
        return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}

    def query(self, sql, *params):
        # A connection of its own, as a reader would open after the crash.
        database = sqlite3.connect(self.data_dir / "magazine.sqlite3")
        database.row_factory = sqlite3.Row
        try:
            return [dict(row) for row in database.execute(sql, params)]
        finally:
            database.close()

    def renditions(self, image_id):
        """The kinds and formats of the picture's renditions, and whether its index lists them."""
        rows = self.query(
            "SELECT kind, format, file FROM articles_rendition WHERE image_id = ?", image_id
        )
        (image,) = self.query("SELECT renditions_index FROM articles_image WHERE id = ?", image_id)
        indexed = {entry[-1] for entry in json.loads(image["renditions_index"])}
        assert indexed == {row["file"] for row in rows}, "pages offer other files than the rows"
        return {(row["kind"], row["format"]) for row in rows}

    def assert_every_file_referenced_and_present(self):
        rows = self.query(
            "SELECT file FROM articles_image UNION ALL SELECT file FROM articles_rendition"
        )
        referenced = {row["file"] for row in rows}
        media = self.media_files()
        assert media - referenced == set(), "a file no row references survived the sweep"
        assert referenced - media == set(), "a row names a file that is gone"


@pytest.fixture
def site(seeded_data, tmp_path):
    """The seeded data copied for one test, for gunicorn to serve; it is always stopped."""
    template, ids = seeded_data
    data_dir = tmp_path / "data"
    shutil.copytree(template, data_dir)
    site = Site(data_dir, ids, tmp_path / "gunicorn.log")
    yield site
    site.stop()


def picture_upload():
    return admin_image_form(_save="Save")


@pytest.mark.parametrize(
    ("crash_point", "written_mid_save", "saved"),
    [
        ("upload", {"images"}, False),
        ("renditions", {"images", "renditions"}, True),
        ("committed", {"images", "renditions"}, True),
    ],
)
def test_a_worker_killed_mid_upload_leaves_no_picture_or_a_whole_one_after_a_restart(
    site, crash_point, written_mid_save, saved
):
    site.start(crash_point)
    site.browser.log_in("editor", PASSWORD)
    files_before = site.media_files()

    files_mid_save = site.kill_mid_save("/admin/articles/image/add/", picture_upload())
    site.restart()

    written = files_mid_save - files_before
    assert {name.split("/")[0] for name in written} == written_mid_save
    new_images = site.query("SELECT id, file FROM articles_image WHERE id != ?", site.ids["image"])
    if saved:
        (image,) = new_images
        assert image["file"] in written
        assert site.query("SELECT id FROM articles_imagecredit WHERE image_id = ?", image["id"])
        assert site.renditions(image["id"]) == FULL_RENDITIONS
    else:
        assert new_images == []
        assert site.media_files() == files_before
    assert site.renditions(site.ids["image"]) == FULL_RENDITIONS
    site.assert_every_file_referenced_and_present()


ARTICLE = "SELECT headline, slug, standfirst, body, version, hero_image_id FROM articles_article"
REVISIONS = "SELECT count(*) AS n FROM articles_historicalarticle WHERE id = ?"


def editors_edit(site, version):
    ids = site.ids
    return {
        "headline": "A headline the editor rewrote",
        "slug": "a-headline-the-editor-rewrote",
        "standfirst": "A standfirst the editor rewrote.",
        "body": "A body the editor rewrote, in full.",
        "opened_version": str(version),
        "section": str(ids["section"]),
        "new_tags": "",
        "hero_image": str(ids["image"]),
        "series_position": "0",
        "issue_position": "0",
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "1",
        "bylines-MIN_NUM_FORMS": "1",
        "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-id": str(ids["byline"]),
        "bylines-0-article": str(ids["article"]),
        "bylines-0-position": "0",
        "bylines-0-contributor": str(ids["contributor"]),
        "bylines-0-role": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }


@pytest.mark.parametrize(
    ("crash_point", "saved"), [("edit", False), ("derived", True), ("committed", True)]
)
def test_a_worker_killed_mid_edit_leaves_the_piece_untouched_or_saved(site, crash_point, saved):
    site.start(crash_point)
    site.browser.log_in("editor", PASSWORD)
    article_id = site.ids["article"]
    (before,) = site.query(f"{ARTICLE} WHERE id = ?", article_id)
    (revisions_before,) = site.query(REVISIONS, article_id)
    edit = editors_edit(site, before["version"])
    edited = {
        **before,
        **{field: edit[field] for field in ("headline", "slug", "standfirst", "body")},
        "version": before["version"] + 1,
    }
    files_before = site.media_files()

    site.kill_mid_save(f"/admin/articles/article/{article_id}/change/", edit)
    site.restart()

    (after,) = site.query(f"{ARTICLE} WHERE id = ?", article_id)
    (revisions_after,) = site.query(REVISIONS, article_id)
    assert after == (edited if saved else before)
    # A save is whole or absent: its revision lands with it, or not at all.
    assert revisions_after["n"] == revisions_before["n"] + (1 if saved else 0)
    assert site.media_files() == files_before
    site.assert_every_file_referenced_and_present()
    # The derived work of a committed save is done, by the master or at the restart.
    (indexed,) = site.query("SELECT headline FROM articles_article_fts WHERE rowid = ?", article_id)
    assert indexed["headline"] == after["headline"]
    assert site.query("SELECT count(*) AS n FROM articles_pendingwork") == [{"n": 0}]


# S3-compatible storage, against moto's in-process mock of S3.

BUCKET = "magazine-media"


@pytest.fixture
def s3_media(settings, monkeypatch):
    """The default storage on an empty mock bucket, as AWS_STORAGE_BUCKET_NAME would set it."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "articles.storage.S3MediaStorage",
                "OPTIONS": {"bucket_name": BUCKET, "querystring_auth": False},
            },
        }

        def keys():
            listing = s3.list_objects_v2(Bucket=BUCKET)
            return {item["Key"] for item in listing.get("Contents", [])}

        yield keys


def test_an_image_saved_on_s3_lands_in_the_bucket_with_its_renditions(s3_media):
    # make_image runs what its save registered for after the commit: the renditions.
    image = make_image()

    renditions = set(image.renditions.values_list("file", flat=True))
    assert isinstance(image.file.storage, storage.S3MediaStorage)
    assert len(renditions) > 1
    assert s3_media() == {image.file.name, *renditions}
    # A plain address, not a signed one that expires under a cached page.
    assert image.file.url.endswith(f"/{image.file.name}")
    assert "?" not in image.file.url


def test_media_orphans_finds_a_rolled_back_upload_in_the_bucket_and_deletes_only_it(
    s3_media, client, writer, monkeypatch
):
    kept = make_image()
    keys_before = s3_media()

    submit_a_piece_whose_save_fails(client, writer, monkeypatch)
    (orphan,) = s3_media() - keys_before
    # Other servers may be mid-save: gunicorn's sweep leaves a bucket's young files alone.
    by_default = orphans_command()
    listed = orphans_command("--older-than", "0")
    sweep()

    assert storage.shared(default_storage)
    assert orphan.startswith("images/")
    assert orphan not in by_default
    assert orphan in listed
    assert kept.file.name not in listed
    assert s3_media() == keys_before
