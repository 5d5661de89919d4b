"""Pictures for the demo magazine, drawn with Pillow so that the demo ships no photographs."""

import io
import math
import random

from PIL import Image, ImageDraw, ImageFont

SIZE = (1600, 900)
QUALITY = 85

# Each palette: (top of the sky, bottom of the ground, main accent, second accent).
PALETTES = {
    "slate": ((62, 70, 82), (128, 122, 112), (178, 160, 122), (112, 128, 124)),
    "ochre": ((236, 196, 132), (150, 96, 52), (250, 232, 190), (112, 70, 40)),
    "savanna": ((126, 176, 196), (92, 118, 64), (246, 206, 92), (36, 52, 74)),
    "ink": ((16, 22, 44), (44, 50, 78), (250, 204, 120), (92, 104, 150)),
    "claret": ((36, 10, 22), (92, 24, 44), (252, 236, 200), (168, 40, 60)),
    "river": ((170, 206, 214), (28, 84, 96), (236, 86, 72), (250, 204, 64)),
    "mint": ((216, 236, 222), (120, 170, 150), (36, 70, 84), (232, 110, 84)),
    "plum": ((54, 36, 72), (150, 96, 126), (246, 220, 150), (30, 20, 40)),
    "coral": ((250, 214, 186), (206, 104, 96), (40, 44, 70), (255, 244, 224)),
}


def _gradient(top, bottom):
    # A 256-step greyscale ramp, stretched, blends two flat colours quickly at any size.
    mask = Image.linear_gradient("L").resize(SIZE)
    return Image.composite(Image.new("RGB", SIZE, bottom), Image.new("RGB", SIZE, top), mask)


def _rgba(colour, alpha):
    return (*colour, alpha)


def _rotated_rect(centre, width, height, degrees):
    cx, cy = centre
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    corners = [
        (-width / 2, -height / 2),
        (width / 2, -height / 2),
        (width / 2, height / 2),
        (-width / 2, height / 2),
    ]
    return [(cx + x * cos - y * sin, cy + x * sin + y * cos) for x, y in corners]


def _fields(draw, rng, palette):
    _, ground, accent, dark = palette
    width, height = SIZE
    horizon = int(height * 0.55)
    draw.ellipse((1040, horizon - 230, 1360, horizon + 90), fill=_rgba(accent, 230))
    draw.rectangle((0, horizon, width, height), fill=_rgba(ground, 255))
    vanishing = (width * 0.62, horizon)
    for x in range(-1600, 3400, 140):
        draw.line((vanishing, (x, height)), fill=_rgba(dark, 150), width=5)
    for _ in range(40):
        x, y = rng.uniform(0, width), rng.uniform(horizon + 40, height)
        length = rng.uniform(20, 70)
        draw.line((x, y, x + length, y + rng.uniform(-18, 18)), fill=_rgba(dark, 200), width=3)
    draw.line((0, horizon, width, horizon), fill=_rgba(dark, 180), width=4)


def _panels(draw, rng, palette):
    _, _, accent, dark = palette
    draw.ellipse((140, 90, 360, 310), fill=_rgba(accent, 240))
    for row in range(3):
        top = 430 + row * 150
        for column in range(7):
            left = 80 + column * 215 + row * 40
            shape = [
                (left, top),
                (left + 180, top),
                (left + 150, top + 110),
                (left - 30, top + 110),
            ]
            draw.polygon(shape, fill=_rgba(dark, 235), outline=_rgba(accent, 200))
            draw.line((left + 75, top, left + 60, top + 110), fill=_rgba(accent, 90), width=2)
            draw.line((left - 15, top + 55, left + 165, top + 55), fill=_rgba(accent, 90), width=2)
    draw.line((0, 880, 1600, 880), fill=_rgba(dark, 255), width=40)


def _ballots(draw, rng, palette):
    _, _, dark, accent = palette
    paper = (250, 246, 236)
    draw.rectangle((560, 430, 1040, 860), fill=_rgba(dark, 240))
    draw.rectangle((700, 420, 900, 440), fill=_rgba(accent, 255))
    for _ in range(14):
        centre = (rng.uniform(120, 1480), rng.uniform(90, 420))
        corners = _rotated_rect(centre, 150, 200, rng.uniform(-35, 35))
        draw.polygon(corners, fill=_rgba(paper, 240), outline=_rgba(dark, 160))
        cx, cy = centre
        draw.line(
            (cx - 30, cy, cx - 8, cy + 24, cx + 34, cy - 30), fill=_rgba(accent, 230), width=8
        )


def _windows(draw, rng, palette):
    _, _, accent, dark = palette
    draw.ellipse((1300, 80, 1420, 200), fill=_rgba(accent, 200))
    for _ in range(70):
        x, y = rng.uniform(0, 1600), rng.uniform(0, 320)
        draw.ellipse((x, y, x + 3, y + 3), fill=(255, 255, 255, 170))
    draw.rectangle((260, 300, 1340, 900), fill=_rgba(dark, 255))
    draw.polygon([(220, 300), (800, 170), (1380, 300)], fill=_rgba(dark, 255))
    for row in range(5):
        for column in range(9):
            left, top = 310 + column * 115, 350 + row * 105
            lit = rng.random() < 0.45
            colour = _rgba(accent, 240) if lit else (20, 24, 40, 255)
            draw.rectangle((left, top, left + 70, top + 70), fill=colour)


def _stage(draw, rng, palette):
    _, floor, accent, curtain = palette
    draw.rectangle((0, 700, 1600, 900), fill=_rgba(floor, 255))
    for x, target in ((300, 560), (800, 800), (1300, 1040)):
        draw.polygon(
            [(x - 30, 0), (x + 30, 0), (target + 170, 760), (target - 170, 760)],
            fill=_rgba(accent, 70),
        )
        draw.ellipse((target - 190, 720, target + 190, 800), fill=_rgba(accent, 110))
    for side in (0, 1):
        for fold in range(6):
            left = fold * 45 if side == 0 else 1600 - (fold + 1) * 45
            shade = 255 - fold * 18
            draw.rectangle((left, 0, left + 45, 900), fill=_rgba(curtain, shade))
    draw.rectangle((0, 0, 1600, 70), fill=_rgba(curtain, 255))


def _river(draw, rng, palette):
    _, water, accent, second = palette
    for band in range(7):
        base = 360 + band * 80
        phase = rng.uniform(0, math.tau)
        points = [(x, base + 26 * math.sin(x / 170 + phase)) for x in range(0, 1601, 20)]
        shade = tuple(min(255, channel + 20 * (6 - band)) for channel in water)
        draw.polygon([*points, (1600, 900), (0, 900)], fill=_rgba(shade, 255))
    for _ in range(90):
        x, y, r = rng.uniform(0, 1600), rng.uniform(420, 890), rng.uniform(3, 9)
        colour = accent if rng.random() < 0.5 else second
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_rgba(colour, 230))


def _calendar(draw, rng, palette):
    _, _, ink, accent = palette
    for row in range(5):
        for column in range(7):
            left, top = 140 + column * 130, 170 + row * 130
            draw.rectangle((left, top, left + 110, top + 110), outline=_rgba(ink, 220), width=4)
            if rng.random() < 0.3:
                draw.rectangle(
                    (left + 10, top + 10, left + 100, top + 100), fill=_rgba(accent, 200)
                )
    cx, cy, r = 1300, 450, 190
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=_rgba(ink, 240), width=14)
    draw.line((cx, cy, cx, cy - 140), fill=_rgba(ink, 240), width=12)
    draw.line((cx, cy, cx + 100, cy + 40), fill=_rgba(ink, 240), width=12)


def _film(draw, rng, palette):
    _, _, accent, dark = palette
    strip = _rotated_rect((800, 450), 2000, 320, -12)
    draw.polygon(strip, fill=_rgba(dark, 245))
    angle = math.radians(-12)
    for step in range(-7, 8):
        cx, cy = 800 + step * 140 * math.cos(angle), 450 + step * 140 * math.sin(angle)
        draw.polygon(_rotated_rect((cx, cy), 110, 170, -12), fill=_rgba(accent, 210))
        for offset in (-135, 135):
            hx, hy = cx - offset * math.sin(angle), cy + offset * math.cos(angle)
            draw.polygon(_rotated_rect((hx, hy), 28, 22, -12), fill=_rgba(accent, 255))


MOTIFS = {
    "fields": _fields,
    "panels": _panels,
    "ballots": _ballots,
    "windows": _windows,
    "stage": _stage,
    "river": _river,
    "calendar": _calendar,
    "film": _film,
}


def _jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=QUALITY, optimize=True)
    return buffer.getvalue()


def illustration(motif, palette, seed):
    """JPEG bytes of an abstract illustration: one motif drawn in one palette."""
    colours = PALETTES[palette]
    image = _gradient(colours[0], colours[1])
    MOTIFS[motif](ImageDraw.Draw(image, "RGBA"), random.Random(seed), colours)
    return _jpeg(image)


def _wrap(text, font, width):
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and font.getlength(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _conference_hall(draw, rng):
    # Muted shapes that suggest a summit: a panelled wall, flags, a long table, chairs.
    for left in range(0, 1600, 160):
        draw.rectangle((left + 6, 40, left + 154, 560), fill=(90, 98, 110, 120))
    # Plain flags in muted colours, so that none stands for a real country's flag.
    flag_colours = [(150, 92, 84), (92, 120, 104), (176, 160, 118), (92, 106, 140), (128, 124, 132)]
    for index in range(11):
        x = 130 + index * 135
        draw.line((x, 190, x, 560), fill=(60, 60, 64, 255), width=6)
        draw.rectangle((x + 3, 200, x + 95, 320), fill=rng.choice(flag_colours))
        draw.rectangle((x + 3, 200, x + 20, 320), fill=(255, 255, 255, 40))
    draw.rectangle((0, 560, 1600, 900), fill=(96, 84, 74, 255))
    for index in range(12):
        x = 60 + index * 128
        draw.rounded_rectangle((x, 520, x + 80, 640), radius=18, fill=(52, 56, 66, 255))
    draw.rectangle((40, 610, 1560, 700), fill=(214, 206, 190, 255))
    draw.rectangle((40, 700, 1560, 760), fill=(170, 162, 148, 255))
    for index in range(12):
        x = 85 + index * 128
        draw.rectangle((x, 590, x + 30, 612), fill=(240, 238, 230, 255))


def stand_in(notice, seed="stand-in"):
    """JPEG bytes of a stand-in graphic that says on its face which photograph it replaces."""
    image = _gradient((108, 116, 126), (150, 140, 128))
    draw = ImageDraw.Draw(image, "RGBA")
    _conference_hall(draw, random.Random(seed))
    big = ImageFont.load_default(size=120)
    small = ImageFont.load_default(size=40)
    # The caller's line breaks are kept; each line is then wrapped to fit the band.
    lines = [wrapped for part in notice.splitlines() for wrapped in _wrap(part, small, 1440)]
    band_height = 190 + 56 * len(lines)
    top = (SIZE[1] - band_height) // 2
    draw.rectangle((0, top, SIZE[0], top + band_height), fill=(20, 22, 28, 215))
    draw.text((SIZE[0] / 2, top + 40), "STAND-IN IMAGE", font=big, fill="white", anchor="mt")
    for number, line in enumerate(lines):
        y = top + 180 + number * 56
        draw.text((SIZE[0] / 2, y), line, font=small, fill=(236, 232, 220), anchor="mt")
    corner = ImageFont.load_default(size=30)
    draw.rectangle((0, 0, 250, 56), fill=(20, 22, 28, 215))
    draw.text((125, 28), "STAND-IN", font=corner, fill="white", anchor="mm")
    return _jpeg(image)
