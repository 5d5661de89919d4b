"""Starting a piece from a Word or Google Docs file (.docx), replacing a draft's text from one,
and every kind of file that must be refused with nothing stored."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, HeldDocument, Image, PendingUpload
from articles.word import read_document
from articles.word.checks import MAX_BYTES

from . import docx_files
from .factories import committed, make_draft, make_section, make_writer

pytestmark = pytest.mark.django_db
NEW = reverse("articles:submit_new")


def upload(data, name="piece.docx"):
    return SimpleUploadedFile(name, data)


def converted(data, name="piece.docx"):
    return read_document(upload(data, name))


@pytest.fixture
def ada(client, writer):
    client.force_login(writer)
    return client


def start_from(client, data, name="piece.docx", follow=False, **fields):
    return client.post(
        NEW,
        {"headline": "", "body": "", "save": "", "document": upload(data, name), **fields},
        follow=follow,
    )


def new_piece():
    return Article.objects.order_by("-pk").first()


# --- What a document keeps ----------------------------------------------------------------


def test_the_opening_heading_becomes_the_headline():
    assert converted(docx_files.structured_docx()).heading == "Counting Swifts Over the Old Mill"


def test_subheadings_are_kept():
    assert "## How the count works" in converted(docx_files.structured_docx()).body()


def test_bold_and_italics_are_kept():
    body = converted(docx_files.structured_docx()).body()
    assert "**two hundred**" in body
    assert "*one evening*" in body


def test_bulleted_and_numbered_lists_are_kept():
    body = converted(docx_files.structured_docx()).body()
    assert "- Stand on the bridge\n- Count in tens" in body
    assert "1. Write the total down" in body


def test_links_are_kept():
    body = converted(docx_files.structured_docx()).body()
    assert "[the county survey](https://example.org/swift-survey)" in body


def test_quotes_are_kept():
    body = converted(docx_files.structured_docx()).body()
    assert "> They scream as they circle the roofs." in body


def test_tables_are_kept():
    body = converted(docx_files.structured_docx()).body()
    assert "| Year | Swifts |\n| --- | --- |\n| 2025 | 212 |" in body


def test_footnotes_become_the_bodys_notes():
    body = converted(docx_files.structured_docx()).body()
    assert "the county survey](https://example.org/swift-survey)[^1]" in body
    assert body.endswith("[^1]: Counted from the mill bridge on 3 June.")


def test_a_heading_that_is_not_the_headline_stays_in_the_body():
    document = converted(docx_files.structured_docx())
    assert document.body(headline="Another headline").startswith(
        "## Counting Swifts Over the Old Mill"
    )


def test_pictures_take_a_paragraph_of_their_own_with_their_number():
    body = converted(docx_files.structured_docx()).body([41])
    assert "\n\n[[picture 41]]\n\nThe count resumes in May." in body


def test_a_file_saved_by_libreoffice_keeps_its_structure():
    document = converted(docx_files.LIBREOFFICE_FILE.read_bytes(), "night-shift.docx")
    body = document.body([5])
    assert document.heading == "Night Shift at the Lock"
    for kept in [
        "works **alone** from ten until six",
        "[its timetable](https://example.org/lock-times) each spring.[^1]",
        "## What the night brings",
        "- Narrowboats heading north",
        "1. Open the upper paddles",
        "> Nobody sees the water move at night but us.",
        "| Month | Boats |",
        "[[picture 5]]",
        "[^1]: Timetable checked in March.",
    ]:
        assert kept in body


def test_a_libreoffice_picture_keeps_its_description_as_alt_text():
    document = converted(docx_files.LIBREOFFICE_FILE.read_bytes(), "night-shift.docx")
    assert document.pictures[0].alt_text == "A yellow moon over a blue lock"


def test_comments_are_left_out_with_a_note():
    document = converted(docx_files.commented_docx())
    assert "Source for the date" not in document.body()
    assert any("comment was left out" in note for note in document.notes)


def test_tracked_changes_are_taken_as_accepted_with_a_note():
    document = converted(docx_files.tracked_docx())
    assert "The swifts came early this year." in document.body()
    assert any("tracked changes" in note for note in document.notes)


def test_a_plain_document_brings_no_notes():
    assert converted(docx_files.plain_docx("Just words.")).notes == []


# --- Starting a piece in the contributor area ---------------------------------------------


def test_the_new_piece_page_offers_the_file_field(ada):
    page = ada.get(NEW).content.decode()
    assert "Start from a Word or Google Docs file" in page
    assert 'enctype="multipart/form-data"' in page


def test_a_piece_starts_from_a_document(ada, writer):
    response = start_from(ada, docx_files.structured_docx())
    piece = new_piece()
    assert response.status_code == 302
    assert piece.headline == "Counting Swifts Over the Old Mill"
    assert "## How the count works" in piece.body
    assert piece.bylines.get().contributor == writer.contributor


def test_a_typed_headline_is_kept(ada):
    start_from(ada, docx_files.structured_docx(), headline="Swifts, counted")
    assert new_piece().headline == "Swifts, counted"


def test_without_a_heading_the_file_name_gives_the_headline(ada):
    start_from(ada, docx_files.plain_docx("Only words."), name="Harvest report.docx")
    assert new_piece().headline == "Harvest report"


def test_without_a_file_a_new_piece_still_needs_a_headline(ada):
    response = ada.post(NEW, {"headline": "", "body": "Words", "save": ""})
    assert "Give the piece a headline." in response.content.decode()
    assert not Article.objects.exists()


def test_a_picture_inside_becomes_the_writers_picture_awaiting_its_credit(ada, writer):
    start_from(ada, docx_files.picture_docx())
    image = Image.objects.get()
    assert image.uploaded_by == writer
    assert image.alt_text == "A swift above a red roof"
    assert not hasattr(image, "credit")
    assert f"[[picture {image.pk}]]" in new_piece().body


def test_the_writer_is_told_the_picture_awaits_its_credit(ada):
    response = start_from(ada, docx_files.picture_docx(), follow=True)
    assert "awaiting its credit" in response.content.decode()


def test_the_piece_cannot_be_submitted_until_the_pictures_credit_is_given(ada, writer):
    start_from(ada, docx_files.picture_docx())
    piece, image = new_piece(), Image.objects.get()
    piece.section = make_section()
    piece.save()
    with pytest.raises(workflow.TransitionNotAllowed, match="no credit yet"):
        workflow.submit(piece, by=writer)
    ada.post(
        reverse("articles:submit_picture_credit", args=[image.pk]),
        {
            "alt_text": "A swift",
            "credit-creator": "Ada Writer",
            "credit-license": "cc-by-4.0",
            "credit-changes": "unmodified",
        },
    )
    workflow.submit(piece, by=writer)
    assert piece.status == Article.Status.SUBMITTED


def test_your_pictures_links_a_picture_awaiting_its_credit_to_its_credit_page(ada):
    start_from(ada, docx_files.picture_docx())
    page = ada.get(reverse("articles:submit_edit", args=[new_piece().pk])).content.decode()
    image = Image.objects.get()
    assert reverse("articles:submit_picture_credit", args=[image.pk]) in page


def test_only_its_uploader_gives_a_pictures_credit(ada, client, django_user_model):
    start_from(ada, docx_files.picture_docx())
    other = django_user_model.objects.create_user("bea")
    client.force_login(other)
    url = reverse("articles:submit_picture_credit", args=[Image.objects.get().pk])
    assert client.get(url).status_code in (403, 404)


def test_comments_dropped_are_said_after_the_save(ada):
    response = start_from(ada, docx_files.commented_docx(), follow=True)
    assert "comment was left out" in response.content.decode()


def test_a_document_cannot_be_submitted_unread(ada):
    response = start_from(
        ada, docx_files.plain_docx("Words."), submit="", own_work="on", section=make_section().pk
    )
    assert "read it through before you submit" in response.content.decode()
    assert not Article.objects.exists()


def test_a_document_does_not_replace_words_typed_in_the_new_form(ada):
    response = start_from(ada, docx_files.plain_docx("Words."), headline="Mine", body="Typed")
    assert "The text box has words in it already" in response.content.decode()
    assert not Article.objects.exists()


def test_a_document_may_not_show_someone_elses_picture(ada):
    from .factories import make_image

    theirs = make_image()
    data = docx_files.plain_docx("Look:", f"[[picture {theirs.pk}]]")
    response = start_from(ada, data, headline="Borrowed")
    page = response.content.decode()
    assert f"Picture {theirs.pk} is not one you can use" in page
    assert not Article.objects.exists()
    # Refused for what it holds, the file is not kept: it would be refused again.
    assert "Kept from your last try" not in page
    assert re.search(r'name="held_document" value="[0-9a-f]', page) is None
    assert not HeldDocument.objects.exists()


# --- A file kept from a try with an error ----------------------------------------------------


def kept_key(response):
    """The key of the document the page carries to its next try."""
    return re.search(r'name="held_document" value="([0-9a-f-]+)"', response.content.decode())[1]


def test_a_file_read_on_a_form_with_another_error_is_kept_and_used_on_the_next_try(
    ada, writer, settings
):
    response = start_from(
        ada, docx_files.picture_docx(), name="Swifts.docx", body="Typed before choosing"
    )
    page = response.content.decode()
    assert "The text box has words in it already" in page
    assert "Kept from your last try: <strong>Swifts.docx</strong>" in page
    assert "The file you chose is kept." in page
    held = HeldDocument.objects.get()
    assert held.uploaded_by == writer
    # Nothing of the document is a picture or a piece yet.
    assert not Image.objects.exists() and not Article.objects.exists()

    with committed():
        response = ada.post(
            NEW, {"headline": "", "body": "", "save": "", "held_document": kept_key(response)}
        )
    assert response.status_code == 302
    piece, image = new_piece(), Image.objects.get()
    assert piece.headline == "Swifts"
    assert f"[[picture {image.pk}]]" in piece.body
    # Used, it is gone with its file.
    assert not HeldDocument.objects.exists()
    assert not (settings.MEDIA_ROOT / held.file.name).exists()


def test_a_file_chosen_with_submit_is_kept_for_saving_the_draft(ada):
    response = start_from(
        ada, docx_files.plain_docx("Words."), submit="", own_work="on", section=make_section().pk
    )
    assert "read it through before you submit" in response.content.decode()
    ada.post(NEW, {"headline": "", "body": "", "save": "", "held_document": kept_key(response)})
    assert new_piece().body == "Words."


def test_a_kept_file_can_be_set_aside(ada):
    response = start_from(ada, docx_files.plain_docx("From the file."), body="Typed")
    with committed():
        ada.post(
            NEW,
            {
                "headline": "Typed after all",
                "body": "Typed",
                "save": "",
                "held_document": kept_key(response),
                "drop_document": "on",
            },
        )
    assert (new_piece().headline, new_piece().body) == ("Typed after all", "Typed")
    assert not HeldDocument.objects.exists()


def test_another_file_chosen_replaces_the_kept_one(ada):
    response = start_from(ada, docx_files.plain_docx("The first."), body="Typed")
    first = HeldDocument.objects.get()
    response = start_from(
        ada, docx_files.plain_docx("The second."), body="Typed", held_document=kept_key(response)
    )
    second = HeldDocument.objects.get()
    assert second.pk != first.pk and kept_key(response) == str(second.key)


def test_a_kept_file_is_only_its_choosers(ada):
    start_from(ada, docx_files.plain_docx("Hers."), body="Typed")
    key = HeldDocument.objects.get().key
    bo = Client()
    bo.force_login(make_writer("bo"))
    response = bo.post(NEW, {"headline": "", "body": "", "save": "", "held_document": key})
    assert "The file you chose earlier is no longer kept" in response.content.decode()
    assert "Hers." not in response.content.decode()
    assert not Article.objects.exists() and HeldDocument.objects.count() == 1


def test_a_file_kept_past_two_days_is_asked_for_again_and_cleared_away(ada):
    response = start_from(ada, docx_files.plain_docx("Old."), body="Typed")
    key = kept_key(response)
    HeldDocument.objects.update(created_at=timezone.now() - timedelta(days=3))
    # Anyone's next kept file clears away those kept too long.
    start_from(ada, docx_files.plain_docx("New."), body="Typed")
    assert HeldDocument.objects.count() == 1
    response = ada.post(NEW, {"headline": "", "body": "", "save": "", "held_document": key})
    assert "The file you chose earlier is no longer kept" in response.content.decode()
    assert not Article.objects.exists()


# --- Replacing a draft's text ---------------------------------------------------------------


def replace_url(piece):
    return reverse("articles:submit_replace_text", args=[piece.pk])


def replacing(piece, data, name="piece.docx", **fields):
    """What the replace page posts: the file, the version it was opened on, and the tick."""
    return {"document": upload(data, name), "opened_version": piece.version, **fields}


def test_the_draft_page_links_to_replacing_its_text(ada, writer):
    piece = make_draft(writer)
    page = ada.get(reverse("articles:submit_edit", args=[piece.pk])).content.decode()
    assert replace_url(piece) in page


def test_replacing_needs_the_tick_box(ada, writer):
    piece = make_draft(writer, body="The old text.")
    response = ada.post(replace_url(piece), replacing(piece, docx_files.plain_docx("New.")))
    assert "Tick “Replace my text”" in response.content.decode()
    piece.refresh_from_db()
    assert piece.body == "The old text."


def test_a_file_chosen_without_the_tick_is_kept_until_it_is_ticked(ada, writer):
    piece = make_draft(writer, body="The old text.")
    response = ada.post(replace_url(piece), replacing(piece, docx_files.plain_docx("New.")))
    page = response.content.decode()
    assert "Kept from your last try: <strong>piece.docx</strong>" in page
    key = kept_key(response)
    with committed():
        ada.post(
            replace_url(piece),
            {"opened_version": piece.version, "held_document": key, "replace": "on"},
        )
    piece.refresh_from_db()
    assert piece.body == "New."
    assert not HeldDocument.objects.exists()


def test_replacing_without_a_file_asks_for_one(ada, writer):
    piece = make_draft(writer, body="The old text.")
    response = ada.post(replace_url(piece), {"opened_version": piece.version, "replace": "on"})
    assert "Choose the Word or Google Docs file whose text" in response.content.decode()
    piece.refresh_from_db()
    assert piece.body == "The old text."


def test_replacing_with_the_tick_box_replaces_the_text_and_keeps_the_headline(ada, writer):
    piece = make_draft(writer, headline="Kept headline", body="The old text.")
    ada.post(
        replace_url(piece), replacing(piece, docx_files.plain_docx("The new text."), replace="on")
    )
    piece.refresh_from_db()
    assert (piece.headline, piece.body) == ("Kept headline", "The new text.")


def test_the_replaced_text_is_kept_in_the_history(ada, writer):
    piece = make_draft(writer, body="The old text.")
    ada.post(
        replace_url(piece), replacing(piece, docx_files.plain_docx("The new text."), replace="on")
    )
    assert "The old text." in piece.history.values_list("body", flat=True)


def test_a_submitted_piece_cannot_have_its_text_replaced(ada, writer):
    from .factories import make_submitted

    piece = make_submitted(writer)
    response = ada.post(
        replace_url(piece), replacing(piece, docx_files.plain_docx("New."), replace="on")
    )
    assert response.status_code == 409


# --- Refused, with nothing stored --------------------------------------------------------------


def stored(settings):
    files = sorted(str(p) for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    if not settings.MEDIA_ROOT.exists():
        files = []
    rows = [model.objects.count() for model in (Image, PendingUpload, HeldDocument, Article)]
    return (*rows, files)


BAD_FILES = {
    "renamed_pdf": (b"%PDF-1.7\n1 0 obj<<>>endobj\n", "report.docx", "This is a PDF"),
    "text": (b"Just some words in a text file.\n", "notes.docx", "not a Word document"),
    "macros": (docx_files.macro_docm, "budget.docm", "contains macros"),
    "encrypted": (docx_files.encrypted_docx, "secret.docx", "protected with a password"),
    "zip_bomb": (docx_files.zip_bomb, "bomb.docx", "would unpack to"),
    "packed_too_tightly": (
        lambda: docx_files.zip_bomb(size=8 * 1024 * 1024, name="word/media/image1.png"),
        "dense.docx",
        "packed",
    ),
    "linked_picture": (docx_files.linked_picture_docx, "linked.docx", "link to another address"),
    "over_20_mb": (lambda: b"PK\x03\x04" + b"\x00" * MAX_BYTES, "huge.docx", "the most we accept"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_is_refused_with_its_message_and_nothing_stored(ada, settings, kind):
    data, name, message = BAD_FILES[kind]
    data = data() if callable(data) else data
    before = stored(settings)
    response = start_from(ada, data, name=name, headline="A try")
    assert response.status_code == 200
    assert message in re.sub(r"\s+", " ", response.content.decode())
    assert stored(settings) == before


@pytest.mark.parametrize("kind", ["macros", "linked_picture", "encrypted"])
def test_a_bad_file_is_refused_when_replacing_a_text(ada, writer, settings, kind):
    data, name, message = BAD_FILES[kind]
    piece = make_draft(writer, body="The old text.")
    before = stored(settings)
    response = ada.post(replace_url(piece), replacing(piece, data(), name, replace="on"))
    assert message in response.content.decode()
    assert stored(settings) == before
    piece.refresh_from_db()
    assert piece.body == "The old text."


def test_the_declared_size_refuses_a_large_file_before_reading_it():
    class Unread:
        name, size = "large.docx", MAX_BYTES + 1

        def seek(self, position):
            raise AssertionError("A file over the limit was read.")

        read = seek

    with pytest.raises(ValidationError, match="the most we accept is 20 MB"):
        read_document(Unread())


def test_a_bombs_size_is_refused_before_any_part_is_inflated(monkeypatch):
    import zipfile

    def inflate(*args, **kwargs):
        raise AssertionError("A part was read before the sizes were checked.")

    data = docx_files.zip_bomb()
    monkeypatch.setattr(zipfile.ZipFile, "open", inflate)
    with pytest.raises(ValidationError, match="would unpack to"):
        read_document(upload(data))
