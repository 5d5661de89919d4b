"""Links: only http(s) addresses are entered anywhere, and only they are shown as links."""

import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils.html import escape

from articles import emails
from articles.contributor_area.forms import PieceForm
from articles.links import (
    LinkLinesField,
    WebAddressField,
    is_web_address,
    safe_href,
    validate_link_lines,
)
from articles.models import Contributor, Image, ImageCredit

from .factories import (
    admin_image_form,
    make_article,
    make_contributor,
    make_editor,
    make_image,
)

pytestmark = pytest.mark.django_db

JAVASCRIPT = "javascript:alert(1)"
DATA = "data:text/html,<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("value", "web"),
    [
        ("https://example.org/me", True),
        ("http://example.org", True),
        ("HTTPS://Example.org/Path?q=1#top", True),
        ("  https://example.org/  ", True),
        (JAVASCRIPT, False),
        ("JavaScript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        (DATA, False),
        ("ftp://example.org/file", False),
        ("mailto:ada@example.org", False),
        ("https://", False),
        ("https:example.org", False),
        ("//example.org", False),
        ("/contributors/ada/", False),
        ("example.org", False),
        ("https://exa mple.org", False),
        ("https://[::1", False),
        ("", False),
        (None, False),
    ],
)
def test_a_web_address_is_an_absolute_http_or_https_address_with_a_host(value, web):
    assert is_web_address(value) is web


@pytest.mark.parametrize(
    ("value", "href"),
    [
        ("https://example.org/me", "https://example.org/me"),
        (" http://example.org ", "http://example.org"),
        ("/contributors/ada/", "/contributors/ada/"),
        ("/", "/"),
        ("//evil.example", None),
        ("/\\evil.example", None),
        ("/path\\evil", None),
        (JAVASCRIPT, None),
        (" javascript:alert(1)", None),
        (DATA, None),
        ("vbscript:msgbox(1)", None),
        ("ftp://example.org/", None),
        ("contributors/ada/", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_href_allows_web_addresses_and_paths_of_this_site_only(value, href):
    assert safe_href(value) == href


def test_the_safe_href_filter_gives_nothing_to_link_for_an_unsafe_address():
    template = Template("{% load safe_links %}[{{ a|safe_href }}][{{ b|safe_href }}]")
    rendered = template.render(Context({"a": "https://example.org/?x=1&y=2", "b": JAVASCRIPT}))
    assert rendered == "[https://example.org/?x=1&amp;y=2][]"


def test_each_line_that_is_not_a_web_address_is_named_with_its_number():
    with pytest.raises(ValidationError) as refusal:
        validate_link_lines(f"https://ada.example.org/\n{JAVASCRIPT}\n\ninstagram.com/ada\n")
    assert refusal.value.messages == [
        "Line 2, “javascript:alert(1)”, is not a web address: links must start with http:// "
        "or https://.",
        "Line 4, “instagram.com/ada”, is not a web address: links must start with http:// or "
        "https://. For example: https://instagram.com/ada",
    ]


def test_the_links_field_stores_one_address_a_line_without_blank_lines():
    field = LinkLinesField(required=False)
    assert field.clean(" https://a.example.org \r\n\r\nhttp://b.example.org/\r\n") == (
        "https://a.example.org\nhttp://b.example.org/"
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (JAVASCRIPT, "“javascript:alert(1)” is not a web address"),
        (DATA, "“data:text/html,<script>alert(1)</script>” is not a web address"),
        ("ftp://example.org/photo.jpg", "“ftp://example.org/photo.jpg” is not a web address"),
        ("https://localhost-only", "is not a complete web address"),
    ],
)
def test_a_single_link_field_refuses_what_is_not_an_http_address(typed, message):
    with pytest.raises(ValidationError) as refusal:
        WebAddressField(required=False).clean(typed)
    assert message in refusal.value.messages[0]


def test_a_single_link_field_takes_an_address_without_its_scheme_as_https():
    assert WebAddressField(required=False).clean("example.org/photo") == (
        "https://example.org/photo"
    )


# --- Where links are entered -------------------------------------------------------------


@pytest.fixture
def editor_client(client):
    editor = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(editor)
    return client


def test_the_admin_refuses_a_contributor_link_that_is_not_a_web_address(editor_client):
    data = {"name": "Bo Diaz", "slug": "bo-diaz", "role": "Contributor", "links": JAVASCRIPT}
    # The page's masthead positions, none of them.
    data |= {"positions-TOTAL_FORMS": "0", "positions-INITIAL_FORMS": "0"}
    response = editor_client.post("/admin/articles/contributor/add/", data)

    assert response.status_code == 200
    assert "“javascript:alert(1)”, is not a web address" in response.content.decode()
    assert not Contributor.objects.exists()

    data["links"] = "https://bo.example.org/"
    assert editor_client.post("/admin/articles/contributor/add/", data).status_code == 302
    assert Contributor.objects.get().links == "https://bo.example.org/"


@pytest.mark.parametrize("field", ["creator_url", "source_url"])
def test_the_admin_refuses_a_credit_address_that_is_not_http(editor_client, field):
    form = admin_image_form(**{f"credit-0-{field}": "ftp://example.org/photo.jpg"})
    response = editor_client.post("/admin/articles/image/add/", form)

    assert response.status_code == 200
    assert "“ftp://example.org/photo.jpg” is not a web address" in response.content.decode()
    assert not Image.objects.exists()


@pytest.mark.parametrize("field", ["credit_creator_url", "credit_source_url"])
def test_the_piece_form_refuses_a_credit_address_that_is_not_http(field):
    form = PieceForm({"headline": "A piece", field: JAVASCRIPT})
    assert not form.is_valid()
    assert form.errors[field] == [
        "“javascript:alert(1)” is not a web address: links must start with http:// or https://."
    ]


# --- Where links are shown ---------------------------------------------------------------


class Addresses(HTMLParser):
    """Every address an HTML document links or points to (href, src, action and the like)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found += [value for name, value in attrs if name in ("href", "src", "action")]


def addresses_in(html):
    parser = Addresses()
    parser.feed(html)
    return parser.found


def unsafe(addresses):
    return [a for a in addresses if re.match(r"\s*(javascript|data|vbscript):", a or "", re.I)]


@pytest.fixture
def stored_unsafe(db):
    """A published piece whose picture's credit and contributor hold unsafe addresses."""
    contributor = make_contributor(name="Cy Lorne", slug="cy-lorne")
    image = make_image(credit={"title": "The quad", "creator": "Dee Maker"})
    # Put straight into the database, as data from before the checks would be.
    ImageCredit.objects.filter(image=image).update(creator_url=JAVASCRIPT, source_url=DATA)
    Contributor.objects.filter(pk=contributor.pk).update(
        links=f"https://cy.example.org/\n{JAVASCRIPT}", photo=image
    )
    return make_article(bylines=[(contributor, "")], hero_image=image, slug="the-quad")


def test_the_credit_line_shows_an_unsafe_address_as_text(stored_unsafe):
    credit = ImageCredit.objects.get()
    html = str(credit.line_html())
    assert unsafe(addresses_in(html)) == []
    assert html.startswith("“The quad” (unmodified) by Dee Maker is licensed under ")
    assert '<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>' in html


def test_no_page_links_a_stored_unsafe_address_and_its_text_still_shows(client, stored_unsafe):
    pages = {
        path: client.get(path).content.decode()
        for path in ("/articles/the-quad/", "/credits/", "/contributors/cy-lorne/")
    }

    for path, html in pages.items():
        assert unsafe(addresses_in(html)) == [], path
        assert "Dee Maker" in html, path
    contributor_page = pages["/contributors/cy-lorne/"]
    assert '<a href="https://cy.example.org/" rel="me nofollow noopener">' in contributor_page
    assert f"<li>{JAVASCRIPT}</li>" in contributor_page
    assert "Photo credit: “The quad” (unmodified) by Dee Maker" in contributor_page


def test_the_json_ld_leaves_out_unsafe_addresses_and_keeps_web_ones(client, stored_unsafe):
    html = client.get("/articles/the-quad/").content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )

    assert data["image"]["creator"] == {"name": "Dee Maker"}
    assert "acquireLicensePage" not in data["image"]
    assert data["author"][0]["sameAs"] == ["https://cy.example.org/"]
    assert "javascript:" not in json.dumps(data) and "data:text" not in json.dumps(data)


@pytest.mark.parametrize("path", ["/feed/", "/feed/atom/", "/contributors/cy-lorne/feed/"])
def test_no_feed_links_a_stored_unsafe_address(client, stored_unsafe, path):
    feed = ElementTree.fromstring(client.get(path).content)

    attributes = [value for element in feed.iter() for value in element.attrib.values()]
    assert unsafe(attributes) == []
    contents = [
        element.text or ""
        for element in feed.iter()
        if element.tag.endswith(("}encoded", "}content")) and element.text
    ]
    assert contents, "the feed has no content to look in"
    for content in contents:
        assert unsafe(addresses_in(content)) == []
    assert any("Dee Maker" in content for content in contents)


def test_no_mail_about_the_piece_or_the_contributor_carries_an_unsafe_address(
    stored_unsafe, mailoutbox
):
    make_editor("eve", email="eve@example.org")
    contributor = Contributor.objects.get(slug="cy-lorne")
    user = make_editor("cy")
    emails.name_changed(contributor, "Cy L.", by=user)

    assert mailoutbox
    for mail in mailoutbox:
        assert JAVASCRIPT not in mail.body and "data:text" not in mail.body


# --- Every surface, for each kind of value that must not be a link ---------------------------

NOT_LINKS = [
    JAVASCRIPT,
    DATA,
    "vbscript:msgbox(1)",
    # Relative: it would resolve against whatever page shows it.
    "images/x.png",
    # Scheme-relative: another site.
    "//evil.example/",
]
WEB = "https://safe.example/dee"
PAGES = ("/articles/the-quad/", "/credits/", "/contributors/cy-lorne/")
FEEDS = (
    "/feed/",
    "/feed/atom/",
    "/contributors/cy-lorne/feed/",
    "/contributors/cy-lorne/feed/atom/",
)


def stored_with(value):
    """A published piece whose credit addresses and contributor link are all `value`, as stored."""
    contributor = make_contributor(name="Cy Lorne", slug="cy-lorne")
    image = make_image(credit={"title": "The quad", "creator": "Dee Maker"})
    ImageCredit.objects.filter(image=image).update(creator_url=value, source_url=value)
    Contributor.objects.filter(pk=contributor.pk).update(links=value, photo=image)
    return make_article(bylines=[(contributor, "")], hero_image=image, slug="the-quad")


def linked_addresses(client):
    """Every address each surface links to: pages, feeds (attributes and HTML inside), JSON-LD."""
    found = {}
    for path in PAGES:
        found[path] = addresses_in(client.get(path).content.decode())
    for path in FEEDS:
        feed = ElementTree.fromstring(client.get(path).content)
        addresses = [value for element in feed.iter() for value in element.attrib.values()]
        for element in feed.iter():
            if element.tag.endswith(("}encoded", "}content")) and element.text:
                addresses += addresses_in(element.text)
        found[path] = addresses
    html = client.get("/articles/the-quad/").content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    found["JSON-LD"] = list(strings_in(data))
    return found


def strings_in(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from strings_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings_in(value)
    elif isinstance(data, str):
        yield data


@pytest.mark.parametrize("value", NOT_LINKS)
def test_a_stored_address_that_is_not_http_is_linked_nowhere_and_shown_as_text(client, value):
    stored_with(value)

    for surface, addresses in linked_addresses(client).items():
        assert value not in [a.strip() for a in addresses], surface
    # The names the addresses belonged to are still shown, and the contributor's link as text.
    for path in PAGES:
        assert "Dee Maker" in client.get(path).content.decode(), path
    contributor_page = client.get("/contributors/cy-lorne/").content.decode()
    assert f"<li>{escape(value)}</li>" in contributor_page


def test_a_stored_https_address_is_linked_on_every_surface(client):
    stored_with(WEB)

    found = linked_addresses(client)
    for surface in (*PAGES, "/feed/", "/feed/atom/", "JSON-LD"):
        assert WEB in found[surface], surface
    contributor_page = client.get("/contributors/cy-lorne/").content.decode()
    assert f'<a href="{WEB}" rel="me nofollow noopener">{WEB}</a>' in contributor_page
