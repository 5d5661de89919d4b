"""`manage.py import FOLDER`: read a folder written by `manage.py export` into an empty site."""

from functools import partial

from django.core.management.base import BaseCommand
from tqdm import tqdm

from ... import portability
from .renditions import ProgressStream


class Command(BaseCommand):
    help = (
        "Read a folder written by `manage.py export` into this site, which must have no "
        "pieces, contributors, sections, pictures, issues or series yet. One bad file imports "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder written by `manage.py export`.")

    def handle(self, *args, folder, verbosity=1, **options):
        progress = partial(tqdm, file=ProgressStream(self.stderr), disable=verbosity < 1)
        counts = portability.import_magazine(folder, progress=progress)
        if verbosity >= 1:
            self.stdout.write(f"Imported {portability.in_words(counts)} from {folder}")
