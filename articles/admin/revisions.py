"""Comparing two revisions of a piece, field by field and line by line, for the history page."""

import difflib
import re
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from ..models import Article

# The fields a comparison of two revisions shows, in the order of the form.
COMPARED_FIELDS = [
    "headline", "slug", "standfirst", "content_warning", "body", "section", "hero_image", "status",
    "published_at", "note_to_editors",
]  # fmt: skip


def revision_changes(older, newer):
    """Each compared field that differs between two revisions: its label and its line diff."""
    changes = []
    for name in COMPARED_FIELDS:
        field = Article._meta.get_field(name)
        if getattr(older, field.attname) == getattr(newer, field.attname):
            continue
        changes.append(
            {
                "label": capfirst(field.verbose_name),
                "hunks": line_diff(shown_value(older, field), shown_value(newer, field)),
            }
        )
    return changes


def shown_value(revision, field):
    """A revision's value of `field` as an editor reads it."""
    value = getattr(revision, field.attname)
    if value is None:
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else f"(deleted, id {value})"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return str(value)


def line_diff(before, after, context=2):
    """The changed stretches of two texts, each a list of lines marked same, removed or added.

    A line replaced by one other line also has its changed words marked, so that a one-word
    edit in a long paragraph can be found.
    """
    old_lines, new_lines = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        lines = []
        for tag, i1, i2, j1, j2 in group:
            removed, added = old_lines[i1:i2], new_lines[j1:j2]
            if tag == "equal":
                lines += [{"kind": "same", "pieces": [(line, False)]} for line in removed]
            elif tag == "replace" and len(removed) == len(added):
                for old_line, new_line in zip(removed, added, strict=True):
                    old_pieces, new_pieces = _marked_words(old_line, new_line)
                    lines.append({"kind": "removed", "pieces": old_pieces})
                    lines.append({"kind": "added", "pieces": new_pieces})
            else:
                lines += [{"kind": "removed", "pieces": [(line, False)]} for line in removed]
                lines += [{"kind": "added", "pieces": [(line, False)]} for line in added]
        hunks.append(lines)
    return hunks


def _marked_words(old_line, new_line):
    # Splitting on whitespace but keeping it lets the pieces join back into the exact lines.
    old_words, new_words = re.split(r"(\s+)", old_line), re.split(r"(\s+)", new_line)
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    old_pieces, new_pieces = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = tag != "equal"
        if i2 > i1:
            old_pieces.append(("".join(old_words[i1:i2]), changed))
        if j2 > j1:
            new_pieces.append(("".join(new_words[j1:j2]), changed))
    return old_pieces, new_pieces
