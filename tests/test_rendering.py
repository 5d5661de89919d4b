from html.parser import HTMLParser

import pytest

from articles.rendering import count_words, reading_minutes, render_markdown


def test_markdown_becomes_paragraphs_emphasis_and_links():
    html = render_markdown("Some *words* and a [link](https://example.org/a).\n\nNext.")
    assert "<em>words</em>" in html
    assert '<a href="https://example.org/a" rel="noopener noreferrer nofollow">link</a>' in html
    assert html.count("<p>") == 2


def parse(html):
    """The tag names and (attribute, value) pairs a browser would see in this HTML."""
    tags, attributes = set(), []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.add(tag)
            attributes.extend((name, (value or "").strip().lower()) for name, value in attrs)

    Collector().feed(html)
    return tags, attributes


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert('x')</script>",
        "Text <script src=https://evil.example/x.js></script>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="java&#x09;script:alert(1)">click</a>',
        '<img src="x" onerror="alert(1)">',
        '<p onclick="alert(1)">para</p>',
        '<div onmouseover="alert(1)">hover</div>',
        "<iframe src='https://evil.example'></iframe>",
        "<style>body{display:none}</style>",
        '<svg onload="alert(1)"></svg>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>',
        "![x](https://evil.example/tracker.gif)",
        '<form action="https://evil.example"><input name=a></form>',
    ],
)
def test_hostile_markdown_renders_inert(source):
    tags, attributes = parse(render_markdown(source))
    assert not tags & {"script", "iframe", "style", "img", "svg", "form", "input"}
    assert not [name for name, _ in attributes if name.startswith("on")]
    for name, value in attributes:
        if name in {"href", "src", "action"}:
            assert value.startswith(("https://", "http://", "mailto:")), value
            assert "evil.example" not in value


def test_raw_html_keeps_its_harmless_text():
    html = render_markdown('<p onclick="steal()">Kept words</p>')
    assert "Kept words" in html
    assert "steal" not in html


def test_a_top_level_heading_in_the_body_becomes_h2():
    assert render_markdown("# Inside").strip() == "<h2>Inside</h2>"


def test_word_count_ignores_markup():
    assert count_words(render_markdown("One **two** [three](https://x.org) four-five it's")) == 5


def test_reading_time_rounds_up_and_is_at_least_a_minute():
    assert reading_minutes(0) == 1
    assert reading_minutes(230) == 1
    assert reading_minutes(231) == 2
    assert reading_minutes(760) == 4
