"""The database half of a backup: a snapshot of SQLite or PostgreSQL, checked, and put back."""

import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection

# How long a backup waits for a lock the site holds before giving up, where the database
# settings do not say (SQLite's "timeout" does): a migration, say, is running.
LOCK_WAIT_SECONDS = 20
# Connection options of psycopg that the PostgreSQL programs read from the environment instead.
POSTGRES_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


def sqlite_name():
    return str(connection.settings_dict["NAME"])


def lock_wait_seconds():
    """How long to wait for a lock: as long as the site's own connections wait."""
    return connection.settings_dict.get("OPTIONS", {}).get("timeout", LOCK_WAIT_SECONDS)


def sqlite_connect(name):
    """A plain sqlite3 connection to `name`, a file path or a URI as Django's own accepts."""
    return sqlite3.connect(name, uri=True, timeout=lock_wait_seconds())


def sqlite_copy(source, target, what):
    """Copy one SQLite database into another with the backup API, all pages in one step."""
    # sqlite3 retries a locked step for ever; past the timeout, give up with a message.
    deadline = time.monotonic() + lock_wait_seconds()

    def give_up_when_locked_too_long(status, remaining, total):
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise CommandError(
                f"{what} waited {lock_wait_seconds()} s for a lock on the database and gave up. "
                "Try again when the database is less busy."
            )

    source.backup(target, pages=-1, progress=give_up_when_locked_too_long)


def snapshot_sqlite(path):
    """Copy the SQLite database to `path` with SQLite's online backup, and check the copy."""
    name = sqlite_name()
    if not name.startswith("file:") and not Path(name).is_file():
        raise CommandError(f"There is no database at {name}. Run `manage.py migrate` first.")
    source = sqlite_connect(name)
    try:
        copy = sqlite3.connect(path)
        try:
            # All pages in one step is one read transaction: the copy is the database at one
            # moment, and in WAL mode the site's writers carry on meanwhile.
            sqlite_copy(source, copy, "The backup")
            # One self-contained file, with no write-ahead log beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
            check_sqlite_integrity(copy, "The database snapshot")
        finally:
            copy.close()
    finally:
        source.close()


def check_sqlite_integrity(database, what):
    try:
        rows = database.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        raise CommandError(f"{what} is not a readable SQLite database: {error}.") from error
    if rows != [("ok",)]:
        found = "; ".join(row[0] for row in rows[:5])
        raise CommandError(f"{what} failed SQLite's integrity check: {found}")


def postgres_program(program, *arguments):
    """Run pg_dump or pg_restore against this site's database; its errors become CommandError."""
    executable = shutil.which(program)
    if executable is None:
        raise CommandError(
            f"{program} was not found. Install PostgreSQL's client programs (on Debian: "
            "apt-get install postgresql-client), in a version at least that of the server."
        )
    database = connection.settings_dict
    command = [executable, "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            command.append(f"{option}={database[key]}")
    environment = dict(os.environ)
    # The password travels in the environment: on the command line others could read it.
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    for option, variable in POSTGRES_ENVIRONMENT.items():
        if database.get("OPTIONS", {}).get(option):
            environment[variable] = str(database["OPTIONS"][option])
    result = subprocess.run(
        [*command, *arguments], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(f"{program} failed: {result.stderr.strip() or result.returncode}")
    return result.stdout


def dump_postgresql(path):
    """Dump the PostgreSQL database to `path` in pg_dump's custom format, and check it reads."""
    # pg_dump reads the whole database in one repeatable-read transaction: one moment of it.
    try:
        postgres_program(
            "pg_dump",
            "--format=custom",
            # Rather than wait for ever behind a lock (a migration running), give up.
            f"--lock-wait-timeout={round(lock_wait_seconds() * 1000)}",
            f"--file={path}",
            f"--dbname={connection.settings_dict['NAME']}",
        )
    except CommandError as error:
        if "LOCK TABLE" not in str(error):
            raise
        raise CommandError(
            f"The backup waited {lock_wait_seconds()} s for a lock on the database and gave up. "
            f"Try again when the database is less busy.\n{error}"
        ) from None
    check_postgres_dump(path, "The database dump")


def check_postgres_dump(path, what):
    try:
        postgres_program("pg_restore", "--list", str(path))
    except CommandError as error:
        raise CommandError(f"{what} is not a readable pg_dump archive. {error}") from error


def restore_sqlite(copy):
    """Copy the snapshot into the configured database with SQLite's backup API."""
    name = sqlite_name()
    if not name.startswith("file:"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(copy)
    try:
        target = sqlite_connect(name)
        try:
            # The copy brings the snapshot's journal mode; the site's database keeps its own (WAL).
            (journal_mode,) = target.execute("PRAGMA journal_mode").fetchone()
            sqlite_copy(source, target, "The restore")
            target.execute(f"PRAGMA journal_mode={journal_mode}")
            check_sqlite_integrity(target, "The restored database")
        finally:
            target.close()
    finally:
        source.close()
