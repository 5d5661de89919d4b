"""Markdown to safe HTML: rendered by markdown-it-py, then sanitised by nh3.

The order matters: sanitising the Markdown source first would let a `javascript:` link
written in Markdown syntax through, so the HTML that comes out is what gets cleaned.
"""

import math
import re

import nh3
from django.utils.html import strip_tags
from markdown_it import MarkdownIt

WORDS_PER_MINUTE = 230

_markdown = MarkdownIt("commonmark", {"html": True, "typographer": True}).enable(
    ["table", "strikethrough", "replacements", "smartquotes"]
)

# What a piece's body may contain. No images (a picture needs a credit, and must not be
# fetched from another host), no headings above h2 (the headline is the page's h1).
ALLOWED_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td",
    "sup", "sub", "abbr", "cite", "q",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def _demote_top_headings(state):
    # The headline is the page's only h1: a "# Heading" in the body becomes an h2.
    for token in state.tokens:
        if token.type in {"heading_open", "heading_close"} and token.tag == "h1":
            token.tag = "h2"


_markdown.core.ruler.push("demote_top_headings", _demote_top_headings)

_WORD = re.compile(r"\w+(?:['’\-]\w+)*")


def render_markdown(text):
    """The sanitised HTML for a piece of Markdown written by anyone, trusted or not."""
    html = _markdown.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def count_words(html):
    """How many words a reader sees in this HTML."""
    return len(_WORD.findall(strip_tags(html)))


def reading_minutes(word_count):
    """Minutes to read this many words, never less than one."""
    return max(1, math.ceil(word_count / WORDS_PER_MINUTE))
