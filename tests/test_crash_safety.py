"""Crash safety of media files: a save that fails or dies half-way leaves no orphan file.

In this process first (a rolled-back upload, the journal, the sweeps, `media_orphans`), then
against a real gunicorn whose worker is killed with SIGKILL mid-save, then on S3 (moto).
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
from django.db import transaction
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from moto import mock_aws

from articles import storage
from articles.contributor_area.forms import PieceForm
from articles.models import Image, Rendition

from .factories import PASSWORD, jpeg_bytes, make_image, make_section

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def journal_in_tmp(settings, tmp_path):
    """Each test keeps its journals in its own folder."""
    settings.MAGAZINE_MEDIA_JOURNAL_DIR = tmp_path / "journal"
    return settings.MAGAZINE_MEDIA_JOURNAL_DIR


def media_files():
    """Every file under MEDIA_ROOT, by its storage name."""
    root = Path(django_settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def referenced_files():
    return set(Image.objects.values_list("file", flat=True)) | set(
        Rendition.objects.values_list("file", flat=True)
    )


def journals(folder):
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


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


def dead_pid():
    """The id of a process that has just ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# In this process: requests through the test client.


def test_an_upload_whose_transaction_rolls_back_leaves_no_file(
    client, writer, monkeypatch, journal_in_tmp
):
    written_before_failure = []

    def fail_after_the_picture_is_stored(form):
        # The picture, its credit and its renditions are saved by now, inside the transaction.
        written_before_failure.extend(media_files())
        raise RuntimeError("the database went away")

    monkeypatch.setattr(PieceForm, "save_tags", fail_after_the_picture_is_stored)
    client.force_login(writer)
    with pytest.raises(RuntimeError):
        client.post("/submit/new/", new_piece_with_picture(make_section()))

    assert any(name.startswith("images/") for name in written_before_failure)
    assert any(name.startswith("renditions/") for name in written_before_failure)
    assert not Image.objects.exists()
    assert media_files() == set()
    assert journals(journal_in_tmp) == []


def test_a_successful_upload_keeps_its_files_and_empties_the_journal(
    client, writer, journal_in_tmp
):
    client.force_login(writer)
    response = client.post("/submit/new/", new_piece_with_picture(make_section()))

    assert response.status_code == 302
    image = Image.objects.get()
    assert image.renditions.exists()
    assert media_files() == referenced_files()
    assert image.file.name in media_files()
    assert journals(journal_in_tmp) == []


def test_a_journal_that_cannot_be_settled_is_kept_and_settled_after_the_next_request(
    client, writer, monkeypatch, journal_in_tmp
):
    real_unreferenced = storage.unreferenced

    def database_unavailable(names):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(storage, "unreferenced", database_unavailable)
    client.force_login(writer)
    client.post("/submit/new/", new_piece_with_picture(make_section()))
    kept = journals(journal_in_tmp)
    Image.objects.all().delete()

    monkeypatch.setattr(storage, "unreferenced", real_unreferenced)
    client.get("/submit/")

    assert kept == [f"{os.getpid()}-{threading.get_ident()}"]
    assert journals(journal_in_tmp) == []
    assert media_files() == set()


def test_a_file_the_journal_cannot_name_is_not_kept(client, writer, monkeypatch):
    def disk_full(name):
        raise OSError("No space left on device")

    monkeypatch.setattr(storage, "record", disk_full)
    client.force_login(writer)
    with pytest.raises(OSError):
        client.post("/submit/new/", new_piece_with_picture(make_section()))

    assert not Image.objects.exists()
    assert media_files() == set()


def test_files_saved_outside_a_request_are_not_journaled(journal_in_tmp):
    make_image()

    assert media_files()
    assert journals(journal_in_tmp) == []


def test_a_journaled_block_deletes_the_files_of_a_save_that_rolled_back(journal_in_tmp):
    kept = make_image()
    files_before = media_files()
    written = []
    with pytest.raises(RuntimeError), storage.journaled(), transaction.atomic():
        make_image()
        written.extend(media_files() - files_before)
        raise RuntimeError("the command failed half-way")

    assert written
    assert Image.objects.get() == kept
    assert media_files() == files_before
    assert journals(journal_in_tmp) == []


# What counts as referenced, and the sweeps of dead processes' journals.


def test_unreferenced_asks_every_file_field_of_the_app():
    image = make_image()
    rendition = image.renditions.first()

    names = [image.file.name, rendition.file.name, "images/2020/01/nobody.jpg"]

    assert storage.unreferenced(names) == ["images/2020/01/nobody.jpg"]
    found = {(model.__name__, field.name) for model, field in storage.file_fields()}
    assert {("Image", "file"), ("Rendition", "file")} <= found


def write_journal(folder, pid, lines):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{pid}-12345"
    path.write_text("".join(line + "\n" for line in lines))
    return path


def test_sweeping_a_dead_processs_journal_deletes_only_what_no_row_references(journal_in_tmp):
    image = make_image()
    orphan = default_storage.save("images/2020/01/orphan.jpg", ContentFile(jpeg_bytes()))
    files_before = media_files()
    pid = dead_pid()
    journal = write_journal(
        journal_in_tmp,
        pid,
        # A name whose file is gone already, and a last line cut short by the kill.
        [json.dumps(image.file.name), json.dumps(orphan), json.dumps("images/gone.jpg"), '"ima'],
    )

    deleted = storage.sweep_journals(pid)

    assert deleted == [orphan]
    assert media_files() == files_before - {orphan}
    assert image.file.name in media_files()
    assert not journal.exists()


def test_the_start_up_sweep_settles_dead_processes_and_leaves_running_ones(journal_in_tmp):
    orphan = default_storage.save("images/2020/01/orphan.jpg", ContentFile(jpeg_bytes()))
    busy = default_storage.save("images/2020/01/busy.jpg", ContentFile(jpeg_bytes()))
    dead = write_journal(journal_in_tmp, dead_pid(), [json.dumps(orphan)])
    running = write_journal(journal_in_tmp, os.getpid(), [json.dumps(busy)])
    (journal_in_tmp / "notes.txt").write_text("not a journal")

    assert storage.sweep_dead_journals() == [orphan]
    assert not dead.exists()
    assert running.exists()
    assert media_files() == {busy}


# manage.py media_orphans


def age(name, minutes):
    path = Path(django_settings.MEDIA_ROOT) / name
    then = time.time() - minutes * 60
    os.utime(path, (then, then))


def orphans_command(*args):
    out = io.StringIO()
    call_command("media_orphans", *args, stdout=out)
    return out.getvalue()


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
    image, old, new = old_and_new_orphans

    orphans_command("--delete", "--older-than", "0")

    assert media_files() == referenced_files()


def test_media_orphans_with_no_media_folder_says_there_are_none():
    assert "No orphan media files older than 60 minutes." in orphans_command()


def test_media_orphans_refuses_a_negative_age_with_a_plain_message():
    with pytest.raises(CommandError, match="number of minutes: 0 or more"):
        orphans_command("--older-than", "-5")


# End to end: a real gunicorn, its worker killed with SIGKILL mid-save.

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

    def csrf_token(self):
        # Django accepts its cookie's secret as the form's token.
        if "csrftoken" not in self.cookies:
            self.request("GET", "/admin/login/")
        return self.cookies["csrftoken"]

    def post(self, path, data):
        body = encode_multipart(BOUNDARY, {"csrfmiddlewaretoken": self.csrf_token(), **data})
        return self.request("POST", path, body=body, headers={"Content-Type": MULTIPART_CONTENT})

    def log_in(self, username, password):
        response = self.post("/admin/login/", {"username": username, "password": password})
        assert response.status == 302, "the editor could not sign in"


class Site:
    """A gunicorn serving a copy of the seeded data, and what a test looks at after a crash."""

    def __init__(self, server, port, data_dir, ids, log_path):
        self.server = server
        self.browser = Browser(port)
        self.data_dir = data_dir
        self.ids = ids
        self.log_path = log_path

    def wait(self, what, check):
        """Poll until `check` returns something true; fail with gunicorn's log if it never does."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline and self.server.poll() is None:
            result = check()
            if result:
                return result
            time.sleep(0.05)
        pytest.fail(f"Gave up waiting for {what}.\n{self.log_path.read_text()}")

    def answering_worker(self, not_pid=None):
        """The pid of the worker that answered a page, if one did and it is not `not_pid`."""
        try:
            response = self.browser.request("GET", "/robots.txt", timeout=5)
        except OSError:
            return None
        pid = response.headers.get("X-Worker-Pid")
        return int(pid) if response.status == 200 and pid and int(pid) != not_pid else None

    def crash_marker(self):
        marker = self.data_dir / "crash-marker"
        return int(marker.read_text()) if marker.exists() else None

    def kill_mid_save(self, path, data):
        """Post the form, SIGKILL the worker at its crash point, and wait for its successor."""
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
        # The master reaps the worker and runs child_exit before it forks the next one.
        self.wait("a new worker to answer", lambda: self.answering_worker(not_pid=pid))
        assert outcome and not isinstance(outcome[0], int), "the save was answered, not killed"
        return pid, files_mid_save

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

    def assert_no_orphan_and_nothing_missing(self, killed_pid):
        rows = self.query(
            "SELECT file FROM articles_image UNION ALL SELECT file FROM articles_rendition"
        )
        referenced = {row["file"] for row in rows}
        media = self.media_files()
        assert media - referenced == set(), "files no row references were left"
        assert referenced - media == set(), "a row names a file that is gone"
        assert not list((self.data_dir / "journal").glob(f"{killed_pid}-*")), "journal kept"


@pytest.fixture
def gunicorn(seeded_data, tmp_path):
    """Start gunicorn with a crash point armed, on a copy of the seeded data; always stop it."""
    started = []

    def start(crash_point):
        template, ids = seeded_data
        data_dir = tmp_path / "data"
        shutil.copytree(template, data_dir)
        port = free_port()
        log_path = tmp_path / "gunicorn.log"
        with open(log_path, "w") as log:
            server = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "-c",
                    "gunicorn.conf.py",
                    "tests.crash_points:application",
                ],
                cwd=PROJECT,
                env=server_env(data_dir, port, crash_point),
                stdout=log,
                stderr=subprocess.STDOUT,
                # A process group of its own, so that its workers can be killed with it.
                start_new_session=True,
            )
        started.append(server)
        site = Site(server, port, data_dir, ids, log_path)
        site.wait("gunicorn to answer", site.answering_worker)
        return site

    yield start
    for server in started:
        # The master and every worker, a stalled one included: nothing of them is needed now.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def picture_upload():
    return {
        "file": SimpleUploadedFile("quad.jpg", jpeg_bytes(120, 80), content_type="image/jpeg"),
        "alt_text": "The quad at dawn",
        "caption": "",
        "credit-TOTAL_FORMS": "1",
        "credit-INITIAL_FORMS": "0",
        "credit-MIN_NUM_FORMS": "1",
        "credit-MAX_NUM_FORMS": "1",
        "credit-0-title": "Quad at dawn",
        "credit-0-creator": "Ana Ruiz",
        "credit-0-license": "cc-by-4.0",
        "credit-0-changes": "unmodified",
        "_save": "Save",
    }


@pytest.mark.parametrize(
    ("crash_point", "written_mid_save"),
    [("upload", "images/"), ("renditions", "renditions/")],
)
def test_a_worker_killed_before_its_upload_commits_leaves_no_file(
    gunicorn, crash_point, written_mid_save
):
    site = gunicorn(crash_point)
    site.browser.log_in("editor", PASSWORD)
    images_before = site.query("SELECT * FROM articles_image")
    files_before = site.media_files()

    pid, files_mid_save = site.kill_mid_save("/admin/articles/image/add/", picture_upload())

    assert any(name.startswith(written_mid_save) for name in files_mid_save - files_before)
    assert site.query("SELECT * FROM articles_image") == images_before
    assert site.media_files() == files_before
    site.assert_no_orphan_and_nothing_missing(pid)


def test_a_worker_killed_after_its_upload_commits_keeps_every_file(gunicorn):
    site = gunicorn("committed")
    site.browser.log_in("editor", PASSWORD)
    files_before = site.media_files()

    pid, files_mid_save = site.kill_mid_save("/admin/articles/image/add/", picture_upload())

    (image,) = site.query("SELECT * FROM articles_image WHERE id != ?", site.ids["image"])
    renditions = site.query("SELECT file FROM articles_rendition WHERE image_id = ?", image["id"])
    assert image["file"] in site.media_files() - files_before
    assert {row["file"] for row in renditions} <= site.media_files() - files_before
    # The share card first made before the credit was known went when the save committed.
    assert site.media_files() <= files_mid_save
    site.assert_no_orphan_and_nothing_missing(pid)


ARTICLE = "SELECT headline, slug, standfirst, body, version, hero_image_id FROM articles_article"


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


@pytest.mark.parametrize(("crash_point", "lands"), [("edit", False), ("committed", True)])
def test_a_worker_killed_mid_edit_leaves_the_piece_untouched_or_saved(gunicorn, crash_point, lands):
    site = gunicorn(crash_point)
    site.browser.log_in("editor", PASSWORD)
    article_id = site.ids["article"]
    (before,) = site.query(f"{ARTICLE} WHERE id = ?", article_id)
    revisions = "SELECT count(*) AS n FROM articles_historicalarticle WHERE id = ?"
    (revisions_before,) = site.query(revisions, article_id)
    edit = editors_edit(site, before["version"])
    saved = {
        **before,
        **{field: edit[field] for field in ("headline", "slug", "standfirst", "body")},
        "version": before["version"] + 1,
    }
    files_before = site.media_files()

    pid, _ = site.kill_mid_save(f"/admin/articles/article/{article_id}/change/", edit)

    (after,) = site.query(f"{ARTICLE} WHERE id = ?", article_id)
    (revisions_after,) = site.query(revisions, article_id)
    assert after == (saved if lands else before)
    # A save is whole or absent: its revision lands with it, or not at all.
    assert revisions_after["n"] == revisions_before["n"] + (1 if lands else 0)
    assert site.media_files() == files_before
    site.assert_no_orphan_and_nothing_missing(pid)


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


def test_an_image_saved_on_s3_lands_in_the_bucket_with_its_renditions(
    s3_media, django_capture_on_commit_callbacks
):
    # As when it commits: the share card made before the credit was known goes.
    with django_capture_on_commit_callbacks(execute=True):
        image = make_image()

    renditions = set(image.renditions.values_list("file", flat=True))
    assert type(image.file.storage._wrapped).__name__ == "S3MediaStorage"
    assert len(renditions) > 1
    assert s3_media() == {image.file.name, *renditions}
    # A plain address, not a signed one that expires under a cached page.
    assert image.file.url.endswith(f"/{image.file.name}")
    assert "?" not in image.file.url


def test_a_rolled_back_upload_leaves_nothing_in_the_bucket(
    s3_media, client, writer, monkeypatch, journal_in_tmp
):
    written_before_failure = []

    def fail_after_the_picture_is_stored(form):
        written_before_failure.extend(s3_media())
        raise RuntimeError("the database went away")

    monkeypatch.setattr(PieceForm, "save_tags", fail_after_the_picture_is_stored)
    client.force_login(writer)
    with pytest.raises(RuntimeError):
        client.post("/submit/new/", new_piece_with_picture(make_section()))

    assert any(name.startswith("images/") for name in written_before_failure)
    assert s3_media() == set()
    assert journals(journal_in_tmp) == []


def test_media_orphans_walks_the_bucket(s3_media):
    image = make_image()
    orphan = default_storage.save("images/2020/01/orphan.jpg", ContentFile(jpeg_bytes()))

    listed = orphans_command("--older-than", "0")
    orphans_command("--delete", "--older-than", "0")

    assert orphan in listed
    assert image.file.name not in listed
    assert orphan not in s3_media()
    assert image.file.name in s3_media()
