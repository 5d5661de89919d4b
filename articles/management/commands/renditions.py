"""Make the renditions every picture lacks, or with --rebuild all of them again."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from ... import derived
from ...models import Image
from ...renditions import KINDS, make_renditions, stale_kinds


class ProgressStream:
    """Django's output wrapper ends each write with a newline; a progress bar redraws its line."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")

    def flush(self):
        self.wrapper.flush()


class Command(BaseCommand):
    help = (
        "Make the resized copies (AVIF, WebP, JPEG and the share card) that pictures lack or "
        "have outgrown. --rebuild makes every picture's again, after a change of recipe."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Remake every rendition, current or not."
        )

    def handle(self, *args, rebuild=False, verbosity=1, **options):
        started = time.monotonic()
        images = Image.objects.select_related("credit").prefetch_related("renditions")
        total, made, failed = images.count(), 0, []
        progress = tqdm(
            images.iterator(chunk_size=100),
            total=total,
            unit="picture",
            file=ProgressStream(self.stderr),
            disable=verbosity < 1,
        )
        for image in progress:
            kinds = KINDS if rebuild else stale_kinds(image)
            if not kinds:
                continue
            try:
                # One picture at a time: a bad original costs its own renditions, no others.
                with transaction.atomic():
                    made += len(make_renditions(image, kinds))
                    # Pages showing the picture offer its new files once this commits.
                    derived.note("pictures", image.pk)
            except Exception as error:
                # Reported at the end; the other pictures still get theirs.
                failed.append(f"picture {image.pk} ({image.file.name}): {error}")
        progress.close()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{total} {'picture' if total == 1 else 'pictures'}, {made} renditions made, "
            f"{len(failed)} failed, in {seconds:.1f} s"
        )
        if failed:
            raise CommandError("Could not make renditions for:\n" + "\n".join(failed))
