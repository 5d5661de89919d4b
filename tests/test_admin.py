from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Image

from .factories import (
    admin_image_form,
    make_article,
    make_contributor,
    make_image,
    make_section,
)
from .test_admin_review import form_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    editor = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(editor)
    client.user = editor
    return client


def _article_form(section, contributor, **overrides):
    data = {
        "headline": "A new piece",
        "slug": "a-new-piece",
        "standfirst": "What it says.",
        "body": "Some **body** text.",
        "section": section.pk,
        "new_tags": "Campus, Libraries",
        "status": Article.Status.PUBLISHED,
        "published_at_0": "2026-01-02",
        "published_at_1": "10:00:00",
        "series_position": "0",
        "issue_position": "0",
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "1",
        "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-position": "0",
        "bylines-0-contributor": contributor.pk,
        "bylines-0-role": "Staff Writer",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_editor_writes_a_piece_with_byline_and_tags_and_it_starts_as_a_draft(editor_client):
    section = make_section()
    pipa = make_contributor(name="Pipa Powers")
    Tag.objects.create(name="France", slug="france")
    existing = Tag.objects.get(name="France")
    response = editor_client.post(
        "/admin/articles/article/add/",
        _article_form(section, pipa, tags=[existing.pk], new_tags="Campus, france"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="a-new-piece")
    assert article.created_by == editor_client.user
    assert article.body_html == "<p>Some <strong>body</strong> text.</p>\n"
    assert sorted(article.tags.names()) == ["Campus", "France"]
    assert [str(entry) for entry in article.bylines.all()] == ["Pipa Powers, Staff Writer"]
    # The form posted "published" with a date: only a decision can do that.
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None


def test_a_piece_needs_at_least_one_byline(editor_client):
    data = _article_form(make_section(), make_contributor())
    data.update({"bylines-TOTAL_FORMS": "0"})
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert not Article.objects.exists()


def test_article_list_shows_status_section_byline_and_date(editor_client):
    pipa = make_contributor(name="Pipa Powers")
    make_article(headline="Listed piece", bylines=[(pipa, "Contributor")])
    response = editor_client.get("/admin/articles/article/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Listed piece" in html
    assert "Pipa Powers (Contributor)" in html
    assert "Published" in html


def test_article_list_searches_by_byline_name_and_filters_by_status(editor_client):
    make_article(headline="By Pipa", bylines=[(make_contributor(name="Pipa Powers"), "")])
    make_article(headline="By someone else")
    make_article(headline="Still a draft", status=Article.Status.DRAFT)
    html = editor_client.get("/admin/articles/article/?q=Pipa").content.decode()
    assert "By Pipa" in html and "By someone else" not in html
    html = editor_client.get("/admin/articles/article/?status__exact=draft").content.decode()
    assert "Still a draft" in html and "By Pipa" not in html


def test_article_form_offers_slug_from_headline_autocomplete_and_view_on_site(editor_client):
    article = make_article(tags=["Mali"])
    html = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "prepopulated_fields" in html or "data-prepopulated-fields" in html
    assert 'data-field-name="tags"' in html and "admin-autocomplete" in html
    assert 'data-field-name="contributor"' in html
    assert "View on site" in html


def test_tag_autocomplete_answers_the_article_form(editor_client):
    make_article(tags=["Wagner Group", "West Africa"])
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": "wag", "app_label": "articles", "model_name": "article", "field_name": "tags"},
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Wagner Group"]


def test_an_image_cannot_be_saved_without_its_credit(editor_client):
    form = admin_image_form(
        **{
            "credit-0-title": "",
            "credit-0-creator": "",
            "credit-0-source_url": "",
            "credit-0-license": "",
        }
    )
    upload = form["file"]
    response = editor_client.post("/admin/articles/image/add/", form)
    assert response.status_code == 200
    assert not Image.objects.exists()

    upload.seek(0)
    form.update({"credit-0-creator": "Ana Ruiz", "credit-0-license": "cc-by-4.0", "file": upload})
    response = editor_client.post("/admin/articles/image/add/", form)
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by == editor_client.user
    assert image.credit.line() == "This image (unmodified) by Ana Ruiz is licensed under CC BY 4.0"


def test_image_list_shows_thumbnail_and_credit(editor_client):
    image = make_image()
    html = editor_client.get("/admin/articles/image/").content.decode()
    # A small rendition, not the original (tests/test_picture_admin.py says which).
    assert 'class="picture-thumbnail" src="/media/renditions/' in html
    assert image.credit.line() in html


def test_contributor_and_section_lists_count_their_pieces(editor_client):
    section = make_section(name="Culture")
    pipa = make_contributor(name="Pipa Powers")
    make_article(section=section, bylines=[(pipa, "")])
    make_article(section=section, bylines=[(pipa, "")])
    contributors = editor_client.get("/admin/articles/contributor/")
    sections = editor_client.get("/admin/articles/section/")
    assert contributors.context["cl"].result_list[0].piece_count == 2
    assert sections.context["cl"].result_list[0].piece_count == 2
    assert '<td class="field-pieces">2</td>' in contributors.content.decode()


def test_the_slug_help_shows_a_real_address(editor_client):
    page = editor_client.get("/admin/articles/article/add/").content.decode()
    assert "/articles//." not in page
    assert "/articles/french-troops-exit-mali/" in page


# Choosing a piece's picture, "View on site", the credit audit, and the list's columns


def view_on_site(html):
    """The address of the change page's "View on site" link."""
    start = html.index('class="viewsitelink"')
    return html[html.rindex('href="', 0, start) + 6 : start - 2]


def test_view_on_site_opens_a_public_piece_at_its_address(editor_client):
    article = make_article()
    html = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert view_on_site(html) == article.get_absolute_url()
    assert editor_client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.SUBMITTED},
        {"status": Article.Status.SCHEDULED, "published_at": timezone.now() + timedelta(days=2)},
        {"status": Article.Status.WITHDRAWN},
    ],
    ids=["draft", "submitted", "scheduled", "withdrawn"],
)
def test_view_on_site_opens_a_piece_readers_cannot_see_in_its_preview(editor_client, fields):
    article = make_article(**fields)
    html = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert view_on_site(html) == f"/submit/{article.pk}/preview/"
    assert editor_client.get(article.get_absolute_url()).status_code == 404
    preview = editor_client.get(view_on_site(html))
    assert preview.status_code == 200 and article.headline in preview.content.decode()
    # "View on site" is the preview already: no second link to it among the page's tools.
    assert html.count(f'href="/submit/{article.pk}/preview/"') == 2  # the tool, the panel


def test_the_credit_audit_is_titled_for_what_it_lists(editor_client):
    html = editor_client.get("/admin/articles/creditaudit/").content.decode()
    assert "<h1>Credits to complete</h1>" in html
    assert "<title>Credits to complete |" in html
    assert "Select credit" not in html


def test_an_empty_credit_audit_says_so_in_words(editor_client):
    make_article(hero_image=make_image())
    html = editor_client.get("/admin/articles/creditaudit/").content.decode()
    assert "Every picture’s credit is complete." in html
    assert "0 credit" not in html and 'id="result_list"' not in html


def test_the_credit_audit_counts_its_pictures_in_words(editor_client):
    for _ in range(2):
        make_article(hero_image=make_image(credit={"title": "", "license": "cc-by-2.0"}))
    html = editor_client.get("/admin/articles/creditaudit/").content.decode()
    assert "2 published pictures lack part of the credit its licence asks for" in html
    assert "Every picture’s credit is complete." not in html


def test_the_picture_is_chosen_by_its_thumbnail_not_by_typing_its_caption(editor_client):
    image = make_image(caption="The quad at dawn")
    article = make_article(hero_image=image)
    html = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    # The number, and the magnifying glass that opens the list of pictures with thumbnails.
    assert f'name="hero_image" value="{image.pk}"' in html
    assert 'class="vForeignKeyRawIdAdminField"' in html
    assert 'href="/admin/articles/image/?_to_field=id" class="related-lookup"' in html
    assert 'data-field-name="hero_image"' not in html  # no caption autocomplete
    # Beside it, the chosen picture's thumbnail from its renditions, and its name.
    chosen = html[html.index('class="picture-choice__chosen"') :]
    assert 'class="picture-thumbnail" src="/media/renditions/' in chosen[:400]
    assert f'<a href="/admin/articles/image/{image.pk}/change/">The quad at dawn</a>' in html
    assert "Choose it with the magnifying glass" in html
    assert "/static/js/admin-picture-choice.js" in html


def test_a_piece_without_a_picture_shows_no_thumbnail(editor_client):
    article = make_article()
    html = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'name="hero_image"' in html and 'class="picture-choice__chosen"' not in html


def test_a_picture_chosen_by_number_is_saved_with_the_piece(editor_client):
    first, second = make_image(), make_image()
    article = make_article(hero_image=first, status=Article.Status.DRAFT)
    url = f"/admin/articles/article/{article.pk}/change/"
    data = form_post(editor_client.get(url))
    data["hero_image"] = str(second.pk)
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.hero_image == second


def test_the_article_list_keeps_to_the_columns_an_editor_reads(editor_client):
    make_article()
    response = editor_client.get("/admin/articles/article/")
    columns = [
        getattr(column, "__name__", column) for column in response.context["cl"].list_display
    ]
    assert columns[1:] == [
        "headline", "status", "section", "byline", "publish_date",
    ]  # fmt: skip
