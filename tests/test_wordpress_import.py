"""`manage.py import_wordpress`: a real WordPress export (tests/data/wordpress) brought in."""

import io
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from articles.models import (
    Article,
    Contributor,
    CreditAudit,
    Image,
    ImportedItem,
    OldAddress,
    Section,
)

from .factories import make_article, make_section

FIXTURE = Path(__file__).parent / "data" / "wordpress"
EXPORT = FIXTURE / "export.xml"
UPLOADS = FIXTURE / "uploads"
PICTURE = UPLOADS / "2024" / "03" / "stage-lights.jpg"


def run(export=EXPORT, *options, media=UPLOADS):
    out = io.StringIO()
    args = [str(export), *options] + (["--media", str(media)] if media else [])
    call_command("import_wordpress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def site_state(settings):
    """Row counts of every model of the site, and the media files: what "unchanged" means."""
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()}
    media = Path(settings.MEDIA_ROOT)
    files = sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    return counts, files


def piece(slug):
    return Article.objects.get(slug=slug)


def wxr(items="", *, site="http://other.example.org", channel="", version="1.2"):
    """A small export written as WordPress writes one, around the given items."""
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/{version}/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/{version}/">
<channel><title>Other paper</title><wp:wxr_version>{version}</wp:wxr_version>
<wp:base_site_url>{site}</wp:base_site_url><wp:base_blog_url>{site}</wp:base_blog_url>
{channel}{items}</channel></rss>"""


def post_item(number, title, content, *, status="publish", creator="sam", extra=""):
    return f"""<item><title><![CDATA[{title}]]></title><link>http://other.example.org/?p={number}</link>
<dc:creator><![CDATA[{creator}]]></dc:creator><content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>{number}</wp:post_id>
<wp:post_date_gmt>2024-05-01 10:00:00</wp:post_date_gmt><wp:post_name>post-{number}</wp:post_name>
<wp:status>{status}</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="news"><![CDATA[News]]></category>{extra}</item>"""


def attachment_item(number, file, *, caption="", description="", meta=""):
    return f"""<item><title>Picture {number}</title><wp:post_id>{number}</wp:post_id>
<content:encoded><![CDATA[{description}]]></content:encoded>
<excerpt:encoded><![CDATA[{caption}]]></excerpt:encoded><wp:status>inherit</wp:status>
<wp:post_type>attachment</wp:post_type><wp:post_parent>0</wp:post_parent>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>
<wp:meta_value><![CDATA[{file}]]></wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>
<wp:meta_value>A stage.</wp:meta_value></wp:postmeta>{meta}</item>"""


def write(tmp_path, text, name="export.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def imported(db):
    return run()


# --- Everything arrives --------------------------------------------------------------------


def test_every_post_arrives_as_a_piece(imported):
    assert set(Article.objects.values_list("headline", flat=True)) == {
        "Hello world!",
        "Union budget passes after a late-night vote",
        "Review: Twelfth Night in the quad",
        "Photo essay: the river in winter",
        "Our library needs longer hours, not more rules",
        "What the new timetable means for you",
        "Letters to the editor, March",
        "Spring fair preview",
    }


def test_both_authors_and_the_guest_author_become_contributors(imported):
    assert set(Contributor.objects.values_list("name", flat=True)) == {
        "Maya Okafor",
        "Dev Ramaswamy",
        "Lena Fischer",
    }


def test_categories_become_sections_and_tags_become_tags(imported):
    assert set(Section.objects.values_list("name", flat=True)) == {
        "News",
        "Arts",
        "Opinion",
        "Uncategorized",
    }
    assert piece("review-twelfth-night").section.name == "Arts"
    # The second category (the child "Theatre") is kept as a tag.
    assert set(piece("review-twelfth-night").tags.names()) == {"review", "theatre"}
    assert set(piece("union-budget-passes").tags.names()) == {"budget", "campus", "student union"}
    assert Tag.objects.count() == 10


def test_every_attachment_becomes_a_picture_with_its_alt_text(imported):
    assert Image.objects.count() == 5
    assert set(Image.objects.values_list("alt_text", flat=True)) == {
        "Rows of seats in the union council chamber under bright lights.",
        "A dark stage lit by three spotlights.",
        "Ice along the edge of the weir in the morning.",
        "Fog hanging over the towpath by the boathouse.",
        "Two swans on dark water beside the reeds.",
    }


def test_bylines_keep_the_author_first_then_the_co_authors(imported):
    def names(slug):
        return [b.contributor.name for b in piece(slug).bylines.order_by("position")]

    assert names("union-budget-passes") == ["Maya Okafor", "Dev Ramaswamy"]
    assert names("review-twelfth-night") == ["Dev Ramaswamy", "Lena Fischer"]
    # The post's account was not among its co-authors: the plugin's byline is the guest alone.
    assert names("river-in-winter") == ["Lena Fischer"]
    assert names("library-longer-hours") == ["Dev Ramaswamy"]


def test_published_posts_keep_their_original_dates(imported):
    budget = piece("union-budget-passes")
    assert budget.status == Article.Status.PUBLISHED
    assert budget.published_at.isoformat() == "2024-03-12T21:40:00+00:00"
    assert budget.is_public


def test_the_draft_the_pending_and_the_scheduled_post_arrive_in_their_states(imported):
    assert Article.objects.get(headline__startswith="What the new").status == "draft"
    assert Article.objects.get(headline__startswith="Letters").status == "submitted"
    fair = piece("spring-fair-preview")
    assert fair.status == Article.Status.SCHEDULED
    assert fair.published_at.isoformat() == "2030-04-01T08:00:00+00:00"
    assert not fair.is_public


def test_private_and_trashed_posts_and_pages_are_skipped_and_counted(imported):
    assert not Article.objects.filter(headline__in=["Staff rota (private)", "A piece we pulled"])
    assert not Article.objects.filter(headline__in=["About us", "Sample Page"])
    assert "Skipped: 1 private and 1 trashed post(s), 3 page(s), 1 comment(s)" in imported


def test_the_report_counts_each_kind(imported):
    assert "Pieces: 5 published, 1 scheduled, 1 draft, 1 submitted" in imported
    assert "Contributors: 3 made" in imported
    assert "Pictures: 5 imported (5 with a credit)" in imported


# --- Pictures and their credits -------------------------------------------------------------


def test_a_credit_in_a_caption_shortcode_is_read_into_fields(imported):
    credit = Image.objects.get(alt_text="A dark stage lit by three spotlights.").credit
    assert (credit.title, credit.creator, credit.license) == (
        "Stage lights",
        "Jo Park",
        "cc-by-sa-4.0",
    )


def test_a_credit_plugins_meta_and_the_description_fill_the_links(imported):
    credit = Image.objects.get(alt_text="A dark stage lit by three spotlights.").credit
    assert credit.creator_url == "https://jopark.example.org"
    assert credit.source_url == "https://www.flickr.com/photos/example/123"


def test_a_credit_in_the_attachments_caption_is_read_into_fields(imported):
    picture = Image.objects.get(alt_text__startswith="Rows of seats")
    credit = picture.credit
    assert (credit.title, credit.creator, credit.license) == (
        "Union council chamber",
        "Maya Okafor",
        "cc-by-4.0",
    )
    # A caption that was the credit line is not shown a second time as the caption.
    assert picture.caption == ""


def test_a_caption_that_is_not_a_credit_stays_the_pictures_caption(imported):
    picture = Image.objects.get(alt_text="A dark stage lit by three spotlights.")
    assert picture.caption == "Stage lights before the show"


def test_an_incomplete_credit_keeps_the_old_words_and_is_in_the_credit_audit(imported, rf):
    swans = Image.objects.get(alt_text__startswith="Two swans")
    assert swans.credit.license == "permission"
    assert "used with permission" in swans.draft_credit["note"]
    assert swans.pk in set(CreditAudit.objects.values_list("pk", flat=True))
    assert f"{swans.named()}: its credit lacks who gave permission" in imported


def test_a_credit_that_cannot_be_read_is_kept_as_a_note_and_no_credit_is_made(db, tmp_path):
    media = tmp_path / "uploads"
    shutil.copytree(UPLOADS, media)
    export = write(
        tmp_path,
        wxr(
            attachment_item(
                40,
                "2024/03/stage-lights.jpg",
                caption="Lights before the show",
                description="Taken by a friend.",
            )
        ),
    )
    out = run(export, media=media)
    picture = Image.objects.get()
    assert not hasattr(picture, "credit")
    assert picture.draft_credit["note"] == (
        "From the old site — caption: “Lights before the show”; description: “Taken by a friend.”"
    )
    assert "no credit could be read" in out


def test_the_featured_image_is_the_pieces_hero(imported):
    assert piece("union-budget-passes").hero_image.alt_text.startswith("Rows of seats")


def test_imported_published_pieces_stay_published_with_incomplete_credits(imported):
    essay = piece("river-in-winter")
    assert essay.picture_warnings()
    assert essay.is_public


# --- Bodies -----------------------------------------------------------------------------------


def test_a_caption_shortcode_becomes_the_picture_in_the_body(imported):
    stage = Image.objects.get(alt_text="A dark stage lit by three spotlights.")
    assert f"\n\n[[picture {stage.pk}]]\n\n" in piece("review-twelfth-night").body


def test_a_gallery_shortcode_becomes_a_gallery_of_its_pictures_in_order(imported):
    numbers = [
        Image.objects.get(alt_text__startswith=start).pk
        for start in ("Ice along", "Fog hanging", "Two swans")
    ]
    essay = piece("river-in-winter")
    assert f"[[gallery {' '.join(map(str, numbers))}]]" in essay.body
    assert set(essay.body_pictures.values_list("pk", flat=True)) == set(numbers)


def test_an_embed_becomes_a_link_and_is_reported(imported):
    assert "https://www.youtube.com/watch?v=dQw4w9WgXcQ" in piece("river-in-winter").body
    assert (
        '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"'
        in piece("river-in-winter").body_html
    )
    assert "[embed] https://www.youtube.com/watch?v=dQw4w9WgXcQ" in imported


def test_block_editor_comments_are_dropped_and_the_structure_kept(imported):
    body = piece("union-budget-passes").body
    assert "wp:" not in body and "<!--" not in body
    assert "## Where the money goes" in body
    assert "- Clubs and societies: **£142,000**" in body
    assert "[union’s website](https://union.example.org/council/2024-03)" in body
    assert "> We could not cut the hardship fund" in body


def test_classic_editor_paragraphs_stay_paragraphs(imported):
    html = piece("library-longer-hours").body_html
    assert html.count("<p>") == 2
    assert "<em>It can.</em>" in html


def test_hostile_html_in_a_post_is_inert_after_import(imported):
    html = piece("river-in-winter").body_html.lower()
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "link that should not work" in html


def test_a_shortcode_with_no_equal_is_kept_as_text_and_reported(db, tmp_path):
    export = write(tmp_path, wxr(post_item(3, "Form", 'Write to us.\n\n[contact-form-7 id="12"]')))
    out = run(export, media=None)
    assert '[contact-form-7 id="12"]' in Article.objects.get().body
    assert "“Form” (post 3): [contact-form-7]" in out


# --- Old addresses ------------------------------------------------------------------------------


def test_an_old_permalink_answers_301_to_the_new_address(imported, client):
    response = client.get("/2024/03/union-budget-passes/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/union-budget-passes/"


def test_an_old_permalink_without_its_slash_answers_301_too(imported, client):
    response = client.get("/2024/03/review-twelfth-night")
    assert response.status_code == 301
    assert response["Location"] == "/articles/review-twelfth-night/"


def test_an_old_address_by_number_answers_301(imported, client):
    response = client.get("/?p=11")
    assert response.status_code == 301
    assert response["Location"] == "/articles/river-in-winter/"


def test_an_old_address_of_a_piece_readers_cannot_see_gives_nothing_away(imported, client):
    assert OldAddress.objects.filter(path="?p=13").exists()
    assert client.get("/?p=13").status_code == 200  # the home page, as for any other number
    assert client.get("/?p=13").content.count(b"timetable") == 0


def test_an_unknown_address_still_answers_404(imported, client):
    assert client.get("/2024/03/never-was/").status_code == 404


def test_a_page_that_exists_costs_no_query_for_old_addresses(imported, client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/articles/union-budget-passes/").status_code == 200
    assert not [q for q in queries.captured_queries if "oldaddress" in q["sql"].lower()]


def test_a_second_run_changes_nothing_and_duplicates_nothing(imported, settings):
    before = site_state(settings)
    out = run()
    assert site_state(settings) == before
    assert "8 imported before and left as they are" in out


def test_an_edit_made_after_the_import_survives_a_second_run(imported):
    budget = piece("union-budget-passes")
    budget.headline = "Budget passes"
    budget.save()
    run()
    assert piece("union-budget-passes").headline == "Budget passes"


def test_the_same_person_in_another_sites_export_is_one_contributor(imported, tmp_path):
    author = (
        "<wp:author><wp:author_login>okafor</wp:author_login>"
        "<wp:author_email>maya@example.org</wp:author_email>"
        "<wp:author_display_name>M. Okafor</wp:author_display_name></wp:author>"
    )
    export = write(
        tmp_path, wxr(post_item(3, "Elsewhere", "Words.", creator="okafor"), channel=author)
    )
    run(export, media=None)
    maya = Contributor.objects.get(name="Maya Okafor")
    assert [b.contributor for b in Article.objects.get(headline="Elsewhere").bylines.all()] == [
        maya
    ]
    assert Contributor.objects.count() == 3


def test_a_dry_run_reports_and_leaves_the_site_unchanged(db, settings):
    before = site_state(settings)
    out = run(EXPORT, "--dry-run")
    assert "nothing was saved" in out
    assert "Pieces: 5 published" in out
    assert site_state(settings) == before


def test_a_section_map_chooses_each_categorys_section(db, tmp_path):
    mapping = write(tmp_path, "# old categories\nuncategorized: News\narts: Culture\n", "map.txt")
    run(EXPORT, "--section-map", str(mapping))
    assert piece("hello-world").section.name == "News"
    assert piece("spring-fair-preview").section.name == "Culture"
    assert not Section.objects.filter(name__in=["Arts", "Uncategorized"])


def test_an_unreadable_section_map_line_is_refused(db, tmp_path, settings):
    mapping = write(tmp_path, "arts Culture\n", "map.txt")
    before = site_state(settings)
    with pytest.raises(CommandError, match="Line 1 of the section map"):
        run(EXPORT, "--section-map", str(mapping))
    assert site_state(settings) == before


def test_existing_sections_are_used_not_made_again(db):
    make_article(section=make_section(name="News", slug="news"))
    run()
    assert Section.objects.filter(name="News").count() == 1


# --- Media ----------------------------------------------------------------------------------


def test_without_media_the_pictures_are_reported_missing_and_the_posts_arrive(db):
    out = run(media=None)
    assert Image.objects.count() == 0
    assert Article.objects.count() == 8
    assert "2024/03/council-chamber.jpg: no --media folder given" in out


def test_a_missing_file_is_reported_not_fatal(db, tmp_path):
    media = tmp_path / "uploads"
    shutil.copytree(UPLOADS, media)
    (media / "2024" / "03" / "council-chamber.jpg").unlink()
    out = run(media=media)
    assert Image.objects.count() == 4
    assert "attachment 5: 2024/03/council-chamber.jpg is not in the uploads folder" in out
    assert piece("union-budget-passes").hero_image is None


@pytest.mark.parametrize(
    "path",
    ["../secret.jpg", "2024/../../secret.jpg", "/tmp/secret.jpg", "C:/secret.jpg"],
)
def test_an_attachment_path_leading_outside_the_uploads_is_refused(db, tmp_path, settings, path):
    media = tmp_path / "uploads"
    media.mkdir()
    shutil.copy(PICTURE, tmp_path / "secret.jpg")
    export = write(tmp_path, wxr(attachment_item(41, path)))
    before = site_state(settings)
    out = run(export, media=media)
    assert "leads outside the uploads folder: refused" in out
    assert site_state(settings)[1] == before[1]
    assert Image.objects.count() == 0


def test_a_link_in_the_uploads_leading_outside_is_refused(db, tmp_path):
    media = tmp_path / "uploads"
    media.mkdir()
    shutil.copy(PICTURE, tmp_path / "secret.jpg")
    (media / "innocent.jpg").symlink_to(tmp_path / "secret.jpg")
    out = run(write(tmp_path, wxr(attachment_item(42, "innocent.jpg"))), media=media)
    assert "is a link leading outside the uploads folder: refused" in out
    assert Image.objects.count() == 0


def test_a_file_that_is_not_a_picture_is_refused_as_an_upload_would_be(db, tmp_path):
    media = tmp_path / "uploads"
    media.mkdir()
    (media / "page.jpg").write_bytes(b"<html><script>alert(1)</script></html>")
    out = run(write(tmp_path, wxr(attachment_item(43, "page.jpg"))), media=media)
    assert "page.jpg was refused: This is a web page (HTML)" in out
    assert Image.objects.count() == 0


# --- Bad input -------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss><channel><title>&lol3;</title></channel></rss>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&secret;</title></channel></rss>"""
PLAIN_RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>A feed</title>
<item><title>News</title></item></channel></rss>"""


@pytest.mark.parametrize(
    "text, message",
    [
        (BILLION_LAUGHS, "declares a DTD or entities"),
        (EXTERNAL_ENTITY, "declares a DTD or entities"),
        (wxr(post_item(1, "Cut", "Short"))[:-40], "not well-formed XML"),
        ("not xml at all", "not well-formed XML"),
        (PLAIN_RSS, "This is an RSS feed, not a WordPress export"),
        ('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "root is <svg>"),
        (wxr(version="1.0"), "WXR version 1.0"),
        (
            '<?xml version="1.0"?><rss><channel><title>Empty</title></channel></rss>',
            "is not a WordPress export",
        ),
    ],
    ids=[
        "billion-laughs",
        "external-entity",
        "cut-short",
        "not-xml",
        "rss-feed",
        "svg",
        "wxr-1.0",
        "no-version",
    ],
)
def test_bad_input_is_refused_with_a_message_and_the_site_unchanged(
    db, tmp_path, settings, text, message
):
    make_article()
    before = site_state(settings)
    with pytest.raises(CommandError, match="Nothing was imported") as refused:
        run(write(tmp_path, text))
    assert message in str(refused.value)
    assert site_state(settings) == before


def test_bad_xml_after_good_posts_imports_nothing(db, tmp_path, settings):
    good = "".join(post_item(n, f"Post {n}", "Words.") for n in range(1, 4))
    before = site_state(settings)
    with pytest.raises(CommandError, match="not well-formed XML"):
        run(write(tmp_path, wxr(good + "<item><title>broken</item>")))
    assert site_state(settings) == before


def test_a_failure_part_way_undoes_every_row_and_media_file(db, settings, monkeypatch):
    from articles.wordpress import importing

    def fail(self, post, children):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing.Import, "import_post", fail)
    before = site_state(settings)
    with pytest.raises(RuntimeError):
        run()
    assert site_state(settings) == before


def test_a_missing_export_file_is_a_clear_message(db, tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        run(tmp_path / "nothing.xml")


def test_imported_items_record_where_each_piece_came_from(imported):
    item = ImportedItem.objects.get(kind="post", source_id="4")
    assert item.site == "http://oldquad.example.org"
    assert item.object_id == piece("union-budget-passes").pk


def test_wxr_1_1_is_read_as_1_2_is(db, tmp_path):
    run(write(tmp_path, wxr(post_item(5, "Older export", "Words."), version="1.1")), media=None)
    assert Article.objects.get().headline == "Older export"


def test_the_credit_audit_shows_the_old_sites_words_beside_the_credit(imported):
    from django.contrib.admin import site

    from articles.admin.credits import CreditAuditAdmin

    swans = Image.objects.get(alt_text__startswith="Two swans")
    column = CreditAuditAdmin(CreditAudit, site).credit_line(swans)
    assert column.startswith("This image (unmodified) by Lena Fischer is used with permission. ")
    assert "Photo by Lena Fischer, all rights reserved, used with permission." in column
