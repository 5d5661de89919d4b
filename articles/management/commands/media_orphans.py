"""`manage.py media_orphans [--delete] [--older-than MINUTES]`: media files no row references."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...storage import stored_names, unreferenced

DEFAULT_MINUTES = 60


def size_text(size):
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


class Command(BaseCommand):
    help = (
        "List the files in the media storage that no picture or rendition references and that "
        "are older than an hour (orphans of a crash or an older version); --delete removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help="Delete the orphans instead of only listing them."
        )
        parser.add_argument(
            "--older-than",
            type=int,
            default=DEFAULT_MINUTES,
            metavar="MINUTES",
            help="Only files last changed at least this many minutes ago (default "
            f"{DEFAULT_MINUTES}): a younger one may belong to a save still in progress.",
        )

    def handle(self, *args, delete=False, older_than=DEFAULT_MINUTES, **options):
        if older_than < 0:
            raise CommandError("--older-than is a number of minutes: 0 or more.")
        storage = default_storage
        cutoff = timezone.now() - timedelta(minutes=older_than)
        orphans = []
        total = 0
        # The database first: it rules out nearly every file without asking storage about it.
        for name in unreferenced(stored_names(storage)):
            try:
                if storage.get_modified_time(name) > cutoff:
                    continue
                size = storage.size(name)
            except FileNotFoundError:
                # Deleted since it was listed: nothing left to report.
                continue
            orphans.append(name)
            total += size
            self.stdout.write(f"{name}  {size_text(size)}")
        age = f"older than {older_than} minutes"
        if not orphans:
            self.stdout.write(f"No orphan media files {age}.")
            return
        if not delete:
            self.stdout.write(
                f"{len(orphans)} orphan media file(s) {age}, {size_text(total)} in all. "
                "Run again with --delete to remove them."
            )
            return
        for name in orphans:
            storage.delete(name)
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {len(orphans)} orphan media file(s) {age}, {size_text(total)} in all."
            )
        )
