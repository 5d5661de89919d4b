"""Export and import of the magazine's objects beyond the piece: print issues with their PDF
editions, series, the masthead, corrections, content warnings and pictures in bodies."""

import io
import re
from datetime import date

import pikepdf
import pytest
from django.core.files.base import ContentFile
from django.core.management.base import CommandError
from django.utils import timezone

from articles.models import Article, Contributor, Correction, Image, Issue, Position, Series

from .factories import (
    committed,
    make_article,
    make_contributor,
    make_correction,
    make_image,
    make_issue,
    make_section,
    make_series,
)
from .test_export import empty_the_site, media_files, run

pytestmark = pytest.mark.django_db

GENERATED_EDITION_NAME = re.compile(r"editions/\d{4}/[0-9a-f]{32}\.pdf")
REMOVAL_REASON = "The figure came from a draft report, since withdrawn."


def pdf_bytes(javascript=False):
    """A one-page PDF; with `javascript`, one that runs a script as it opens."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(420, 595))
    if javascript:
        pdf.Root.OpenAction = pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hello')")
        )
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def edition_magazine(db):
    """A small magazine with an issue (cover and PDF), a series, a masthead and corrections."""
    news = make_section(name="News", slug="news")
    ada = make_contributor(name="Ada Okafor", slug="ada-okafor", class_year=2027)
    ben = make_contributor(name="Ben Hale", slug="ben-hale")
    cover, inline, gallery = make_image(), make_image(), make_image()
    edition = pdf_bytes()
    issue = make_issue(
        volume=3,
        number=2,
        title="Autumn 2026",
        slug="vol-3-no-2",
        date=date(2026, 10, 1),
        cover=cover,
        introduction="Welcome to the autumn issue.\n\nIt is mostly about rivers.",
        pdf=ContentFile(edition, name="edition.pdf"),
        pdf_size=len(edition),
    )
    series = make_series(title="The River", slug="the-river", description="Three parts.")
    first = make_article(
        headline="The river, part one",
        slug="the-river-part-one",
        section=news,
        bylines=[(ada, "")],
        content_warning="Describes a drowning",
        body=f"It begins.\n\n[[picture {inline.pk}]]\n\n[[gallery {gallery.pk} {inline.pk}]]\n",
        issue=issue,
        issue_position=2,
        series=series,
        series_position=1,
    )
    make_article(
        headline="The river, part two",
        slug="the-river-part-two",
        section=news,
        bylines=[(ben, "")],
        series=series,
        series_position=2,
    )
    make_correction(first, text="The river is 40 km long, not 14.")
    removed = make_correction(first, kind="update", text="The bridge reopens on Monday.")
    with committed():
        Correction.objects.filter(pk=removed.pk).update(
            removed_at=timezone.now(), removal_reason=REMOVAL_REASON
        )
    with committed():
        Position.objects.create(contributor=ben, title="Editor-in-Chief", year=2025, order=0)
        Position.objects.create(contributor=ada, title="News Editor", year=2025, order=1)
        Position.objects.create(contributor=ada, title="Editor-in-Chief", year=2026, order=0)
    return {"issue": issue, "edition": edition, "inline": inline, "gallery": gallery}


def export_and_empty(settings, tmp_path):
    """Export the magazine, then empty the site as a new one is; the folder's path."""
    run("export", tmp_path / "magazine", verbosity=0)
    empty_the_site(settings, tmp_path / "new-site-media")
    return tmp_path / "magazine"


def assert_nothing_imported(tmp_path):
    for model in (Article, Contributor, Image, Issue, Series, Position, Correction):
        assert model.objects.count() == 0, model
    assert media_files(tmp_path / "new-site-media") == []


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- What the export writes --------------------------------------------------------------------


def test_export_writes_the_issue_with_its_cover_key_and_its_edition_beside_it(
    edition_magazine, tmp_path
):
    run("export", tmp_path / "magazine", verbosity=0)

    text = (tmp_path / "magazine/issues/vol-3-no-2.md").read_text(encoding="utf-8")
    cover = edition_magazine["issue"].cover
    assert text.startswith("---\nvolume: 3\nnumber: 2\ntitle: Autumn 2026\nslug: vol-3-no-2\n")
    assert "\ndate: 2026-10-01\npublished: true\n" in text
    assert f"\ncover: image-{cover.pk}\npdf: vol-3-no-2.pdf\n" in text
    assert text.endswith("---\nWelcome to the autumn issue.\n\nIt is mostly about rivers.")
    assert (tmp_path / "magazine/issues/vol-3-no-2.pdf").read_bytes() == edition_magazine["edition"]


def test_export_writes_each_year_of_the_masthead_in_its_order(edition_magazine, tmp_path):
    run("export", tmp_path / "magazine", verbosity=0)

    text = (tmp_path / "magazine/masthead/2025-26.md").read_text(encoding="utf-8")
    assert text == (
        "---\n# The masthead of 2025–26, in its order.\nyear: 2025\npositions:\n"
        "- contributor: ben-hale\n  title: Editor-in-Chief\n  order: 0\n"
        "- contributor: ada-okafor\n  title: News Editor\n  order: 1\n---\n"
    )
    assert (tmp_path / "magazine/masthead/2026-27.md").is_file()


def test_export_writes_a_pieces_issue_series_warning_and_corrections_in_its_front_matter(
    edition_magazine, tmp_path
):
    run("export", tmp_path / "magazine", verbosity=0)

    text = (tmp_path / "magazine/pieces/the-river-part-one.md").read_text(encoding="utf-8")
    assert "\ncontent_warning: Describes a drowning\n" in text
    assert "\nissue: vol-3-no-2\nissue_position: 2\nseries: the-river\nseries_position: 1\n" in text
    assert "\n- kind: correction\n" in text
    assert f"\n  removal_reason: {REMOVAL_REASON}\n" in text
    series = (tmp_path / "magazine/series/the-river.md").read_text(encoding="utf-8")
    assert series.startswith("---\ntitle: The River\nslug: the-river\n")
    assert series.endswith("---\nThree parts.")


def test_export_and_import_count_one_of_a_kind_in_the_singular(
    edition_magazine, settings, tmp_path
):
    exported, _ = run("export", tmp_path / "magazine")
    empty_the_site(settings, tmp_path / "new-site-media")
    imported, _ = run("import", tmp_path / "magazine")

    counts = (
        "1 section, 2 contributors, 3 images, 2 pieces, 1 issue, 1 series, "
        "3 masthead positions, 2 corrections and updates"
    )
    assert exported.startswith(f"Exported {counts} to ")
    assert imported.startswith(f"Imported {counts} from ")


def test_export_warns_of_a_picture_a_body_names_that_was_deleted_from_the_library(
    edition_magazine, tmp_path
):
    gallery = edition_magazine["gallery"]
    number = gallery.pk
    with committed():
        gallery.delete()

    _, err = run("export", tmp_path / "magazine", verbosity=0)

    assert (
        f"pieces/the-river-part-one.md shows picture {number}, which is no longer in the "
        "picture library: `manage.py import` refuses the folder"
    ) in err
    assert (tmp_path / "magazine/magazine.md").is_file()


# --- What the import makes of it ---------------------------------------------------------------


def test_the_imported_edition_has_the_same_bytes_under_a_generated_name(
    edition_magazine, settings, tmp_path
):
    run("import", export_and_empty(settings, tmp_path), verbosity=0)

    issue = Issue.objects.get(slug="vol-3-no-2")
    assert GENERATED_EDITION_NAME.fullmatch(issue.pdf.name)
    assert issue.pdf.read() == edition_magazine["edition"]
    assert issue.pdf_size == len(edition_magazine["edition"])
    assert issue.cover.file.name == edition_magazine["issue"].cover.file.name


def test_pictures_in_a_body_name_the_imported_pictures(edition_magazine, settings, tmp_path):
    files = {key: edition_magazine[key].file.name for key in ("inline", "gallery")}

    run("import", export_and_empty(settings, tmp_path), verbosity=0)

    piece = Article.objects.get(slug="the-river-part-one")
    inline, gallery = (Image.objects.get(file=files[key]) for key in ("inline", "gallery"))
    assert piece.body == (
        f"It begins.\n\n[[picture {inline.pk}]]\n\n[[gallery {gallery.pk} {inline.pk}]]\n"
    )
    assert set(piece.body_pictures.all()) == {inline, gallery}


def test_a_body_keeps_its_line_endings_when_its_pictures_are_renumbered(
    edition_magazine, settings, tmp_path
):
    inline = edition_magazine["inline"]
    Article.objects.filter(slug="the-river-part-two").update(
        body=f"Typed on Windows.\r\n\r\n[[picture {inline.pk}]]\r\nThe end.\r\n"
    )

    run("import", export_and_empty(settings, tmp_path), verbosity=0)

    new = Image.objects.get(file=inline.file.name).pk
    assert Article.objects.get(slug="the-river-part-two").body == (
        f"Typed on Windows.\r\n\r\n[[picture {new}]]\r\nThe end.\r\n"
    )


def test_a_removed_correction_comes_back_removed_with_its_reason_and_unseen(
    edition_magazine, settings, tmp_path, client
):
    run("import", export_and_empty(settings, tmp_path), verbosity=0)

    removed = Correction.objects.get(kind="update")
    assert removed.removed_at is not None
    assert removed.removal_reason == REMOVAL_REASON
    assert removed.article.slug == "the-river-part-one"
    page = client.get("/articles/the-river-part-one/").content.decode()
    assert "The river is 40 km long, not 14." in page
    assert "The bridge reopens on Monday." not in page
    assert "The bridge reopens on Monday." not in client.get("/corrections/").content.decode()


def test_series_parts_and_the_masthead_come_back_in_their_order(
    edition_magazine, settings, tmp_path
):
    run("import", export_and_empty(settings, tmp_path), verbosity=0)

    series = Series.objects.get(slug="the-river")
    assert [part.slug for part in series.public_parts()] == [
        "the-river-part-one",
        "the-river-part-two",
    ]
    assert [(p.contributor.slug, p.title) for p in Position.objects.in_year(2025)] == [
        ("ben-hale", "Editor-in-Chief"),
        ("ada-okafor", "News Editor"),
    ]
    assert Contributor.objects.get(slug="ada-okafor").class_year == 2027


# --- What the import refuses -------------------------------------------------------------------


def test_a_body_naming_a_picture_missing_from_the_export_is_refused_naming_the_piece(
    edition_magazine, settings, tmp_path
):
    folder = export_and_empty(settings, tmp_path)
    missing = edition_magazine["gallery"].pk
    for path in (folder / "images").glob(f"image-{missing}.*"):
        path.unlink()

    with pytest.raises(CommandError) as refusal:
        run("import", folder, verbosity=0)

    assert str(refusal.value) == (
        f"pieces/the-river-part-one.md: its text shows picture {missing}, which was not "
        f"exported with it (there is no images/image-{missing}.md). Nothing was imported."
    )
    assert_nothing_imported(tmp_path)


def test_an_edition_failing_the_upload_checks_is_refused_and_nothing_is_imported(
    edition_magazine, settings, tmp_path
):
    folder = export_and_empty(settings, tmp_path)
    (folder / "issues/vol-3-no-2.pdf").write_bytes(pdf_bytes(javascript=True))

    with pytest.raises(CommandError) as refusal:
        run("import", folder, verbosity=0)

    message = str(refusal.value)
    assert message.startswith(
        "issues/vol-3-no-2.md: its print edition issues/vol-3-no-2.pdf was refused: This PDF "
        "contains JavaScript"
    )
    assert message.endswith(
        "Export it again from the layout program as a plain PDF (for print "
        "or for the screen) and upload that. Nothing was imported."
    )
    assert_nothing_imported(tmp_path)


def test_a_refusal_after_the_edition_was_stored_removes_it(edition_magazine, settings, tmp_path):
    folder = export_and_empty(settings, tmp_path)
    # The masthead is made last, after the issue's edition was stored.
    edit(folder / "masthead/2026-27.md", "title: Editor-in-Chief", f"title: {'Chief ' * 30}")

    with pytest.raises(CommandError) as refusal:
        run("import", folder, verbosity=0)

    assert str(refusal.value).startswith("masthead/2026-27.md: title: ")
    assert_nothing_imported(tmp_path)


def test_a_removed_correction_without_its_reason_is_refused(edition_magazine, settings, tmp_path):
    folder = export_and_empty(settings, tmp_path)
    edit(folder / "pieces/the-river-part-one.md", f"removal_reason: {REMOVAL_REASON}", "")

    with pytest.raises(CommandError) as refusal:
        run("import", folder, verbosity=0)

    assert str(refusal.value) == (
        "pieces/the-river-part-one.md, correction 2: removed_at is given without a "
        "removal_reason. Nothing was imported."
    )
    assert_nothing_imported(tmp_path)


def test_a_piece_naming_an_issue_without_its_file_is_refused(edition_magazine, settings, tmp_path):
    folder = export_and_empty(settings, tmp_path)
    (folder / "issues/vol-3-no-2.md").unlink()

    with pytest.raises(CommandError, match="there is no issues/vol-3-no-2.md for 'vol-3-no-2'"):
        run("import", folder, verbosity=0)

    assert_nothing_imported(tmp_path)


def test_a_masthead_naming_someone_without_a_contributor_file_is_refused(
    edition_magazine, settings, tmp_path
):
    folder = export_and_empty(settings, tmp_path)
    edit(folder / "masthead/2025-26.md", "contributor: ben-hale", "contributor: nobody")

    with pytest.raises(CommandError) as refusal:
        run("import", folder, verbosity=0)

    assert str(refusal.value) == (
        "masthead/2025-26.md: its positions name 'nobody', who has no contributor file. "
        "Nothing was imported."
    )
    assert_nothing_imported(tmp_path)


def test_a_site_with_only_a_series_is_not_empty_to_the_import(edition_magazine, settings, tmp_path):
    folder = export_and_empty(settings, tmp_path)
    make_series()

    with pytest.raises(CommandError, match="This site already has series"):
        run("import", folder, verbosity=0)

    assert Article.objects.count() == 0


def test_a_folder_from_before_issues_and_series_still_imports(edition_magazine, settings, tmp_path):
    folder = export_and_empty(settings, tmp_path)
    edit(folder / "magazine.md", "format: 2\n", "format: 1\n")
    for kind in ("issues", "series", "masthead"):
        for path in (folder / kind).iterdir():
            path.unlink()
    for piece in (folder / "pieces").glob("*.md"):
        text = piece.read_text(encoding="utf-8")
        piece.write_text(re.sub(r"\n(issue|series): \S+\n", r"\n\1: null\n", text))

    run("import", folder, verbosity=0)

    assert Article.objects.count() == 2
    assert (Issue.objects.count(), Series.objects.count(), Position.objects.count()) == (0, 0, 0)
