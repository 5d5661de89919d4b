import pytest
from django.contrib.auth import get_user_model
from taggit.models import Tag

from articles.models import Article, Image

from .factories import (
    admin_image_form,
    make_article,
    make_contributor,
    make_image,
    make_section,
)

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
    assert f'src="{image.file.url}"' in html
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
