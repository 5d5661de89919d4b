"""`manage.py restore ARCHIVE`: bring back the database and the media from a backup."""

from functools import partial

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ... import backups
from .renditions import ProgressStream


class Command(BaseCommand):
    help = (
        "Replace the database and write the media files from an archive made by `manage.py "
        "backup`. Stop the site first: nothing else should use the database meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by `manage.py backup`.")
        parser.add_argument(
            "--yes",
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, archive, interactive=True, verbosity=1, **options):
        with backups.open_archive(archive) as opened:
            manifest = opened.manifest
            vendor = backups.vendor_name(opened.vendor)
            if interactive and not self.confirm(opened, vendor):
                raise CommandError("Restore cancelled. Nothing was changed.")
            progress = partial(tqdm, file=ProgressStream(self.stderr), disable=verbosity < 1)
            backups.restore_backup(opened, progress=progress)
        if verbosity >= 1:
            self.stdout.write(
                f"Restored the {vendor} database and {len(opened.media)} media files from the "
                f"backup of {manifest['created']}."
            )
            if opened.missing_migrations:
                self.stdout.write(
                    "The backup is from an older version of the magazine: "
                    "run `manage.py migrate` before starting the site."
                )

    def confirm(self, archive, vendor):
        self.stdout.write(
            f"This replaces the {vendor} database and writes {len(archive.media)} media files "
            f"from the backup of {archive.manifest['created']}.\n"
            "Everything written since that backup will be lost. Stop the site before going on."
        )
        answer = input("Type 'yes' to restore: ")
        return answer.strip().lower() == "yes"
