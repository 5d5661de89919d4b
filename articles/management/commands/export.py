"""`manage.py export FOLDER`: the whole magazine as Markdown files with YAML front matter."""

from functools import partial

from django.core.management.base import BaseCommand
from tqdm import tqdm

from ... import portability
from .renditions import ProgressStream


class Command(BaseCommand):
    help = (
        "Write every section, contributor, picture (with its credit and original file), "
        "piece (whatever its status, with its corrections), print issue (with its PDF), "
        "series and masthead position into a new or empty folder, for `manage.py import`."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder that does not exist yet, or is empty.")

    def handle(self, *args, folder, verbosity=1, **options):
        progress = partial(tqdm, file=ProgressStream(self.stderr), disable=verbosity < 1)
        counts = portability.export_magazine(
            folder,
            progress=progress,
            warn=lambda message: self.stderr.write(self.style.WARNING(message)),
        )
        if verbosity >= 1:
            self.stdout.write(f"Exported {portability.in_words(counts)} to {folder}")
