"""A WordPress post's HTML as the Markdown of a piece's body.

WordPress stores a post as HTML with shortcodes in it ([caption], [gallery], [embed] and those
of plugins) and, from the block editor, comments that mark its blocks. The shortcodes that have
an equal here become it: a captioned picture `[[picture N]]`, a gallery `[[gallery N M]]`, an
embed a link; any other is kept as its text and reported. The classic editor's paragraphs are
blank lines, as WordPress's own `wpautop` reads them. The HTML is then written as Markdown by
the same pass as a paste from a word processor (articles/writing/pasting.py), which drops
comments, scripts and styles and keeps only links to the web; the piece's save then renders
and sanitises it like any body.
"""

import html
import re
import secrets
from dataclasses import dataclass, field

from ..writing.pasting import markdown_from_html

# WordPress's shortcode syntax: [name attrs], [name attrs /], [name attrs]content[/name]; a
# doubled bracket, [[name]], is the shortcode's own text, escaped.
SHORTCODE = re.compile(
    r"\[(\[?)([A-Za-z][\w-]*)(?![\w-])([^\]]*?)(/?)\](?:(.*?)\[/\2\])?(\]?)", re.S
)
ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
# Shortcodes of WordPress itself: text in brackets with another name is a shortcode only when
# it has attributes or a closing tag, so that "[sic]" stays words.
CORE = {"caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist"}
PICTURE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
IMG = re.compile(r"<img\b[^>]*>", re.I)
LINKED_IMG = re.compile(r"<a\b[^>]*>\s*(<img\b[^>]*>)\s*</a\s*>", re.I)
URL = re.compile(r"https?://[^\s\"'<>\[\]]+")
BLOCK_START = re.compile(
    r"^\s*<(?:!--|/?(?:p|div|h[1-6]|ul|ol|li|blockquote|table|thead|tbody|tr|td|th|pre|hr"
    r"|figure|figcaption|section|article|aside|header|footer|dl|dd|dt|form|address|iframe"
    r"|script|style|noscript)\b)",
    re.I,
)


@dataclass
class Converted:
    """A body as Markdown, and what its conversion has to report."""

    markdown: str
    # Shortcodes kept as text, by name, and embeds and media turned into links.
    kept: list = field(default_factory=list)
    linked: list = field(default_factory=list)
    # Attachment ids the body shows that were not imported (their file missing or refused).
    missing: list = field(default_factory=list)


def attributes(text):
    found = {}
    for match in ATTRIBUTE.finditer(text or ""):
        found[match[1].lower()] = next(v for v in match.groups()[1:] if v is not None)
    return found


def is_shortcode(match):
    name, attrs, content = match[2].lower(), match[3], match[5]
    return name in CORE or content is not None or "=" in attrs or bool(match[4])


def plain(text):
    """HTML as one line of plain text."""
    text = re.sub(r"<[^>]*>", " ", text or "")
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def caption_parts(match):
    """The attachment a [caption] shows (its id, or 0), and its caption's text."""
    attrs, content = attributes(match[3]), match[5] or ""
    found = re.fullmatch(r"attachment_(\d+)", attrs.get("id", "").strip())
    picture = PICTURE_CLASS.search(content)
    number = int(found[1]) if found else int(picture[1]) if picture else 0
    text = LINKED_IMG.sub("", content)
    text = IMG.sub("", text)
    # Old captions kept the text in the attribute, and the content was only the picture.
    return number, plain(text) or plain(attrs.get("caption", ""))


def captions_in(body):
    """(attachment id, caption text) for each [caption] of a body."""
    found = []
    for match in SHORTCODE.finditer(body or ""):
        if not match[1] and match[2].lower() in ("caption", "wp_caption"):
            number, text = caption_parts(match)
            if number and text:
                found.append((number, text))
    return found


def convert(body, *, pictures, children=()):
    """The post's body as Markdown.

    `pictures` maps the attachment ids imported to their pictures' numbers here; `children` are
    the ids of the post's own attachments, in order, for a [gallery] that names none.
    """
    report = Converted("")
    # Each picture is first a word no text can hold, so that the Markdown pass leaves it alone;
    # it becomes a `[[picture N]]` paragraph at the end.
    mark = f"wpimport{secrets.token_hex(6)}x"
    lines = {}

    def placeholder(kind, numbers):
        shown = [pictures[n] for n in numbers if n in pictures]
        report.missing += [n for n in numbers if n not in pictures]
        if not shown:
            return ""
        key = f"{mark}{len(lines)}x"
        if kind == "gallery" and len(shown) > 1:
            lines[key] = f"[[gallery {' '.join(map(str, shown))}]]"
        else:
            lines[key] = "\n\n".join(f"[[picture {n}]]" for n in shown)
        return f"\n\n{key}\n\n"

    def shortcode(match):
        if match[1] and match[6]:
            return match[0][1:-1]  # [[name]] is the text "[name]"
        if not is_shortcode(match):
            return match[0]
        name, attrs = match[2].lower(), attributes(match[3])
        content = match[5] or ""
        if name in ("caption", "wp_caption"):
            number, text = caption_parts(match)
            if number in pictures:
                return placeholder("picture", [number])
            report.missing += [number] if number else []
            return f"\n\n<p>{html.escape(text)}</p>\n\n" if text else ""
        if name == "gallery":
            listed = attrs.get("ids") or attrs.get("include") or ""
            numbers = [int(n) for n in re.findall(r"\d+", listed)] or list(children)
            return placeholder("gallery", numbers)
        if name in ("embed", "audio", "video", "playlist"):
            address = URL.search(content) or URL.search(match[3])
            if address:
                report.linked.append(f"[{name}] {address[0]}")
                link = html.escape(address[0])
                return f'\n\n<p><a href="{link}">{link}</a></p>\n\n'
        report.kept.append(f"[{match[2]}]")
        return match[0]

    text = SHORTCODE.sub(shortcode, body or "")

    def inline_picture(img):
        found = PICTURE_CLASS.search(img)
        return placeholder("picture", [int(found[1])]) if found else None

    # A picture linked to its own file is the picture; anything else keeps its link.
    text = LINKED_IMG.sub(lambda m: inline_picture(m[1]) or m[0], text)
    text = IMG.sub(lambda m: inline_picture(m[0]) or m[0], text)
    markdown = markdown_from_html(paragraphs(text))
    for key, line in lines.items():
        markdown = markdown.replace(key, f"\n\n{line}\n\n")
    report.markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip()
    return report


def paragraphs(text):
    """The classic editor's text with its paragraphs made <p>, as WordPress shows them.

    Blank lines part paragraphs and a single line break is a <br>; a part that begins with a
    block of HTML (or a block editor's comment) is left as it is.
    """
    parts = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    made = []
    for part in parts:
        if not part.strip():
            continue
        if BLOCK_START.match(part):
            made.append(part)
        else:
            made.append("<p>" + part.strip().replace("\n", "<br>\n") + "</p>")
    return "\n\n".join(made)
