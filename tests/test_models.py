from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Byline

from .factories import (
    REFERENCE_CREDIT,
    make_article,
    make_contributor,
    make_image,
    make_reference_image,
    make_section,
)

pytestmark = pytest.mark.django_db


def test_reference_credit_line_is_exact():
    assert make_reference_image().credit.line() == REFERENCE_CREDIT


def test_credit_line_html_links_title_creator_and_licence():
    html = make_reference_image().credit.line_html()
    assert html == (
        '<a href="https://www.flickr.com/photos/un_photo/">“27th Africa-France Summit, Bamako”</a>'
        " (unmodified) by "
        '<a href="https://www.flickr.com/photos/un_photo/">United Nations Photo</a>'
        " is licensed under "
        '<a href="https://creativecommons.org/licenses/by-nc-nd/2.0/">CC BY-NC-ND 2.0</a>'
    )


def test_credit_line_escapes_what_a_contributor_typed():
    image = make_image(credit={"title": "<script>x()</script>", "creator": "A & B"})
    html = image.credit.line_html()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "A &amp; B" in html


def test_credit_line_wording_follows_the_kind_of_licence():
    public_domain = make_image(credit={"title": "Old map", "license": "pdm-1.0"}).credit
    assert public_domain.line() == (
        "“Old map” (unmodified) by Test Photographer is marked with Public Domain Mark 1.0"
    )
    permission = make_image(credit={"title": "Portrait", "license": "permission"}).credit
    assert (
        permission.line() == "“Portrait” (unmodified) by Test Photographer is used with permission"
    )
    staff = make_image(credit={"title": "Quad", "license": "staff", "changes": "cropped"}).credit
    assert (
        staff.line() == "“Quad” (cropped) by Test Photographer is a staff work, all rights reserved"
    )


def test_untitled_work_is_named_this_image():
    credit = make_image(credit={"title": "", "license": "cc-by-4.0"}).credit
    assert (
        credit.line() == "This image (unmodified) by Test Photographer is licensed under CC BY 4.0"
    )


def test_public_includes_published_pieces_whose_date_has_passed():
    piece = make_article()
    assert list(Article.objects.public()) == [piece]


@pytest.mark.parametrize(
    "status",
    [
        Article.Status.DRAFT,
        Article.Status.SUBMITTED,
        Article.Status.CHANGES_REQUESTED,
        Article.Status.DECLINED,
        Article.Status.WITHDRAWN,
    ],
)
def test_public_excludes_pieces_not_published(status):
    make_article(status=status, published_at=timezone.now() - timedelta(days=3))
    assert not Article.objects.public().exists()


def test_public_excludes_a_published_piece_with_a_future_date():
    make_article(published_at=timezone.now() + timedelta(minutes=5))
    assert not Article.objects.public().exists()


def test_a_scheduled_piece_becomes_public_once_its_date_passes():
    piece = make_article(
        status=Article.Status.SCHEDULED, published_at=timezone.now() + timedelta(hours=1)
    )
    assert not Article.objects.public().exists()
    Article.objects.filter(pk=piece.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert list(Article.objects.public()) == [piece]


def test_public_lists_newest_first():
    older = make_article(published_at=timezone.now() - timedelta(days=2))
    newer = make_article(published_at=timezone.now() - timedelta(days=1))
    assert list(Article.objects.public()) == [newer, older]


def test_publishing_without_a_date_stamps_now():
    piece = make_article(status=Article.Status.PUBLISHED, published_at=None)
    assert piece.published_at is not None
    assert piece.is_public


def test_save_caches_sanitised_html_and_word_count():
    piece = make_article(body="Hello **there** <script>bad()</script>")
    piece.refresh_from_db()
    assert piece.body_html == "<p>Hello <strong>there</strong> </p>\n"
    assert piece.word_count == 2
    piece.body = "Now three words"
    piece.save()
    piece.refresh_from_db()
    assert piece.body_html == "<p>Now three words</p>\n"
    assert piece.word_count == 3


def test_reading_time_comes_from_the_word_count():
    piece = make_article(body=" ".join(["word"] * 760))
    assert piece.reading_time == 4


def test_byline_is_ordered_and_shows_each_role():
    pipa = make_contributor(name="Pipa Powers", role="Staff Writer")
    sam = make_contributor(name="Sam Okafor")
    piece = make_article(bylines=[(pipa, "Contributor"), (sam, "")])
    entries = list(piece.bylines.all())
    assert [str(entry) for entry in entries] == [
        "Pipa Powers, Contributor",
        "Sam Okafor, Contributor",
    ]
    Byline.objects.filter(article=piece, contributor=sam).update(position=0)
    Byline.objects.filter(article=piece, contributor=pipa).update(position=1)
    assert [b.contributor.name for b in piece.bylines.all()] == ["Sam Okafor", "Pipa Powers"]


def test_role_defaults_to_the_contributors_own():
    editor = make_contributor(role="Science Editor")
    piece = make_article(bylines=[(editor, "")])
    assert piece.bylines.get().shown_role == "Science Editor"


def test_related_pieces_share_the_most_tags_and_are_public():
    piece = make_article(tags=["Mali", "Sahel", "France"])
    two_shared = make_article(tags=["Mali", "Sahel"])
    one_shared = make_article(tags=["France", "Cooking"], published_at=timezone.now())
    make_article(tags=["Gardening"])
    make_article(tags=["Mali", "Sahel", "France"], status=Article.Status.DRAFT)
    make_article(tags=["Mali"], published_at=timezone.now() + timedelta(days=1))
    assert list(piece.related()) == [two_shared, one_shared]


def test_a_piece_without_tags_has_no_related_pieces():
    make_article(tags=["Mali"])
    assert list(make_article().related()) == []


def test_urls_follow_the_public_contract():
    section = make_section(slug="world")
    pipa = make_contributor(slug="pipa-powers")
    piece = make_article(slug="a-piece", section=section, bylines=[(pipa, "")])
    assert piece.get_absolute_url() == "/articles/a-piece/"
    assert section.get_absolute_url() == "/sections/world/"
    assert pipa.get_absolute_url() == "/contributors/pipa-powers/"


def test_uploaded_files_get_generated_names():
    image = make_image()
    assert "picture" not in image.file.name
    assert image.file.name.startswith("images/")
    assert (image.width, image.height) == (64, 36)
