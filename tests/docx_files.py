"""Word documents for the tests, made with python-docx, and the hostile files a .docx field meets.

python-docx writes headings, runs, lists, quotes, tables, pictures and comments; what it has no
API for (links, footnotes, tracked changes, macros, linked pictures) is written into the saved
package's XML here, as Word itself writes it.
"""

import io
import re
import zipfile
from pathlib import Path

import docx
from docx.shared import Inches

from .factories import jpeg_bytes

LIBREOFFICE_FILE = Path(__file__).parent / "data" / "docx" / "night-shift.docx"

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
RELS = "word/_rels/document.xml.rels"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"


def saved(document):
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rewritten(data, edits=None, added=None):
    """The package with some parts' text edited (name → function) and parts added."""
    edits, added = edits or {}, added or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name in edits:
                content = edits[name](content.decode()).encode()
            target.writestr(name, content)
        for name, content in added.items():
            target.writestr(name, content)
    return out.getvalue()


def placeholder_run(text):
    return f"<w:r><w:t>{text}</w:t></w:r>"


def structured_docx():
    """A piece with everything a document keeps: headings, emphasis, lists, a link, a quote,
    a table, a footnote and a picture."""
    document = docx.Document()
    document.add_heading("Counting Swifts Over the Old Mill", 1)
    paragraph = document.add_paragraph("Volunteers counted ")
    paragraph.add_run("two hundred").bold = True
    paragraph.add_run(" birds in ")
    paragraph.add_run("one evening").italic = True
    paragraph.add_run(". ")
    paragraph.add_run("LINKHERE")
    paragraph.add_run(" NOTEHERE")
    document.add_heading("How the count works", 2)
    document.add_paragraph("Stand on the bridge", style="List Bullet")
    document.add_paragraph("Count in tens", style="List Bullet")
    document.add_paragraph("Write the total down", style="List Number")
    document.add_paragraph("They scream as they circle the roofs.", style="Quote")
    table = document.add_table(rows=2, cols=2)
    for (row, column), text in {
        (0, 0): "Year",
        (0, 1): "Swifts",
        (1, 0): "2025",
        (1, 1): "212",
    }.items():
        table.cell(row, column).text = text
    document.add_picture(io.BytesIO(jpeg_bytes(160, 90)), width=Inches(2))
    document.add_paragraph("The count resumes in May.")
    return with_link_and_footnote(saved(document))


def with_link_and_footnote(data):
    link_rel = (
        f'<Relationship Id="rIdLink1" Type="{RELATIONSHIP}/hyperlink" '
        'Target="https://example.org/swift-survey" TargetMode="External"/>'
        f'<Relationship Id="rIdNotes1" Type="{RELATIONSHIP}/footnotes" Target="footnotes.xml"/>'
    )
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {W}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        "</w:footnote>"
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        "<w:continuationSeparator/></w:r></w:p></w:footnote>"
        '<w:footnote w:id="1"><w:p><w:r><w:t>Counted from the mill bridge on 3 June.</w:t>'
        "</w:r></w:p></w:footnote></w:footnotes>"
    )
    link = '<w:hyperlink r:id="rIdLink1"><w:r><w:t>the county survey</w:t></w:r></w:hyperlink>'
    note = '<w:r><w:footnoteReference w:id="1"/></w:r>'
    return rewritten(
        data,
        edits={
            "word/document.xml": lambda xml: xml.replace(placeholder_run("LINKHERE"), link).replace(
                '<w:r><w:t xml:space="preserve"> NOTEHERE</w:t></w:r>', note
            ),
            RELS: lambda xml: xml.replace("</Relationships>", f"{link_rel}</Relationships>"),
            "[Content_Types].xml": lambda xml: xml.replace(
                "</Types>",
                '<Override PartName="/word/footnotes.xml" '
                f'ContentType="{FOOTNOTES_TYPE}"/></Types>',
            ),
        },
        added={"word/footnotes.xml": footnotes},
    )


def plain_docx(*paragraphs, heading=""):
    document = docx.Document()
    if heading:
        document.add_heading(heading, 1)
    for text in paragraphs:
        document.add_paragraph(text)
    return saved(document)


def picture_docx(alt_text="A swift above a red roof"):
    document = docx.Document()
    document.add_heading("Swifts", 1)
    document.add_paragraph("Before the picture.")
    document.add_picture(io.BytesIO(jpeg_bytes(120, 80)), width=Inches(2))
    document.add_paragraph("After the picture.")
    # Word keeps a picture's alt text as its drawing's description.
    return rewritten(
        saved(document),
        edits={
            "word/document.xml": lambda xml: re.sub(
                r'<wp:docPr id="(\d+)" name="([^"]*)"',
                rf'<wp:docPr id="\1" name="\2" descr="{alt_text}"',
                xml,
            )
        },
    )


def commented_docx():
    document = docx.Document()
    paragraph = document.add_paragraph("The mill was built in 1820.")
    document.add_comment(paragraph.runs, text="Source for the date?", author="Editor")
    document.add_paragraph("It closed in 1960.")
    return saved(document)


def tracked_docx():
    changes = (
        '<w:p><w:r><w:t xml:space="preserve">The swifts came </w:t></w:r>'
        '<w:del w:id="1" w:author="Ed" w:date="2026-05-01T10:00:00Z"><w:r>'
        '<w:delText xml:space="preserve">late </w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="Ed" w:date="2026-05-01T10:00:00Z"><w:r>'
        '<w:t xml:space="preserve">early </w:t></w:r></w:ins>'
        "<w:r><w:t>this year.</w:t></w:r></w:p>"
    )
    return rewritten(
        plain_docx("CHANGESHERE"),
        edits={
            "word/document.xml": lambda xml: xml.replace(
                f"<w:p>{placeholder_run('CHANGESHERE')}</w:p>", changes
            )
        },
    )


def macro_docm():
    return rewritten(
        plain_docx("Looks harmless."),
        edits={"[Content_Types].xml": lambda xml: xml.replace(MAIN_TYPE, MACRO_TYPE)},
        added={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 512},
    )


def linked_picture_docx():
    link = (
        f'<Relationship Id="rIdFar1" Type="{RELATIONSHIP}/image" '
        'Target="file:///etc/passwd" TargetMode="External"/>'
    )
    return rewritten(
        plain_docx("A picture from elsewhere follows."),
        edits={RELS: lambda xml: xml.replace("</Relationships>", f"{link}</Relationships>")},
    )


def encrypted_docx():
    # Word saves a password-protected .docx as an OLE compound file holding the encrypted zip.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096


def zip_bomb(size=70 * 1024 * 1024, name="word/document.xml"):
    """A valid-looking package with one part that inflates to `size` bytes of zeros."""
    base = plain_docx("Small on the outside.")
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.namelist():
            if member != name:
                target.writestr(member, source.read(member))
        with target.open(name, "w", force_zip64=True) as part:
            block = b"\x00" * (1024 * 1024)
            for _ in range(size // len(block)):
                part.write(block)
    return out.getvalue()
