"""The export folder's files: YAML front matter between two '---' lines, then the body.

Also what reading them back needs: a field-by-field reader that names the file and the field
whose value is wrong, the error that carries that message, and the record of a file read.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath

import yaml
from django.core.files import File
from django.core.management.base import CommandError
from django.utils import timezone

# Format 2 added print issues, series, the masthead, corrections and pictures in bodies; a
# folder of format 1 has none of them, and reads as it did.
FORMAT = 2
READABLE_FORMATS = (1, 2)
INDEX = "magazine.md"
SECTIONS, CONTRIBUTORS, IMAGES, PIECES = "sections", "contributors", "images", "pieces"
ISSUES, SERIES, MASTHEAD = "issues", "series", "masthead"
# Kept in their pieces' files, not in a folder of their own.
CORRECTIONS = "corrections"
# What is counted, in the order it is told, and how one and several of each are called.
COUNTED = {
    SECTIONS: ("section", "sections"),
    CONTRIBUTORS: ("contributor", "contributors"),
    IMAGES: ("image", "images"),
    PIECES: ("piece", "pieces"),
    ISSUES: ("issue", "issues"),
    SERIES: ("series", "series"),
    MASTHEAD: ("masthead position", "masthead positions"),
    CORRECTIONS: ("correction or update", "corrections and updates"),
}
CREDIT_FIELDS = (
    "title",
    "creator",
    "creator_url",
    "source_url",
    "license",
    "permission_from",
    "changes",
)


class FrontMatterDumper(yaml.SafeDumper):
    """YAML with ISO 8601 dates (a T between date and time) and text of several lines as a block."""


def _represent_moment(dumper, moment):
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", moment.isoformat())


def _represent_text(dumper, text):
    # PyYAML itself falls back to quotes where a block could not hold the text exactly.
    return dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None
    )


FrontMatterDumper.add_representer(datetime, _represent_moment)
FrontMatterDumper.add_representer(str, _represent_text)


def write_document(path, front, body="", comment=""):
    """Write front matter (with an optional comment above it) and the body to `path`."""
    notes = "".join(f"# {line}\n" for line in comment.splitlines())
    matter = yaml.dump(
        front, Dumper=FrontMatterDumper, sort_keys=False, allow_unicode=True, width=1_000_000
    )
    # newline="": the body is written as it is stored, line endings included.
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write(f"---\n{notes}{matter}---\n{body}")


def read_document(path, where):
    """The front matter of the file at `path` as a dict, and its body exactly as written."""
    try:
        with path.open(encoding="utf-8", newline="") as file:
            text = file.read()
    except UnicodeDecodeError:
        raise ImportProblem(where, "it is not UTF-8 text") from None
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        raise ImportProblem(where, "it does not begin with a '---' line opening its front matter")
    end = next((n for n, line in enumerate(lines[1:], 1) if line.rstrip("\r\n") == "---"), None)
    if end is None:
        raise ImportProblem(where, "its front matter has no closing '---' line")
    try:
        front = yaml.safe_load("".join(lines[1:end]))
    except yaml.YAMLError as error:
        raise ImportProblem(where, f"its front matter is not valid YAML ({error})") from None
    if front is None:
        front = {}
    if not isinstance(front, dict):
        raise ImportProblem(where, "its front matter is not a list of 'field: value' lines")
    return front, "".join(lines[end + 1 :])


@dataclass
class Record:
    """One file read and checked: the model's fields, and what it names in other files."""

    where: str
    key: str
    fields: dict
    refs: dict = field(default_factory=dict)
    # Set by the models' saves (auto_now and the like); put back once everything is saved.
    times: dict = field(default_factory=dict)
    bylines: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    old_slugs: list = field(default_factory=list)
    corrections: list = field(default_factory=list)
    # The numbers of the pictures a piece's body shows, as the export numbered them.
    pictures: list = field(default_factory=list)
    positions: list = field(default_factory=list)
    credit: dict | None = None
    original: Path | None = None
    stored_as: str = ""
    reencoded: File | None = None


class ImportProblem(CommandError):
    """A file of the folder that cannot be imported, named with what is wrong with it."""

    def __init__(self, where, problem):
        super().__init__(f"{where}: {problem.rstrip('.')}. Nothing was imported.")


class Front:
    """One file's front matter, read field by field; a wrong field names the file and itself."""

    def __init__(self, data, where, fields):
        self.data, self.where = data, where
        unknown = [str(key) for key in data if key not in fields]
        if unknown:
            raise ImportProblem(
                where,
                f"unknown field {', '.join(unknown)} (the fields are: {', '.join(fields)})",
            )

    def problem(self, message):
        return ImportProblem(self.where, message)

    def text(self, key, *, required=False):
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise self.problem(f"{key} is missing")
            return ""
        # A headline such as 1984 is read by YAML as a number; it is still the text typed.
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.problem(f"{key} should be text")
        return str(value)

    def number(self, key, *, required=False):
        value = self.data.get(key)
        if value is None and required:
            raise self.problem(f"{key} is missing")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.problem(f"{key} should be a whole number")
        return value

    def fraction(self, key):
        value = self.data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise self.problem(f"{key} should be a number")
        return None if value is None else float(value)

    def flag(self, key):
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self.problem(f"{key} should be true or false")
        return value

    def day(self, key, *, required=False):
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise self.problem(f"{key} is missing")
            return None
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                value = None
        # YAML reads 2026-03-01 as a date; a date and time is not what the field holds.
        if not isinstance(value, date) or isinstance(value, datetime):
            raise self.problem(f"{key} should be a date in ISO 8601, such as 2026-03-01")
        return value

    def moment(self, key):
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, datetime):
            raise self.problem(
                f"{key} should be a date and time in ISO 8601, such as 2024-03-01T09:00:00+00:00"
            )
        if timezone.is_naive(value):
            raise self.problem(f"{key} needs a time zone, such as +00:00 at its end")
        return value

    def file_beside(self, key, folder, what):
        """The path of the file `key` names in `folder`, beside the file read: it must be there."""
        name = self.text(key, required=True)
        if PurePosixPath(name).name != name or "\\" in name or name.startswith("."):
            raise self.problem(
                f"{key} should name a file beside it in {folder.name}/, not {name!r}"
            )
        path = folder / name
        if not path.is_file():
            raise self.problem(f"its {what} {folder.name}/{name} is missing")
        return path

    def items(self, key):
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.problem(f"{key} should be a list")
        return value

    def names(self, key):
        names = self.items(key)
        if not all(isinstance(name, str) and name.strip() for name in names):
            raise self.problem(f"{key} should be a list of names")
        return names


def in_words(counts):
    """Counts by kind as a sentence's list: "6 sections, 1 issue, 2 corrections and updates"."""
    return ", ".join(
        f"{number} {COUNTED[kind][0 if number == 1 else 1]}" for kind, number in counts.items()
    )


def describe(error):
    """A ValidationError's messages as one line, each after the name of its field."""
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
