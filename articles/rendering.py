"""Markdown to safe HTML: rendered by markdown-it-py, then sanitised by nh3.

The order matters: sanitising the Markdown source first would let a `javascript:` link
written in Markdown syntax through, so the HTML that comes out is what gets cleaned.

Beyond plain Markdown a body has pull quotes (`::: pullquote`), pictures from the library
(`[[picture 12]]`, `[[gallery 12 13]]`) and footnotes (`[^1]`). Their markup needs a few
attributes a writer must not set by hand (ids, classes, the picture placeholders): each render
marks the attributes it writes itself with a random prefix, and the sanitiser keeps only
attributes that carry it, taking it off. Typed HTML can never guess the prefix, so its ids,
classes and placeholders are dropped.
"""

import math
import re
import secrets

import nh3
from django.utils.html import strip_tags
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

WORDS_PER_MINUTE = 230

_markdown = MarkdownIt("commonmark", {"html": True, "typographer": True}).enable(
    ["table", "strikethrough", "replacements", "smartquotes"]
)

# What a piece's body may contain. No images (a picture needs a credit, and must not be
# fetched from another host: library pictures come in through placeholders), no headings
# above h2 (the headline is the page's h1).
ALLOWED_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td",
    "sup", "sub", "abbr", "cite", "q", "aside", "section", "figure",
}  # fmt: skip
# Attributes anyone may write, and those only the renderer writes (kept only when marked).
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class", "aria-label"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
    "li": {"id"},
    "h2": {"id", "class"},
    "section": {"class", "aria-labelledby"},
    "aside": {"class", "aria-hidden"},
    "figure": {"data-picture", "data-gallery"},
}
GENERATED_ATTRIBUTES = {
    ("a", "id"), ("a", "class"), ("a", "aria-label"), ("li", "id"), ("h2", "id"),
    ("h2", "class"), ("section", "class"), ("section", "aria-labelledby"), ("aside", "class"),
    ("aside", "aria-hidden"), ("figure", "data-picture"), ("figure", "data-gallery"),
}  # fmt: skip
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# A picture or gallery line: "[[picture 12]]", "[[gallery 12 13 14]]". Nine digits at most,
# so that no number typed overflows a database integer.
PICTURE_LINE = re.compile(r"\[\[(picture|gallery)((?:[ \t]+[0-9]{1,9})+)[ \t]*\]\]")
# The placeholders in the sanitised HTML, filled in when a page is made (articles/body_pictures).
PLACEHOLDER = re.compile(r'<figure data-(picture|gallery)="([0-9 ]+)"></figure>')
# The line that closes a pull quote, inside a quote or a list item too.
_CLOSING_FENCE = re.compile(r"[ \t>]*:{3,}[ \t]*")
# What a pull quote drops: it repeats the body and is hidden from screen readers, so it holds
# nothing to follow or focus (links, note references), and no picture or raw HTML.
_NOT_IN_PULL_QUOTES = {"link_open", "link_close", "html_inline", "footnote_ref", "image"}
_BLOCKS_NOT_IN_PULL_QUOTES = {"html_block", "body_picture"}


def _own(env, value):
    """An attribute value the renderer writes, marked so that the sanitiser keeps it."""
    return escapeHtml(env["mark"] + value)


def _demote_top_headings(state):
    # The headline is the page's only h1: a "# Heading" in the body becomes an h2.
    for token in state.tokens:
        if token.type in {"heading_open", "heading_close"} and token.tag == "h1":
            token.tag = "h2"


def _body_picture(state, start_line, end_line, silent):
    """A line of its own naming library pictures by number: one picture, or a gallery."""
    if state.is_code_block(start_line):
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    match = PICTURE_LINE.fullmatch(state.src[begin : state.eMarks[start_line]].rstrip())
    if match is None:
        return False
    numbers = list(dict.fromkeys(int(number) for number in match[2].split()))
    if match[1] == "picture" and len(match[2].split()) != 1:
        return False
    if not silent:
        token = state.push("body_picture", "figure", 0)
        token.meta = {"kind": match[1], "ids": numbers}
        token.map = [start_line, start_line + 1]
        token.block = True
        state.line = start_line + 1
    return True


def _render_body_picture(self, tokens, idx, options, env):
    meta = tokens[idx].meta
    numbers = " ".join(map(str, meta["ids"]))
    return f'<figure data-{meta["kind"]}="{_own(env, numbers)}"></figure>\n'


def _render_pull_quote(self, tokens, idx, options, env):
    if tokens[idx].nesting == 1:
        # Hidden from screen readers: they have just read these words in the body.
        hidden = _own(env, "true")
        return f'<aside class="{_own(env, "pull-quote")}" aria-hidden="{hidden}">\n'
    return "</aside>\n"


def _tidy_pull_quotes(state):
    """Drop an unclosed pull quote's fences (its words stay in the body), and everything a
    closed one may not hold; note which footnote references are left to go back to."""
    lines = state.src.split("\n")
    dropped, opened = set(), []
    for index, token in enumerate(state.tokens):
        if token.type == "container_pullquote_open":
            end = token.map[1]
            closed = end < len(lines) and _CLOSING_FENCE.fullmatch(lines[end])
            # A pull quote inside another is one too many: its fences go too.
            inside = any(kept for _, kept in opened)
            opened.append((index, bool(closed) and not inside))
        elif token.type == "container_pullquote_close":
            start, kept = opened.pop()
            if not kept:
                dropped |= {start, index}
        elif any(kept for _, kept in opened):
            if token.type in _BLOCKS_NOT_IN_PULL_QUOTES:
                dropped.add(index)
            elif token.children:
                token.children = [
                    child for child in token.children if child.type not in _NOT_IN_PULL_QUOTES
                ]
    state.tokens = [token for index, token in enumerate(state.tokens) if index not in dropped]
    # The references left are counted again, so that each note's links back are numbered
    # 1, 2, … among the mentions a reader can follow.
    mentions = {}
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "footnote_ref":
                child.meta["subId"] = mentions.get(child.meta["id"], 0)
                mentions[child.meta["id"]] = child.meta["subId"] + 1
    state.env["note_refs"] = {
        (note, mention) for note, count in mentions.items() for mention in range(count)
    }


def _reference_id(number, mention):
    return f"footnote-ref-{number}" + (f"-{mention + 1}" if mention else "")


def _render_note_reference(self, tokens, idx, options, env):
    meta = tokens[idx].meta
    number = meta["id"] + 1
    reference = _reference_id(number, meta.get("subId", 0))
    return (
        f'<sup><a href="#{_own(env, f"footnote-{number}")}" id="{_own(env, reference)}" '
        f'class="{_own(env, "footnote-ref")}" aria-label="{_own(env, f"Note {number}")}">'
        f"{number}</a></sup>"
    )


def _render_notes_open(self, tokens, idx, options, env):
    heading = _own(env, "footnotes-heading")
    return (
        f'<section class="{_own(env, "footnotes")}" aria-labelledby="{heading}">\n'
        f'<h2 id="{heading}" class="{_own(env, "footnotes__heading")}">Notes</h2>\n<ol>\n'
    )


def _render_notes_close(self, tokens, idx, options, env):
    return "</ol>\n</section>\n"


def _render_note_open(self, tokens, idx, options, env):
    return f'<li id="{_own(env, "footnote-{}".format(tokens[idx].meta["id"] + 1))}">'


def _render_note_close(self, tokens, idx, options, env):
    return "</li>\n"


def _render_note_back_link(self, tokens, idx, options, env):
    meta = tokens[idx].meta
    number, mention = meta["id"] + 1, meta["subId"]
    if (meta["id"], mention) not in env.get("note_refs", ()):
        return ""
    label = f"Back to note {number} in the text" + (f", mention {mention + 1}" if mention else "")
    # U+FE0E keeps the arrow a character: iOS would draw it as an emoji.
    return (
        f' <a href="#{_own(env, _reference_id(number, mention))}" '
        f'class="{_own(env, "footnote-back")}" aria-label="{_own(env, label)}">\u21a9\ufe0e</a>'
    )


# Inline notes (^[…]) are left out: the body has one way of writing a note.
_markdown.use(footnote_plugin, inline=False)
_markdown.use(container_plugin, "pullquote", render=_render_pull_quote)
# A paragraph of its own: it does not interrupt one, so a line inside a paragraph stays text.
_markdown.block.ruler.before("reference", "body_picture", _body_picture)
for _rule, _render in {
    "body_picture": _render_body_picture,
    "footnote_ref": _render_note_reference,
    "footnote_block_open": _render_notes_open,
    "footnote_block_close": _render_notes_close,
    "footnote_open": _render_note_open,
    "footnote_close": _render_note_close,
    "footnote_anchor": _render_note_back_link,
}.items():
    _markdown.add_render_rule(_rule, _render)
_markdown.core.ruler.push("demote_top_headings", _demote_top_headings)
_markdown.core.ruler.push("tidy_pull_quotes", _tidy_pull_quotes)

_WORD = re.compile(r"\w+(?:['’\-]\w+)*")


def _keeping_marked(mark):
    """The sanitiser's attribute filter for one render: generated attributes need the mark."""

    def attribute_filter(tag, attribute, value):
        if (tag, attribute) in GENERATED_ATTRIBUTES:
            return value.removeprefix(mark) if value.startswith(mark) else None
        if attribute == "href" and value.startswith(f"#{mark}"):
            return "#" + value.removeprefix(f"#{mark}")
        return value

    return attribute_filter


def render_markdown(text):
    """The sanitised HTML for a piece of Markdown written by anyone, trusted or not."""
    mark = f"m{secrets.token_hex(8)}:"
    html = _markdown.render(text or "", {"mark": mark})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keeping_marked(mark),
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def picture_numbers(html):
    """The library pictures rendered HTML names, in order of first appearance, each once."""
    numbers = (int(n) for _, listed in PLACEHOLDER.findall(html or "") for n in listed.split())
    return list(dict.fromkeys(numbers))


def picture_lines(text):
    """Each picture or gallery line of the Markdown: (line number, kind, picture numbers)."""
    found = []
    for token in _markdown.parse(text or "", {"mark": ""}):
        if token.type == "body_picture":
            found.append((token.map[0], token.meta["kind"], token.meta["ids"]))
    return found


_PULL_QUOTE = re.compile(r'<aside class="pull-quote".*?</aside>', re.S)


def count_words(html):
    """How many words a reader sees in this HTML, a pull quote's repeated words apart."""
    return len(_WORD.findall(strip_tags(_PULL_QUOTE.sub("", html))))


def reading_minutes(word_count):
    """Minutes to read this many words, never less than one."""
    return max(1, math.ceil(word_count / WORDS_PER_MINUTE))
