"""What a word processor puts on the clipboard, as Markdown: headings, bold, italics, links, lists.

Google Docs and Word say little of this with the tags HTML has for it. Google Docs wraps the
whole paste in a `<b style="font-weight:normal">` and marks bold and italic text with styled
spans; Word (on the desktop) writes each list item as a paragraph with an `mso-list` style and
its bullet as text; Word for the web marks headings with `role="heading"`. `normalise` rewrites
those into plain HTML, keeping only what a piece may contain, and markdownify writes it out as
Markdown. The result is only text in the body's field: it is rendered and sanitised (articles/
rendering.py) like everything else typed there.
"""

import re
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, CData, Comment, Declaration, Doctype, ProcessingInstruction, Tag
from markdownify import ATX, BACKSLASH, MarkdownConverter

# Tags whose meaning a piece keeps; everything else gives up its tag and keeps its text.
KEPT = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "a", "ul", "ol", "li",
    "blockquote", "pre", "code", "s", "del", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
# Tags dropped with everything in them: code, styles, pictures (a picture needs a credit) and
# form controls.
DROPPED = {
    "script", "style", "head", "title", "meta", "link", "img", "picture", "svg", "math",
    "video", "audio", "iframe", "object", "embed", "noscript", "template", "button", "input",
    "select", "textarea", "colgroup", "col", "xml",
}  # fmt: skip
# Containers that hold blocks of their own, or else stand for a paragraph.
CONTAINERS = {
    "div", "section", "article", "header", "footer", "main", "aside", "figure", "figcaption",
    "center", "address", "dl", "dt", "dd", "caption", "nav",
}  # fmt: skip
HEADINGS = [f"h{level}" for level in range(1, 7)]
BLOCKS = {"p", "ul", "ol", "li", "table", "blockquote", "pre", "hr", *CONTAINERS, *HEADINGS}
# A piece's subheadings: h2 to h4 (the headline is the page's h1).
TOP_HEADING, BOTTOM_HEADING = 2, 4
LINK_SCHEMES = {"http", "https", "mailto"}

# Word's list paragraphs: "mso-list:l0 level2 lfo1" is list 0, second level.
WORD_LIST = re.compile(r"mso-list:\s*l(\d+)\s+level(\d+)", re.IGNORECASE)
WORD_LIST_MARKER = re.compile(r"mso-list:\s*ignore", re.IGNORECASE)
# "1." "a)" "iv." "(3)": a numbered list's marker, as Word writes it before the item.
NUMBERED_MARKER = re.compile(r"^\(?([0-9]+|[a-z]|[ivxlcdm]+)[.)]$", re.IGNORECASE)
# Three or more line breaks in a row say no more than two.
EXTRA_BLANK_LINES = re.compile(r"\n{3,}")
TRAILING_SPACE = re.compile(r"[ \t\xa0]+\n")


class PastedDocumentConverter(MarkdownConverter):
    """markdownify, set up for the Markdown a piece's body is written in."""

    class Options:
        heading_style = ATX
        bullets = "-"
        strong_em_symbol = "*"
        newline_style = BACKSLASH
        table_infer_header = True
        # Line breaks in the HTML source are not line breaks in the text: paragraphs are joined.
        wrap = True
        wrap_width = None


def markdown_from_html(html):
    """The Markdown for HTML pasted from a word processor, a web page or anything else."""
    soup = BeautifulSoup(html or "", "html.parser")
    normalise(soup)
    markdown = PastedDocumentConverter().convert_soup(soup)
    markdown = TRAILING_SPACE.sub("\n", markdown)
    # No line break added at the end: a few pasted words may land in the middle of a line.
    return EXTRA_BLANK_LINES.sub("\n\n", markdown).strip()


def normalise(soup):
    """Rewrite pasted HTML, in place, into the plain tags it means."""
    drop_what_is_not_text(soup)
    make_word_lists(soup)
    mark_styled_text(soup)
    mark_headings(soup)
    keep_links_to_the_web(soup)
    unwrap_the_rest(soup)
    nest_stray_lists(soup)
    join_split_lists(soup)
    tidy_blocks(soup)
    # White space left between blocks by what was removed is one string, and then ignored.
    soup.smooth()


# Comments, Word's conditional sections (<![if !supportLists]>) and the like: never words.
NOT_TEXT = (Comment, Declaration, Doctype, CData, ProcessingInstruction)


def drop_what_is_not_text(soup):
    for special in soup.find_all(string=lambda string: isinstance(string, NOT_TEXT)):
        special.extract()
    for tag in soup.find_all(True):
        # Word's drawings (v:shape, v:imagedata) go with the pictures; its other tags of its
        # own (o:p, st1:place) give up their tag and keep their words below.
        if not tag.decomposed and (tag.name in DROPPED or tag.name.startswith("v:")):
            tag.decompose()


def style_of(tag):
    """A tag's inline style as a dict of lowercase properties and values."""
    style = {}
    for declaration in (tag.get("style") or "").split(";"):
        name, _, value = declaration.partition(":")
        if value:
            style[name.strip().lower()] = value.strip().lower()
    return style


def make_word_lists(soup):
    """Word's list paragraphs, each with its bullet typed in, become real nested lists."""
    run = None
    for paragraph in soup.find_all(is_word_list_item):
        found = WORD_LIST.search(paragraph.get("style", ""))
        level = int(found.group(2))
        marker = paragraph.find(
            lambda tag: tag.name == "span" and WORD_LIST_MARKER.search(tag.get("style", ""))
        )
        ordered = False
        if marker is not None:
            ordered = bool(NUMBERED_MARKER.match(marker.get_text().replace("\xa0", " ").strip()))
            marker.decompose()
        kind = "ol" if ordered else "ul"
        if run is None or previous_block(paragraph) is not run[0]:
            top = soup.new_tag(kind)
            paragraph.insert_before(top)
            run = (top, [(level, top)])
        top, levels = run
        while len(levels) > 1 and levels[-1][0] > level:
            levels.pop()
        if levels[-1][0] < level:
            parent = levels[-1][1]
            items = parent.find_all("li", recursive=False)
            if items:
                holder = items[-1]
            else:
                holder = soup.new_tag("li")
                parent.append(holder)
            nested = soup.new_tag(kind)
            holder.append(nested)
            levels.append((level, nested))
        item = soup.new_tag("li")
        item.extend(list(paragraph.contents))
        levels[-1][1].append(item)
        paragraph.decompose()


def is_word_list_item(tag):
    return tag.name == "p" and bool(WORD_LIST.search(tag.get("style", "")))


def previous_block(tag):
    """The element before this one, passing over the white space between them."""
    sibling = tag.previous_sibling
    while sibling is not None and not isinstance(sibling, Tag) and not sibling.strip():
        sibling = sibling.previous_sibling
    return sibling


def weight_is_bold(value):
    if value in {"bold", "bolder"}:
        return True
    return value.isdigit() and int(value) >= 600


def mark_styled_text(soup):
    """Bold and italic said with styles become <strong> and <em>; a "normal" <b> says nothing."""
    for tag in soup.find_all(["span", "b", "strong", "i", "em", "font"]):
        style = style_of(tag)
        weight = style.get("font-weight", "")
        slant = style.get("font-style", "")
        if tag.name in {"b", "strong"} and weight and not weight_is_bold(weight):
            # Google Docs wraps every paste in <b style="font-weight:normal">.
            tag.unwrap()
            continue
        if tag.name in {"i", "em"} and slant == "normal":
            tag.unwrap()
            continue
        if tag.name not in {"span", "font"}:
            continue
        bold = weight_is_bold(weight)
        italic = slant in {"italic", "oblique"}
        struck = "line-through" in style.get("text-decoration", "")
        wrappers = [name for name, on in (("strong", bold), ("em", italic), ("s", struck)) if on]
        if not wrappers:
            continue
        tag.name = wrappers[0]
        tag.attrs = {}
        for name in wrappers[1:]:
            inner = soup.new_tag(name)
            inner.extend(list(tag.contents))
            tag.append(inner)


def mark_headings(soup):
    """Headings, however marked, become the piece's h2 to h4, their order kept."""
    for tag in soup.find_all(attrs={"role": "heading"}):
        level = tag.get("aria-level", "2")
        tag.name = f"h{level}" if level.isdigit() and 1 <= int(level) <= 6 else "h2"
    headings = soup.find_all(HEADINGS)
    if not headings:
        return
    top = min(int(heading.name[1]) for heading in headings)
    for heading in headings:
        heading.name = f"h{min(BOTTOM_HEADING, TOP_HEADING + int(heading.name[1]) - top)}"
        # A heading is bold already.
        for bold in heading.find_all(["strong", "b"]):
            bold.unwrap()


def keep_links_to_the_web(soup):
    """Links keep their address if it is one a piece may link to; others keep only their words."""
    for link in soup.find_all("a"):
        href = web_address(link.get("href", ""))
        if href:
            link.attrs = {"href": href}
        else:
            link.unwrap()


def web_address(href):
    href = href.strip()
    parts = urlsplit(href)
    # A link copied from a published Google Doc goes through Google's redirect.
    if parts.netloc == "www.google.com" and parts.path == "/url":
        target = parse_qs(parts.query).get("q", [""])[0]
        if target:
            return web_address(target)
    return href if parts.scheme.lower() in LINK_SCHEMES else ""


def unwrap_the_rest(soup):
    for tag in soup.find_all(True):
        if tag.name == "strike":
            tag.name = "s"
        if tag.name in KEPT:
            kept = {"href": tag["href"]} if tag.name == "a" else {}
            if tag.name == "ol" and tag.get("start", "").isdigit():
                kept["start"] = tag["start"]
            tag.attrs = kept
        elif tag.name in CONTAINERS and not tag.find(sorted(BLOCKS)):
            # A <div> of text is a paragraph; one holding paragraphs is only a wrapper.
            tag.name = "p"
            tag.attrs = {}
        else:
            tag.unwrap()


def nest_stray_lists(soup):
    """A list straight inside a list (as Google Docs nests them) moves into the item before it."""
    for inner in soup.find_all(["ul", "ol"]):
        if inner.parent is None or inner.parent.name not in {"ul", "ol"}:
            continue
        holder = previous_block(inner)
        if isinstance(holder, Tag) and holder.name == "li":
            holder.append(inner.extract())
        else:
            inner.wrap(soup.new_tag("li"))


def join_split_lists(soup):
    """Lists of one kind one after another are one list (Word for the web splits them by item)."""
    for following in soup.find_all(["ul", "ol"]):
        before = previous_block(following)
        if isinstance(before, Tag) and before.name == following.name:
            before.extend(list(following.contents))
            following.decompose()


def tidy_blocks(soup):
    """No empty paragraphs, no line breaks between blocks, no paragraph wrapped around an item."""
    for paragraph in soup.find_all("p"):
        if not paragraph.get_text().replace("\xa0", " ").strip():
            paragraph.decompose()
    for item in soup.find_all("li"):
        paragraphs = item.find_all("p", recursive=False)
        if len(paragraphs) == 1:
            paragraphs[0].unwrap()
    for line_break in soup.find_all("br"):
        parent = line_break.parent
        between_blocks = parent is soup or parent.name in {"ul", "ol", "table", "tbody", "tr"}
        if between_blocks or not any(
            isinstance(after, Tag) or after.strip() for after in line_break.next_siblings
        ):
            line_break.decompose()
