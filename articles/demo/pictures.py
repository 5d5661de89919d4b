"""Pictures for the demo magazine, drawn with Pillow so that the demo ships no photographs."""

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

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


# The summit hall: what a photograph of a conference looks like from the back of the room.
HALL_WALL = (104, 92, 80)
HALL_CEILING = (22, 24, 30)
BANNER = (30, 64, 112)
# Plain flags in muted colours, so that none stands for a real country's flag.
FLAG_COLOURS = [(150, 92, 84), (92, 120, 104), (176, 160, 118), (92, 106, 140), (128, 124, 132)]
CLOTHES = [(34, 36, 44), (52, 50, 58), (70, 74, 86), (30, 42, 66), (96, 88, 80), (200, 196, 186)]
HAIR = [(22, 18, 16), (36, 28, 24), (58, 46, 38), (120, 116, 110)]


def _glow(centre, radius, colour, strength):
    """A soft pool of light, as a layer to lay over the picture."""
    mask = Image.radial_gradient("L").resize((radius * 2, radius * 2))
    # The gradient is 181 at the middle of each edge: fade to nothing there, not a hard square.
    mask = mask.point(lambda value: int(strength * max(0.0, 1 - value / 181) ** 2))
    layer = Image.new("RGBA", SIZE, (*colour, 0))
    spot = Image.new("RGBA", mask.size, (*colour, 255))
    spot.putalpha(mask)
    layer.alpha_composite(spot, (centre[0] - radius, centre[1] - radius))
    return layer


def _room(image, draw):
    width, height = SIZE
    draw.rectangle((0, 0, width, 120), fill=HALL_CEILING)
    for x in range(40, width, 190):
        draw.ellipse((x, 52, x + 36, 66), fill=(255, 240, 210))
    # Wood panels on the back wall, darker towards the sides.
    for left in range(0, width, 100):
        shade = 1 - abs(left + 50 - width / 2) / width
        colour = tuple(int(channel * (0.55 + 0.45 * shade)) for channel in HALL_WALL)
        draw.rectangle((left, 120, left + 98, 470), fill=colour)
        draw.line((left + 99, 120, left + 99, 470), fill=(40, 34, 30))
    draw.rectangle((0, 114, width, 124), fill=(60, 54, 50))


def _stage(draw, rng):
    # The banner: a plain blue cloth with an emblem and lines of lettering too small to read.
    draw.rectangle((470, 150, 1130, 300), fill=BANNER)
    draw.ellipse((500, 170, 600, 270), outline=(228, 222, 200), width=6)
    draw.ellipse((530, 200, 570, 240), fill=(228, 222, 200))
    for row, (length, thick) in enumerate(((470, 22), (380, 14), (300, 10))):
        top = 182 + row * 34
        draw.rounded_rectangle(
            (630, top, 630 + length, top + thick), radius=4, fill=(232, 226, 206)
        )
    for index in range(14):
        x = 150 + index * 94 + (150 if index >= 7 else 0)
        if 470 < x < 1130:
            continue
        draw.line((x, 250, x, 470), fill=(190, 180, 150), width=4)
        colours = rng.sample(FLAG_COLOURS, 3)
        for band, colour in enumerate(colours):
            draw.rectangle((x + 3, 258 + band * 26, x + 70, 284 + band * 26), fill=colour)
        draw.line((x + 70, 258, x + 60, 336), fill=(0, 0, 0, 60), width=8)
    # The platform, the head table in its white cloth, and the people seated at it.
    draw.rectangle((260, 470, 1340, 500), fill=(150, 112, 78))
    draw.rectangle((260, 500, 1340, 548), fill=(64, 46, 36))
    for index in range(9):
        x = 430 + index * 92
        draw.rounded_rectangle((x - 26, 400, x + 26, 470), radius=14, fill=rng.choice(CLOTHES[:4]))
        draw.ellipse((x - 14, 368, x + 14, 402), fill=(92, 64, 48))
    draw.rectangle((380, 430, 1220, 470), fill=(236, 232, 222))
    draw.rectangle((380, 466, 1220, 474), fill=(196, 190, 178))
    for index in range(9):
        x = 430 + index * 92
        draw.rectangle((x - 12, 424, x + 12, 432), fill=(250, 250, 244))
        draw.line((x + 20, 430, x + 26, 408), fill=(30, 30, 30), width=3)
    # A lectern to one side, with a small emblem.
    draw.polygon([(1236, 392), (1318, 392), (1308, 500), (1246, 500)], fill=(118, 82, 56))
    draw.rectangle((1232, 386, 1322, 398), fill=(146, 106, 72))
    draw.ellipse((1264, 416, 1290, 442), outline=(228, 222, 200), width=3)


def _audience(draw, rng, rows):
    """Rows of delegates at desks, seen from behind, from the back row to the front."""
    width = SIZE[0]
    for row in rows:
        scale = 0.42 + row * 0.2
        y = int(548 + 30 * row + 8 * row * row)
        # The desk the row sits at: a light top and a dark front, either side of the aisle.
        aisle = 40 * scale
        for left, right in ((-200, width / 2 - aisle), (width / 2 + aisle, width + 200)):
            draw.rectangle((left, y - 26 * scale, right, y - 18 * scale), fill=(226, 220, 206))
            draw.rectangle((left, y - 18 * scale, right, y + 6 * scale), fill=(78, 60, 48))
        spacing = 74 * scale
        x = -spacing * rng.random()
        while x < width + spacing:
            if abs(x - width / 2) > aisle + 24 * scale and rng.random() < 0.9:
                shoulders = 32 * scale
                head = 13 * scale
                top = y - 12 * scale
                body = rng.choice(CLOTHES)
                draw.rounded_rectangle(
                    (x - shoulders, top, x + shoulders, y + 60 * scale),
                    radius=int(14 * scale),
                    fill=body,
                )
                centre = (x + rng.uniform(-3, 3) * scale, top - head * 0.8)
                draw.ellipse(
                    (centre[0] - head, centre[1] - head * 1.2, centre[0] + head, centre[1] + head),
                    fill=rng.choice(HAIR),
                )
            x += spacing * rng.uniform(0.92, 1.08)


def _grain(rng):
    """Film grain from the seeded generator, so that the same seed gives the same picture."""
    small = (SIZE[0] // 2, SIZE[1] // 2)
    noise = Image.frombytes("L", small, rng.randbytes(small[0] * small[1]))
    return noise.resize(SIZE, Image.Resampling.BILINEAR)


def _tag(image, text):
    """A small label in the bottom-left corner, readable on the page, out of the picture's way."""
    draw = ImageDraw.Draw(image, "RGBA")
    font = ImageFont.load_default(size=48)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    box = (28, SIZE[1] - 28 - (bottom - top) - 36, 28 + (right - left) + 44, SIZE[1] - 28)
    draw.rounded_rectangle(box, radius=12, fill=(12, 14, 18, 205))
    draw.text((box[0] + 22 - left, box[1] + 18 - top), text, font=font, fill=(250, 248, 240))


def stand_in(seed="stand-in"):
    """JPEG bytes of a photograph-like summit hall, tagged in a corner as a stand-in."""
    rng = random.Random(seed)
    image = _gradient(HALL_CEILING, (70, 60, 52))
    draw = ImageDraw.Draw(image, "RGBA")
    _room(image, draw)
    _stage(draw, rng)
    _audience(draw, rng, rows=range(0, 5))
    image = image.filter(ImageFilter.GaussianBlur(1.6)).convert("RGBA")
    # Stage lights: warm pools on the platform and the banner, then the front rows, out of focus.
    image.alpha_composite(_glow((800, 360), 560, (255, 214, 160), 110))
    image.alpha_composite(_glow((1277, 430), 160, (255, 230, 190), 70))
    beams = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    for top, bottom in ((420, 560), (800, 800), (1180, 1040)):
        ImageDraw.Draw(beams).polygon(
            [(top - 30, 60), (top + 30, 60), (bottom + 200, 500), (bottom - 200, 500)],
            fill=(255, 236, 200, 34),
        )
    image.alpha_composite(beams.filter(ImageFilter.GaussianBlur(24)))
    front = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    _audience(ImageDraw.Draw(front), rng, rows=range(5, 9))
    image.alpha_composite(front.filter(ImageFilter.GaussianBlur(4)))
    # A vignette, as a lens darkens the corners, and grain, as a sensor adds it in a dim room.
    edges = (
        Image.radial_gradient("L").resize(SIZE).point(lambda value: min(255, value) * 150 // 255)
    )
    image = Image.composite(Image.new("RGBA", SIZE, (0, 0, 0, 255)), image, edges).convert("RGB")
    grain = _grain(rng)
    image = Image.blend(image, Image.merge("RGB", (grain, grain, grain)), 0.06)
    _tag(image, "Stand-in image")
    return _jpeg(image)
