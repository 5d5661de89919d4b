"""Draws the fixture's five photographs-to-be (plain shapes; the importer reads them as JPEGs)."""

import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw

PICTURES = {
    "council-chamber.jpg": (120, 90, 60),
    "stage-lights.jpg": (20, 20, 40),
    "river-ice.jpg": (200, 220, 235),
    "river-fog.jpg": (180, 180, 180),
    "river-swans.jpg": (30, 50, 60),
}

folder = Path(sys.argv[1])
folder.mkdir(parents=True, exist_ok=True)
for seed, (name, colour) in enumerate(PICTURES.items()):
    picture = Image.new("RGB", (800, 533), colour)
    draw = ImageDraw.Draw(picture)
    rng = random.Random(seed)
    for _ in range(30):
        x, y = rng.randint(0, 800), rng.randint(0, 533)
        draw.ellipse((x, y, x + 40, y + 40), fill=tuple(rng.randint(0, 255) for _ in range(3)))
    picture.save(folder / name, quality=80)
