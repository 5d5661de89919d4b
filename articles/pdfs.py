"""Upload safety for print editions: only a modest, whole, passive PDF gets in.

A PDF is a container for programs as much as for pages: it can run JavaScript as it opens,
start another program, send what a reader types to a server, or carry other files inside it.
Readers download the print edition from the magazine, so the magazine vouches for it: an
edition doing any of these is refused, as is one the checks cannot read with confidence
(encrypted, cut short, or repaired by the parser on the way in). Nothing is stored until every
check has passed; the file is then kept under a generated name (`edition_upload_to`).
"""

import os

from django.conf import settings
from django.core.exceptions import ValidationError

from .images import CheckedFileField, check_name, recognise

EXTENSION = ".pdf"
ACCEPT = "application/pdf,.pdf"
# Every PDF begins so; what follows is the version.
SIGNATURE = b"%PDF-"
# Readers look for the end-of-file marker within the last kilobyte (ISO 32000-1, 7.5.5).
TAIL_BYTES = 1024
END_MARKER = b"%%EOF"
# Dictionaries within dictionaries, without an object of their own; real files nest a few deep.
MAX_DEPTH = 64

EXPORT_AGAIN = (
    "Export it again from the layout program as a plain PDF (for print or for the screen) and "
    "upload that."
)
RESAVE = f"{EXPORT_AGAIN} Nothing was saved."
EMPTY = "This file is empty (0 bytes). Choose the PDF again and upload it."
DAMAGED = (
    "This PDF is damaged or incomplete (it may have been cut short while uploading), so we "
    f"cannot check it. {EXPORT_AGAIN}"
)
ENCRYPTED = (
    "This PDF is encrypted (protected by a password or by restrictions on printing and "
    "copying), so we cannot check it and readers may not be able to open it. Export it again "
    "without a password or security settings, and upload that."
)

# What an edition must not do, with what the editor is told; in the order they are told.
REASONS = {
    "javascript": "This PDF contains JavaScript (or a form that can run scripts), which a "
    "reader's PDF viewer could run when it is opened.",
    "embedded": "This PDF carries other files inside it (attachments), which readers would "
    "download with it unseen.",
    "launch": "This PDF has a Launch action, which asks the reader's computer to open another "
    "program or file.",
    "submit": "This PDF has a SubmitForm action, which sends what a reader types to an address "
    "on the internet.",
}
# Actions (the /S of an action dictionary) and the reason each is refused for.
ACTIONS = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/SubmitForm": "submit",
}
# Keys whose mere presence in a dictionary says what the file does.
KEYS = {
    "/JS": "javascript",
    "/JavaScript": "javascript",
    # An XFA form is an XML program of its own, with scripts of its own.
    "/XFA": "javascript",
    "/EmbeddedFiles": "embedded",
    # A file specification's embedded file stream.
    "/EF": "embedded",
}


def max_bytes():
    return settings.MAGAZINE_PDF_MAX_BYTES


def megabytes(size):
    """A size as editors read it: "4.2 MB", "50 MB"."""
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"


def check_pdf(upload):
    """Check an uploaded print edition and return it, ready to store, or raise ValidationError."""
    check_name(upload.name or "")
    if not upload.size:
        raise ValidationError(EMPTY, code="empty")
    limit = max_bytes()
    # Decided from the size the upload declares, before a byte of it is read.
    if upload.size > limit:
        raise ValidationError(
            f"This file is {megabytes(upload.size)}; the most we accept is {megabytes(limit)}. "
            "Export a smaller PDF (images at screen resolution, for instance) and upload it "
            "again.",
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(TAIL_BYTES)
    if not head.startswith(SIGNATURE):
        raise ValidationError(not_a_pdf(head), code="not_a_pdf")
    check_extension(upload.name)
    # The declared size is the uploader's word; the file's own end is not.
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    if size > limit:
        raise ValidationError(
            f"This file is over {megabytes(limit)}. Export a smaller PDF and upload it again.",
            code="too_large",
        )
    upload.seek(max(0, size - TAIL_BYTES))
    if END_MARKER not in upload.read(TAIL_BYTES):
        raise ValidationError(DAMAGED, code="damaged")
    upload.seek(0)
    found = inspect(upload.file)
    refusals = [REASONS[reason] for reason in REASONS if reason in found]
    if refusals:
        # One message for each reason; what to do about them all, once, after the last.
        refusals[-1] = f"{refusals[-1]} {RESAVE}"
        raise ValidationError(
            [ValidationError(message, code="active_content") for message in refusals]
        )
    upload.seek(0)
    return upload


def not_a_pdf(head):
    """What to tell someone whose file does not begin as a PDF does."""
    kind = recognise(head)
    if kind:
        return f"This is {kind}, not a PDF, whatever its name says. {EXPORT_AGAIN}"
    return f"This file is not a PDF: it does not begin as every PDF does. {EXPORT_AGAIN}"


def check_extension(name):
    extension = os.path.splitext(name)[1].lower()
    if extension != EXTENSION:
        ends = f"ends in “{extension}”" if extension else "has no extension"
        raise ValidationError(
            f"The file name {ends}; a print edition’s must end in .pdf. Rename it, for "
            "example to issue.pdf, and upload it again.",
            code="bad_extension",
        )


def inspect(stream):
    """The reasons (keys of REASONS) this PDF is refused for; ValidationError if unreadable."""
    # Imported when a PDF comes in, not with the admin: most processes never read one.
    import pikepdf

    try:
        with pikepdf.open(stream) as pdf:
            if pdf.is_encrypted:
                raise ValidationError(ENCRYPTED, code="encrypted")
            found = set()
            look_at(pdf.trailer, found)
            for obj in pdf.objects:
                look_at(obj, found)
            # The parser mends some damage on the way in, and says so: a mended file is not
            # the one uploaded, and its damage may hide what the checks look for.
            if pdf.get_warnings():
                raise ValidationError(DAMAGED, code="damaged")
            return found
    except ValidationError:
        raise
    except pikepdf.PasswordError as error:
        raise ValidationError(ENCRYPTED, code="encrypted") from error
    # The parser fails in several ways on a damaged file (PdfError, and others on odd input):
    # each is the uploader's to fix, never a server error.
    except Exception as error:
        raise ValidationError(DAMAGED, code="damaged") from error


def look_at(obj, found, depth=0):
    """Add to `found` what this object, and the objects written inside it, would do."""
    import pikepdf

    if depth > MAX_DEPTH:
        raise ValidationError(DAMAGED, code="damaged")
    if isinstance(obj, pikepdf.Array):
        children = list(obj)
    elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        keys = set(obj.keys())
        found.update(KEYS[key] for key in keys & KEYS.keys())
        action = obj.get("/S")
        if isinstance(action, pikepdf.Name) and str(action) in ACTIONS:
            found.add(ACTIONS[str(action)])
        subtype = obj.get("/Subtype")
        if isinstance(subtype, pikepdf.Name) and str(subtype) == "/FileAttachment":
            found.add("embedded")
        kind = obj.get("/Type")
        if isinstance(kind, pikepdf.Name) and str(kind) == "/EmbeddedFile":
            found.add("embedded")
        children = [obj[key] for key in keys]
    else:
        return
    for child in children:
        # An object of its own is looked at once, from the file's list of objects.
        if isinstance(child, (pikepdf.Array, pikepdf.Dictionary)) and not child.is_indirect:
            look_at(child, found, depth + 1)


class EditionField(CheckedFileField):
    """A file field that accepts only a safe print edition (PDF)."""

    default_error_messages = {"empty": EMPTY}
    accept = ACCEPT

    def check(self, upload):
        return check_pdf(upload)
