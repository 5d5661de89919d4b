"""The demo magazine's sections, contributors and pieces, the pieces read from Markdown files."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import resources

# (name, slug, description); the order is the order in the site navigation.
SECTIONS = [
    ("World", "world", "Reporting and analysis from beyond the campus gates."),
    ("Politics", "politics", "Power on campus and off it: elections, budgets and who decides."),
    ("Culture", "culture", "Reviews and previews of student theatre, music, film and books."),
    ("Science", "science", "Research by students and staff, explained by the people doing it."),
    ("Opinion", "opinion", "Arguments from our writers and readers, signed and open to reply."),
]

# (name, slug, default role, bio). Everyone here is invented, apart from the name on the
# reference piece's byline.
CONTRIBUTORS = [
    (
        "Pipa Powers",
        "pipa-powers",
        "Contributor",
        "Pipa Powers writes on international affairs for the World section, with a particular "
        "interest in security and foreign policy in Africa.",
    ),
    (
        "Ines Castellanos",
        "ines-castellanos",
        "Staff Writer",
        "Ines Castellanos covers campus news and the student union. She is in the third year of "
        "a history degree and has never missed a union council meeting.",
    ),
    (
        "Tomasz Wierzbicki",
        "tomasz-wierzbicki",
        "Science Editor",
        "Tomasz Wierzbicki is a doctoral student in environmental chemistry and edits the "
        "Science section, where he tries to keep the jargon out.",
    ),
    (
        "Niamh Adeyemi",
        "niamh-adeyemi",
        "Culture Editor",
        "Niamh Adeyemi edits the Culture section and sees more student theatre than is strictly "
        "good for her.",
    ),
    (
        "Rohan Mehta-Clarke",
        "rohan-mehta-clarke",
        "Contributor",
        "Rohan Mehta-Clarke studies mathematics and writes occasional opinion pieces about "
        "how the university is run.",
    ),
]


# Front-matter keys whose values are comma-separated lists.
LIST_KEYS = {"tags", "contributors"}
REQUIRED_KEYS = {"headline", "slug", "section", "contributors", "status"}

_BYLINE = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<role>[^()]*)\)$")
_RELATIVE_DATE = re.compile(r"^(?:(?P<ago>\d+) days? ago|in (?P<ahead>\d+) days?)$")


@dataclass(frozen=True)
class Picture:
    """A piece's hero image: what to draw, and the facts of its credit."""

    motif: str
    palette: str
    alt_text: str
    caption: str
    title: str
    creator: str
    creator_url: str
    source_url: str
    license: str
    changes: str

    @property
    def is_stand_in(self):
        return self.motif == "stand-in"


@dataclass(frozen=True)
class Piece:
    """One demo piece as its Markdown file describes it."""

    headline: str
    slug: str
    section: str
    tags: list
    bylines: list
    standfirst: str
    content_warning: str
    status: str
    published: str
    picture: Picture | None
    body: str

    def published_at(self, now):
        """The publish date this piece's front matter asks for, relative to `now`, or None."""
        return parse_publish_date(self.published, now)


def parse_front_matter(text):
    """Split a demo file into its front matter, as a dict, and its Markdown body."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError("a demo piece must start with a '---' line")
    try:
        end = next(n for n, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    except StopIteration:
        raise ValueError("the front matter has no closing '---' line") from None
    meta = {}
    for number, line in enumerate(lines[1:end], start=2):
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon or not key.strip():
            raise ValueError(f"line {number}: expected 'key: value', got {line!r}")
        key, value = key.strip(), value.strip()
        if key in LIST_KEYS:
            meta[key] = [item.strip() for item in value.split(",") if item.strip()]
        else:
            meta[key] = value
    body = "\n".join(lines[end + 1 :]).strip() + "\n"
    return meta, body


def parse_byline(text):
    """A (name, role) pair from "Name (Role)"; a bare name has a blank role."""
    match = _BYLINE.match(text)
    if match:
        return match["name"].strip(), match["role"].strip()
    return text.strip(), ""


def parse_publish_date(spec, now):
    """The datetime a spec names: "5 days ago", "in 3 days", an ISO date or datetime, or blank."""
    spec = (spec or "").strip()
    if not spec:
        return None
    relative = _RELATIVE_DATE.match(spec)
    if relative:
        days = -int(relative["ago"]) if relative["ago"] else int(relative["ahead"])
        # Whole hours read better in the admin than the second the command happened to run.
        return now.replace(minute=0, second=0, microsecond=0) + timedelta(days=days)
    if "T" in spec or " " in spec:
        moment = datetime.fromisoformat(spec)
    else:
        moment = datetime.combine(date.fromisoformat(spec), time(9, 0))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=now.tzinfo)
    return moment


def _picture(meta):
    spec = meta.get("image", "")
    if not spec:
        return None
    motif, _, palette = (part.strip() for part in spec.partition("/"))
    return Picture(
        motif=motif,
        palette=palette,
        alt_text=meta["image_alt"],
        caption=meta.get("image_caption", ""),
        title=meta.get("credit_title", ""),
        creator=meta.get("credit_creator", ""),
        creator_url=meta.get("credit_creator_url", ""),
        source_url=meta.get("credit_source_url", ""),
        license=meta.get("credit_license", "staff"),
        changes=meta.get("credit_changes", "unmodified"),
    )


def parse_piece(text):
    """A Piece from the text of one demo file."""
    meta, body = parse_front_matter(text)
    missing = REQUIRED_KEYS - meta.keys()
    if missing:
        raise ValueError(f"front matter lacks {', '.join(sorted(missing))}")
    return Piece(
        headline=meta["headline"],
        slug=meta["slug"],
        section=meta["section"],
        tags=meta.get("tags", []),
        bylines=[parse_byline(item) for item in meta["contributors"]],
        standfirst=meta.get("standfirst", ""),
        content_warning=meta.get("content_warning", ""),
        status=meta["status"],
        published=meta.get("published", ""),
        picture=_picture(meta),
        body=body,
    )


def load_pieces():
    """Every demo piece, in file-name order."""
    folder = resources.files("articles.demo") / "pieces"
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".md")),
        key=lambda entry: entry.name,
    )
    pieces = []
    for entry in files:
        try:
            pieces.append(parse_piece(entry.read_text(encoding="utf-8")))
        except (KeyError, ValueError) as error:
            raise ValueError(f"{entry.name}: {error}") from error
    return pieces
