"""Tests of `manage.py export` and `manage.py import`: the magazine as Markdown files, and back."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from PIL import Image as PILImage
from taggit.models import Tag

from articles import body_pictures
from articles.models import (
    Article,
    Contributor,
    Correction,
    Image,
    ImageCredit,
    Issue,
    Position,
    Section,
    Series,
    SlugHistory,
)
from articles.models.magazine import PART_ORDER
from articles.rendering import PLACEHOLDER

from .factories import (
    REFERENCE_HEADLINE,
    committed,
    make_article,
    make_contributor,
    make_correction,
    make_image,
    make_issue,
    make_reference_image,
    make_section,
)

pytestmark = pytest.mark.django_db

# Renditions are named afresh for every batch (so that no cache serves an old crop under an old
# name): after an import they are the same sizes of the same pictures under other names. Only
# that random part of their addresses is set aside when pages are compared.
RENDITION_NAME = re.compile(r"renditions/\d{4}/\d{2}/[0-9a-f]{32}-")
# A correction's anchor on its piece's page holds its number in the database, new after an import.
CORRECTION_ANCHOR = re.compile(r"\b(correction|update)-\d+\b")


def run(command, *args, verbosity=1):
    """Run a command; return what it printed to stdout and to stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *map(str, args), verbosity=verbosity, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def media_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def empty_the_site(settings, media_root):
    """Remove all content, and give the site a new, empty media folder, as a new site has."""
    with committed():
        # Corrections hold on to their pieces, positions to their holders: they go first.
        Correction.objects.all().delete()
        Position.objects.all().delete()
        Article.objects.all().delete()
        Issue.objects.all().delete()
        Series.objects.all().delete()
        Contributor.objects.all().delete()
        Section.objects.all().delete()
        Image.objects.all().delete()
        Tag.objects.all().delete()
    settings.MEDIA_ROOT = media_root


def article_pages(client):
    """Every public piece's page as readers get it, by address."""
    return reader_pages(client, [piece.get_absolute_url() for piece in Article.objects.public()])


def magazine_pages(client):
    """The pages of the magazine's own objects: issues, series, the masthead, corrections."""
    addresses = ["/issues/", "/masthead/", "/corrections/", "/corrections/feed/"]
    addresses += [issue.get_absolute_url() for issue in Issue.objects.public()]
    addresses += [series.get_absolute_url() for series in Series.objects.all()]
    addresses += [position.get_absolute_url() for position in Position.objects.all()]
    return reader_pages(client, addresses)


def reader_pages(client, addresses):
    """The pages at these addresses as readers get them, set apart from the names that an
    import gives anew (rendition files, correction numbers)."""
    pages = {}
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        page = RENDITION_NAME.sub("renditions/…-", response.content.decode())
        pages[address] = CORRECTION_ANCHOR.sub(r"\1-…", page)
    return pages


def magazine_state():
    """Everything about the content that matters, keyed by slugs and file names, not ids."""
    sections = {s.slug: (s.name, s.position, s.description) for s in Section.objects.all()}
    contributors = {
        c.slug: (
            c.name,
            c.role,
            c.pronouns,
            c.class_year,
            c.bio,
            c.links,
            c.photo.file.name if c.photo else None,
        )
        for c in Contributor.objects.select_related("photo")
    }
    images = {}
    for image in Image.objects.select_related("credit"):
        credit = image.credit
        images[image.file.name] = (
            image.alt_text,
            image.decorative,
            image.caption,
            image.crop_box,
            image.focal_x,
            image.focal_y,
            image.width,
            image.height,
            image.uploaded_at,
            image.renditions.count(),
            (
                credit.title,
                credit.creator,
                credit.creator_url,
                credit.source_url,
                credit.license,
                credit.permission_from,
                credit.changes,
            ),
            credit.line(),
            str(credit.line_html()),
        )
    # In the order they were given, which is the order pages list them in.
    tagged = Article.tags.through.objects.filter(content_type__model="article")
    # A body names its pictures by their numbers in this site: compared by their files instead.
    files = dict(Image.objects.values_list("pk", "file"))
    pieces = {}
    for piece in Article.objects.select_related("section", "hero_image", "issue", "series"):
        pieces[piece.slug] = {
            "fields": (
                piece.headline,
                piece.standfirst,
                body_pictures.renumbered(piece.body, files),
                PLACEHOLDER.sub(
                    lambda m: " ".join(files[int(n)] for n in m[2].split()), piece.body_html
                ),
                piece.word_count,
                piece.section.slug,
                piece.status,
                piece.published_at,
                piece.created_at,
                piece.updated_at,
                piece.submitted_at,
                piece.own_work_declared_at,
                piece.note_to_editors,
                piece.hero_image.file.name if piece.hero_image else None,
                piece.with_contributors_only,
                piece.content_warning,
                piece.issue.slug if piece.issue else None,
                piece.issue_position,
                piece.series.slug if piece.series else None,
                piece.series_position,
            ),
            "bylines": [
                (byline.contributor.slug, byline.role, byline.shown_role)
                for byline in piece.bylines.all()
            ],
            "tags": list(
                tagged.filter(object_id=piece.pk)
                .order_by("pk")
                .values_list("tag__name", "tag__slug")
            ),
            "old_slugs": sorted(
                (old.slug, old.created_at) for old in SlugHistory.objects.filter(article=piece)
            ),
            "corrections": [
                (c.kind, c.text, c.published_at, c.removed_at, c.removal_reason)
                for c in piece.corrections.order_by("published_at", "pk")
            ],
            "body_pictures": sorted(image.file.name for image in piece.body_pictures.all()),
        }
    issues = {
        issue.slug: (
            issue.volume,
            issue.number,
            issue.title,
            issue.date,
            issue.published,
            issue.cover.file.name if issue.cover else None,
            issue.introduction,
            issue.pdf.read() if issue.pdf else None,
            issue.pdf_size,
            issue.created_at,
            issue.updated_at,
        )
        for issue in Issue.objects.select_related("cover")
    }
    series = {
        one.slug: (
            one.title,
            one.description,
            one.created_at,
            one.updated_at,
            list(one.parts.order_by(*PART_ORDER).values_list("slug", flat=True)),
        )
        for one in Series.objects.all()
    }
    masthead = list(
        Position.objects.order_by("year", "order", "pk").values_list(
            "year", "order", "title", "contributor__slug"
        )
    )
    return {
        "sections": sections,
        "contributors": contributors,
        "images": images,
        "pieces": pieces,
        "issues": issues,
        "series": series,
        "masthead": masthead,
    }


@pytest.fixture
def varied_magazine(demo_magazine):
    """The demo magazine and what it lacks: unpublished states, a crop, permission, old slugs,
    a removed correction, an issue not yet out, pictures in a body typed with CRLF endings."""
    photo = make_image(
        credit={"title": "", "creator": "A. Photographer", "license": "cc-by-sa-4.0"},
        alt_text="",
        decorative=True,
        caption="A river at dusk",
        crop_left=2,
        crop_top=3,
        crop_right=60,
        crop_bottom=30,
        focal_x=0.25,
        focal_y=0.75,
    )
    lent = make_image(
        credit={
            "title": "The weir",
            "creator": "The Alder Trust",
            "license": "permission",
            "permission_from": "The Alder Trust press office",
            "changes": "colours adjusted",
        },
    )
    writer = make_contributor(
        name="Null",
        slug="null",
        role="Guest Writer",
        bio="Writes about rivers.\r\nAnd about bridges.\n",
        links="https://example.org/null\nhttps://social.example/@null",
        photo=photo,
        class_year=2026,
    )
    pipa = Contributor.objects.get(slug="pipa-powers")
    now = timezone.now()
    make_article(
        headline="No",
        slug="a-submitted-piece",
        standfirst="2024-01-01",
        body="First line  \r\n---\r\nA line of dashes above, and *emphasis*.\n\n\n",
        status=Article.Status.SUBMITTED,
        section=Section.objects.get(slug="science"),
        bylines=[(writer, ""), (pipa, "Photographs")],
        tags=["Rivers", "yes"],
        hero_image=lent,
        note_to_editors="Please check the second paragraph: true?",
        submitted_at=now - timedelta(hours=2),
        own_work_declared_at=now - timedelta(hours=2, minutes=1),
    )
    make_article(
        status=Article.Status.CHANGES_REQUESTED,
        section=make_section(name="Sport", slug="sport", position=9, description=""),
        bylines=[(writer, "Reporter")],
    )
    # A contributor's own draft: the editors do not see it, in this site or the next.
    make_article(
        status=Article.Status.DRAFT,
        slug="a-contributors-own-draft",
        section=Section.objects.get(slug="science"),
        bylines=[(writer, "")],
        with_contributors_only=True,
    )
    coming = make_issue(
        volume=2, number=1, title="Spring", published=False, date=now.date() + timedelta(days=30)
    )
    make_article(
        slug="a-gallery-typed-on-windows",
        section=Section.objects.get(slug="science"),
        bylines=[(writer, "")],
        content_warning="Shows flood damage to homes",
        body=(
            f"Before the pictures.\r\n\r\n[[gallery {lent.pk} {photo.pk}]]\r\n\r\n"
            f"[[picture {photo.pk}]]\r\nAfter them, and [[picture {lent.pk}]] as words.\r\n"
        ),
        issue=coming,
        issue_position=3,
    )
    moved = Article.objects.get(slug="library-to-stay-open-until-2am-during-exams")
    withdrawn = make_correction(
        moved,
        kind="update",
        text="The café on the ground floor stays open too,\nuntil midnight.",
        published_at=moved.published_at + timedelta(hours=3),
    )
    with committed():
        Correction.objects.filter(pk=withdrawn.pk).update(
            removed_at=now - timedelta(minutes=5),
            removal_reason="The café's hours had not been confirmed.",
        )
    moved.slug = "library-open-until-2am"
    moved.save()


@pytest.fixture
def small_magazine(db):
    """A few pieces made by the factories: quick to build, enough to export and import."""
    world = make_section(name="World", slug="world", position=1)
    pipa = make_contributor(name="Pipa Powers", slug="pipa-powers")
    make_article(
        headline=REFERENCE_HEADLINE,
        slug="french-troops-exit-mali",
        section=world,
        bylines=[(pipa, "Contributor")],
        tags=["France", "Mali"],
        hero_image=make_reference_image(),
        published_at=timezone.make_aware(timezone.datetime(2022, 2, 21, 9)),
    )
    make_article(section=world, hero_image=make_image(), tags=["Sahel"])
    make_article(status=Article.Status.DRAFT, bylines=[(pipa, "")])


def test_export_then_import_into_an_empty_site_reproduces_the_magazine(
    varied_magazine, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    before = magazine_state()
    pages = article_pages(client) | magazine_pages(client)
    assert before["pieces"]["a-submitted-piece"]["bylines"] == [
        ("null", "", "Guest Writer"),
        ("pipa-powers", "Photographs", "Photographs"),
    ]
    assert {"draft", "submitted", "changes_requested", "scheduled", "published"} <= {
        piece["fields"][6] for piece in before["pieces"].values()
    }
    assert before["pieces"]["library-open-until-2am"]["old_slugs"]
    # What the magazine's own objects bring: each is compared below.
    assert before["issues"]["vol-1-no-1"][7].startswith(b"%PDF-")
    assert before["issues"]["vol-2-no-1"][4:8] == (False, None, "", None)
    assert len(before["series"]["living-with-a-changing-climate"][4]) == 3
    assert len(before["masthead"]) == 8
    assert "The café's hours had not been confirmed." in [
        correction[4] for correction in before["pieces"]["library-open-until-2am"]["corrections"]
    ]
    assert len(before["pieces"]["a-gallery-typed-on-windows"]["body_pictures"]) == 2
    assert len(before["pieces"]["counting-microplastics-in-the-river-alder"]["body_pictures"]) == 4

    run("export", tmp_path / "magazine")
    empty_the_site(settings, tmp_path / "new-site-media")
    assert not any(magazine_state().values())
    # What the import's commit sets off (a new generation of cached pages) happens here too.
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run("import", tmp_path / "magazine")

    assert (
        "Imported 6 sections, 6 contributors, 16 images, 14 pieces, 2 issues, 1 series, "
        "8 masthead positions, 3 corrections and updates from "
    ) in out
    after = magazine_state()
    for part, state in before.items():
        assert after[part] == state, part
    assert article_pages(client) | magazine_pages(client) == pages
    # The old address of the moved piece still leads to it.
    assert client.get("/articles/library-to-stay-open-until-2am-during-exams/").status_code == 301


def test_import_keeps_the_original_pictures_byte_for_byte(small_magazine, settings, tmp_path):
    originals = {image.file.name: image.file.read() for image in Image.objects.all()}
    run("export", tmp_path / "magazine", verbosity=0)
    empty_the_site(settings, tmp_path / "new-site-media")
    run("import", tmp_path / "magazine", verbosity=0)

    assert {image.file.name: image.file.read() for image in Image.objects.all()} == originals


def test_import_gives_searches_and_revisions_as_an_editor_save_does(
    small_magazine, client, settings, tmp_path
):
    run("export", tmp_path / "magazine", verbosity=0)
    empty_the_site(settings, tmp_path / "new-site-media")
    # The import's commit sets off the indexing: a test's transaction must stand in for it.
    with committed():
        run("import", tmp_path / "magazine", verbosity=0)

    found = client.get("/search/", {"q": "French troops"})
    assert "After 9 Years of Military Presence" in found.content.decode()
    assert all(piece.history.count() == 1 for piece in Article.objects.all())


def test_export_writes_markdown_with_front_matter_and_the_credit(small_magazine, tmp_path):
    run("export", tmp_path / "magazine", verbosity=0)

    piece = tmp_path / "magazine/pieces/french-troops-exit-mali.md"
    text = piece.read_text(encoding="utf-8")
    assert text.startswith("---\nheadline: After 9 Years of Military Presence, French Troops Exit")
    assert "published_at: 2022-02-21T09:00:00+00:00\n" in text
    assert "- contributor: pipa-powers\n  role: Contributor\n" in text
    assert text.split("\n---\n", 1)[1] == Article.objects.get(slug=piece.stem).body
    reference = Article.objects.get(slug=piece.stem).hero_image
    picture = (tmp_path / f"magazine/images/image-{reference.pk}.md").read_text(encoding="utf-8")
    assert (
        "# Image Credit: “27th Africa-France Summit, Bamako” (unmodified) by United Nations Photo "
        "is licensed under CC BY-NC-ND 2.0\n"
    ) in picture
    assert "  license: cc-by-nc-nd-2.0\n" in picture
    assert (tmp_path / f"magazine/images/image-{reference.pk}.jpg").read_bytes() == (
        reference.file.read()
    )
    assert (tmp_path / "magazine/sections/world.md").is_file()
    assert (
        (tmp_path / "magazine/contributors/pipa-powers.md")
        .read_text()
        .startswith("---\nname: Pipa Powers\nslug: pipa-powers\n")
    )


def test_export_refuses_a_folder_that_is_not_empty(tmp_path):
    make_article()
    target = tmp_path / "magazine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")

    with pytest.raises(CommandError, match="not an empty folder"):
        run("export", target)

    assert [path.name for path in target.iterdir()] == ["notes.txt"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["magazine"]


def test_import_into_a_site_with_content_is_refused_and_changes_nothing(tmp_path, settings):
    make_article(hero_image=make_image())
    run("export", tmp_path / "magazine", verbosity=0)
    counts = [model.objects.count() for model in (Article, Contributor, Section, Image)]
    files = media_files(settings.MEDIA_ROOT)

    with pytest.raises(CommandError, match="This site already has pieces") as refusal:
        run("import", tmp_path / "magazine")

    assert "Nothing was imported" in str(refusal.value)
    assert [model.objects.count() for model in (Article, Contributor, Section, Image)] == counts
    assert media_files(settings.MEDIA_ROOT) == files


def test_a_broken_front_matter_imports_nothing_and_names_the_file(
    small_magazine, settings, tmp_path
):
    run("export", tmp_path / "magazine", verbosity=0)
    broken = sorted((tmp_path / "magazine/pieces").glob("*.md"))[-1]
    broken.write_text("---\nheadline: [unclosed\n---\nBody.\n", encoding="utf-8")
    empty_the_site(settings, tmp_path / "new-site-media")

    with pytest.raises(CommandError) as refusal:
        run("import", tmp_path / "magazine")

    assert f"pieces/{broken.name}" in str(refusal.value)
    assert "not valid YAML" in str(refusal.value)
    assert (Article.objects.count(), Section.objects.count(), Image.objects.count()) == (0, 0, 0)
    assert media_files(tmp_path / "new-site-media") == []


def test_a_bad_value_found_while_saving_undoes_every_row_and_file(
    small_magazine, settings, tmp_path
):
    run("export", tmp_path / "magazine", verbosity=0)
    # Pieces are saved last, after every picture and its renditions were written.
    last = sorted((tmp_path / "magazine/pieces").glob("*.md"))[-1]
    text = last.read_text(encoding="utf-8")
    last.write_text(re.sub(r"\nstatus: \w+\n", "\nstatus: lost\n", text), encoding="utf-8")
    empty_the_site(settings, tmp_path / "new-site-media")

    with pytest.raises(CommandError) as refusal:
        run("import", tmp_path / "magazine", verbosity=0)

    assert f"pieces/{last.name}: status:" in str(refusal.value)
    assert "Nothing was imported" in str(refusal.value)
    for model in (Article, Contributor, Section, Image, Tag):
        assert model.objects.count() == 0, model
    assert media_files(tmp_path / "new-site-media") == []


def test_import_refuses_a_picture_file_that_is_not_a_picture(small_magazine, settings, tmp_path):
    run("export", tmp_path / "magazine", verbosity=0)
    picture = sorted((tmp_path / "magazine/images").glob("*.jpg"))[0]
    picture.write_bytes(b"%PDF-1.7 not a picture")
    empty_the_site(settings, tmp_path / "new-site-media")

    with pytest.raises(CommandError, match=f"images/{picture.stem}.md: its picture file"):
        run("import", tmp_path / "magazine", verbosity=0)

    assert Image.objects.count() == 0


def test_import_refuses_a_byline_naming_nobody(small_magazine, settings, tmp_path):
    run("export", tmp_path / "magazine", verbosity=0)
    (tmp_path / "magazine/contributors/pipa-powers.md").unlink()
    empty_the_site(settings, tmp_path / "new-site-media")

    with pytest.raises(CommandError, match="names 'pipa-powers', who has no contributor file"):
        run("import", tmp_path / "magazine", verbosity=0)

    assert Article.objects.count() == 0


def test_export_and_import_show_a_progress_bar_unless_verbosity_is_0(settings, tmp_path):
    make_article(hero_image=make_image())

    _, quiet = run("export", tmp_path / "quiet", verbosity=0)
    _, shown = run("export", tmp_path / "shown")
    assert quiet == ""
    assert "Export" in shown and "100%" in shown

    empty_the_site(settings, tmp_path / "media-a")
    _, quiet = run("import", tmp_path / "quiet", verbosity=0)
    assert quiet == ""
    empty_the_site(settings, tmp_path / "media-b")
    _, shown = run("import", tmp_path / "shown")
    assert "Import" in shown and "100%" in shown


def test_a_picture_added_with_camera_metadata_is_stored_without_it(
    small_magazine, settings, tmp_path
):
    originals = {image.credit.creator: image for image in Image.objects.select_related("credit")}
    run("export", tmp_path / "magazine", verbosity=0)
    replaced = originals.pop("United Nations Photo")
    exif = PILImage.Exif()
    exif[0x010F] = "Camera maker"
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)  # GPS latitude
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 36), (10, 120, 200)).save(buffer, "JPEG", exif=exif)
    (tmp_path / f"magazine/images/image-{replaced.pk}.jpg").write_bytes(buffer.getvalue())
    empty_the_site(settings, tmp_path / "new-site-media")

    run("import", tmp_path / "magazine", verbosity=0)

    imported = Image.objects.get(credit__creator="United Nations Photo")
    # Re-encoded as an upload is, so under a new name; the untouched picture keeps its own.
    assert imported.file.name != replaced.file.name
    with PILImage.open(imported.file) as picture:
        assert not picture.getexif()
        assert picture.size == (64, 36)
    (untouched,) = originals.values()
    assert Image.objects.get(credit__creator=untouched.credit.creator).file.name == (
        untouched.file.name
    )


def test_import_refuses_a_contributor_link_that_is_not_a_web_address(
    small_magazine, settings, tmp_path
):
    Contributor.objects.filter(slug="pipa-powers").update(
        links="https://pipa.example.org/\njavascript:alert(1)"
    )
    run("export", tmp_path / "magazine", verbosity=0)
    empty_the_site(settings, tmp_path / "new-site-media")

    with pytest.raises(CommandError) as refusal:
        run("import", tmp_path / "magazine", verbosity=0)

    assert str(refusal.value) == (
        "contributors/pipa-powers.md: links: Line 2, “javascript:alert(1)”, is not a web "
        "address: links must start with http:// or https://. Nothing was imported."
    )
    for model in (Article, Contributor, Section, Image):
        assert model.objects.count() == 0, model
    assert media_files(tmp_path / "new-site-media") == []


def test_import_refuses_a_credit_address_that_is_not_http(small_magazine, settings, tmp_path):
    reference = Article.objects.get(slug="french-troops-exit-mali").hero_image
    ImageCredit.objects.filter(image=reference).update(source_url="ftp://example.org/summit.jpg")
    run("export", tmp_path / "magazine", verbosity=0)
    empty_the_site(settings, tmp_path / "new-site-media")

    with pytest.raises(CommandError) as refusal:
        run("import", tmp_path / "magazine", verbosity=0)

    assert f"images/image-{reference.pk}.md: credit source_url: “ftp://example.org/summit.jpg”" in (
        str(refusal.value)
    )
    assert Image.objects.count() == 0


def test_pronouns_travel_with_the_contributor(small_magazine, settings, tmp_path):
    Contributor.objects.filter(slug="pipa-powers").update(pronouns="she/her")
    run("export", tmp_path / "magazine", verbosity=0)
    empty_the_site(settings, tmp_path / "new-site-media")

    run("import", tmp_path / "magazine", verbosity=0)

    assert Contributor.objects.get(slug="pipa-powers").pronouns == "she/her"
