"""Reading pasted credit lines, and checking that a credit holds what its licence asks for.

People copy credits from Flickr, Openverse, Wikimedia Commons or a licence chooser; this
turns such a line back into ImageCredit's fields and says plainly what it could not read.
Licence names and links come from the registry in articles.licenses, never from a list here.
"""

import html
import re
from dataclasses import dataclass, field

from . import licenses

# The ImageCredit fields a pasted line can fill, in form order.
FIELD_NAMES = (
    "title",
    "creator",
    "creator_url",
    "source_url",
    "license",
    "changes",
    "permission_from",
)

# A credit is a sentence: a longer paste is a whole page, so only its start is read, and a
# name or link longer than ImageCredit's fields hold is a misreading.
MAX_RAW_CHARS, MAX_CHARS, MAX_FIELD_CHARS, MAX_URL_CHARS = 20_000, 2000, 300, 500


@dataclass
class ParsedCredit:
    """The fields read from a pasted credit line, and what could not be read."""

    title: str = ""
    creator: str = ""
    creator_url: str = ""
    source_url: str = ""
    license: str = ""
    license_url: str = ""
    changes: str = ""
    permission_from: str = ""
    problems: list[str] = field(default_factory=list)

    def fields(self):
        """The ImageCredit fields that were read, by name, leaving out the blank ones."""
        return {name: getattr(self, name) for name in FIELD_NAMES if getattr(self, name)}


# --- Licence names and links, from the registry ----------------------------------------------

_GAP = r"[\s_\-\u2010-\u2015]"
_CC = "Creative Commons "


def _canonical(name):
    # Spacing, hyphens and case vary from site to site; 4.0 renamed NoDerivs to NoDerivatives
    # and people use either name with any version.
    return re.sub(rf"{_GAP}+", "", name.lower()).replace("noderivatives", "noderivs")


def _pattern(name):
    # Split "NonCommercial" into words so that "Non-Commercial" and "non commercial" match too.
    tokens = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+(?:\.\d+)*|[^\w\s-]", name)
    return f"{_GAP}*".join(
        "deriv(?:s|atives)" if token.lower() in ("derivs", "derivatives") else re.escape(token)
        for token in tokens
    )


def _name_table():
    """Canonical name to licence key (None for a name that needs a version), and a pattern."""
    table, families = {}, {}
    for terms in licenses.LICENSES.values():
        # "All rights reserved" alone is any copyright notice, not a staff work.
        names = {terms.name} if terms.kind == "staff" else {terms.name, terms.short_name}
        plain = re.sub(r" (Generic|International)$", "", terms.name)
        if terms.kind == "cc":
            short = terms.short_name.removeprefix("CC ")
            names |= {plain, plain.removeprefix(_CC), terms.name.removeprefix(_CC), _CC + short}
        table.update((_canonical(name), (name, terms.key)) for name in names)
        for name in {terms.short_name, plain} if terms.version and terms.kind != "staff" else ():
            family = name.replace(f" {terms.version}", "")
            families.setdefault(_canonical(family), (family, set()))[1].add(terms.key)
    for canonical, (name, keys) in families.items():
        # CC0 and the Mark have one version, so their bare names say enough; a Creative
        # Commons licence's terms differ by version, so "CC BY-SA" alone names none.
        only = licenses.get(min(keys)) if len(keys) == 1 else None
        table.setdefault(canonical, (name, only.key if only and only.kind != "cc" else None))
    # Longest first, so that "CC BY-SA 4.0" wins over "CC BY-SA" at the same place.
    names = sorted((name for name, _ in table.values()), key=len, reverse=True)
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(map(_pattern, names))})(?!-?\w)", re.I)
    return {canonical: key for canonical, (_, key) in table.items()}, pattern


_NAMES, _NAME_PATTERN = _name_table()


def _license_from_url(url):
    """(licence key or "", problem or "") for a link, which may not be a licence at all."""
    path = licenses.url_path(url)
    if terms := licenses.by_url(path):
        return terms.key, ""
    # A national ("ported") licence, such as /licenses/by-sa/3.0/de/, has the generic's elements.
    if path.count("/") == 4 and (terms := licenses.by_url(path.rsplit("/", 1)[0])):
        return terms.key, (
            f"The licence link {url} is a national version of {terms}; "
            "the international one was chosen, so check that it is right."
        )
    if re.match(r"creativecommons\.org/(?:licenses|publicdomain)/", path):
        return "", f"The licence link {url} is not a licence the magazine's list knows."
    return "", ""


# --- Reading the line ---------------------------------------------------------------------

# Links are swapped for private-use characters, so that where each stands in the sentence
# (on the title, on the creator, after the licence) tells what it points to.
_LINK_BASE, _LINK_LIMIT = 0xE000, 0x100
_LINK = f"[\\u{_LINK_BASE:04x}-\\u{_LINK_BASE + _LINK_LIMIT - 1:04x}]"
_ANCHOR = re.compile(
    r"<a\b[^>]{0,500}?\bhref\s*=\s*[\"']?([^\"'\s>]+)[^>]{0,500}>(.{0,500}?)</a\s*>", re.I | re.S
)
_MARKDOWN_LINK = re.compile(r"\[([^\[\]]{1,300})\]\(\s*(https?://[^\s()]+)\s*\)")
_BARE_URL = re.compile(
    r"(?:https?://|(?<![\w.])(?:www\.)?creativecommons\.org/)[^\s<>\"'\[\]()\u2018-\u201f]+", re.I
)
_TAG = re.compile(r"<[a-zA-Z/!][^<>]{0,1000}>")
_VIEW_A_COPY = re.compile(r"\.?\s*To view a copy of this licen[cs]e,?\s*(?:visit)?", re.I)
_LABEL = re.compile(
    r"^(?:(?:image|photo(?:graph)?|picture|cover|lead)\s+)?(?:credits?|photo(?:graph)?|image"
    r"|picture|illustration)\s*:\s*",
    re.I,
)
# Each opening quote with its own closer, so that “He said "no"” keeps its inner quotes.
_QUOTED_TITLE = re.compile(r"^(?:“(.+?)”|\"(.+?)\"|„(.+?)[“”]|«(.+?)»|[‘'](.+?)[’'](?!\w))")
_BY = re.compile(r"(?:^|(?<=\s))(?:by|courtesy\s+of)\s+", re.I)
_GENERIC = re.compile(
    r"(?:this\s+)?(?:image|photo(?:graph)?|picture|illustration|(?:art)?work)", re.I
)
# A note of changes in brackets after the creator: "(cropped)", "(colour corrected)".
_CHANGE_NOTE = re.compile(
    r"\s*\(([^()]*\b(?:(?:re|de|un)?(?:crop|modifi|edit|resiz|adapt|rotat|touch|saturat|flip"
    r"|mirror|trim|scal|enhanc|combin|straighten|brighten|correct)\w*ed|gr[ae]yscale"
    r"|black[\s-]and[\s-]white|derivative)\b[^()]*)\)$",
    re.I,
)
# What joins a creator to the licence named after them: "is licensed under a", " / ", " (".
_CONNECTOR = re.compile(
    r"(?:[\s,;:/|(\[\u2013\u2014-]+|(?<!\w)(?:(?:is|are)\s+)?(?:licen[cs]ed|released|shared"
    r"|published|available|dedicated(?:\s+to\s+the\s+public\s+domain)?|marked)"
    r"(?:\s+(?:under|with)(?:\s+an?)?)?|(?<!\w)(?:is|are)(?:\s+(?:a|used))?"
    r"|(?<!\w)(?:under|with|via))\s*$",
    re.I,
)
# Words that sound like a licence but name none.
_NO_LICENCE = re.compile(r"[\s,;.]*\b(all rights reserved|public domain)\b\.?", re.I)


def _keep_link(links, url):
    if len(links) >= _LINK_LIMIT or len(url) > MAX_URL_CHARS:
        return ""
    links.append(url)
    return chr(_LINK_BASE + len(links) - 1)


def _bare_url(links, match):
    url = match.group(0)
    trimmed = url.rstrip(".,;:!?")
    full = trimmed if trimmed.lower().startswith("http") else "https://" + trimmed
    return _keep_link(links, full) + url[len(trimmed) :]


def _flatten(text, parsed):
    """The pasted text as one plain line with its links swapped for markers, and the links."""
    links = []
    # Entities first, so that an href's "&amp;" and an escaped "&lt;https://…&gt;" read right;
    # then one space for every run, which also keeps the patterns below from crawling.
    text = re.sub(r"\s+", " ", html.unescape(re.sub(_LINK, "", text[:MAX_RAW_CHARS])))
    text = _ANCHOR.sub(lambda m: m.group(2) + _keep_link(links, m.group(1)), text)
    text = _MARKDOWN_LINK.sub(lambda m: m.group(1) + _keep_link(links, m.group(2)), text)
    text = _VIEW_A_COPY.sub(" ", _TAG.sub(" ", _BARE_URL.sub(lambda m: _bare_url(links, m), text)))
    text = re.sub(r"\s+", " ", re.sub(rf"[<(]\s*({_LINK})\s*[>)]", r"\1", text)).strip()
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        parsed.problems.append(
            f"Only the first {MAX_CHARS:,} characters were read: a credit line is much shorter."
        )
    return text, links


def _split_links(segment, links):
    """The segment's text without link markers, and the links it held."""
    found = [links[ord(char) - _LINK_BASE] for char in re.findall(_LINK, segment)]
    return re.sub(_LINK, "", segment).strip(), found


def _clean(text):
    text = re.sub(r"\s+", " ", text).strip(" ,;:/|\"'“”‘’«»„\u2013\u2014-")
    # A run of punctuation is not a name, nor is a whole paragraph.
    return text if re.search(r"\w", text) and len(text) <= MAX_FIELD_CHARS else ""


def _find_license(rest, links, parsed):
    """Set the licence from its name or its link; return the text before and after it."""
    name_key, found, family = "", None, None
    for match in _NAME_PATTERN.finditer(rest):
        if key := _NAMES.get(_canonical(match.group(0))):
            name_key, found = key, match
            break
        family = family or match
    url_key, marker = "", ""
    for index, url in enumerate(links):
        key, problem = _license_from_url(url)
        parsed.problems += [problem] if problem else []
        if key and not url_key:
            url_key, marker, parsed.license_url = key, chr(_LINK_BASE + index), url
    if name_key and url_key and name_key != url_key:
        parsed.problems.append(
            f"The licence named ({licenses.get(name_key)}) and the licence link "
            f"({licenses.get(url_key)}) disagree; the link's was chosen, so check which applies."
        )
    parsed.license = url_key or name_key
    if not parsed.license and family:
        parsed.problems.append(
            f"The pasted text names {family.group(0)} but no version of it the licence list "
            "knows; choose the version from the picture's source page."
        )
    if found or (family and not (marker and marker in rest)):
        found = found or family
        return rest[: found.start()], rest[found.end() :], True
    if marker and marker in rest:
        return *rest.split(marker, 1), True
    return rest, "", False


def _read_creator(parsed, text, licence_follows):
    if len(text) > 2 * MAX_FIELD_CHARS:
        return  # A paragraph, not a name: leave it unread rather than trim it word by word.
    # Connectors are stripped only before a licence, so a creator called "Sam Under" survives.
    while licence_follows and (trimmed := _CONNECTOR.sub("", text)) != text:
        text = trimmed
    if not parsed.changes and (note := _CHANGE_NOTE.search(text)):
        parsed.changes, text = _clean(note.group(1)), text[: note.start()]
    text = re.sub(rf"(?:{_NO_LICENCE.pattern})$", "", text, flags=re.I)
    text = re.sub(r"^(?:(?:©|\(c\)|copyright)\s*)+", "", _clean(text), flags=re.I)
    # A one-word platform ("on Unsplash"), Wikimedia's "- Own work" and a licence chooser's
    # "This work" are not the creator's name.
    text = re.sub(r"\s+(?:via\s.*|(?:on|from)\s+[A-Z][\w.]*|- own work)$", "", text, flags=re.I)
    parsed.creator = "" if _GENERIC.fullmatch(text) else _clean(text)


def _read_unquoted_title(parsed, text):
    # "This image (tinted)" has a note of changes, "Sunset (cropped)" too, but "Sunset (Bamako)"
    # is a title.
    note = re.search(r"\(([^()]*)\)$", text)
    if note and (_GENERIC.fullmatch(text[: note.start()].strip()) or _CHANGE_NOTE.search(text)):
        parsed.changes, text = _clean(note.group(1)), text[: note.start()]
    parsed.title = "" if _GENERIC.fullmatch(text.strip()) else _clean(text)


def parse_credit_line(text) -> ParsedCredit:
    """Read a pasted TASL credit line into credit fields, listing what could not be read."""
    parsed = ParsedCredit()
    line, links = _flatten("" if text is None else str(text), parsed)
    if not links and not re.search(r"\w", re.sub(_LINK, "", line)):
        parsed.problems.append("Nothing was pasted that could be read as a credit.")
        return parsed
    line = _LABEL.sub("", line)
    rest, title_region = line, ""
    if quoted := _QUOTED_TITLE.match(line):
        title_region, rest = next(filter(None, quoted.groups())), line[quoted.end() :]
    before, after, licence_follows = _find_license(rest, links, parsed)

    if quoted and (note := re.match(rf"((?:\s|{_LINK})*)\(([^()]*)\)", before)):
        title_region += note.group(1)
        parsed.changes, before = _clean(note.group(2)), before[note.end() :]
    by = _BY.search(before)
    head, creator_region = (before[: by.start()], before[by.end() :]) if by else ("", before)
    title_links = _split_links(title_region + head, links)[1]
    if quoted:
        # Quotes inside the title's own quotes belong to it: keep them.
        title_text = _split_links(title_region, links)[0]
        parsed.title = title_text if _clean(title_text) else ""
    elif by:
        _read_unquoted_title(parsed, _split_links(head, links)[0])
    creator_text, creator_links = _split_links(creator_region, links)
    _read_creator(parsed, creator_text, licence_follows)
    after_text, after_links = _split_links(after, links)
    giver = re.match(r"(?:of|from|by|courtesy\s+of)\s+([^.;]+)", after_text, re.I)
    if parsed.license == "permission" and giver:
        parsed.permission_from = _clean(giver.group(1))

    def others(found):
        return [url for url in found if not _license_from_url(url)[0]]

    parsed.source_url = next(iter(others(title_links) + others(after_links)), "")
    parsed.creator_url = next(iter(others(creator_links)), "")
    # A licence named without its version has been explained already, by _find_license.
    if not parsed.license and not licence_follows:
        parsed.problems.append(_why_no_licence(line))
    for name in ("creator", "title"):
        if not getattr(parsed, name):
            parsed.problems.append(f"No {name} was recognised in the pasted text.")
    return parsed


def _why_no_licence(line):
    vague = _NO_LICENCE.search(line)
    if vague and vague.group(1).lower() == "public domain":
        return (
            "The pasted text says public domain without naming CC0 or the Public Domain Mark; "
            "choose the one the picture's source page gives."
        )
    if vague:
        return (
            "The pasted text says all rights reserved: the picture needs the creator's "
            'permission, and then the licence "Used with permission".'
        )
    if re.search(r"creative\s*commons|(?<!\w)cc(?!\w)", line, re.I):
        return "The pasted text mentions Creative Commons without naming which licence."
    return "No licence was recognised in the pasted text."


# --- What a licence asks of a credit ---------------------------------------------------------

_PHRASES = {
    "title": "the title",
    "creator": "the creator",
    "source link": "the source link",
    "licence": "a licence",
    "who gave permission": "a note of who gave permission",
}


def missing_for_license(credit) -> list[str]:
    """What the credit lacks for its licence to be honoured, as plain names."""
    terms = licenses.LICENSES.get(str(getattr(credit, "license", "") or ""))
    if terms is None:
        return ["licence"]
    needed = []
    # The 1.0 licences without BY (CC ND 1.0 and the like) ask for no credit at all.
    if terms.kind == "cc" and terms.attribution:
        # 4.0 dropped the title, and asks for the link only where reasonably practicable.
        needed = [("creator", "creator")]
        if float(terms.version) < 4:
            needed = [("title", "title"), *needed, ("source link", "source_url")]
    elif terms.kind == "permission":
        needed = [("who gave permission", "permission_from")]
    return [name for name, attr in needed if not str(getattr(credit, attr, "") or "").strip()]


def requirements_message(credit, subject="The picture's credit") -> str:
    """A sentence saying what the credit lacks for its licence, or "" when it lacks nothing."""
    missing = [_PHRASES[name] for name in missing_for_license(credit)]
    if not missing:
        return ""
    listed = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} and {missing[-1]}"
    if missing == [_PHRASES["licence"]]:
        return f"{subject} lacks {listed}."
    terms = licenses.get(credit.license)
    requirer = "a picture used with permission" if terms.kind == "permission" else terms
    return f"{subject} lacks {listed}, which {requirer} requires."


def fill_blank_fields(data, parsed, field_names=FIELD_NAMES, *, prefix="", defaults=None):
    """Copy parsed values into the blank fields of form data, returning the names filled."""
    # Blank is absent, empty, or still the form's initial value given in `defaults` (such as
    # "unmodified" for the changes): anything else was typed by someone, and stays.
    filled = []
    for name in field_names:
        key = f"{prefix}-{name}" if prefix else name
        current = str(data.get(key) or "").strip()
        typed = current and current != str((defaults or {}).get(name, "")).strip()
        if getattr(parsed, name, "") and not typed:
            data[key] = getattr(parsed, name)
            filled.append(name)
    return filled
