import random
import time

import pytest
from django.http import QueryDict

from articles import licenses
from articles.credits import (
    ParsedCredit,
    fill_blank_fields,
    missing_for_license,
    parse_credit_line,
    requirements_message,
)
from articles.models import ImageCredit

from .factories import REFERENCE_CREDIT


def read(line, *names):
    """The named fields of the parsed line, as a dict, for compact expectations."""
    parsed = parse_credit_line(line)
    return {name: getattr(parsed, name) for name in names}


# --- The reference piece's credit -------------------------------------------------------


def test_reference_credit_is_read_into_its_fields():
    parsed = parse_credit_line(REFERENCE_CREDIT)
    assert parsed.title == "27th Africa-France Summit, Bamako"
    assert parsed.changes == "unmodified"
    assert parsed.creator == "United Nations Photo"
    assert parsed.license == "cc-by-nc-nd-2.0"
    assert parsed.problems == []


def test_reference_credit_round_trips_exactly_through_image_credit_line():
    assert ImageCredit(**parse_credit_line(REFERENCE_CREDIT).fields()).line() == REFERENCE_CREDIT


def test_round_trip_survives_the_image_credit_label_in_front():
    parsed = parse_credit_line(f"Image Credit: {REFERENCE_CREDIT}")
    assert ImageCredit(**parsed.fields()).line() == REFERENCE_CREDIT


# --- The forms a pasted credit comes in -----------------------------------------------------

FORMS = [
    pytest.param(
        '"Sunset" by Jane Doe is licensed under CC BY 2.0',
        {"title": "Sunset", "creator": "Jane Doe", "license": "cc-by-2.0", "changes": ""},
        id="straight-quotes",
    ),
    pytest.param(
        "“Sunset” (cropped) by Jane Doe is licensed under CC BY-SA 3.0",
        {"title": "Sunset", "creator": "Jane Doe", "license": "cc-by-sa-3.0", "changes": "cropped"},
        id="curly-quotes-with-changes",
    ),
    pytest.param(
        "‘Sunset’ by Jane Doe licensed under CC BY 4.0",
        {"title": "Sunset", "creator": "Jane Doe", "license": "cc-by-4.0"},
        id="single-curly-quotes",
    ),
    pytest.param(
        "Sunset by Jane Doe is licensed under CC BY 4.0",
        {"title": "Sunset", "creator": "Jane Doe", "license": "cc-by-4.0"},
        id="no-quotes",
    ),
    pytest.param(
        "Sunset (cropped and recoloured) by Jane Doe is licenced under CC BY-NC 2.5",
        {"title": "Sunset", "changes": "cropped and recoloured", "license": "cc-by-nc-2.5"},
        id="no-quotes-with-changes-and-licenced",
    ),
    pytest.param(
        "“Sunset” by Jane Doe under CC BY-ND 4.0",
        {"creator": "Jane Doe", "license": "cc-by-nd-4.0"},
        id="under",
    ),
    pytest.param(
        "“Sunset” by Jane Doe / CC BY 4.0",
        {"creator": "Jane Doe", "license": "cc-by-4.0"},
        id="slash",
    ),
    pytest.param(
        "Jane Doe / CC-BY-4.0",
        {"title": "", "creator": "Jane Doe", "license": "cc-by-4.0"},
        id="creator-slash-hyphenated-licence",
    ),
    pytest.param(
        "“Sunset” by Jane Doe is licensed under Creative Commons Attribution-ShareAlike 4.0 "
        "International",
        {"creator": "Jane Doe", "license": "cc-by-sa-4.0"},
        id="long-name-4.0",
    ),
    pytest.param(
        "“Sunset” by Jane Doe is licensed under Attribution-NonCommercial-NoDerivs 2.0 Generic",
        {"creator": "Jane Doe", "license": "cc-by-nc-nd-2.0"},
        id="long-name-without-creative-commons",
    ),
    pytest.param(
        "“Sunset” by Jane Doe is licensed under Creative Commons Attribution-NoDerivatives 3.0",
        {"creator": "Jane Doe", "license": "cc-by-nd-3.0"},
        id="noderivatives-with-an-older-version",
    ),
    pytest.param(
        "“Sunset” by Jane Doe, Creative Commons Attribution Non-Commercial Share Alike 2.0",
        {"creator": "Jane Doe", "license": "cc-by-nc-sa-2.0"},
        id="long-name-spelt-loosely",
    ),
    pytest.param(
        "“Sunset” by Jane Doe is marked with CC0 1.0",
        {"creator": "Jane Doe", "license": "cc0-1.0"},
        id="cc0-marked-with",
    ),
    pytest.param(
        "Sunset by Jane Doe, CC0",
        {"creator": "Jane Doe", "license": "cc0-1.0"},
        id="cc0-without-version",
    ),
    pytest.param(
        "“Sunset” by Jane Doe is marked with Public Domain Mark 1.0",
        {"creator": "Jane Doe", "license": "pdm-1.0"},
        id="public-domain-mark",
    ),
    pytest.param(
        "Sunset by Jane Doe – Public Domain Mark",
        {"creator": "Jane Doe", "license": "pdm-1.0"},
        id="public-domain-mark-without-version",
    ),
    pytest.param(
        '"Sunset" by Jane Doe is licensed under CC BY 2.0. To view a copy of this license, '
        "visit https://creativecommons.org/licenses/by/2.0/?ref=openverse.",
        {
            "title": "Sunset",
            "creator": "Jane Doe",
            "license": "cc-by-2.0",
            "license_url": "https://creativecommons.org/licenses/by/2.0/?ref=openverse",
        },
        id="openverse-plain-text",
    ),
    pytest.param(
        "Jane Doe, CC BY-SA 4.0 <https://creativecommons.org/licenses/by-sa/4.0>, "
        "via Wikimedia Commons",
        {"title": "", "creator": "Jane Doe", "license": "cc-by-sa-4.0"},
        id="wikimedia-plain-text",
    ),
    pytest.param(
        "Photo by Jane Doe on Unsplash",
        {"title": "", "creator": "Jane Doe", "license": ""},
        id="photo-by-on-a-platform",
    ),
    pytest.param(
        "Photo: © Jane Doe / CC BY 4.0",
        {"title": "", "creator": "Jane Doe", "license": "cc-by-4.0"},
        id="label-and-copyright-sign",
    ),
    pytest.param(
        "“Sunset” by Jane Doe (cropped) is licensed under CC BY 4.0",
        {"creator": "Jane Doe", "changes": "cropped", "license": "cc-by-4.0"},
        id="changes-after-the-creator",
    ),
    pytest.param(
        "“Sunset” by United Nations Photo (UN Photo) is licensed under CC BY 4.0",
        {"creator": "United Nations Photo (UN Photo)", "changes": ""},
        id="brackets-in-a-name-are-not-changes",
    ),
    pytest.param(
        "“Stand by Me” by Jane Doe is licensed under CC BY 4.0",
        {"title": "Stand by Me", "creator": "Jane Doe"},
        id="by-inside-the-quoted-title",
    ),
    pytest.param(
        '“He said "no"” by Jane Doe is licensed under CC BY 4.0',
        {"title": 'He said "no"', "creator": "Jane Doe"},
        id="straight-quotes-inside-curly-quotes",
    ),
    pytest.param(
        "«Sunset» by Jane Doe is licensed under CC BY 4.0",
        {"title": "Sunset", "creator": "Jane Doe"},
        id="guillemets",
    ),
    pytest.param(
        "Sunset (Bamako) by Jane Doe is licensed under CC BY 4.0",
        {"title": "Sunset (Bamako)", "changes": ""},
        id="brackets-in-an-unquoted-title-are-not-changes",
    ),
    pytest.param(
        "This image (tinted) by Jane Doe is licensed under CC BY 4.0",
        {"title": "", "changes": "tinted"},
        id="untitled-with-any-changes-note",
    ),
    pytest.param(
        "This image (unmodified) by Jane Doe is licensed under CC BY 4.0",
        {"title": "", "changes": "unmodified", "creator": "Jane Doe"},
        id="untitled-credit-line",
    ),
    pytest.param(
        "“Sunset”\n(cropped)\nby Jane Doe\nis licensed under\nCC BY 4.0",
        {"title": "Sunset", "changes": "cropped", "creator": "Jane Doe", "license": "cc-by-4.0"},
        id="line-breaks",
    ),
    pytest.param(
        "“Sunset” by Jane Doe is used with permission of the Doe family",
        {"creator": "Jane Doe", "license": "permission", "permission_from": "the Doe family"},
        id="used-with-permission",
    ),
    pytest.param(
        "“Sunset” by Jane Doe is a staff work, all rights reserved",
        {"creator": "Jane Doe", "license": "staff"},
        id="staff-work",
    ),
]


@pytest.mark.parametrize(("line", "expected"), FORMS)
def test_parser_reads_each_form_of_credit_line(line, expected):
    assert read(line, *expected) == expected


@pytest.mark.parametrize("key", sorted(licenses.LICENSES))
@pytest.mark.parametrize(
    "fields",
    [
        {"title": "Sunset over the Niger", "creator": "Jane Doe", "changes": "unmodified"},
        {"title": "Sunset, Bamako", "creator": "Jane Doe-Smith", "changes": "cropped"},
        {"title": "", "creator": "Jane Doe", "changes": "unmodified"},
        {"title": "Sunset", "creator": "Jane Doe", "changes": ""},
    ],
    ids=["titled", "comma-and-changes", "untitled", "no-changes-note"],
)
def test_every_registry_licence_round_trips_through_its_credit_line(key, fields):
    line = ImageCredit(license=key, **fields).line()
    parsed = parse_credit_line(line)
    assert {name: getattr(parsed, name) for name in [*fields, "license"]} == {
        **fields,
        "license": key,
    }
    assert ImageCredit(**{**fields, **parsed.fields()}).line() == line


def test_linked_credit_line_gives_back_its_links():
    credit = ImageCredit(
        title="Sunset",
        creator="Jane Doe",
        creator_url="https://example.org/jane",
        source_url="https://example.org/photos/1",
        license="cc-by-sa-2.5",
    )
    parsed = parse_credit_line(credit.line_html())
    assert (parsed.title, parsed.creator, parsed.license) == ("Sunset", "Jane Doe", "cc-by-sa-2.5")
    assert parsed.source_url == "https://example.org/photos/1"
    assert parsed.creator_url == "https://example.org/jane"
    assert parsed.license_url == "https://creativecommons.org/licenses/by-sa/2.5/"


def test_openverse_html_attribution_gives_title_creator_and_their_links():
    pasted = (
        '<p class="attribution">"<a href="https://www.flickr.com/photos/jd/1" target="_blank" '
        'rel="noopener noreferrer">Sunset</a>" by <a href="https://www.flickr.com/photos/jd" '
        'target="_blank" rel="noopener noreferrer">Jane Doe</a> is licensed under <a '
        'href="https://creativecommons.org/licenses/by/2.0/?ref=openverse" target="_blank" '
        'style="display: inline-block;">CC BY 2.0<img style="height: 1em" '
        'src="https://mirrors.creativecommons.org/presskit/icons/cc.svg?ref=openverse" '
        'alt=""></a>.</p>'
    )
    parsed = parse_credit_line(pasted)
    assert (parsed.title, parsed.creator, parsed.license) == ("Sunset", "Jane Doe", "cc-by-2.0")
    assert parsed.source_url == "https://www.flickr.com/photos/jd/1"
    assert parsed.creator_url == "https://www.flickr.com/photos/jd"
    assert parsed.problems == []


def test_wikimedia_html_attribution_takes_the_file_page_as_the_source():
    pasted = (
        '<a href="https://commons.wikimedia.org/wiki/User:JaneDoe">Jane Doe</a>, '
        '<a href="https://creativecommons.org/licenses/by-sa/4.0">CC BY-SA 4.0</a>, '
        '<a href="https://commons.wikimedia.org/wiki/File:Sunset.jpg">via Wikimedia Commons</a>'
    )
    parsed = parse_credit_line(pasted)
    assert (parsed.creator, parsed.license) == ("Jane Doe", "cc-by-sa-4.0")
    assert parsed.creator_url == "https://commons.wikimedia.org/wiki/User:JaneDoe"
    assert parsed.source_url == "https://commons.wikimedia.org/wiki/File:Sunset.jpg"


def test_markdown_links_are_read_like_html_links():
    parsed = parse_credit_line(
        "[Sunset](https://example.org/p/1) by [Jane Doe](https://example.org/jane) is licensed "
        "under [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)"
    )
    assert (parsed.source_url, parsed.creator_url) == (
        "https://example.org/p/1",
        "https://example.org/jane",
    )
    assert parsed.license == "cc-by-4.0"


def test_bare_link_after_the_title_is_the_source():
    parsed = parse_credit_line(
        "“Sunset” (https://example.org/p/1) by Jane Doe is licensed under CC BY 2.0"
    )
    assert parsed.source_url == "https://example.org/p/1"
    assert parsed.title == "Sunset"


# --- The licence: from its name or from its link ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("CC BY-NC-ND 2.0", "cc-by-nc-nd-2.0"),
        ("cc by-nc-nd 2.0", "cc-by-nc-nd-2.0"),
        ("CC-BY-NC-ND-2.0", "cc-by-nc-nd-2.0"),
        ("Creative Commons BY-NC-ND 2.0", "cc-by-nc-nd-2.0"),
        ("Creative Commons Attribution-NonCommercial-NoDerivs 2.0 Generic", "cc-by-nc-nd-2.0"),
        ("Attribution-NonCommercial-NoDerivs 2.0 Generic", "cc-by-nc-nd-2.0"),
        ("Attribution-NonCommercial-NoDerivatives 4.0 International", "cc-by-nc-nd-4.0"),
        ("Creative Commons Attribution 3.0 Unported", "cc-by-3.0"),
        ("CC BY-SA 3.0", "cc-by-sa-3.0"),
        ("CC BY 1.0", "cc-by-1.0"),
        ("CC NC-SA 1.0", "cc-nc-sa-1.0"),
        ("CC0 1.0", "cc0-1.0"),
        ("CC0 1.0 Universal", "cc0-1.0"),
        ("Public Domain Mark 1.0", "pdm-1.0"),
        ("Public Domain Mark", "pdm-1.0"),
    ],
)
def test_licence_is_recognised_from_its_name(name, key):
    parsed = parse_credit_line(f"“Sunset” by Jane Doe, {name}")
    assert (parsed.license, parsed.license_url) == (key, "")


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://creativecommons.org/licenses/by-nc-nd/2.0/", "cc-by-nc-nd-2.0"),
        ("https://creativecommons.org/licenses/by-nc-nd/2.0", "cc-by-nc-nd-2.0"),
        ("http://creativecommons.org/licenses/by-nc-nd/2.0/", "cc-by-nc-nd-2.0"),
        ("https://creativecommons.org/licenses/by-nc-nd/2.0/deed.en", "cc-by-nc-nd-2.0"),
        ("https://creativecommons.org/licenses/by-sa/4.0/legalcode", "cc-by-sa-4.0"),
        ("https://www.creativecommons.org/licenses/by/3.0/?ref=openverse", "cc-by-3.0"),
        ("creativecommons.org/licenses/by/2.5/", "cc-by-2.5"),
        ("https://creativecommons.org/licenses/by-nd-nc/1.0/", "cc-by-nc-nd-1.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0/", "cc0-1.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0/deed.en", "cc0-1.0"),
        ("https://creativecommons.org/publicdomain/mark/1.0/", "pdm-1.0"),
    ],
)
def test_licence_is_recognised_from_its_link(url, key):
    parsed = parse_credit_line(f"“Sunset” by Jane Doe {url}")
    assert parsed.license == key
    assert parsed.license_url.removeprefix("https://") == url.removeprefix("https://")
    assert (parsed.title, parsed.creator) == ("Sunset", "Jane Doe")


def test_licence_link_alone_is_enough():
    parsed = parse_credit_line("https://creativecommons.org/licenses/by-nc-nd/2.0/")
    assert parsed.license == "cc-by-nc-nd-2.0"
    assert "No licence was recognised in the pasted text." not in parsed.problems


def test_licence_name_and_link_that_agree_raise_no_problem():
    parsed = parse_credit_line(
        "“Sunset” by Jane Doe, CC BY-SA 4.0 <https://creativecommons.org/licenses/by-sa/4.0/>"
    )
    assert (parsed.license, parsed.problems) == ("cc-by-sa-4.0", [])


def test_licence_name_and_link_that_disagree_are_reported():
    parsed = parse_credit_line(
        "“Sunset” by Jane Doe, CC BY 4.0 https://creativecommons.org/licenses/by-sa/4.0/"
    )
    assert parsed.license == "cc-by-sa-4.0"
    assert any("disagree" in problem for problem in parsed.problems)


def test_national_licence_link_chooses_the_international_one_and_says_so():
    parsed = parse_credit_line(
        "“Sunset” by Jane Doe https://creativecommons.org/licenses/by-sa/3.0/de/deed.en"
    )
    assert parsed.license == "cc-by-sa-3.0"
    assert any("national version of CC BY-SA 3.0" in problem for problem in parsed.problems)


def test_unknown_creative_commons_link_is_reported():
    parsed = parse_credit_line("“Sunset” by Jane Doe https://creativecommons.org/licenses/by/9.0/")
    assert parsed.license == ""
    assert any("not a licence the magazine" in problem for problem in parsed.problems)


@pytest.mark.parametrize("line", ["“Sunset” by Jane Doe, CC BY-SA", "Jane Doe / CC BY 5.0"])
def test_creative_commons_name_without_a_known_version_is_reported_not_guessed(line):
    parsed = parse_credit_line(line)
    assert parsed.license == ""
    assert parsed.creator == "Jane Doe"
    assert any("version" in problem for problem in parsed.problems)


def test_bare_all_rights_reserved_is_not_taken_for_a_staff_work():
    parsed = parse_credit_line("© Jane Doe, all rights reserved")
    assert (parsed.license, parsed.creator) == ("", "Jane Doe")
    assert any("permission" in problem for problem in parsed.problems)


# --- What could not be read ---------------------------------------------------------------


def test_photo_by_line_reads_the_creator_and_names_the_missing_licence():
    parsed = parse_credit_line("Photo by Jane Doe")
    assert parsed.creator == "Jane Doe"
    assert "No licence was recognised in the pasted text." in parsed.problems


def test_each_part_that_could_not_be_read_is_named():
    assert parse_credit_line("CC BY 4.0").problems == [
        "No creator was recognised in the pasted text.",
        "No title was recognised in the pasted text.",
    ]


def test_mention_of_creative_commons_without_a_licence_is_named():
    parsed = parse_credit_line("Sunset by Jane Doe, Creative Commons")
    assert parsed.license == ""
    assert parsed.problems == [
        "The pasted text mentions Creative Commons without naming which licence."
    ]


@pytest.mark.parametrize("text", ["", "   \n\t ", None, "!!!", "<p></p>"])
def test_nothing_to_read_is_the_only_problem(text):
    parsed = parse_credit_line(text)
    assert parsed.problems == ["Nothing was pasted that could be read as a credit."]
    assert parsed.fields() == {}


def test_creator_named_like_a_connector_survives_when_no_licence_follows():
    assert parse_credit_line("Photo by Sam Under").creator == "Sam Under"


def test_overlong_paste_is_cut_and_said_to_be():
    parsed = parse_credit_line(REFERENCE_CREDIT + " lorem" * 2000)
    assert parsed.license == "cc-by-nc-nd-2.0"
    assert any("first 2,000 characters" in problem for problem in parsed.problems)


ODD_INPUTS = [
    "",
    " ",
    "\n\n\n",
    ".,;:!?()[]{}<>“”‘’\"'/\\|-–—",
    "((((((((((((((((((((",
    "“" * 500,
    '"' * 501,
    "by " * 3000,
    "x" * 10_240,
    "CC BY " * 2000,
    "<a href=" * 2000,
    "<a href='https://example.org'>" * 500,
    "[x](" * 2000,
    "https://" * 2000,
    "https://creativecommons.org/licenses/" * 300,
    "<script>alert(1)</script><b>bold</b>&amp;&lt;&gt;&#0;&#xffffff;",
    "\x00\x01\x02\ue000\ue0ff\uffff",
    "“Unclosed title by Jane Doe is licensed under CC BY 4.0",
    "“” () by  is licensed under ",
    "by",
    "()",
    "is licensed under",
    "Photo:",
    "💥🔥 by 🦄 under CC BY 4.0",
    "مرحبا by 山田太郎 is licensed under CC BY-SA 4.0",
    12345,
    b"bytes by Jane",
    ["not", "a", "string"],
]


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_parser_never_raises_on_odd_input(text):
    parsed = parse_credit_line(text)
    assert isinstance(parsed, ParsedCredit)
    assert all(isinstance(problem, str) and problem for problem in parsed.problems)
    assert all(len(value) <= 500 for value in parsed.fields().values())


def test_parser_never_raises_on_shuffled_fragments():
    fragments = [
        "“", "”", '"', "(", ")", "by ", "Jane Doe", " is licensed under ", "CC BY-SA 4.0",
        "CC0", " / ", ", ", "<a href='https://example.org/x'>", "</a>", "https://",
        "creativecommons.org/licenses/by/2.0/", "[", "](", "\n", "©", "all rights reserved",
        "with permission of ", "To view a copy of this license, visit ", "<", ">", "&amp;",
    ]  # fmt: skip
    randomness = random.Random(20240611)
    for _ in range(2000):
        text = "".join(randomness.choices(fragments, k=randomness.randint(0, 25)))
        assert isinstance(parse_credit_line(text), ParsedCredit), text


def test_pathological_input_is_read_in_good_time():
    hostile = [
        "<a " + " " * 19_990 + "href=x>",
        "<a href=" + "x" * 19_990 + ">",
        "Sunset by Jane " + "is " * 600 + "CC BY 4.0",
        "Sunset by Jane (" + "cropx" * 380 + ") CC BY 4.0",
        "Jane " + "/ " * 900 + "CC BY 4.0",
        ". " * 10_000,
    ]
    started = time.perf_counter()
    for text in hostile:
        parse_credit_line(text)
    # Each takes milliseconds; a pattern that backtracks badly takes seconds.
    assert time.perf_counter() - started < 3


def test_registry_finds_a_licence_by_its_link_and_nothing_for_other_links():
    assert licenses.by_url("HTTP://www.CreativeCommons.org/licenses/by/4.0/deed.fr").key == (
        "cc-by-4.0"
    )
    assert licenses.by_url("https://example.org/licenses/by/4.0/") is None


def test_parsed_fields_pass_the_credit_models_validation():
    parsed = parse_credit_line(
        '<a href="https://example.org/p/1">“Sunset”</a> (cropped) by '
        '<a href="https://example.org/jane">Jane Doe</a> is licensed under CC BY 2.0'
    )
    ImageCredit(**parsed.fields()).full_clean(exclude=["image"])


# --- What each licence asks of a credit -------------------------------------------------------

COMPLETE = {
    "title": "Sunset",
    "creator": "Jane Doe",
    "source_url": "https://example.org/p/1",
    "permission_from": "",
}
EMPTY = {"title": "", "creator": "", "source_url": "", "permission_from": ""}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("cc-by-1.0", ["title", "creator", "source link"]),
        ("cc-by-sa-2.0", ["title", "creator", "source link"]),
        ("cc-by-nc-nd-2.0", ["title", "creator", "source link"]),
        ("cc-by-nd-2.5", ["title", "creator", "source link"]),
        ("cc-by-nc-3.0", ["title", "creator", "source link"]),
        ("cc-by-4.0", ["creator"]),
        ("cc-by-nc-sa-4.0", ["creator"]),
        ("cc-nd-1.0", []),
        ("cc0-1.0", []),
        ("pdm-1.0", []),
        ("staff", []),
        ("permission", ["who gave permission"]),
        ("", ["licence"]),
        ("no-such-licence", ["licence"]),
    ],
)
def test_empty_credit_lacks_what_its_licence_requires(key, expected):
    assert missing_for_license(ImageCredit(license=key, **EMPTY)) == expected


@pytest.mark.parametrize("key", sorted(set(licenses.LICENSES) - {"permission"}))
def test_complete_credit_lacks_nothing_for_any_licence(key):
    assert missing_for_license(ImageCredit(license=key, **COMPLETE)) == []


def test_permission_credit_lacks_nothing_once_the_giver_is_named():
    credit = ImageCredit(license="permission", **{**EMPTY, "permission_from": "The Doe family"})
    assert missing_for_license(credit) == []


def test_version_three_needs_the_source_link_but_version_four_does_not():
    fields = {**COMPLETE, "source_url": ""}
    assert missing_for_license(ImageCredit(license="cc-by-3.0", **fields)) == ["source link"]
    assert missing_for_license(ImageCredit(license="cc-by-4.0", **fields)) == []


def test_whitespace_counts_as_missing():
    credit = ImageCredit(license="cc-by-4.0", **{**COMPLETE, "creator": "   "})
    assert missing_for_license(credit) == ["creator"]


def test_parsed_credit_can_be_checked_before_it_is_saved():
    parsed = parse_credit_line("Photo by Jane Doe / CC BY-SA 2.0")
    assert missing_for_license(parsed) == ["title", "source link"]


def test_message_names_what_is_lacking_and_the_licence_that_requires_it():
    credit = ImageCredit(creator="United Nations Photo", license="cc-by-nc-nd-2.0")
    assert requirements_message(credit) == (
        "The picture's credit lacks the title and the source link, which CC BY-NC-ND 2.0 requires."
    )


def test_message_lists_three_lacks_with_commas_and_and():
    assert requirements_message(ImageCredit(license="cc-by-sa-3.0", **EMPTY)) == (
        "The picture's credit lacks the title, the creator and the source link, "
        "which CC BY-SA 3.0 requires."
    )


def test_message_for_permission_names_who_gave_it():
    assert requirements_message(ImageCredit(license="permission", **EMPTY)) == (
        "The picture's credit lacks a note of who gave permission, "
        "which a picture used with permission requires."
    )


def test_message_for_a_missing_licence():
    assert requirements_message(ImageCredit(license="", **COMPLETE)) == (
        "The picture's credit lacks a licence."
    )


def test_message_is_empty_when_nothing_is_lacking():
    assert requirements_message(ImageCredit(license="cc-by-nc-nd-2.0", **COMPLETE)) == ""


def test_message_takes_another_subject():
    credit = ImageCredit(license="cc-by-4.0", **EMPTY)
    assert requirements_message(credit, subject="This credit") == (
        "This credit lacks the creator, which CC BY 4.0 requires."
    )


# --- Filling a form from a pasted line ---------------------------------------------------------


def test_fill_blank_fields_fills_the_empty_fields_and_names_them():
    data = {"title": "", "creator": "", "license": ""}
    filled = fill_blank_fields(data, parse_credit_line(REFERENCE_CREDIT))
    assert data["title"] == "27th Africa-France Summit, Bamako"
    assert data["license"] == "cc-by-nc-nd-2.0"
    assert filled == ["title", "creator", "license", "changes"]


def test_fill_blank_fields_never_overwrites_a_typed_value():
    data = {"title": "My own title", "creator": " Someone ", "license": "cc-by-4.0"}
    filled = fill_blank_fields(data, parse_credit_line(REFERENCE_CREDIT))
    assert (data["title"], data["creator"], data["license"]) == (
        "My own title",
        " Someone ",
        "cc-by-4.0",
    )
    assert filled == ["changes"]


def test_fill_blank_fields_leaves_fields_the_line_did_not_give():
    data = {"source_url": "", "creator_url": ""}
    assert fill_blank_fields(data, parse_credit_line(REFERENCE_CREDIT), list(data)) == []
    assert data == {"source_url": "", "creator_url": ""}


def test_fill_blank_fields_counts_an_absent_field_as_blank():
    data = {}
    assert fill_blank_fields(data, parse_credit_line("Photo by Jane Doe")) == ["creator"]
    assert data == {"creator": "Jane Doe"}


def test_fill_blank_fields_treats_a_forms_untouched_default_as_blank():
    data = {"changes": "unmodified"}
    parsed = parse_credit_line("“Sunset” (cropped) by Jane Doe is licensed under CC BY 4.0")
    assert fill_blank_fields(data, parsed, ["changes"]) == []
    assert fill_blank_fields(data, parsed, ["changes"], defaults={"changes": "unmodified"}) == [
        "changes"
    ]
    assert data["changes"] == "cropped"


def test_fill_blank_fields_uses_the_forms_prefix():
    data = QueryDict("credit-0-title=&credit-0-creator=Typed", mutable=True)
    filled = fill_blank_fields(data, parse_credit_line(REFERENCE_CREDIT), prefix="credit-0")
    assert data["credit-0-title"] == "27th Africa-France Summit, Bamako"
    assert data["credit-0-creator"] == "Typed"
    assert "creator" not in filled


def test_fill_blank_fields_only_touches_the_fields_named():
    data = {}
    assert fill_blank_fields(data, parse_credit_line(REFERENCE_CREDIT), ["license"]) == ["license"]
    assert data == {"license": "cc-by-nc-nd-2.0"}
