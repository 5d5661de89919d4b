"""`manage.py media_orphans [--delete] [--older-than MINUTES]`: media files no row references."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...storage import orphans

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
        found = []
        total = 0
        for name, size in orphans(storage, cutoff):
            found.append(name)
            total += size
            self.stdout.write(f"{name}  {size_text(size)}")
        age = f"older than {older_than} minutes"
        if not found:
            self.stdout.write(f"No orphan media files {age}.")
            return
        if not delete:
            self.stdout.write(
                f"{len(found)} orphan media file(s) {age}, {size_text(total)} in all. "
                "Run again with --delete to remove them."
            )
            return
        for name in found:
            storage.delete(name)
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {len(found)} orphan media file(s) {age}, {size_text(total)} in all."
            )
        )
