"""Media storage on this machine's disk or in an S3-compatible bucket, and what no row references.

A picture's original is written before the transaction that records it commits; its renditions
are made after (articles/derived.py). A save that fails, or a worker killed half-way, can leave
a file that no row names. `unreferenced` finds such files; `manage.py media_orphans` lists or
deletes them, and gunicorn runs it when it starts (`gunicorn.conf.py`).
"""

import posixpath

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.db.models import FileField

# Names asked about per query: well under every database's limit on bound parameters.
QUERY_BATCH = 500


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


def orphans(storage, older_than):
    """The files no row references that were last changed before `older_than` (a datetime)."""
    # The database first: it rules out nearly every file without asking storage about it.
    for name in unreferenced(stored_names(storage)):
        try:
            if storage.get_modified_time(name) > older_than:
                continue
            size = storage.size(name)
        except FileNotFoundError:
            # Deleted since it was listed: nothing left to report.
            continue
        yield name, size


def shared(storage):
    """Whether other servers write to this storage too (a bucket), or only this one (a disk)."""
    return not isinstance(storage, FileSystemStorage)


class MediaStorage(FileSystemStorage):
    """Uploads on this machine's disk, under MEDIA_ROOT."""


try:
    from storages.backends.s3 import S3Storage
except (ImportError, ImproperlyConfigured):
    # django-storages[s3] brings boto3; without it only the disk is on offer.
    S3Storage = None

if S3Storage is not None:

    class S3MediaStorage(S3Storage):
        """Uploads in an S3-compatible bucket (django-storages), for servers that share them."""
