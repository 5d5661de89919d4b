"""Starting a piece from a .docx, and replacing a piece's text from one, in the admin."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Article, HeldDocument, Image

from . import docx_files
from .factories import committed, make_article, make_contributor, make_section
from .test_admin import _article_form
from .test_admin_review import form_post

pytestmark = pytest.mark.django_db
ADD = "/admin/articles/article/add/"


@pytest.fixture
def editor_client(client):
    editor = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(editor)
    client.user = editor
    return client


def upload(data, name="piece.docx"):
    return SimpleUploadedFile(name, data)


def change_url(piece):
    return f"/admin/articles/article/{piece.pk}/change/"


def test_the_add_page_offers_to_start_from_a_file(editor_client):
    page = editor_client.get(ADD).content.decode()
    assert "Start from a Word or Google Docs file" in page
    assert 'enctype="multipart/form-data"' in page


def test_the_change_page_offers_to_replace_the_text_from_a_file(editor_client):
    page = editor_client.get(change_url(make_article())).content.decode()
    assert "Replace the text from a file" in page
    assert "Replace my text" in page


def test_an_editor_starts_a_piece_from_a_file(editor_client):
    data = _article_form(make_section(), make_contributor(), headline="", slug="", body="")
    data["document"] = upload(docx_files.picture_docx())
    response = editor_client.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    piece = Article.objects.get()
    image = Image.objects.get()
    assert (piece.headline, piece.slug) == ("Swifts", "swifts")
    assert f"[[picture {image.pk}]]" in piece.body
    assert image.uploaded_by == editor_client.user
    assert not hasattr(image, "credit")


def test_replacing_in_the_admin_needs_the_tick_box(editor_client):
    piece = make_article(body="The old text.", status=Article.Status.DRAFT)
    data = form_post(editor_client.get(change_url(piece)))
    data["document"] = upload(docx_files.plain_docx("The new text."))
    response = editor_client.post(change_url(piece), data)
    assert "Tick “Replace my text”" in response.content.decode()
    piece.refresh_from_db()
    assert piece.body == "The old text."


def kept_key(response):
    """The key of the document the page carries to its next try."""
    found = re.search(r'name="held_document" value="([0-9a-f-]+)"', response.content.decode())
    return found[1]


def test_a_file_sent_without_the_tick_is_kept_until_it_is_ticked(editor_client, settings):
    piece = make_article(body="The old text.", status=Article.Status.DRAFT)
    data = form_post(editor_client.get(change_url(piece)))
    data["document"] = upload(docx_files.plain_docx("The new text."), name="Notes.docx")
    response = editor_client.post(change_url(piece), data)
    assert "Kept from your last try: <strong>Notes.docx</strong>" in response.content.decode()
    held = HeldDocument.objects.get()

    # What the browser sends next: the page's fields, the kept file's key, no file chosen.
    data = form_post(response)
    data.pop("document", None)
    data.update(replace_text="on", held_document=kept_key(response))
    with committed():
        response = editor_client.post(change_url(piece), data)
    assert response.status_code == 302
    piece.refresh_from_db()
    assert piece.body == "The new text."
    assert not HeldDocument.objects.exists()
    assert not (settings.MEDIA_ROOT / held.file.name).exists()


def test_a_new_piece_with_words_typed_keeps_its_file_to_start_from_once_emptied(editor_client):
    data = _article_form(make_section(), make_contributor(), headline="", slug="", body="Typed")
    data["document"] = upload(docx_files.structured_docx())
    response = editor_client.post(ADD, data)
    assert "The body has words in it already" in response.content.decode()
    assert not Article.objects.exists()
    data.update(body="", held_document=kept_key(response))
    del data["document"]
    response = editor_client.post(ADD, data)
    assert response.status_code == 302
    assert Article.objects.get().headline == "Counting Swifts Over the Old Mill"
    assert not HeldDocument.objects.exists()


def test_a_kept_file_set_aside_is_not_read(editor_client):
    piece = make_article(body="The old text.", status=Article.Status.DRAFT)
    data = form_post(editor_client.get(change_url(piece)))
    data["document"] = upload(docx_files.plain_docx("The new text."))
    response = editor_client.post(change_url(piece), data)
    data = form_post(response)
    data.pop("document", None)
    data.update(replace_text="on", held_document=kept_key(response), drop_document="on")
    assert editor_client.post(change_url(piece), data).status_code == 302
    piece.refresh_from_db()
    assert piece.body == "The old text."
    assert not HeldDocument.objects.exists()


def test_a_page_with_no_file_kept_has_no_kept_file_row(editor_client):
    page = editor_client.get(change_url(make_article())).content.decode()
    assert "Kept from your last try" not in page
    assert re.search(r'<div class="form-row[^"]*hidden[^"]*field-held_document', page)


def test_replacing_in_the_admin_with_the_tick_box_replaces_the_text(editor_client):
    piece = make_article(body="The old text.", status=Article.Status.DRAFT)
    data = form_post(editor_client.get(change_url(piece)))
    data.update(document=upload(docx_files.plain_docx("The new text.")), replace_text="on")
    response = editor_client.post(change_url(piece), data)
    assert response.status_code == 302
    piece.refresh_from_db()
    assert piece.body == "The new text."


def test_a_decision_is_not_made_on_a_text_not_yet_read(editor_client):
    piece = make_article(body="The old text.", status=Article.Status.DRAFT)
    data = form_post(editor_client.get(change_url(piece)))
    data.update(
        document=upload(docx_files.plain_docx("The new text.")),
        replace_text="on",
        **{"decision-action": "publish"},
    )
    response = editor_client.post(change_url(piece), data)
    assert "decide once you have read the text" in response.content.decode()
    piece.refresh_from_db()
    assert (piece.body, piece.status) == ("The old text.", Article.Status.DRAFT)


def test_a_macro_document_is_refused_in_the_admin_with_nothing_stored(editor_client):
    data = _article_form(make_section(), make_contributor(), headline="", slug="", body="")
    data["document"] = upload(docx_files.macro_docm(), "budget.docm")
    response = editor_client.post(ADD, data)
    assert "contains macros" in response.content.decode()
    assert (Article.objects.count(), Image.objects.count()) == (0, 0)


def test_without_a_file_the_admin_still_needs_a_headline(editor_client):
    data = _article_form(make_section(), make_contributor(), headline="", slug="x")
    response = editor_client.post(ADD, data)
    assert response.status_code == 200
    assert not Article.objects.exists()
