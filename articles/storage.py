"""Media storage that leaves no orphan file when a save fails or its worker dies half-way.

A file is written before the transaction that inserts its row commits. If that transaction
rolls back, or the process is killed in between, the file is left with no row. So each file
written during a request is first named in a journal, one file per process and thread; when
the request finishes, the journaled files that no committed row references are deleted. A
journal left by a dead process is settled the same way by gunicorn's master
(`gunicorn.conf.py`); `manage.py media_orphans` finds what anything else left behind.
"""

import json
import logging
import os
import posixpath
import threading
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.signals import request_finished
from django.db.models import FileField
from django.urls import get_urlconf

logger = logging.getLogger(__name__)

# Names asked about per query: well under every database's limit on bound parameters.
QUERY_BATCH = 500

_local = threading.local()


def journal_dir():
    """The folder of journals, read from settings each time so that tests can move it."""
    return Path(settings.MAGAZINE_MEDIA_JOURNAL_DIR)


def journal_path(pid=None, thread=None):
    """The journal of one thread of one process: `<pid>-<thread ident>`."""
    pid = os.getpid() if pid is None else pid
    thread = threading.get_ident() if thread is None else thread
    return journal_dir() / f"{pid}-{thread}"


def journal_pid(path):
    """The process id a journal's name starts with, or None for a file that is no journal."""
    pid, _, thread = path.name.partition("-")
    return int(pid) if pid.isdigit() and thread.isdigit() else None


def journaling():
    """Whether a file written now must be journaled: during a request, or in `journaled()`."""
    # Django sets the URLconf for the thread when a request starts and resets it once the
    # request has finished: the one marker of a request in progress that needs no middleware.
    return getattr(_local, "blocks", 0) > 0 or get_urlconf() is not None


def record(name):
    """Add a name to this thread's journal; from then on it outlives a SIGKILL of the process."""
    path = journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # One short line per write, closed at once: the OS keeps it through a SIGKILL of this
    # process. JSON keeps any character a name may hold on its own line.
    with open(path, "a", encoding="utf-8") as journal:
        journal.write(json.dumps(name) + "\n")
    _local.pending = True


def read_journal(path):
    """The names in a journal, in order; a line cut short is skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    names = []
    for line in lines:
        try:
            names.append(json.loads(line))
        except ValueError:
            logger.warning("Skipped an unreadable line in the media journal %s.", path)
    return [name for name in names if isinstance(name, str) and name]


def stored_names(storage, folder=""):
    """Every file name in the storage under this folder, found with listdir, so S3 works too."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        # Nothing uploaded yet: the media folder itself does not exist.
        return
    for name in sorted(files):
        yield posixpath.join(folder, name)
    for name in sorted(folders):
        yield from stored_names(storage, posixpath.join(folder, name))


def file_fields():
    """Every file field of the articles app's tables, so that a new one is never forgotten."""
    return [
        (model, field)
        for model in apps.get_app_config("articles").get_models()
        # A proxy shares its table with its model; asking again would find nothing new.
        if not model._meta.proxy
        for field in model._meta.local_concrete_fields
        if isinstance(field, FileField)
    ]


def unreferenced(names):
    """The names, in order, that no row of any file field references."""
    names = list(dict.fromkeys(names))
    referenced = set()
    for start in range(0, len(names), QUERY_BATCH):
        batch = names[start : start + QUERY_BATCH]
        for model, field in file_fields():
            rows = model._base_manager.filter(**{f"{field.attname}__in": batch})
            referenced.update(rows.values_list(field.attname, flat=True))
    return [name for name in names if name not in referenced]


def settle(path, storage=None):
    """Delete the journaled files that no row references, then the journal; return their names."""
    storage = storage or default_storage
    deleted = []
    for name in unreferenced(read_journal(path)):
        # A file deleted once its row's deletion committed may be named here too.
        if storage.exists(name):
            storage.delete(name)
            deleted.append(name)
    # Only now: a crash before this line leaves the journal for the next sweep to repeat.
    path.unlink(missing_ok=True)
    return deleted


def settle_own():
    """Settle this thread's journal, keeping it for the next try if that fails."""
    path = journal_path()
    try:
        settle(path)
    except Exception:
        # A database or storage failure here must not turn a saved piece into an error page;
        # the journal stays, for this thread's next settling or the sweep after its process.
        logger.exception("Could not settle the media journal %s; it is kept.", path)
    else:
        _local.pending = False


def settle_request(**kwargs):
    """At the end of a request, settle this thread's journal if the request wrote to it."""
    if getattr(_local, "pending", False):
        settle_own()


# Connected here, not in AppConfig.ready(): this module is loaded when the storage is first
# made, which is before its first save and so before the end of any request it journals.
request_finished.connect(settle_request, dispatch_uid="articles.storage.settle_request")


@contextmanager
def journaled():
    """Journal the files written in this block, as in a request, and settle them when it ends."""
    # For work outside a request (a management command); use it outside any transaction, as
    # a row is taken to be committed if this connection can see it.
    _local.blocks = getattr(_local, "blocks", 0) + 1
    try:
        yield
    finally:
        _local.blocks -= 1
        # Within a request, the request's end settles.
        if not _local.blocks and getattr(_local, "pending", False) and get_urlconf() is None:
            settle_own()


def sweep_journals(pid):
    """Settle every journal a process left (one per thread); return the names deleted."""
    deleted = []
    for path in sorted(journal_dir().glob(f"{pid}-*")):
        if journal_pid(path) != pid:
            continue
        try:
            deleted += settle(path)
        except Exception:
            logger.exception("Could not settle the media journal %s; it is kept.", path)
    if deleted:
        logger.warning(
            "Deleted %d media file(s) that process %s wrote but never committed: %s",
            len(deleted),
            pid,
            ", ".join(deleted),
        )
    return deleted


def running(pid):
    """Whether a process with this id exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_dead_journals():
    """Settle the journals of every process that no longer runs; return the names deleted."""
    folder = journal_dir()
    pids = {journal_pid(path) for path in folder.iterdir()} if folder.is_dir() else set()
    deleted = []
    for pid in sorted(pid for pid in pids if pid is not None and not running(pid)):
        deleted += sweep_journals(pid)
    return deleted


class JournaledStorageMixin:
    """For the default storage: journal each file written during a request, under its final name."""

    def _save(self, name, content):
        name = super()._save(name, content)
        if journaling():
            try:
                record(name)
            except BaseException:
                # A file the journal does not name could outlive a crash unseen: it goes now.
                self.delete(name)
                raise
        return name


class MediaStorage(JournaledStorageMixin, FileSystemStorage):
    """Uploads on this machine's disk, under MEDIA_ROOT."""


try:
    from storages.backends.s3 import S3Storage
except (ImportError, ImproperlyConfigured):
    # django-storages[s3] brings boto3; without it only the disk is on offer.
    S3Storage = None

if S3Storage is not None:

    class S3MediaStorage(JournaledStorageMixin, S3Storage):
        """Uploads in an S3-compatible bucket (django-storages), for servers that share them."""
