"""Tests of `manage.py backup` and `manage.py restore`: one archive, taken while the site writes."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql

from articles import backups, snapshots
from articles.models import Section

from .factories import make_article
from .tools import missing_tool

PROJECT = Path(__file__).resolve().parent.parent
# Settings that would point a site run in a subprocess at the test run's own services and data.
SHARED_SETTINGS = (
    "DATABASE_URL",
    "MAGAZINE_DATA_DIR",
    "MEDIA_ROOT",
    "AWS_STORAGE_BUCKET_NAME",
    "REDIS_URL",
)
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
# Each commit of the writer adds one row to each of these, with the same id in all of them.
WRITTEN_TABLES = ("articles_section", "articles_contributor", "articles_article", "articles_byline")
# The revisions and the search index are written by Article.save in the same transaction.
# The search index, the revisions and the record of derived work still to do (which comes and
# goes around each commit) are written alongside the writer's rows.
DERIVED_TABLES = ("articles_historicalarticle", "articles_article_fts", "articles_pendingwork")
# A site's writer: one piece with its section, contributor and byline per transaction, each
# commit's number printed once it is committed, until the stop file appears.
WRITER = """
import sys
from pathlib import Path

import django

django.setup()
from django.db import transaction

from articles.models import Article, Byline, Contributor, Section

stop = Path(sys.argv[1])
number = 0
while not stop.exists():
    number += 1
    with transaction.atomic():
        section = Section.objects.create(name=f"Section {number}", slug=f"section-{number}")
        person = Contributor.objects.create(name=f"Writer {number}", slug=f"writer-{number}")
        piece = Article.objects.create(
            headline=f"Piece {number}", slug=f"piece-{number}", body="Some *words*.",
            section=section, status="published",
        )
        Byline.objects.create(article=piece, contributor=person)
    print(number, flush=True)
"""


def site_environment(data_dir, database_url=None):
    """The environment of a site whose data folder (and database) belong to this test alone."""
    environment = {key: value for key, value in os.environ.items() if key not in SHARED_SETTINGS}
    environment.update(
        SECRET_KEY="a-key-for-the-backup-tests",
        ALLOWED_HOSTS="localhost",
        DJANGO_SETTINGS_MODULE="magazine.settings",
        MAGAZINE_DATA_DIR=str(data_dir),
    )
    if database_url:
        environment["DATABASE_URL"] = database_url
    return environment


def manage(environment, *arguments):
    """Run manage.py in a subprocess; fail the test with its output if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *map(str, arguments)],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {arguments[0]} failed:\n{result.stderr}"
    return result


class SQLiteSite:
    """A site on its own SQLite file, and the questions the test asks of its database."""

    vendor = "sqlite"

    def __init__(self, data_dir):
        self.environment = site_environment(data_dir)
        self.path = data_dir / "magazine.sqlite3"

    @contextmanager
    def database(self):
        database = sqlite3.connect(self.path)
        try:
            yield database
        finally:
            database.close()

    def query(self, statement):
        with self.database() as database:
            return database.execute(statement).fetchall()

    def tables(self):
        # An FTS5 table keeps its index in shadow tables, which are its own business.
        return [
            name
            for (name,) in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith(("sqlite_", "articles_article_fts_"))
        ]

    def check_integrity(self):
        assert self.query("PRAGMA integrity_check") == [("ok",)]

    def indexed_pieces(self):
        return self.query("SELECT count(*) FROM articles_article_fts")[0][0]


class PostgresSite:
    """A site on its own throwaway PostgreSQL database."""

    vendor = "postgresql"

    def __init__(self, data_dir, url):
        self.environment = site_environment(data_dir, url)
        self.url = url

    def query(self, statement):
        with psycopg.connect(self.url) as database:
            return database.execute(statement).fetchall()

    def tables(self):
        return [
            name
            for (name,) in self.query(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]

    def check_integrity(self):
        # pg_restore ran in one transaction and succeeded (restore would have failed otherwise);
        # every table answers a full scan.
        for table in self.tables():
            self.query(f'SELECT count(*) FROM "{table}"')

    def indexed_pieces(self):
        return self.query("SELECT count(*) FROM articles_article WHERE search_vector IS NOT NULL")[
            0
        ][0]


def postgres_server_url():
    """The server the PostgreSQL test uses (the test run's own if it runs on PostgreSQL)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return LOCAL_POSTGRES
    # Its maintenance database, which every server has, to create and drop others from.
    return with_database(url, "postgres")


def with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def throwaway_postgres_databases(count):
    """New, empty PostgreSQL databases, dropped afterwards; skipped only where none answers."""
    server = postgres_server_url()
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        missing_tool(f"no PostgreSQL server answers at {urlsplit(server).hostname} ({error})")
    names = [f"magazine_backup_test_{uuid.uuid4().hex[:12]}" for _ in range(count)]
    try:
        for name in names:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield [with_database(server, name) for name in names]
    finally:
        for name in names:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def sites(request, tmp_path):
    """A site to back up and a new, empty one to restore into, on each database vendor."""
    source, target = tmp_path / "site", tmp_path / "new-site"
    if request.param == "sqlite":
        yield SQLiteSite(source), SQLiteSite(target)
    else:
        with throwaway_postgres_databases(2) as (source_url, target_url):
            yield PostgresSite(source, source_url), PostgresSite(target, target_url)


def committed(log):
    """How many transactions the writer has reported committed."""
    return log.read_text().count("\n") if log.exists() else 0


def wait_for_commits(writer, log, count):
    # A bound, so that a writer stuck for good fails the test instead of hanging it.
    deadline = time.monotonic() + 120
    while committed(log) < count:
        assert writer.poll() is None, "the writer stopped before writing anything"
        assert time.monotonic() < deadline, "the writer made no progress"
        time.sleep(0.02)


def write_media(root):
    """A few media files of different sizes, names and folders, by their names."""
    files = {
        "images/2024/03/0123456789abcdef0123456789abcdef.jpg": os.urandom(300_000),
        "renditions/2024/03/fedcba9876543210fedcba9876543210-480w.webp": os.urandom(20_000),
        "images/empty.png": b"",
        "notes with spaces, and é.txt": "Crédit: “unmodified”\n".encode(),
    }
    for number in range(30):
        files[f"renditions/2024/04/{number:032x}-share.jpg"] = os.urandom(1000 + number)
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return files


def test_a_backup_taken_while_writes_run_restores_a_consistent_prefix(sites, tmp_path):
    source, target = sites
    manage(source.environment, "migrate", "--verbosity", "0")
    media = write_media(tmp_path / "site" / "media")
    archive, stop, log = tmp_path / "backup.tar.gz", tmp_path / "stop", tmp_path / "commits"
    with log.open("w") as commits, (tmp_path / "writer-errors").open("w") as errors:
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(stop)],
            cwd=PROJECT,
            env=source.environment,
            stdout=commits,
            stderr=errors,
        )
    try:
        wait_for_commits(writer, log, 5)
        before = committed(log)
        backup = manage(source.environment, "backup", "--output", archive, "--verbosity", "0")
        after = committed(log)
        stop.touch()
        assert writer.wait(timeout=120) == 0, (tmp_path / "writer-errors").read_text()
    finally:
        if writer.poll() is None:
            writer.kill()
    # Otherwise this test would prove nothing about writes during a backup.
    assert after > before, "no transaction was committed while the backup ran"
    assert backup.stderr == ""

    restore = manage(target.environment, "restore", archive, "--yes")
    assert "Media" in restore.stderr and "100%" in restore.stderr

    target.check_integrity()
    pieces = target.query("SELECT count(*) FROM articles_article")[0][0]
    # Every transaction committed before the backup began, and no partial one.
    assert before <= pieces <= after
    for table in WRITTEN_TABLES:
        ids = [row[0] for row in target.query(f"SELECT id FROM {table} ORDER BY id")]
        assert ids == list(range(1, pieces + 1)), table
    assert target.query(
        "SELECT count(*) FROM articles_article a JOIN articles_byline b ON b.article_id = a.id "
        "WHERE a.section_id = a.id AND b.contributor_id = a.id"
    ) == [(pieces,)]
    assert target.query("SELECT count(*) FROM articles_historicalarticle") == [(pieces,)]
    assert target.indexed_pieces() == pieces
    # Every table the writer does not touch holds exactly what the site's does.
    untouched = set(source.tables()) - set(WRITTEN_TABLES) - set(DERIVED_TABLES)
    assert untouched <= set(target.tables())
    for table in sorted(untouched):
        count = f'SELECT count(*) FROM "{table}"'
        assert target.query(count) == source.query(count), table

    restored = tmp_path / "new-site" / "media"
    assert {
        path.relative_to(restored).as_posix(): path.read_bytes()
        for path in restored.rglob("*")
        if path.is_file()
    } == media


# In-process tests of the archive itself.


def run(command, *arguments, verbosity=1):
    """Run a command; return what it printed to stdout and to stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *map(str, arguments), verbosity=verbosity, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def add_member(tar, name, data=b"", kind=tarfile.REGTYPE, link=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.size = kind, link, len(data)
    tar.addfile(info, io.BytesIO(data))


def handmade_archive(path, *, vendor=None, manifest=None, members=()):
    """An archive as `backup` writes one, with a stand-in database and the members given."""
    vendor = vendor or connection.vendor
    manifest = {
        "format": backups.FORMAT,
        "created": "2024-03-01T09:00:00+00:00",
        "vendor": vendor,
        "database": backups.DATABASE_FILES[vendor],
        "migrations": {},
        "media": {"files": 1, "bytes": 5, "vanished": []},
        **(manifest or {}),
    }
    with tarfile.open(path, "w:gz") as tar:
        add_member(tar, backups.DATABASE_FILES[vendor], b"not checked before the members are")
        add_member(tar, "media/ok.txt", b"hello")
        for member in members:
            add_member(tar, *member)
        add_member(tar, backups.MANIFEST, json.dumps(manifest).encode())
    return path


def media_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "member",
    [
        ("../evil", b"outside"),
        ("media/../../evil", b"outside"),
        ("{tmp}/evil", b"absolute"),
        ("media/link", b"", tarfile.SYMTYPE, "../../evil"),
        ("media/hard", b"", tarfile.LNKTYPE, "media/ok.txt"),
    ],
    ids=["dot-dot", "dot-dot-inside-media", "absolute", "symlink", "hard-link"],
)
def test_restore_refuses_an_unsafe_member_and_restores_nothing(member, tmp_path, settings):
    make_article()
    name, *rest = member
    archive = handmade_archive(
        tmp_path / "evil.tar.gz", members=[(name.format(tmp=tmp_path), *rest)]
    )

    with pytest.raises(CommandError, match="Refusing the archive") as refusal:
        run("restore", archive, "--yes")

    assert "Nothing was restored" in str(refusal.value)
    assert not (tmp_path / "evil").exists()
    assert media_files(settings.MEDIA_ROOT) == []
    assert Section.objects.count() == 1


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_the_other_database_vendor(tmp_path, settings):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    archive = handmade_archive(tmp_path / "other.tar.gz", vendor=other)

    with pytest.raises(CommandError) as refusal:
        run("restore", archive, "--yes")

    message = str(refusal.value)
    assert f"holds a {backups.vendor_name(other)} database" in message
    assert f"this site runs on {backups.vendor_name(connection.vendor)}" in message
    assert media_files(settings.MEDIA_ROOT) == []


@pytest.mark.django_db
def test_restore_refuses_a_backup_made_by_a_newer_version(tmp_path, settings):
    archive = handmade_archive(
        tmp_path / "newer.tar.gz", manifest={"migrations": {"articles": ["9999_from_the_future"]}}
    )

    with pytest.raises(CommandError, match="newer version of the magazine"):
        run("restore", archive, "--yes")

    assert media_files(settings.MEDIA_ROOT) == []


@pytest.mark.django_db
def test_restore_refuses_what_is_not_a_backup_with_a_plain_message(tmp_path):
    not_gzip = tmp_path / "photo.tar.gz"
    not_gzip.write_bytes(b"\xff\xd8\xff\xe0 a JPEG, not an archive")
    without_manifest = tmp_path / "bare.tar.gz"
    with tarfile.open(without_manifest, "w:gz") as tar:
        add_member(tar, "media/ok.txt", b"hello")

    with pytest.raises(CommandError, match="not a readable backup archive"):
        run("restore", not_gzip, "--yes")
    with pytest.raises(CommandError, match="has no manifest.json"):
        run("restore", without_manifest, "--yes")
    with pytest.raises(CommandError, match="There is no file"):
        run("restore", tmp_path / "missing.tar.gz", "--yes")


# These take real backups of the test database, which must see committed rows to copy them.


@pytest.mark.django_db(transaction=True)
def test_backup_writes_the_database_the_media_and_a_manifest(tmp_path, settings):
    make_article()
    (settings.MEDIA_ROOT / "images").mkdir(parents=True)
    (settings.MEDIA_ROOT / "images" / "a.jpg").write_bytes(b"\xff\xd8 picture")
    (settings.MEDIA_ROOT / "b.txt").write_bytes(b"text")
    out_folder = tmp_path / "backups"
    out_folder.mkdir()

    out, _ = run("backup", "--output", out_folder / "magazine.tar.gz", verbosity=1)

    assert "2 media files" in out
    assert [path.name for path in out_folder.iterdir()] == ["magazine.tar.gz"]
    with tarfile.open(out_folder / "magazine.tar.gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        media = {
            name: tar.extractfile(name).read()
            for name in tar.getnames()
            if name.startswith("media/")
        }
        assert backups.DATABASE_FILES[connection.vendor] in tar.getnames()
    assert media == {"media/b.txt": b"text", "media/images/a.jpg": b"\xff\xd8 picture"}
    assert manifest["format"] == backups.FORMAT
    assert manifest["vendor"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["articles"]
    assert manifest["media"] == {"files": 2, "bytes": 14, "vanished": []}


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_show_a_progress_bar_unless_verbosity_is_0(tmp_path, settings):
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / "a.txt").write_bytes(b"text")

    _, quiet = run("backup", "--output", tmp_path / "quiet.tar.gz", verbosity=0)
    _, shown = run("backup", "--output", tmp_path / "shown.tar.gz")
    assert quiet == ""
    assert "Media" in shown and "100%" in shown

    # The test database restored from its own backup: the same rows, and the file comes back.
    (settings.MEDIA_ROOT / "a.txt").unlink()
    _, quiet = run("restore", tmp_path / "quiet.tar.gz", "--yes", verbosity=0)
    _, shown = run("restore", tmp_path / "shown.tar.gz", "--yes")
    assert quiet == ""
    assert "Media" in shown and "100%" in shown
    assert (settings.MEDIA_ROOT / "a.txt").read_bytes() == b"text"


@pytest.mark.django_db(transaction=True)
def test_restore_asks_first_and_a_no_changes_nothing(tmp_path, settings, monkeypatch):
    picture = settings.MEDIA_ROOT / "images" / "a.jpg"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(b"as backed up")
    run("backup", "--output", tmp_path / "backup.tar.gz", verbosity=0)
    picture.write_bytes(b"changed since")
    make_article()
    questions = []
    monkeypatch.setattr("builtins.input", lambda prompt: questions.append(prompt) or "no")

    out = io.StringIO()
    with pytest.raises(CommandError, match="Restore cancelled. Nothing was changed."):
        call_command("restore", str(tmp_path / "backup.tar.gz"), stdout=out)

    assert questions == ["Type 'yes' to restore: "]
    assert "Everything written since that backup will be lost" in out.getvalue()
    assert picture.read_bytes() == b"changed since"
    assert Section.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_backup_leaves_no_archive_behind(tmp_path, settings, monkeypatch):
    for number in range(3):
        (settings.MEDIA_ROOT / f"{number}.txt").parent.mkdir(parents=True, exist_ok=True)
        (settings.MEDIA_ROOT / f"{number}.txt").write_bytes(b"x" * 100)
    opened = []

    def open_then_fail(name, mode="rb"):
        opened.append(name)
        if len(opened) == 2:
            raise OSError("the disk went away")
        return open(settings.MEDIA_ROOT / name, mode)  # noqa: SIM115

    monkeypatch.setattr(backups.default_storage, "open", open_then_fail)
    out_folder = tmp_path / "backups"
    out_folder.mkdir()

    with pytest.raises(OSError, match="the disk went away"):
        run("backup", "--output", out_folder / "magazine.tar.gz", verbosity=0)

    assert list(out_folder.iterdir()) == []


@pytest.mark.django_db
def test_backup_refuses_to_write_over_an_existing_file(tmp_path):
    existing = tmp_path / "magazine.tar.gz"
    existing.write_bytes(b"last week's backup")

    with pytest.raises(CommandError, match="already exists"):
        run("backup", "--output", existing)

    assert existing.read_bytes() == b"last week's backup"


def test_a_missing_postgres_program_is_a_clear_command_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(CommandError, match="pg_dump was not found.*postgresql-client"):
        snapshots.postgres_program("pg_dump", "--version")


@pytest.mark.django_db
def test_a_backup_gives_up_on_a_lock_held_too_long(tmp_path, monkeypatch):
    monkeypatch.setattr(snapshots, "LOCK_WAIT_SECONDS", 0.2)
    if connection.vendor == "sqlite":
        # The test's own transaction has written, so its shared in-memory database is locked.
        make_article()
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.2)
    else:
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE articles_section IN ACCESS EXCLUSIVE MODE")

    with pytest.raises(CommandError, match="waited 0.2 s for a lock on the database and gave up"):
        run("backup", "--output", tmp_path / "locked.tar.gz", verbosity=0)

    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_a_media_file_deleted_during_the_backup_is_named_in_the_manifest(
    tmp_path, settings, monkeypatch
):
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / "kept.txt").write_bytes(b"kept")
    listed = backups.stored_names

    def listed_then_deleted(storage):
        # As if a rendition were replaced between the listing and its copy.
        yield from listed(storage)
        yield "renditions/gone.webp"

    monkeypatch.setattr(backups, "stored_names", listed_then_deleted)

    out, _ = run("backup", "--output", tmp_path / "backup.tar.gz")

    assert "Media files deleted while the backup ran, so not in it: 1" in out
    with tarfile.open(tmp_path / "backup.tar.gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        assert "media/renditions/gone.webp" not in tar.getnames()
    assert manifest["media"] == {"files": 1, "bytes": 4, "vanished": ["renditions/gone.webp"]}
