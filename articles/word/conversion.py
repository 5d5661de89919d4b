"""A checked .docx as the Markdown a piece is written in, with its pictures and its notes.

mammoth (1.11 or later: earlier ones followed a picture's link to a file on the server) turns
the document into plain HTML; the pass that converts pasted text (articles/writing/pasting.py)
writes that as Markdown, so a document and a paste of it come out alike. Three things are
done around it: footnotes become the body's `[^1]` notes, each picture becomes a paragraph of
its own that will read `[[picture N]]` once it is saved, and a heading at the very start is
set aside, for the headline.
"""

import io
import re
import secrets
from dataclasses import dataclass, field

import mammoth
from bs4 import BeautifulSoup, Tag
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ..images import clean_upload
from ..writing.pasting import markdown_from_html
from .checks import DAMAGED, check_package

# Paragraph styles Word, Google Docs and LibreOffice use that mammoth does not map by itself.
STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Subtitle'] => h2:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Quotations'] => blockquote > p:fresh
p[style-name='Block Text'] => blockquote > p:fresh
"""
# More pictures than this in one document are more than a piece shows.
MAX_PICTURES = 40
# The longest body a piece may have (as its writing surface allows), in characters.
MAX_MARKDOWN = 500_000
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
HEADINGS = [f"h{level}" for level in range(1, 7)]


@dataclass
class Picture:
    """A picture of the document that passed the upload checks, waiting to be saved."""

    token: str
    clean: object
    alt_text: str


@dataclass
class Document:
    """What a .docx brings to a piece; `body(numbers)` is its text once its pictures are saved."""

    name: str
    heading: str
    markdown: str
    pictures: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def body(self, numbers=None, *, headline=""):
        """The Markdown, each picture's paragraph reading `[[picture N]]` from `numbers` (the
        saved pictures' numbers in order), the opening heading kept unless it is the headline."""
        text = self.markdown
        for picture, number in zip(self.pictures, numbers or (), strict=False):
            text = text.replace(picture.token, f"[[picture {number}]]")
        if self.heading and headline.strip().casefold() != self.heading.casefold():
            text = f"## {self.heading}\n\n{text}".strip()
        return text


def read_document(uploaded_file):
    """The upload, checked and converted, or ValidationError saying why it cannot be used."""
    package = check_package(uploaded_file)
    pictures, left_out = [], []
    mark = secrets.token_hex(6)

    def take_picture(image):
        number = len(pictures) + len(left_out) + 1
        if number > MAX_PICTURES:
            raise ValidationError(
                f"This document has more than {MAX_PICTURES} pictures, more than a piece "
                "shows. Keep the ones the piece needs and choose it again.",
                code="too_many_pictures",
            )
        with image.open() as stream:
            data = stream.read()
        extension = EXTENSIONS.get(image.content_type, "bin")
        try:
            clean = clean_upload(SimpleUploadedFile(f"picture-{number}.{extension}", data))
        except ValidationError as refusal:
            left_out.append(f"Picture {number} of the document was left out: {refusal.messages[0]}")
            return {"src": ""}
        token = f"wordpicture{mark}n{len(pictures)}x"
        pictures.append(Picture(token, clean, (image.alt_text or "").strip()[:300]))
        return {"src": token}

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(package.data),
            style_map=STYLE_MAP,
            convert_image=mammoth.images.img_element(take_picture),
            id_prefix=f"word{mark}-",
            # A style map stored in the document is the document's say, not ours.
            include_embedded_style_map=False,
            external_file_access=False,
        )
    except (KeyError, AttributeError, IndexError, *DAMAGED) as error:
        raise ValidationError(
            "This document could not be read: it may be damaged. Open it in Word or Google "
            "Docs, save it again as .docx, and choose the new file.",
            code="damaged",
        ) from error
    soup = BeautifulSoup(result.value, "html.parser")
    heading = take_opening_heading(soup)
    notes = take_notes(soup, f"word{mark}-", f"wordnote{mark}n")
    place_pictures(soup, pictures)
    markdown = markdown_from_html(str(soup))
    for label in range(1, len(notes) + 1):
        markdown = markdown.replace(f"wordnote{mark}n{label}x", f"[^{label}]")
    if notes:
        listed = "\n\n".join(f"[^{label}]: {text}" for label, text in enumerate(notes, start=1))
        markdown = f"{markdown}\n\n{listed}"
    if len(markdown) > MAX_MARKDOWN:
        raise ValidationError(
            f"This document's text is longer than a piece may be ({MAX_MARKDOWN:,} characters). "
            "Choose a shorter one.",
            code="too_long",
        )
    return Document(
        name=uploaded_file.name or "",
        heading=heading,
        markdown=markdown,
        pictures=pictures,
        notes=left_out + left_out_notes(package),
    )


def take_opening_heading(soup):
    """The text of a heading the document starts with, taken out of it; "" if it has none."""
    first = next((child for child in soup.children if isinstance(child, Tag)), None)
    if first is None or first.name not in HEADINGS:
        return ""
    text = " ".join(first.get_text(" ").split())
    if not text:
        return ""
    first.decompose()
    return text


NOTE_LINK = re.compile(r"^#(.+-(?:footnote|endnote)-\d+)$")


def take_notes(soup, prefix, token):
    """Footnotes and endnotes as Markdown, numbered in order; each mention becomes a token."""
    notes, labels = [], {}
    items = soup.find_all("li", id=re.compile(rf"^{re.escape(prefix)}(?:footnote|endnote)-\d+$"))
    for item in items:
        for back in item.find_all("a", href=re.compile(rf"^#{re.escape(prefix)}")):
            back.decompose()
        text = " ".join(markdown_from_html(item.decode_contents()).split())
        labels[item["id"]] = len(notes) + 1
        notes.append(text or "(An empty note.)")
        holder = item.parent
        item.decompose()
        if holder is not None and not holder.find("li"):
            holder.decompose()
    for link in soup.find_all("a", href=NOTE_LINK):
        label = labels.get(link["href"][1:])
        if label is None:
            continue
        mention = link.parent if link.parent.name == "sup" else link
        mention.replace_with(f"{token}{label}x")
    return notes


def place_pictures(soup, pictures):
    """Each picture leaves its line for a paragraph of its own after the block it was in."""
    tokens = {picture.token for picture in pictures}
    # The last paragraph placed after each block, so that its pictures keep their order.
    placed = {}
    for image in soup.find_all("img"):
        token = image.get("src", "")
        block = image
        while block.parent is not None and block.parent is not soup:
            block = block.parent
        if token in tokens:
            paragraph = soup.new_tag("p")
            paragraph.string = token
            placed.get(id(block), block).insert_after(paragraph)
            placed[id(block)] = paragraph
        image.decompose()


def left_out_notes(package):
    """What the piece leaves out of the document, said once each."""
    notes = []
    if package.tracked_changes:
        notes.append(
            "The document had tracked changes: they were taken as accepted (inserted words "
            "kept, deleted ones left out) and their marks dropped. Read the text through."
        )
    if package.comments:
        count = package.comments
        notes.append(
            f"The document's {count} comment{'s' if count != 1 else ''} "
            f"{'were' if count != 1 else 'was'} left out: comments are not part of a piece."
        )
    return notes
