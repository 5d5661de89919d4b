"""The demo magazine's own objects: a print issue, two years of masthead, corrections, a series,
and the extra pictures its richest piece shows in its body."""

import io
from dataclasses import dataclass
from datetime import timedelta

from PIL import Image, ImageDraw, ImageFont

from . import pictures

# The first print issue holds the pieces published in the weeks before its date.
ISSUE_VOLUME = 1
ISSUE_NUMBER = 1
ISSUE_SLUG = "vol-1-no-1"
ISSUE_DAYS_AGO = 5
ISSUE_INTRODUCTION = (
    "Welcome to the first print issue of the magazine. It gathers the reporting, analysis and "
    "reviews our writers published online this term, set for reading on paper.\n\n"
    "Copies are in the library foyer and the union café; the whole issue is here as a PDF."
)
# The pieces of the issue, in the order its contents list them within each section.
ISSUE_CONTENTS = [
    "solar-power-reaches-the-last-mile-in-rural-tanzania",
    "student-union-elections-turnout-up-trust-still-low",
    "library-to-stay-open-until-2am-during-exams",
    "the-seagull-at-the-drama-studio-review",
    "counting-microplastics-in-the-river-alder",
    "our-exam-timetable-is-built-for-the-registry-not-for-students",
]

SERIES_SLUG = "living-with-a-changing-climate"
SERIES_TITLE = "Living with a Changing Climate"
SERIES_DESCRIPTION = (
    "How people in farming villages and coastal cities are adapting to a climate that is "
    "already different from the one they grew up with."
)
# In order; the last is still a draft, so readers see two parts until it is published.
SERIES_PARTS = [
    "solar-power-reaches-the-last-mile-in-rural-tanzania",
    "when-the-rains-fail-farming-through-drought-in-east-africa",
    "learning-from-coastal-cities-flood-defences",
]

# (contributor slug, title) in masthead order, for the academic year before this one and this one.
MASTHEAD_LAST_YEAR = [
    ("tomasz-wierzbicki", "Editor-in-Chief"),
    ("ines-castellanos", "News Editor"),
    ("niamh-adeyemi", "Culture Editor"),
]
MASTHEAD_THIS_YEAR = [
    ("ines-castellanos", "Editor-in-Chief"),
    ("tomasz-wierzbicki", "Science Editor"),
    ("niamh-adeyemi", "Culture Editor"),
    ("pipa-powers", "World Editor"),
    ("rohan-mehta-clarke", "Opinion Editor"),
]
CLASS_YEARS = {
    "ines-castellanos": 2027,
    "niamh-adeyemi": 2027,
    "rohan-mehta-clarke": 2028,
    "pipa-powers": 2029,
}
PRONOUNS = {"ines-castellanos": "she/her", "niamh-adeyemi": "she/her", "pipa-powers": "she/her"}

# (piece slug, kind, days after the piece was published, text)
CORRECTIONS = [
    (
        "library-to-stay-open-until-2am-during-exams",
        "correction",
        2,
        "An earlier version of this piece said the library would stay open until 2am every "
        "night of the exam period. It stays open until 2am from Monday to Thursday, and until "
        "midnight from Friday to Sunday.",
    ),
    (
        "student-union-elections-turnout-up-trust-still-low",
        "update",
        1,
        "The returning officer has confirmed the final turnout at 31.4 per cent, slightly "
        "above the provisional figure reported here.",
    ),
]


@dataclass(frozen=True)
class BodyPicture:
    """A picture the rich demo piece shows in its body, named @name there."""

    name: str
    motif: str
    palette: str
    alt_text: str
    caption: str
    title: str


# The microplastics piece shows these: one inline, three in a gallery.
BODY_PICTURES = [
    BodyPicture(
        "sieve",
        "river",
        "mint",
        "Illustration of a fine mesh sieve held over moving water, with coloured specks caught "
        "in it.",
        "Each sample was poured through a mesh finer than a hair.",
        "Through the mesh",
    ),
    BodyPicture(
        "reservoir",
        "river",
        "savanna",
        "Illustration of calm water under a pale sky, with a few scattered specks.",
        "Site 1, below the reservoir: the fewest particles.",
        "Site 1, the reservoir",
    ),
    BodyPicture(
        "weir",
        "river",
        "slate",
        "Illustration of darker churning water with more coloured specks.",
        "Site 3, the old weir: fibres caught in the churn.",
        "Site 3, the weir",
    ),
    BodyPicture(
        "works",
        "river",
        "coral",
        "Illustration of murky water dense with red and yellow specks.",
        "Site 4, below the treatment works: the most particles.",
        "Site 4, the works",
    ),
]


def academic_year_of(day):
    """The year the academic year containing `day` started in: it starts in September."""
    return day.year if day.month >= 9 else day.year - 1


def season_title(day):
    """ "Autumn 2026" for a day in September to November, and so on."""
    seasons = {12: "Winter", 1: "Winter", 2: "Winter", 3: "Spring", 4: "Spring", 5: "Spring"}
    seasons |= {6: "Summer", 7: "Summer", 8: "Summer", 9: "Autumn", 10: "Autumn", 11: "Autumn"}
    year = day.year - 1 if day.month in (1, 2) else day.year
    return f"{seasons[day.month]} {year}"


def issue_date(today):
    return today - timedelta(days=ISSUE_DAYS_AGO)


COVER_SIZE = (1200, 1600)


def cover(magazine_name, title, seed):
    """JPEG bytes of a drawn cover: an illustration under the magazine's name and the issue's."""
    art = Image.open(io.BytesIO(pictures.illustration("fields", "ochre", seed=seed)))
    # The illustration fills the lower part of a portrait page; the name sits on paper above.
    page = Image.new("RGB", COVER_SIZE, (246, 241, 230))
    art = art.resize((int(art.width * 1000 / art.height), 1000))
    left = (art.width - COVER_SIZE[0]) // 2
    page.paste(art.crop((left, 0, left + COVER_SIZE[0], 1000)), (0, 600))
    draw = ImageDraw.Draw(page)
    name_font = ImageFont.load_default(size=118)
    line_font = ImageFont.load_default(size=52)
    draw.text((70, 120), magazine_name, font=name_font, fill=(28, 26, 24))
    draw.line((70, 300, COVER_SIZE[0] - 70, 300), fill=(160, 52, 40), width=8)
    draw.text((70, 350), title, font=line_font, fill=(28, 26, 24))
    draw.text(
        (70, 430), f"Vol. {ISSUE_VOLUME}, No. {ISSUE_NUMBER}", font=line_font, fill=(90, 84, 76)
    )
    buffer = io.BytesIO()
    page.save(buffer, "JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def edition_pdf(cover_bytes, magazine_name, title, headlines):
    """PDF bytes of a small print edition: the cover, then a contents page."""
    front = Image.open(io.BytesIO(cover_bytes)).convert("RGB")
    contents = Image.new("RGB", COVER_SIZE, (255, 255, 255))
    draw = ImageDraw.Draw(contents)
    heading = ImageFont.load_default(size=64)
    entry = ImageFont.load_default(size=34)
    draw.text((90, 110), "In this issue", font=heading, fill=(20, 20, 20))
    draw.text((90, 200), f"{magazine_name} · {title}", font=entry, fill=(90, 90, 90))
    for number, headline in enumerate(headlines):
        draw.text((90, 320 + number * 90), headline, font=entry, fill=(20, 20, 20))
    buffer = io.BytesIO()
    front.save(buffer, "PDF", resolution=150, save_all=True, append_images=[contents])
    return buffer.getvalue()
