"""Upload safety: the bad-file corpus is refused with a plain reason; good pictures come clean."""

import io
import os
import random
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from PIL import Image as PILImage
from PIL import ImageCms

from articles.images import MAX_PIXELS, PictureField, clean_upload
from articles.models import Article, Image

from .factories import make_section

pytestmark = pytest.mark.django_db

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GENERATED_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp|avif)$")


# The corpus, made in code so that every file's oddity is visible here.


def jpeg(width=60, height=40, colour=(128, 128, 128), mode="RGB", **options):
    buffer = io.BytesIO()
    PILImage.new(mode, (width, height), colour).save(buffer, "JPEG", **options)
    return buffer.getvalue()


def encoded(image, format, **options):
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def noisy_jpeg():
    """A JPEG with real detail in it, so half of it is half a picture, not mostly header."""
    noise = random.Random(7).randbytes(256 * 256 * 3)
    return encoded(PILImage.frombytes("RGB", (256, 256), noise), "JPEG", quality=95)


def png_chunk(kind, payload):
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )


def blank_png(width, height, bit_depth):
    """A greyscale PNG of zeros, compressed row by row so that it is never whole in memory."""
    row = bytes(1 + (width * bit_depth + 7) // 8)
    rows_at_once = max(1, 4_000_000 // len(row))
    compressor = zlib.compressobj(9)
    header = struct.pack(">IIBBBBB", width, height, bit_depth, 0, 0, 0, 0)
    parts = [b"\x89PNG\r\n\x1a\n", png_chunk(b"IHDR", header)]
    left = height
    while left:
        rows = min(rows_at_once, left)
        left -= rows
        if data := compressor.compress(row * rows):
            parts.append(png_chunk(b"IDAT", data))
    parts += [png_chunk(b"IDAT", compressor.flush()), png_chunk(b"IEND", b"")]
    return b"".join(parts)


def animated_gif(colours, size=(8, 8)):
    frames = [PILImage.new("RGB", size, colour) for colour in colours]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=40, loop=0)


def jpeg_padded_to(target_size):
    """A real, small JPEG grown past target_size with ~64 KB comment segments after its start."""
    picture = jpeg()
    comment = b"\xff\xfe" + struct.pack(">H", 65535) + bytes(65533)
    count = (target_size - len(picture)) // len(comment) + 1
    return picture[:2] + comment * count + picture[2:]


def psd_header():
    # Signature, version 1, six reserved bytes, 3 channels, 10 × 10 px, 8 bits, RGB mode.
    return b"8BPS\x00\x01" + bytes(6) + struct.pack(">HIIHH", 3, 10, 10, 8, 3) + bytes(64)


SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)
WEB_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture(scope="session")
def png_bomb(tmp_path_factory):
    """40000 × 40000 pixels (1.6 GB once decoded) in a file of a few MB; made once a session."""
    path = tmp_path_factory.mktemp("bombs") / "bomb.png"
    path.write_bytes(blank_png(40_000, 40_000, 8))
    return path


# How a refusal is checked: the exact kind of reason, and not a byte or a row stored.


def nothing_stored():
    media = Path(settings.MEDIA_ROOT)
    return Image.objects.count() == 0 and not [p for p in media.rglob("*") if p.is_file()]


def refusal(data, name):
    """Put data through the picture field under a name taken as given, and return its refusal."""
    # ContentFile keeps the name exactly; an UploadedFile would already have cut folders off it.
    with pytest.raises(ValidationError) as caught:
        PictureField().clean(ContentFile(data, name=name))
    assert nothing_stored()
    return caught.value


def assert_refused(data, name, code, says):
    error = refusal(data, name)
    assert error.code == code, error.messages
    assert says in error.messages[0]


def test_a_png_bomb_is_refused_before_a_pixel_is_decoded(png_bomb):
    assert 1_000_000 < png_bomb.stat().st_size < 5_000_000
    assert_refused(png_bomb.read_bytes(), "bomb.png", "too_many_pixels", "too many pixels")


@pytest.mark.parametrize("pillow_limit", ["on", "off"])
def test_a_png_bomb_is_refused_in_a_process_that_stays_under_300_mb(
    png_bomb, tmp_path, pillow_limit
):
    # A fresh process, so its peak memory is this refusal's and nothing else's. With Pillow's
    # own limit switched off, only our check right after opening stands between it and 1.6 GB.
    script = """
import sys
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image
from articles.images import clean_upload
if sys.argv[2] == "off":
    Image.MAX_IMAGE_PIXELS = None
with open(sys.argv[1], "rb") as file:
    data = file.read()
try:
    clean_upload(ContentFile(data, name="bomb.png"))
    outcome = "accepted"
except ValidationError as error:
    outcome = error.code
# VmHWM is this program's own peak: ru_maxrss would carry the test runner's size across exec.
with open("/proc/self/status") as status:
    peak_kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
print(outcome, peak_kb)
"""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "magazine.settings",
        "SECRET_KEY": "upload-safety-test-only",
        "ALLOWED_HOSTS": "localhost",
        "MAGAZINE_DATA_DIR": str(tmp_path),
    }
    environment.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", script, str(png_bomb), pillow_limit],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    outcome, peak_kb = result.stdout.split()
    peak_mb = int(peak_kb) / 1024
    print(f"\nPNG bomb 40000 × 40000, Pillow's limit {pillow_limit}: peak memory {peak_mb:.0f} MB")
    assert outcome == "too_many_pixels"
    assert peak_mb < 300


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_a_12_kb_png_of_100_megapixels_is_refused_even_when_pillow_warnings_are_errors():
    data = blank_png(10_000, 10_000, 1)
    assert 11_000 < len(data) < 14_000
    assert_refused(data, "tiny.png", "too_many_pixels", "the most we accept is 40 megapixels")


def test_our_pixel_limit_stands_without_pillows(monkeypatch):
    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", None)
    assert_refused(blank_png(10_000, 10_000, 1), "tiny.png", "too_many_pixels", "too many pixels")


def test_pillows_own_limit_when_lower_gives_the_same_message(monkeypatch):
    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 1000)
    assert_refused(jpeg(60, 40), "photo.jpg", "too_many_pixels", "too many pixels")


def test_a_picture_of_exactly_40_megapixels_is_not_refused_for_its_pixels():
    width = 8000
    picture = clean_upload(ContentFile(blank_png(width, MAX_PIXELS // width, 1), name="wide.png"))
    assert (picture.width, picture.height) == (8000, 5000)


def test_a_gif_of_1000_frames_is_refused():
    data = animated_gif([(i % 256, (7 * i) % 256, 0) for i in range(1000)])
    assert PILImage.open(io.BytesIO(data)).n_frames == 1000
    assert_refused(data, "dance.gif", "too_many_frames", "This GIF has 1000 frames")


class ReadIsForbidden(ContentFile):
    """An upload that fails the test if anything reads its bytes."""

    def read(self, *args):
        raise AssertionError("The file was read.")


def test_a_25_mb_jpeg_is_refused_from_its_size_without_being_read():
    data = jpeg_padded_to(25 * 1024 * 1024)
    assert len(data) > 25 * 1024 * 1024
    PILImage.open(io.BytesIO(data)).load()  # a real picture: only its size is wrong
    with pytest.raises(ValidationError) as caught:
        PictureField().clean(ReadIsForbidden(data, name="huge.jpg"))
    assert caught.value.code == "too_large"
    assert "This file is 25.0 MB; the most we accept is 20 MB." in caught.value.messages[0]
    assert nothing_stored()


def test_a_truncated_jpeg_is_refused_as_damaged():
    data = noisy_jpeg()
    assert_refused(data[: len(data) // 2], "cut.jpg", "damaged", "damaged or incomplete")


def test_an_empty_file_is_refused():
    assert_refused(b"", "empty.jpg", "empty", "This file is empty (0 bytes).")
    with pytest.raises(ValidationError, match=r"empty \(0 bytes\)"):
        clean_upload(ContentFile(b"", name="empty.jpg"))


def test_random_bytes_are_refused_as_unreadable():
    data = random.Random(42).randbytes(4096)
    assert_refused(data, "noise.jpg", "unreadable", "We could not read this file as a picture.")


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (WEB_PAGE, "page.jpg", "a web page (HTML)"),
        (b"  <html><body>Hello</body></html>", "page.png", "a web page (HTML)"),
        (psd_header(), "layers.jpg", "a Photoshop (PSD) file"),
        (encoded(PILImage.new("RGB", (8, 8)), "TIFF"), "scan.jpg", "a TIFF file"),
        (
            encoded(PILImage.new("RGB", (8, 8)), "TIFF", compression="tiff_lzw"),
            "s.tif",
            "a TIFF file",
        ),
        (SVG_WITH_SCRIPT, "drawing.svg", "an SVG file"),
        (SVG_WITH_SCRIPT, "drawing.jpg", "an SVG file"),
        (b'<?xml version="1.0"?>\n' + SVG_WITH_SCRIPT, "drawing.jpg", "an SVG file"),
        (
            b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n",
            "logo.jpg",
            "an EPS (PostScript) file",
        ),
        (b"\xc5\xd0\xd3\xc6" + bytes(60), "logo.jpg", "an EPS (PostScript) file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "poster.jpg", "a PDF document"),
        (encoded(PILImage.new("RGB", (8, 8)), "BMP"), "paint.jpg", "a BMP file"),
        (
            bytes(4) + b"ftypheic" + bytes(52),
            "IMG_0001.jpg",
            "a HEIC photo (the iPhone’s own format)",
        ),
    ],
)
def test_a_file_that_is_not_a_picture_we_publish_is_refused_by_name(data, name, kind):
    error = refusal(data, name)
    assert error.code == "not_a_picture"
    assert error.messages == [
        f"This is {kind}, not a picture we can publish. "
        "Save it as JPEG, PNG, WebP, AVIF or GIF and upload it again."
    ]


@pytest.mark.parametrize(
    "tail",
    [
        WEB_PAGE,
        b"<SCRIPT>alert(1)</SCRIPT>",
        b"<svg/onload=alert(1)>",
        b"<iframe src=x>",
        b"<?php system($_GET['c']); ?>",
        b"<a href='JavaScript:alert(1)'>",
    ],
)
def test_a_picture_with_a_web_page_appended_is_refused(tail):
    data = encoded(PILImage.new("RGB", (8, 8), "blue"), "PNG") + tail
    assert_refused(data, "polyglot.png", "markup", "web page code (markup or script) hidden in it")


def test_a_jpeg_with_a_script_in_its_comment_is_refused():
    data = jpeg(comment=b"<script src=//evil.example/x.js></script>")
    assert_refused(data, "photo.jpg", "markup", "web page code")


def test_a_png_with_data_after_its_end_is_refused():
    data = encoded(PILImage.new("RGB", (8, 8), "blue"), "PNG") + b"PK\x03\x04" + bytes(200)
    assert_refused(data, "archive.png", "trailing_data", "extra data hidden after the end")


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("../../x.jpg", "folder path"),
        ("..\\..\\x.jpg", "folder path"),
        ("x\x00.jpg", "control character"),
        ("x\n.jpg", "control character"),
        ("photo\u202egpj.exe", "reverses the text direction"),
        ("photo\u2067.jpg", "reverses the text direction"),
        (".htaccess", "starts with a dot"),
        (".jpg", "starts with a dot"),
        ("CON.jpg", "Windows keeps for devices"),
        ("con", "Windows keeps for devices"),
        ("LPT9.png", "Windows keeps for devices"),
        ("a" * 300 + ".jpg", "longer than 255 characters"),
    ],
)
def test_a_dangerous_file_name_is_refused_with_a_request_to_rename(name, says):
    error = refusal(jpeg(), name)
    assert error.code == "bad_name"
    assert says in error.messages[0]
    assert error.messages[0].endswith(
        "Rename the file to something plain, such as photo.jpg, and upload it again."
    )


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("photo.exe", "ends in “.exe”"),
        ("photo.svg", "ends in “.svg”"),
        ("photo.jpg.php", "ends in “.php”"),
        ("photo", "has no extension"),
    ],
)
def test_a_picture_under_a_name_that_is_not_a_pictures_is_refused(name, says):
    assert_refused(jpeg(), name, "bad_extension", says)


@pytest.mark.parametrize(
    "name", ["Photo.JPG", "été à Dakar.jpeg", "東京.jpg", "console.jpg", "a" * 251 + ".jpg"]
)
def test_an_ordinary_name_passes_whatever_its_case_script_or_length(name):
    assert clean_upload(ContentFile(jpeg(), name=name)).format == "JPEG"


@pytest.mark.parametrize(
    ("format", "name", "extension", "options"),
    [
        ("JPEG", "holiday.jpg", "jpg", {}),
        ("PNG", "holiday.png", "png", {}),
        ("WEBP", "holiday.webp", "webp", {}),
        ("AVIF", "holiday.avif", "avif", {}),
    ],
)
def test_a_good_picture_is_accepted_re_encoded_under_a_generated_name(
    format, name, extension, options
):
    mode = "RGB" if format == "JPEG" else "RGBA"
    original = encoded(PILImage.new(mode, (30, 20), (200, 50, 50, 255)[: len(mode)]), format)
    upload = SimpleUploadedFile(name, original, content_type=f"image/{extension}")
    picture = PictureField().clean(upload)
    assert (picture.format, picture.width, picture.height) == (format, 30, 20)
    assert GENERATED_NAME.match(picture.content.name)
    assert picture.content.name.endswith(f".{extension}")
    assert "holiday" not in picture.content.name
    stored = picture.content.read()
    assert stored != original
    assert PILImage.open(io.BytesIO(stored), formats=[format]).size == (30, 20)
    assert nothing_stored()


def test_a_short_gif_is_accepted_as_its_first_frame_in_png():
    data = animated_gif([(255, 0, 0), (0, 255, 0), (0, 0, 255)])
    picture = PictureField().clean(SimpleUploadedFile("wave.gif", data, content_type="image/gif"))
    assert picture.format == "PNG" and picture.content.name.endswith(".png")
    stored = PILImage.open(io.BytesIO(picture.content.read()))
    assert stored.format == "PNG"
    assert getattr(stored, "n_frames", 1) == 1
    assert stored.convert("RGB").getpixel((4, 4)) == (255, 0, 0)


def test_a_gif_with_a_transparent_colour_keeps_its_transparency():
    frame = PILImage.new("P", (8, 8), 1)
    frame.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    frame.paste(0, (0, 0, 4, 8))
    data = encoded(frame, "GIF", transparency=0)
    stored = PILImage.open(io.BytesIO(clean_upload(ContentFile(data, name="t.gif")).content.read()))
    assert stored.convert("RGBA").getpixel((1, 1))[3] == 0
    assert stored.convert("RGBA").getpixel((6, 1)) == (255, 0, 0, 255)


def photo_with_gps_and_orientation():
    """A 60 × 40 photo, red in its top-left corner, to be shown turned a quarter clockwise."""
    exif = PILImage.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS R5"
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)}
    image = PILImage.new("RGB", (60, 40), (128, 128, 128))
    image.paste((255, 0, 0), (0, 0, 12, 12))
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    data = encoded(image, "JPEG", quality=95, exif=exif, xmp=xmp, comment=b"At home, Rue Lepic")
    shot = PILImage.open(io.BytesIO(data))
    assert shot.getexif().get_ifd(0x8825)[2] == (48.0, 51.0, 24.0)
    assert {"exif", "xmp", "comment"} <= shot.info.keys()
    return data


def assert_clean_and_upright(stored):
    shot = PILImage.open(io.BytesIO(stored))
    assert shot.size == (40, 60)
    assert not shot.getexif()
    assert not shot.getexif().get_ifd(0x8825)
    assert not {"exif", "xmp", "comment"} & shot.info.keys()
    for trace in (b"Exif", b"Canon", b"xmpmeta", b"Rue Lepic"):
        assert trace not in stored
    # Turned a quarter clockwise, the top-left corner becomes the top-right one.
    red, green, blue = shot.convert("RGB").getpixel((34, 5))
    assert red > 200 and green < 60 and blue < 60
    assert shot.convert("RGB").getpixel((5, 5))[0] < 160


def test_gps_camera_details_and_comments_are_removed_and_the_orientation_applied():
    picture = PictureField().clean(
        SimpleUploadedFile("IMG_2041.jpg", photo_with_gps_and_orientation(), "image/jpeg")
    )
    assert (picture.width, picture.height) == (40, 60)
    assert_clean_and_upright(picture.content.read())


def test_the_colour_profile_is_kept():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    picture = clean_upload(ContentFile(jpeg(icc_profile=profile), name="calibrated.jpg"))
    assert PILImage.open(io.BytesIO(picture.content.read())).info["icc_profile"] == profile


def test_a_cmyk_jpeg_is_stored_as_rgb_without_its_cmyk_profile():
    picture = clean_upload(
        ContentFile(jpeg(mode="CMYK", colour=(0, 255, 255, 0)), name="print.jpg")
    )
    stored = PILImage.open(io.BytesIO(picture.content.read()))
    assert stored.mode == "RGB"
    assert "icc_profile" not in stored.info


def test_without_a_new_file_the_field_keeps_the_current_one():
    assert PictureField(required=False).clean(None, initial="images/current.jpg") == (
        "images/current.jpg"
    )
    assert PictureField(required=False).clean(None) is None


def test_the_field_asks_the_browser_to_offer_only_pictures_we_take():
    class PictureForm(forms.Form):
        picture = PictureField()

    html = str(PictureForm()["picture"])
    assert 'accept="image/jpeg,image/png,image/webp,image/avif,image/gif,' in html


# Through the contributor area, as a writer's browser sends them.


def piece_with_picture(picture):
    return {
        "headline": "The river library reopens",
        "body": "The shelves are dry again.",
        "section": make_section().pk,
        "credit_changes": "unmodified",
        "picture": picture,
        "alt_text": "Volunteers carrying boxes of books",
        "credit_creator": "Ada Okafor",
        "credit_license": "cc-by-4.0",
    }


@pytest.fixture
def ada(client, writer):
    client.force_login(writer)
    return client


BAD_POSTS = {
    "png bomb": (None, "bomb.png", "This picture has too many pixels"),
    "1000-frame gif": (
        lambda: animated_gif([(i % 256, 0, 0) for i in range(1000)]),
        "dance.gif",
        "This GIF has 1000 frames",
    ),
    "html as jpg": (lambda: WEB_PAGE, "page.jpg", "This is a web page (HTML), not a picture"),
    "png with html": (
        lambda: encoded(PILImage.new("RGB", (8, 8)), "PNG") + WEB_PAGE,
        "polyglot.png",
        "web page code (markup or script) hidden in it",
    ),
    "truncated jpeg": (lambda: noisy_jpeg()[:20_000], "cut.jpg", "damaged or incomplete"),
    "empty": (lambda: b"", "empty.jpg", "This file is empty (0 bytes)."),
    "dot name": (jpeg, ".htaccess", "The file name starts with a dot"),
    "device name": (jpeg, "CON.jpg", "“CON” is a name Windows keeps for devices"),
    # Django drops the invisible override itself; what is left has the wrong extension.
    "right-to-left name": (jpeg, "photo\u202egpj.exe", "The file name ends in “.exe”"),
}


@pytest.mark.parametrize("case", BAD_POSTS)
def test_a_refused_upload_in_the_contributor_area_says_why_and_stores_nothing(ada, png_bomb, case):
    make, name, says = BAD_POSTS[case]
    data = png_bomb.read_bytes() if make is None else make()
    response = ada.post("/submit/new/", piece_with_picture(SimpleUploadedFile(name, data)))
    assert response.status_code == 200
    assert escape(says) in response.content.decode()
    assert Article.objects.count() == 0
    assert nothing_stored()


def stored_files():
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_a_photo_posted_in_the_contributor_area_is_stored_clean_under_a_generated_name(
    ada, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("IMG_2041.jpg", photo_with_gps_and_orientation(), "image/jpeg")
    # Replaced renditions are deleted once the change commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = ada.post("/submit/new/", piece_with_picture(upload))
    assert response.status_code == 302
    image = Article.objects.get().hero_image
    assert (image.width, image.height) == (40, 60)
    assert re.fullmatch(r"images/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", image.file.name)
    assert_clean_and_upright(Path(image.file.path).read_bytes())
    # Whatever else is made from it (resized copies) comes from the clean original.
    files = stored_files()
    assert {path.suffix for path in files} == {".jpg", ".webp", ".avif"}
    assert len(files) == 1 + image.renditions.count()
    for path in files:
        assert b"Canon" not in path.read_bytes() and b"Exif" not in path.read_bytes()
        with PILImage.open(path) as stored:
            exif = stored.getexif()
            assert 0x8825 not in exif and not exif.get_ifd(0x8825), path.name
            assert "exif" not in stored.info and "xmp" not in stored.info, path.name


def multipart(fields, filename, content, boundary="upload-safety-boundary"):
    """A form post built by hand, so the file name arrives exactly as a hostile client sends it."""
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="picture"; filename="'.encode()
        + filename
        + b'"\r\nContent-Type: image/jpeg\r\n\r\n'
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("filename", [b"../../x.jpg", b"..\\..\\x.jpg", b"x\x01.jpg"])
def test_a_hostile_name_sent_raw_never_names_the_stored_file(ada, filename):
    # Django's upload parser cuts folders and invisible characters off before any form sees
    # the name; what is left is a plain name, and the stored one is generated anyway.
    fields = piece_with_picture(None)
    del fields["picture"]
    body, content_type = multipart(fields, filename, jpeg())
    response = ada.post("/submit/new/", body, content_type=content_type)
    assert response.status_code == 302
    image = Article.objects.get().hero_image
    assert GENERATED_NAME.match(Path(image.file.name).name)
    assert not [path for path in stored_files() if "x.jpg" in path.name]
