"""`manage.py backup`: one archive of the database and the media, taken while the site runs."""

from functools import partial
from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from ... import backups
from .renditions import ProgressStream


class Command(BaseCommand):
    help = (
        "Write one .tar.gz archive holding a consistent snapshot of the database (SQLite's "
        "online backup, or pg_dump) and every media file, while the site keeps serving."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="The archive to write, or a folder to write it in. "
            "Default: magazine-backup-<UTC time>.tar.gz in the current folder.",
        )

    def handle(self, *args, output=None, verbosity=1, **options):
        target = Path(output) if output else Path(backups.default_archive_name())
        if target.is_dir():
            target = target / backups.default_archive_name()
        progress = partial(tqdm, file=ProgressStream(self.stderr), disable=verbosity < 1)
        manifest = backups.create_backup(target, progress=progress)
        media = manifest["media"]
        if verbosity >= 1:
            self.stdout.write(
                f"Backed up the {backups.vendor_name(manifest['vendor'])} database and "
                f"{media['files']} media files ({media['bytes'] / 1024 / 1024:.1f} MB) "
                f"to {target}"
            )
            if media["vanished"]:
                self.stdout.write(
                    f"Media files deleted while the backup ran, so not in it: "
                    f"{len(media['vanished'])} (named in its manifest.json)."
                )
