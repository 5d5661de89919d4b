"""What a .docx must be before anything reads it: a Word document, small, with nothing hidden.

Every check here looks at the file's first bytes and at the zip's directory (the sizes each
member declares), never at a member's contents, until the file has shown it is what it says:
a zip bomb is refused from its numbers before a byte of it is inflated. Only then are the
package's small XML parts read, with defusedxml, to find the main document, macros and pictures
linked from other addresses. A member's declared size also bounds what reading it can yield
(zipfile stops there), so the limits hold for mammoth, which reads the same zip afterwards.
"""

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError

MAX_MEGABYTES = 20
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
# A document's parts unpacked: far more than the longest piece with its pictures needs.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
# Its XML alone: mammoth reads each part into a DOM some ten times its size. A long piece's
# main part is a megabyte or two.
MAX_XML_BYTES = 25 * 1024 * 1024
# XML compresses well, some ten or twenty to one; a bomb compresses a thousand to one and more.
MAX_RATIO = 200
# Below this a part's ratio says nothing: a few kilobytes of repeated styles may pack tightly.
RATIO_CHECKED_FROM = 1024 * 1024
MAX_MEMBERS = 2000

WORD_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
}
MACRO_TYPES = {
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    "application/vnd.ms-office.vbaProject",
}
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT = "/officeDocument"
WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Revision marks: text inserted, deleted or moved, and formatting changed, while tracking.
TRACKED_CHANGES = {
    f"{WORD}{name}"
    for name in (
        "ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "sectPrChange",
        "tblPrChange", "trPrChange", "tcPrChange", "numberingChange",
    )
}  # fmt: skip
COMMENT = f"{WORD}comment"
XML_PARTS = (".xml", ".rels")

SAVE_AS_DOCX = (
    "In Word, choose File → Save As → Word Document (.docx); in Google Docs, File → Download → "
    "Microsoft Word (.docx). Then choose the new file."
)
NOT_WORD = f"This is not a Word document (.docx). {SAVE_AS_DOCX}"
# What a file that is not a zip may be instead, by its first bytes.
OTHER_KINDS = [
    (b"%PDF", "a PDF"),
    (b"{\\rtf", "a Rich Text (RTF) file"),
    (b"<", "a web page or other markup"),
]
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class Package:
    """A .docx that passed the checks: its bytes, its main part, and what it holds that a
    piece leaves out (tracked changes, comments)."""

    data: bytes
    main_part: str
    tracked_changes: int
    comments: int


def refuse(message, code):
    raise ValidationError(message, code=code)


def check_package(uploaded_file):
    """The upload as a checked Package, or ValidationError saying why it cannot be read."""
    size = uploaded_file.size or 0
    if not size:
        refuse("This file is empty (0 bytes). Choose the document again.", "empty")
    if size > MAX_BYTES:
        refuse(
            f"This file is {size / 1024 / 1024:.1f} MB; the most we accept is {MAX_MEGABYTES} MB. "
            "Make it smaller (pictures saved at a lower resolution, say) and choose it again.",
            "too_large",
        )
    uploaded_file.seek(0)
    # A byte past the limit is read, so a file whose declared size is wrong is caught too.
    data = uploaded_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        refuse(
            f"This file is over {MAX_MEGABYTES} MB. Make it smaller and choose it again.",
            "too_large",
        )
    check_kind(data, uploaded_file.name or "")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        refuse(f"This file is damaged or is not a Word document (.docx). {SAVE_AS_DOCX}", "damaged")
    check_sizes(package.infolist())
    main_part = check_content(package)
    tracked_changes, comments = scan_parts(package)
    return Package(
        data=data, main_part=main_part, tracked_changes=tracked_changes, comments=comments
    )


def check_kind(data, name):
    """Refuse, by its first bytes, a file that is not a zip, naming what it is when we can."""
    if data.startswith(OLE_SIGNATURE):
        refuse(
            "This document is protected with a password, or is in Word's older .doc format: we "
            "can read neither. Remove the password (in Word, File → Info → Protect Document → "
            f"Encrypt with Password, and clear it), or save it as .docx. {SAVE_AS_DOCX}",
            "encrypted",
        )
    if data.startswith(ZIP_SIGNATURE):
        return
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    for starts, kind in OTHER_KINDS:
        if head.startswith(starts):
            refuse(f"This is {kind}, not a Word document (.docx). {SAVE_AS_DOCX}", "not_docx")
    extension = PurePosixPath(name).suffix.lower()
    if extension == ".doc":
        refuse(
            f"This is Word's older .doc format, which we cannot read. {SAVE_AS_DOCX}", "not_docx"
        )
    refuse(NOT_WORD, "not_docx")


def check_sizes(members):
    """Refuse a zip whose members would unpack to too much, from their declared sizes alone."""
    if len(members) > MAX_MEMBERS:
        refuse(
            f"This file holds {len(members):,} parts, more than any document does. It was not "
            "opened.",
            "zip_bomb",
        )
    unpacked = sum(member.file_size for member in members)
    xml = sum(member.file_size for member in members if member.filename.endswith(XML_PARTS))
    if unpacked > MAX_UNPACKED_BYTES or xml > MAX_XML_BYTES:
        refuse(
            f"This file would unpack to {unpacked / 1024 / 1024:,.0f} MB, far more than any "
            "document needs. It was not opened.",
            "zip_bomb",
        )
    for member in members:
        if member.flag_bits & 0x1:
            refuse(
                "Parts of this file are encrypted, so it cannot be read. Remove the password and "
                "choose it again.",
                "encrypted",
            )
        packed = max(member.compress_size, 1)
        if member.file_size >= RATIO_CHECKED_FROM and member.file_size / packed > MAX_RATIO:
            refuse(
                f"This file is packed {member.file_size // packed:,} to one, as a booby-trapped "
                "archive is, not a document. It was not opened.",
                "zip_bomb",
            )


def check_content(package):
    """The main document's path, once the package is shown to be Word's, without macros or
    pictures linked from elsewhere."""
    names = set(package.namelist())
    if any(PurePosixPath(name).name.lower() == "vbaproject.bin" for name in names):
        refuse_macros()
    types = read_xml(package, "[Content_Types].xml")
    declared = {
        element.get("PartName", "").lstrip("/"): element.get("ContentType", "")
        for element in types.iter(f"{CONTENT_TYPES}Override")
    }
    if MACRO_TYPES & set(declared.values()):
        refuse_macros()
    main_part = next(
        (
            element.get("Target", "").lstrip("/")
            for element in read_xml(package, "_rels/.rels").iter(f"{RELATIONSHIPS}Relationship")
            if element.get("Type", "").endswith(OFFICE_DOCUMENT)
        ),
        "",
    )
    if declared.get(main_part) not in WORD_TYPES or main_part not in names:
        refuse(NOT_WORD, "not_docx")
    return main_part


def refuse_macros():
    refuse(
        "This document contains macros (a .docm), which we never open. In Word, choose File → "
        "Save As → Word Document (.docx), which leaves them out, and choose the new file.",
        "macros",
    )


def scan_parts(package):
    """Read every XML part once, refusing DTDs and entities (which nothing in a .docx needs)
    and pictures linked from other addresses; count the tracked changes and the comments."""
    tracked_changes = comments = 0
    for name in sorted(package.namelist()):
        if not name.endswith(XML_PARTS):
            continue
        in_word = name.startswith("word/")
        for element in iterate_xml(package, name):
            if element.tag == f"{RELATIONSHIPS}Relationship":
                check_relationship(element)
            elif in_word and element.tag in TRACKED_CHANGES:
                tracked_changes += 1
            elif in_word and element.tag == COMMENT:
                comments += 1
    return tracked_changes, comments


def check_relationship(element):
    """Refuse a picture that is a link to another address: it is never fetched."""
    linked = element.get("TargetMode", "") == "External"
    if linked and element.get("Type", "").endswith("/image"):
        refuse(
            "A picture in this document is a link to another address, not a picture in the "
            "file, and we never fetch those. In Word, delete the picture and insert it again "
            "from a file on your computer (Insert → Pictures → This Device), then choose the "
            "document again.",
            "linked_picture",
        )


def iterate_xml(package, name):
    """The elements of one XML part as they end, each cleared once seen, so memory stays small."""
    try:
        with package.open(name) as part:
            for _, element in ElementTree.iterparse(part, events=("end",), forbid_dtd=True):
                yield element
                element.clear()
    except (ElementTree.ParseError, DefusedXmlException, *DAMAGED) as error:
        refuse(damaged_message(name, error), "damaged")


def read_xml(package, name):
    """A small XML part of the package, parsed with entities and DTDs refused."""
    try:
        return ElementTree.fromstring(package.read(name), forbid_dtd=True)
    except KeyError:
        refuse(NOT_WORD, "not_docx")
    except (ElementTree.ParseError, DefusedXmlException, *DAMAGED) as error:
        refuse(damaged_message(name, error), "damaged")


# What reading a damaged or strangely packed member may raise.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError)


def damaged_message(name, error):
    if isinstance(error, DefusedXmlException):
        return (
            "This document holds XML of a kind Word never writes (entity or type declarations), "
            "so it was not opened. Save it again from Word or Google Docs as .docx."
        )
    return f"This document is damaged: its part “{name}” cannot be read. {SAVE_AS_DOCX}"
