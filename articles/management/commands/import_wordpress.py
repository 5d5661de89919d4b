"""`manage.py import_wordpress EXPORT.xml [--media DIR] [--section-map FILE] [--dry-run]`."""

from functools import partial

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ...wordpress import WordPressProblem, import_wordpress
from .renditions import ProgressStream


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export → All content, WXR 1.1 or 1.2): posts "
        "become pieces, authors and guest authors contributors, categories sections, "
        "attachments pictures with their credits, and old addresses redirect. One transaction; "
        "a second run of the same export changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The .xml file WordPress's exporter wrote.")
        parser.add_argument(
            "--media",
            metavar="DIR",
            help="A local copy of the site's wp-content/uploads folder; nothing is fetched.",
        )
        parser.add_argument(
            "--section-map",
            metavar="FILE",
            help="Lines of “category: Section” choosing each category's section.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything, report it, then undo it: the site is left as it was.",
        )

    def handle(self, *args, export, media=None, section_map=None, dry_run=False, **options):
        verbosity = options.get("verbosity", 1)
        progress = partial(tqdm, file=ProgressStream(self.stderr), disable=verbosity < 1)
        try:
            read, report = import_wordpress(
                export, media=media, section_map=section_map, dry_run=dry_run, progress=progress
            )
        except WordPressProblem as problem:
            raise CommandError(str(problem)) from None
        if verbosity >= 1:
            self.stdout.write("\n".join(report.lines(read, dry_run=dry_run)))
