"""Reading a WordPress export (WXR 1.1 and 1.2) as a stream, with defusedxml.

An export may be hundreds of megabytes, so it is never held whole: `iterparse` hands over one
<item> at a time, which is read into a plain record and then dropped from the tree. The file is
read twice. The survey (first pass) checks all of it, the XML and that it is an export, before
anything is written, and keeps what posts refer to (authors, categories, tags, attachments and
the credits their [caption]s give); the second pass hands over the posts one by one.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from .bodies import captions_in

VERSIONS = ("1.1", "1.2")
WP_NAMESPACE = re.compile(r"^http://wordpress\.org/export/1\.[0-9]+/$")
PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
REFUSED_ALL = "Nothing was imported."


class WordPressProblem(Exception):
    """The export cannot be imported; the message says why and what to do."""


@dataclass
class Author:
    login: str
    name: str
    email: str = ""


@dataclass
class Attachment:
    id: int
    title: str
    parent: int
    menu_order: int
    file: str
    caption: str
    description: str
    date: datetime | None
    meta: dict


@dataclass
class Post:
    id: int
    type: str
    status: str
    title: str
    link: str
    guid: str
    name: str
    creator: str
    content: str
    excerpt: str
    date: datetime | None
    modified: datetime | None
    terms: list  # (domain, nicename, name) in the export's order
    meta: dict
    comments: int
    parent: int = 0
    menu_order: int = 0
    url: str = ""


@dataclass
class Export:
    """What the survey found: the site, its people and terms, its attachments and its counts."""

    site: str = ""
    title: str = ""
    version: str = ""
    authors: dict = field(default_factory=dict)  # login -> Author
    guest_authors: dict = field(default_factory=dict)  # login -> Author (Co-Authors Plus)
    categories: dict = field(default_factory=dict)  # nicename -> name
    tags: dict = field(default_factory=dict)  # slug -> name
    attachments: dict = field(default_factory=dict)  # id -> Attachment
    # Credit lines and captions given in posts' [caption]s, by attachment id.
    captions: dict = field(default_factory=dict)
    # Items by what they are: "post:publish", "page", "attachment", "nav_menu_item"…
    kinds: Counter = field(default_factory=Counter)
    comments: int = 0

    @property
    def posts(self):
        return sum(n for kind, n in self.kinds.items() if kind.startswith("post:"))


def survey(path, progress):
    """Check the whole export and gather what the posts refer to; raise WordPressProblem."""
    export = Export()
    with open(path, "rb") as stream, progress(stream) as reading:
        for kind, value in _elements(reading, export):
            if kind == "channel":
                _read_channel(value, export)
            elif value.type == "attachment":
                export.kinds["attachment"] += 1
                export.attachments[value.id] = _attachment(value)
            elif value.type == "post":
                export.kinds[f"post:{value.status}"] += 1
                export.comments += value.comments
                for number, text in captions_in(value.content):
                    export.captions.setdefault(number, []).append(text)
            else:
                export.kinds[value.type] += 1
    if not export.version:
        raise WordPressProblem(
            f"{path} is not a WordPress export: it has no <wp:wxr_version>. Export the site "
            f"from WordPress with Tools → Export → All content. {REFUSED_ALL}"
        )
    return export


def posts(path):
    """The export's posts, one at a time, in its order."""
    with open(path, "rb") as stream:
        for kind, value in _elements(stream, Export()):
            if kind == "item" and value.type == "post":
                yield value


def _elements(stream, export):
    """("channel", element) for each of the channel's own elements, ("item", Post) for each item."""
    root = channel = None
    depth = 0
    try:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            tag = _name(element.tag)
            if event == "start":
                depth += 1
                if root is None:
                    root = tag
                    if tag != "rss":
                        raise WordPressProblem(
                            "This is not a WordPress export: it is XML whose root is "
                            f"<{element.tag.rpartition('}')[2]}>, "
                            f"where an export's is <rss>. {REFUSED_ALL}"
                        )
                elif depth == 2 and tag == "channel" and channel is None:
                    channel = element
                continue
            depth -= 1
            # Only the channel's own children are read; each is dropped once read, so the tree
            # never holds much more than the item being read (the parser reads a little ahead).
            if channel is None or depth != 2:
                continue
            if tag == "item":
                if not export.version:
                    raise WordPressProblem(
                        "This is an RSS feed, not a WordPress export: it has no "
                        f"<wp:wxr_version> before its first item. {REFUSED_ALL}"
                    )
                yield "item", _post(element)
            else:
                if tag == "wp:wxr_version":
                    _check_version(element.text, export)
                yield "channel", element
            channel.remove(element)
    except DefusedXmlException as error:
        raise WordPressProblem(
            "The export declares a DTD or entities, which WordPress never writes and which can "
            f"make a reader expand text without end or read other files ({error}). "
            f"{REFUSED_ALL}"
        ) from None
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise WordPressProblem(
            f"The export is not well-formed XML (line {line}, column {column}): {error.msg}. "
            f"It may be cut short: export it again. {REFUSED_ALL}"
        ) from None


def _check_version(text, export):
    version = (text or "").strip()
    if version not in VERSIONS:
        raise WordPressProblem(
            f"This export is WXR version {version or '(none)'}; the import reads versions "
            f"{' and '.join(VERSIONS)}, which WordPress 3.1 and later write. {REFUSED_ALL}"
        )
    export.version = version


def _name(tag):
    """The tag with its namespace as a short prefix: "wp:post_id", "content:encoded"."""
    if not isinstance(tag, str) or not tag.startswith("{"):
        return tag if isinstance(tag, str) else ""
    uri, local = tag[1:].split("}", 1)
    if WP_NAMESPACE.match(uri):
        return f"wp:{local}"
    if WP_NAMESPACE.match(uri.removesuffix("excerpt/")):
        return f"excerpt:{local}"
    return f"{PREFIXES.get(uri, uri)}:{local}"


def _text(element, name):
    found = next((child for child in element if _name(child.tag) == name), None)
    return (found.text or "") if found is not None else ""


def _number(text):
    text = (text or "").strip()
    return int(text) if text.isdigit() else 0


def moment(text):
    """A WordPress GMT date as an aware datetime, or None for its "0000-00-00 00:00:00"."""
    try:
        return datetime.strptime((text or "").strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _read_channel(element, export):
    tag = _name(element.tag)
    if tag == "title":
        export.title = (element.text or "").strip()
    elif tag == "wp:base_blog_url" or (tag == "wp:base_site_url" and not export.site):
        export.site = (element.text or "").strip().rstrip("/")
    elif tag == "wp:author":
        login = _text(element, "wp:author_login").strip()
        if login:
            full = (
                f"{_text(element, 'wp:author_first_name')} {_text(element, 'wp:author_last_name')}"
            )
            name = _text(element, "wp:author_display_name").strip() or full.strip() or login
            email = _text(element, "wp:author_email").strip()
            export.authors[login] = Author(login, name, email)
    elif tag == "wp:category":
        nicename = _text(element, "wp:category_nicename").strip()
        if nicename:
            export.categories[nicename] = _text(element, "wp:cat_name").strip() or nicename
    elif tag == "wp:tag":
        slug = _text(element, "wp:tag_slug").strip()
        if slug:
            export.tags[slug] = _text(element, "wp:tag_name").strip() or slug
    elif tag == "wp:term" and _text(element, "wp:term_taxonomy") == "author":
        guest = guest_author(
            _text(element, "wp:term_slug"),
            _text(element, "wp:term_name"),
            _text(element, "wp:term_description"),
        )
        export.guest_authors[guest.login] = guest


def guest_author(slug, name, description):
    """A Co-Authors Plus author term as a person: its login, a display name, an e-mail.

    The plugin names the term after the login ("cap-" and the login as its slug) and keeps the
    author's fields in its description, separated by spaces: the display name, then (in some
    versions) the first and last names, then the login, the user's id and the e-mail address.
    """
    login = slug.strip().removeprefix("cap-") or name.strip()
    words = description.split()
    email = next((word for word in reversed(words) if "@" in word), "")
    shown = words[: words.index(login)] if login in words else []
    half = len(shown) // 2
    if shown and len(shown) % 2 == 0 and shown[:half] == shown[half:]:
        shown = shown[:half]
    display = " ".join(shown) or name.replace("-", " ").title() or login
    return Author(login, display, email)


def _meta(element):
    meta = {}
    for child in element:
        if _name(child.tag) == "wp:postmeta":
            key = _text(child, "wp:meta_key")
            meta.setdefault(key, _text(child, "wp:meta_value"))
    return meta


def _post(element):
    terms = [
        (child.get("domain", ""), child.get("nicename", ""), (child.text or "").strip())
        for child in element
        if _name(child.tag) == "category"
    ]
    return Post(
        id=_number(_text(element, "wp:post_id")),
        type=_text(element, "wp:post_type").strip(),
        status=_text(element, "wp:status").strip(),
        title=_text(element, "title"),
        link=_text(element, "link").strip(),
        guid=_text(element, "guid").strip(),
        name=_text(element, "wp:post_name").strip(),
        creator=_text(element, "dc:creator").strip(),
        content=_text(element, "content:encoded"),
        excerpt=_text(element, "excerpt:encoded"),
        date=moment(_text(element, "wp:post_date_gmt")) or moment(_text(element, "wp:post_date")),
        modified=moment(_text(element, "wp:post_modified_gmt")),
        terms=terms,
        meta=_meta(element),
        comments=sum(1 for child in element if _name(child.tag) == "wp:comment"),
        parent=_number(_text(element, "wp:post_parent")),
        menu_order=_number(_text(element, "wp:menu_order")),
        url=_text(element, "wp:attachment_url").strip(),
    )


def _attachment(post):
    # The file as WordPress recorded it, relative to the uploads folder; older exports give only
    # the address, whose part after /wp-content/uploads/ is the same.
    file = post.meta.get("_wp_attached_file", "").strip()
    if not file and "/wp-content/uploads/" in post.url:
        file = unquote(urlsplit(post.url).path.split("/wp-content/uploads/", 1)[1])
    return Attachment(
        id=post.id,
        title=post.title.strip(),
        parent=post.parent,
        menu_order=post.menu_order,
        file=file,
        caption=post.excerpt.strip(),
        description=post.content.strip(),
        date=post.date,
        meta={key: value for key, value in post.meta.items() if key != "_wp_attachment_metadata"},
    )


def old_paths(post):
    """The paths a post was reached at on the old site: its permalink and its ?p= number."""
    found = []
    for address in (post.link, post.guid):
        parts = urlsplit(address)
        number = parse_qs(parts.query).get("p", [""])[0]
        if parts.path.strip("/") in ("", "index.php") and number.isdigit():
            found.append(f"?p={int(number)}")
        elif parts.path.strip("/") and not parts.query:
            found.append("/" + unquote(parts.path).strip("/"))
    if post.id:
        found.append(f"?p={post.id}")
    return list(dict.fromkeys(found))
