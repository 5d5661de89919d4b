"""Backups: one archive holding a consistent snapshot of the database and every media file.

`create_backup` writes the archive while the site goes on serving and writing; `open_archive`
checks one from end to end before anything is changed, and `restore_backup` brings it back.
The archive is a .tar.gz of `database.sqlite3` (or `database.pgdump`), `media/…` and
`manifest.json`, so it can also be read by hand with tar.
"""

import io
import json
import os
import posixpath
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from . import pagetags, search
from .snapshots import (
    check_postgres_dump,
    check_sqlite_integrity,
    dump_postgresql,
    postgres_program,
    restore_sqlite,
    snapshot_sqlite,
)
from .storage import stored_names

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Media is mostly JPEG, WebP and AVIF, which gzip cannot shrink: a middling level saves time.
COMPRESS_LEVEL = 6
# A media file is copied out before it is archived: in memory up to this size, on disk beyond.
SPOOL_BYTES = 16 * 1024 * 1024


def default_archive_name(now=None):
    """The archive's name when none is given: the magazine and the UTC time of the backup."""
    now = now or datetime.now(UTC)
    return f"magazine-backup-{now:%Y%m%dT%H%M%SZ}.tar.gz"


def vendor_name(vendor):
    return VENDOR_NAMES.get(vendor, vendor)


def supported_vendor():
    """This site's database vendor, or a CommandError if backups do not know how to copy it."""
    if connection.vendor not in DATABASE_FILES:
        raise CommandError(
            f"Backups support SQLite and PostgreSQL; this site's database is {connection.vendor}."
        )
    return connection.vendor


# Taking a backup.


def create_backup(target, *, progress):
    """Write the database snapshot, the media and a manifest to the archive `target`."""
    target = Path(target)
    if target.exists():
        raise CommandError(f"{target} already exists. Choose another name with --output.")
    if not target.parent.is_dir():
        raise CommandError(f"The folder {target.parent} does not exist.")
    vendor = supported_vendor()
    # The snapshot waits on the same disk as the archive, where the operator chose to have room.
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".magazine-backup-") as work:
        snapshot = Path(work) / DATABASE_FILES[vendor]
        migrations = applied_migrations()
        taken = datetime.now(UTC)
        if vendor == "sqlite":
            snapshot_sqlite(snapshot)
        else:
            dump_postgresql(snapshot)
        with (
            replaced_at_end(target) as archive,
            tarfile.open(fileobj=archive, mode="w:gz", compresslevel=COMPRESS_LEVEL) as tar,
        ):
            tar.add(snapshot, arcname=snapshot.name)
            media = add_media(tar, progress, taken)
            manifest = {
                "format": FORMAT,
                # When the database was copied: the moment the backup brings back.
                "created": taken.isoformat(),
                "vendor": vendor,
                "database": snapshot.name,
                "migrations": migrations,
                "versions": {"django": version("django"), "magazine": version("magazine")},
                "media": media,
            }
            add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
    return manifest


@contextmanager
def replaced_at_end(target):
    """A file next to `target` that becomes it only once written whole, and is gone otherwise."""
    # Not a `with` block: on success the file outlives it, under the target's name.
    partial = tempfile.NamedTemporaryFile(  # noqa: SIM115
        dir=target.parent, prefix=f".{target.name}.", suffix=".partial", delete=False
    )
    try:
        yield partial
        partial.flush()
        os.fsync(partial.fileno())
        partial.close()
        os.replace(partial.name, target)
    except BaseException:
        # Interrupted (Ctrl-C included) or failed: no half archive is left to be mistaken for one.
        partial.close()
        Path(partial.name).unlink(missing_ok=True)
        raise


def version(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def applied_migrations():
    """The names of the migrations applied to the database, by app."""
    applied = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return applied


def add_media(tar, progress, moment):
    """Add every media file under media/ and say how many there were, and which vanished."""
    storage = default_storage
    names = list(stored_names(storage))
    count, size, vanished = 0, 0, []
    for name in progress(names, unit="file", desc="Media"):
        # Copied out whole before it goes in: a file that fails half-way (an object store
        # dropping the connection) must not leave half a member in the archive.
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as copy:
            try:
                with storage.open(name, "rb") as stored:
                    shutil.copyfileobj(stored, copy)
            except Exception:
                if storage.exists(name):
                    raise
                # Deleted since the listing (a rendition replaced, say): the manifest names it.
                vanished.append(name)
                continue
            info = tarfile.TarInfo(MEDIA + name)
            info.size, info.mtime = copy.tell(), moment.timestamp()
            copy.seek(0)
            tar.addfile(info, copy)
        count, size = count + 1, size + info.size
    return {"files": count, "bytes": size, "vanished": vanished}


def add_bytes(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = datetime.now(UTC).timestamp()
    tar.addfile(info, io.BytesIO(data))


# Reading and restoring one.


@dataclass
class Archive:
    """A backup archive that passed every check, with its database copy taken out to `database`."""

    path: Path
    tar: tarfile.TarFile
    manifest: dict
    database: Path
    media: list
    missing_migrations: list

    @property
    def vendor(self):
        return self.manifest["vendor"]


@contextmanager
def open_archive(path):
    """Check the archive before anything is changed: safe members, manifest, vendor, database."""
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"There is no file at {path}.")
    try:
        # Closed by the `with` below, once the checks can begin.
        tar = tarfile.open(path, mode="r:gz")  # noqa: SIM115
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise CommandError(f"{path} is not a readable backup archive ({error}).") from error
    with tar, tempfile.TemporaryDirectory(prefix="magazine-restore-") as work:
        try:
            members = tar.getmembers()
            for member in members:
                check_member(member)
            manifest = read_manifest(tar, members)
            missing_migrations = check_migrations(manifest)
            database = take_out_database(tar, members, manifest, Path(work))
        except (tarfile.TarError, EOFError, zlib.error) as error:
            raise CommandError(f"{path} is damaged or cut short ({error}).") from error
        yield Archive(
            path=path,
            tar=tar,
            manifest=manifest,
            database=database,
            media=[member for member in members if member.name.startswith(MEDIA)],
            missing_migrations=missing_migrations,
        )


def check_member(member):
    """Refuse a member that could write outside the media folder, or is not a plain file."""
    name = member.name
    parts = PurePosixPath(name).parts
    unsafe = (
        name.startswith(("/", "\\"))
        or "\\" in name
        or ".." in parts
        or (parts and ":" in parts[0])
        or "\x00" in name
    )
    if unsafe:
        raise CommandError(
            f"Refusing the archive: its member {name!r} has an absolute path or '..' in it, "
            "so it could write outside the media folder. Nothing was restored."
        )
    if not (member.isfile() or member.isdir()):
        raise CommandError(
            f"Refusing the archive: its member {name!r} is a link or a device, not a file. "
            "Nothing was restored."
        )
    if not (name in (MANIFEST, *DATABASE_FILES.values()) or name.startswith(MEDIA)):
        raise CommandError(
            f"Refusing the archive: {name!r} is not part of a magazine backup. "
            "Nothing was restored."
        )


def read_manifest(tar, members):
    found = next((m for m in members if m.name == MANIFEST and m.isfile()), None)
    if found is None:
        raise CommandError(f"This is not a magazine backup: it has no {MANIFEST}.")
    try:
        manifest = json.loads(tar.extractfile(found).read())
    except ValueError as error:
        raise CommandError(f"The backup's {MANIFEST} is not valid JSON ({error}).") from error
    if not isinstance(manifest, dict):
        raise CommandError(f"The backup's {MANIFEST} is not a JSON object.")
    if manifest.get("format") != FORMAT:
        raise CommandError(
            f"This backup's format ({manifest.get('format')!r}) is not one this version reads "
            f"({FORMAT})."
        )
    vendor = manifest.get("vendor")
    here = supported_vendor()
    if vendor != here:
        raise CommandError(
            f"This backup holds a {vendor_name(vendor)} database, and this site runs on "
            f"{vendor_name(here)}. Restore it into a site configured for {vendor_name(vendor)}; "
            "to move the content between the two, use `manage.py export` and `manage.py import`."
        )
    return manifest


def take_out_database(tar, members, manifest, work):
    """Extract the database copy to `work` and check it, so a bad one is refused before use."""
    name = DATABASE_FILES[manifest["vendor"]]
    member = next((m for m in members if m.name == name and m.isfile()), None)
    if member is None:
        raise CommandError(f"The backup has no {name}: there is no database to restore.")
    path = work / name
    with tar.extractfile(member) as source, path.open("wb") as copy:
        shutil.copyfileobj(source, copy)
    if manifest["vendor"] == "sqlite":
        database = sqlite3.connect(path)
        try:
            check_sqlite_integrity(database, "The backup's database")
        finally:
            database.close()
    else:
        check_postgres_dump(path, "The backup's database")
    return path


def check_migrations(manifest):
    """Refuse a backup from a newer version; list the migrations it lacks, for `migrate`."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    recorded = {
        (app, name) for app, names in (manifest.get("migrations") or {}).items() for name in names
    }
    unknown = sorted(recorded - known)
    if unknown:
        listed = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise CommandError(
            f"This backup was made by a newer version of the magazine (it has migrations this "
            f"version lacks: {listed}). Upgrade the code first, then restore."
        )
    return sorted(known - recorded)


def restore_backup(archive, *, progress):
    """Write the archive's media files, then replace the database with its copy."""
    # Media first: should it fail, the database is as it was, and the extra files are harmless.
    restore_media(archive, progress)
    # Our own connection must not hold the old database open across the swap.
    connection.close()
    if archive.vendor == "sqlite":
        restore_sqlite(archive.database)
    else:
        postgres_program(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            # All or nothing: a failure half-way leaves the database as it was.
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(archive.database),
        )
    # The search index is derived after each commit: a snapshot can hold a piece committed a
    # moment before its index entry was, so the index is made again from the pieces restored.
    search.index_articles()
    # Pages kept in the cache show the database as it was before: readers must not see them.
    pagetags.forget({"all"})


def restore_media(archive, progress):
    storage = default_storage
    for member in progress(archive.media, unit="file", desc="Media"):
        if not member.isfile():
            continue
        name = member.name[len(MEDIA) :]
        content = File(archive.tar.extractfile(member), name=posixpath.basename(name))
        content.size = member.size
        # Saving over a name keeps the old file and picks another name: delete it first.
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, content)
        if saved != name:
            raise CommandError(f"Could not write the media file {name} (it was saved as {saved}).")
