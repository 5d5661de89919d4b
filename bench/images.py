"""How big and how slow the renditions of a 12-megapixel photograph are: `make bench-images`.

It draws a photograph-like picture in memory, saves it as a JPEG original, and runs it through
the functions the app uses when a picture is saved (articles.renditions), without a database.
A measurement to read, not a test: nothing here passes or fails.
"""

import io
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

SIZE = (4000, 3000)
ORIGINAL_QUALITY = 90


def photograph(seed=2026):
    """A picture that compresses like a photograph: soft light, shapes, edges and sensor noise."""
    rng = random.Random(seed)
    width, height = SIZE
    # Sky-to-ground light in each channel at a different angle, as daylight falls on a scene.
    across = Image.linear_gradient("L").rotate(90).resize(SIZE)
    down = Image.linear_gradient("L").resize(SIZE)
    glow = Image.radial_gradient("L").resize(SIZE)
    picture = Image.merge(
        "RGB",
        (
            across.point(lambda v: 60 + v * 0.6),
            down.point(lambda v: 200 - v * 0.5),
            glow.point(lambda v: 90 + v * 0.4),
        ),
    )
    draw = ImageDraw.Draw(picture, "RGBA")
    # Large soft forms (buildings, people, hills), then a field of small detail (leaves, gravel).
    for _ in range(60):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        w, h = rng.uniform(200, 1400), rng.uniform(200, 1200)
        colour = tuple(rng.randrange(256) for _ in range(3)) + (rng.randrange(90, 220),)
        shape = rng.choice((draw.ellipse, draw.rectangle))
        shape((x, y, x + w, y + h), fill=colour)
    for _ in range(25000):
        x, y = rng.uniform(0, width), rng.uniform(height * 0.45, height)
        r = rng.uniform(2, 14)
        colour = tuple(rng.randrange(40, 220) for _ in range(3)) + (rng.randrange(60, 200),)
        draw.ellipse((x, y, x + r, y + r * rng.uniform(0.5, 1.5)), fill=colour)
    for _ in range(400):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        length, lean = rng.uniform(50, 600), rng.uniform(-80, 80)
        draw.line((x, y, x + lean, y + length), fill=(20, 20, 20, 160), width=rng.randint(1, 6))
    # A lens never draws a perfectly hard edge.
    picture = picture.filter(ImageFilter.GaussianBlur(1.2))
    # Sensor noise, different in each channel, around zero.
    noise = Image.merge("RGB", [Image.effect_noise(SIZE, 7) for _ in range(3)])
    return ImageChops.add(picture, noise, scale=1.0, offset=-128)


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    # Only the settings are read, to import the app's module: no database, no secret in use.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from articles import renditions

    print("Drawing a 4000 × 3000 photograph-like picture…", flush=True)
    buffer = io.BytesIO()
    photograph().save(buffer, "JPEG", quality=ORIGINAL_QUALITY)
    original_bytes = buffer.getvalue()
    print(f"Original: JPEG q{ORIGINAL_QUALITY}, {len(original_bytes):,} bytes\n")

    started = time.perf_counter()
    original = Image.open(io.BytesIO(original_bytes))
    picture = renditions.prepare(original)
    prepared = time.perf_counter() - started

    rows = []
    seconds = defaultdict(float)
    for width in renditions.widths_for(picture.width):
        began = time.perf_counter()
        resized = renditions.resize_to_width(picture, width)
        seconds["resizing"] += time.perf_counter() - began
        for format in renditions.FORMATS:
            began = time.perf_counter()
            data = renditions.encode(resized, format)
            took = time.perf_counter() - began
            seconds[format] += took
            rows.append((f"{resized.width}×{resized.height}", format, len(data), took))
    for letterbox, label in ((False, "share, cut"), (True, "share, letterboxed")):
        began = time.perf_counter()
        card = renditions.share_card(picture, letterbox=letterbox)
        data = renditions.encode(card, "jpeg")
        took = time.perf_counter() - began
        rows.append((label, "jpeg", len(data), took))

    print(f"{'size':<20} {'format':<6} {'bytes':>10} {'of original':>12} {'seconds':>8}")
    for size, format, length, took in rows:
        share = length / len(original_bytes)
        print(f"{size:<20} {format:<6} {length:>10,} {share:>11.2%} {took:>8.2f}")
    widths_total = sum(length for size, _, length, _ in rows if not size.startswith("share"))
    print(
        f"{'all widths':<20} {'':<6} {widths_total:>10,} "
        f"{widths_total / len(original_bytes):>11.2%}"
    )

    print("\nTime by step (seconds):")
    print(f"  decoding and preparing   {prepared:6.2f}")
    print(f"  resizing to the widths   {seconds['resizing']:6.2f}")
    for format in renditions.FORMATS:
        print(f"  encoding {format:<15} {seconds[format]:6.2f}")

    # What saving a picture costs: the same generator make_renditions() writes to storage.
    began = time.perf_counter()
    made = list(renditions.render(Image.open(io.BytesIO(original_bytes))))
    print(
        f"\nrender(), as on saving a picture: {len(made)} renditions "
        f"in {time.perf_counter() - began:.2f} s"
    )


if __name__ == "__main__":
    main()
