"""Tests of `manage.py seed_demo`, the demo magazine, and the demo files it reads."""

import datetime
import io
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Q
from django.test import RequestFactory
from django.utils import timezone
from PIL import Image as PillowImage

from articles.demo import magazine, pictures
from articles.demo.content import load_pieces, parse_front_matter, parse_publish_date
from articles.models import (
    Article,
    Byline,
    Contributor,
    Correction,
    Image,
    ImageCredit,
    Issue,
    Position,
    Section,
    Series,
)

REFERENCE_SLUG = "after-9-years-of-military-presence-french-troops-exit-mali"
REFERENCE_CREDIT = (
    "“27th Africa-France Summit, Bamako” (unmodified) by United Nations Photo "
    "is licensed under CC BY-NC-ND 2.0"
)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Hash the demo passwords cheaply: the tests check accounts, not the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed():
    """Run the command and return what it printed."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def printed_password(output, label, username):
    match = re.search(rf"{label}:\s+{username} / (\S+)", output)
    assert match, f"no {label} account line in:\n{output}"
    return match[1]


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Article,
            Image,
            Contributor,
            Byline,
            Section,
            Issue,
            Position,
            Correction,
            Series,
            get_user_model(),
        )
    }


@pytest.mark.django_db
def test_seed_demo_creates_the_reference_piece_with_its_exact_facts():
    seed()
    article = Article.objects.get(slug=REFERENCE_SLUG)
    assert article.headline == "After 9 Years of Military Presence, French Troops Exit Mali"
    assert [(b.contributor.name, b.shown_role) for b in article.bylines.all()] == [
        ("Pipa Powers", "Contributor")
    ]
    assert article.section.name == "World"
    assert set(article.tags.names()) == {"France", "Mali", "Sahel", "Wagner Group", "West Africa"}
    assert article.status == Article.Status.PUBLISHED
    assert timezone.localdate(article.published_at) == datetime.date(2022, 2, 21)
    assert article.standfirst
    assert article.hero_image.credit.line() == REFERENCE_CREDIT


@pytest.mark.django_db
def test_reference_piece_body_is_seven_paragraphs_of_650_to_850_words():
    seed()
    article = Article.objects.get(slug=REFERENCE_SLUG)
    assert article.body_html.count("<p>") == 7
    assert "<h2" not in article.body_html
    assert 650 <= article.word_count <= 850


@pytest.mark.django_db
def test_stand_in_image_is_a_1600_by_900_jpeg_that_says_it_is_a_stand_in():
    seed()
    image = Article.objects.get(slug=REFERENCE_SLUG).hero_image
    with image.file.open("rb") as handle, PillowImage.open(handle) as picture:
        assert picture.format == "JPEG"
        assert picture.size == (1600, 900)
    assert (image.width, image.height) == (1600, 900)
    assert "stand-in" in image.alt_text.lower()


@pytest.mark.django_db
def test_stand_in_is_the_same_each_time_and_says_so_in_a_corner_caption_and_alt_text():
    seed()
    image = Article.objects.get(slug=REFERENCE_SLUG).hero_image
    assert pictures.stand_in(seed=REFERENCE_SLUG) == pictures.stand_in(seed=REFERENCE_SLUG)
    assert "stand-in" in image.caption.lower() and "photograph" in image.caption
    assert image.alt_text.startswith("Stand-in for a United Nations photograph")
    assert image.credit.line() == REFERENCE_CREDIT
    with image.file.open("rb") as handle, PillowImage.open(handle) as picture:
        grey = picture.convert("L")
        # The tag: a dark label with light lettering in the bottom-left corner.
        darkest, lightest = grey.crop((30, 830, 280, 870)).getextrema()
        assert darkest < 40 and lightest > 200
        # No band of words across the middle: the hall's rows of people vary all the way along.
        darkest, lightest = grey.crop((0, 600, 1600, 601)).getextrema()
        assert lightest - darkest > 80


@pytest.mark.django_db
def test_demo_has_seven_public_pieces_by_four_contributors_in_three_sections():
    seed()
    public = Article.objects.public()
    assert public.count() >= 7
    contributors = Contributor.objects.filter(bylines__article__in=public).distinct()
    assert contributors.count() >= 4
    assert Section.objects.filter(articles__in=public).distinct().count() >= 3
    assert Section.objects.count() == 5
    assert any(article.bylines.count() >= 2 for article in public)


@pytest.mark.django_db
def test_every_public_piece_has_a_credited_picture_with_alt_text():
    seed()
    for article in Article.objects.public():
        image = article.hero_image
        assert image is not None, article.slug
        assert image.alt_text and image.credit.creator and image.credit.line()


@pytest.mark.django_db
def test_other_public_pieces_are_250_to_500_words_and_published_in_the_last_30_days():
    seed()
    now = timezone.now()
    for article in Article.objects.public().exclude(slug=REFERENCE_SLUG):
        assert 250 <= article.word_count <= 500, article.slug
        assert now - datetime.timedelta(days=30) <= article.published_at <= now, article.slug


@pytest.mark.django_db
def test_only_the_reference_piece_mentions_wagner_mali_coups_or_french_troops():
    seed()
    words = ("wagner", "mali", "coup", "french", "troops")
    mentions = Q()
    for word in words:
        mentions |= Q(headline__icontains=word) | Q(standfirst__icontains=word)
        mentions |= Q(body__icontains=word) | Q(tags__name__icontains=word)
    slugs = set(Article.objects.filter(mentions).values_list("slug", flat=True))
    assert slugs == {REFERENCE_SLUG}


@pytest.mark.django_db
def test_draft_and_scheduled_pieces_exist_but_are_not_public():
    seed()
    draft = Article.objects.get(status=Article.Status.DRAFT)
    assert draft.published_at is None
    assert draft.bylines.get().contributor.name == "Pipa Powers"
    scheduled = Article.objects.get(status=Article.Status.SCHEDULED)
    assert scheduled.published_at > timezone.now() + datetime.timedelta(days=2)
    public = Article.objects.public()
    assert draft not in public and scheduled not in public
    assert not draft.is_public and not scheduled.is_public


@pytest.mark.django_db
def test_running_twice_creates_and_changes_nothing():
    seed()
    before = counts()
    output = seed()
    assert counts() == before
    assert "0 created" in output


@pytest.mark.django_db
def test_an_editors_change_between_runs_survives_the_second_run():
    seed()
    Article.objects.filter(slug=REFERENCE_SLUG).update(headline="An editor's better headline")
    Contributor.objects.filter(slug="pipa-powers").update(bio="Rewritten by the editor.")
    seed()
    assert Article.objects.get(slug=REFERENCE_SLUG).headline == "An editor's better headline"
    assert Contributor.objects.get(slug="pipa-powers").bio == "Rewritten by the editor."


def sign_in(username, password):
    # The login rate limiter needs the request a login comes with.
    return authenticate(
        RequestFactory().post("/accounts/login/"), username=username, password=password
    )


@pytest.mark.django_db
def test_a_changed_password_is_not_reset_by_the_second_run():
    output = seed()
    editor = get_user_model().objects.get(username="editor")
    editor.set_password("a-password-the-editor-chose")
    editor.save()
    seed()
    assert sign_in("editor", "a-password-the-editor-chose")
    assert not sign_in("editor", printed_password(output, "Editor", "editor"))


@pytest.mark.django_db
def test_editor_account_is_a_superuser_who_signs_in_with_the_printed_password():
    output = seed()
    password = printed_password(output, "Editor", "editor")
    editor = sign_in("editor", password)
    assert editor is not None
    assert editor.is_superuser and editor.is_staff
    assert editor.email == "editor@example.org"
    assert "/admin/" in output


@pytest.mark.django_db
def test_contributor_account_is_pipa_powers_not_staff_and_signs_in_with_the_printed_password():
    output = seed()
    password = printed_password(output, "Contributor", "pipa")
    user = sign_in("pipa", password)
    assert user is not None
    assert not user.is_staff and not user.is_superuser
    assert user.contributor == Contributor.objects.get(name="Pipa Powers")


@pytest.mark.django_db
def test_demo_passwords_pass_the_password_validators():
    output = seed()
    for label, username in (("Editor", "editor"), ("Contributor", "pipa")):
        user = get_user_model().objects.get(username=username)
        password = printed_password(output, label, username)
        assert len(password) >= 12
        validate_password(password, user)


def test_front_matter_gives_scalars_lists_and_the_markdown_body():
    meta, body = parse_front_matter(
        "---\nheadline: Colons: kept\ntags: A, B ,C\n---\n\nFirst paragraph.\n"
    )
    assert meta == {"headline": "Colons: kept", "tags": ["A", "B", "C"]}
    assert body == "First paragraph.\n"


def test_front_matter_without_its_fences_is_refused():
    with pytest.raises(ValueError):
        parse_front_matter("headline: no fences\n")
    with pytest.raises(ValueError):
        parse_front_matter("---\nheadline: never closed\n")


def test_publish_dates_are_relative_to_now_or_fixed():
    now = datetime.datetime(2030, 5, 10, 14, 37, tzinfo=datetime.UTC)
    assert parse_publish_date("3 days ago", now) == datetime.datetime(
        2030, 5, 7, 14, tzinfo=datetime.UTC
    )
    assert parse_publish_date("in 3 days", now) == datetime.datetime(
        2030, 5, 13, 14, tzinfo=datetime.UTC
    )
    assert parse_publish_date("2022-02-21", now).date() == datetime.date(2022, 2, 21)
    assert parse_publish_date("", now) is None


def test_every_demo_file_parses_and_slugs_are_unique():
    pieces = load_pieces()
    slugs = [piece.slug for piece in pieces]
    assert len(slugs) == len(set(slugs))
    assert REFERENCE_SLUG in slugs


@pytest.mark.django_db
def test_everything_the_demo_creates_passes_model_validation():
    seed()
    # SQLite ignores max_length; validating here catches what PostgreSQL would refuse.
    for model in (Section, Contributor, Article, Byline, Image, ImageCredit, Issue, Series):
        for instance in model.objects.all():
            instance.full_clean()


@pytest.mark.django_db
def test_demo_issue_is_public_and_holds_most_public_pieces_in_order():
    seed()
    issue = Issue.objects.public().get(volume=1, number=1)
    assert issue.volume_and_number == "Vol. 1, No. 1"
    assert issue.title == magazine.season_title(issue.date)
    pieces = list(issue.contents.order_by("issue_position").values_list("slug", flat=True))
    assert pieces == magazine.ISSUE_CONTENTS
    public = Article.objects.public()
    assert public.filter(issue=issue).count() > public.count() / 2


@pytest.mark.django_db
def test_demo_issue_has_a_credited_cover_and_a_pdf_that_passes_the_upload_checks():
    from articles.pdfs import check_pdf

    seed()
    issue = Issue.objects.get(volume=1, number=1)
    assert issue.cover.credit.line() and issue.cover.alt_text
    assert issue.cover.height > issue.cover.width
    with issue.pdf.open("rb") as stored:
        data = stored.read()
    assert data.startswith(b"%PDF-") and issue.pdf_size == len(data)
    # Stored under a generated name, like every upload: not the name it was made under.
    assert re.fullmatch(r"editions/\d{4}/[0-9a-f]{32}\.pdf", issue.pdf.name)
    check_pdf(SimpleUploadedFile("again.pdf", data, content_type="application/pdf"))


@pytest.mark.django_db
def test_demo_masthead_has_this_academic_year_and_last():
    seed()
    this_year = magazine.academic_year_of(timezone.localdate())
    years = set(Position.objects.values_list("year", flat=True))
    assert years == {this_year, this_year - 1}
    first = Position.objects.in_year(this_year).first()
    assert (first.title, first.contributor.name) == ("Editor-in-Chief", "Ines Castellanos")
    assert Contributor.objects.get(slug="ines-castellanos").class_year == 2027


@pytest.mark.django_db
def test_demo_has_a_correction_on_one_public_piece_and_an_update_on_another():
    seed()
    shown = list(Correction.objects.public())
    kinds = {(item.kind, item.article.slug) for item in shown}
    assert kinds == {
        ("correction", "library-to-stay-open-until-2am-during-exams"),
        ("update", "student-union-elections-turnout-up-trust-still-low"),
    }
    assert all(item.published_at <= timezone.now() for item in shown)


@pytest.mark.django_db
def test_demo_series_has_three_parts_in_order_the_last_a_draft():
    seed()
    series = Series.objects.get(slug=magazine.SERIES_SLUG)
    parts = list(series.parts.order_by("series_position"))
    assert [part.slug for part in parts] == magazine.SERIES_PARTS
    assert [part.is_public for part in parts] == [True, True, False]


@pytest.mark.django_db
def test_demo_rich_piece_shows_credited_pictures_in_its_body():
    seed()
    piece = Article.objects.get(slug="counting-microplastics-in-the-river-alder")
    assert "@" not in piece.body
    shown = list(piece.body_pictures.all())
    assert len(shown) == len(magazine.BODY_PICTURES)
    assert all(image.credit.line() and image.alt_text for image in shown)
    assert piece.picture_warnings() == []


@pytest.mark.django_db
def test_demo_has_a_piece_with_a_content_warning():
    seed()
    warned = Article.objects.public().exclude(content_warning="")
    assert [piece.slug for piece in warned] == [
        "when-the-rains-fail-farming-through-drought-in-east-africa"
    ]
