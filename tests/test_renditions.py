import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.template.loader import render_to_string
from PIL import Image as PILImage
from PIL import ImageCms, ImageDraw

from articles import renditions
from articles.models import Article, Image, ImageCredit, Rendition

from .factories import committed, make_article, make_image

pytestmark = pytest.mark.django_db

RED = (200, 30, 30)
BLUE = (30, 30, 200)


def photo_bytes(width, height, colour=RED, *, bottom_colour=None, exif=None, icc_profile=None):
    """A JPEG of one colour, or two stacked halves when bottom_colour is given."""
    picture = PILImage.new("RGB", (width, height), colour)
    if bottom_colour:
        ImageDraw.Draw(picture).rectangle((0, height // 2, width, height), fill=bottom_colour)
    options = {"quality": 92}
    if exif is not None:
        options["exif"] = exif
    if icc_profile:
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def make_photo(width, height, *, license="cc-by-4.0", crop=None, data=None, **fields):
    """A picture saved as the admin and the contributor form save it: image, then credit."""
    fields.setdefault("alt_text", "A test photograph")
    if crop:
        fields.update(zip(Image.CROP_FIELDS, crop, strict=True))
    image = Image(file=ContentFile(data or photo_bytes(width, height), name="photo.jpg"), **fields)
    with committed(), transaction.atomic():
        image.save()
        ImageCredit.objects.create(image=image, creator="Test Photographer", license=license)
    return image


def sizes(image, format="jpeg"):
    return sorted(
        (rendition.width, rendition.height)
        for rendition in image.renditions.filter(kind="width", format=format)
    )


def opened(rendition):
    with rendition.file.open("rb") as stored:
        picture = PILImage.open(io.BytesIO(stored.read()))
        picture.load()
    return picture


def share_card(image):
    return opened(image.renditions.get(kind="share"))


def files_under(settings, folder="renditions"):
    root = settings.MEDIA_ROOT / folder
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def close_to(pixel, colour, tolerance=12):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def test_saving_an_image_makes_each_format_at_widths_no_wider_than_the_original():
    image = make_image()  # 64 × 36 px
    made = {(r.kind, r.format, r.width, r.height) for r in image.renditions.all()}
    assert made == {
        ("width", "avif", 64, 36),
        ("width", "webp", 64, 36),
        ("width", "jpeg", 64, 36),
        ("share", "jpeg", 1200, 630),
    }


def test_a_2000_px_picture_gets_480_960_1440_and_1920():
    image = make_photo(2000, 1000)
    for format in ("avif", "webp", "jpeg"):
        assert sizes(image, format) == [(480, 240), (960, 480), (1440, 720), (1920, 960)]


def test_a_700_px_picture_gets_480_and_its_own_700():
    image = make_photo(700, 350)
    for format in ("avif", "webp", "jpeg"):
        assert sizes(image, format) == [(480, 240), (700, 350)]


def test_rendition_files_open_in_their_stated_format_and_size():
    image = make_photo(1000, 500)
    for rendition in image.renditions.all():
        picture = opened(rendition)
        assert picture.format == {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG"}[rendition.format]
        assert picture.size == (rendition.width, rendition.height)


def test_rendition_files_carry_no_exif_or_xmp():
    exif = PILImage.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x013B] = "Photographer's full name"
    exif[0x9003] = "2026:01:02 03:04:05"
    image = make_photo(600, 300, data=photo_bytes(600, 300, exif=exif.tobytes()))
    for rendition in image.renditions.all():
        picture = opened(rendition)
        assert not picture.getexif(), rendition
        assert "exif" not in picture.info and "xmp" not in picture.info, rendition


def test_rendition_files_keep_the_originals_colour_profile():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = make_photo(600, 300, data=photo_bytes(600, 300, icc_profile=srgb))
    for rendition in image.renditions.all():
        assert opened(rendition).info.get("icc_profile") == srgb, rendition


def test_renditions_are_upright_when_the_original_says_it_was_turned():
    exif = PILImage.Exif()
    exif[0x0112] = 6  # stored on its side: shown turned 90° clockwise
    image = make_photo(600, 300, data=photo_bytes(600, 300, exif=exif.tobytes()))
    assert sizes(image) == [(300, 600)]


def test_deleting_an_image_deletes_its_renditions_rows_and_files_and_the_original(
    settings, django_capture_on_commit_callbacks
):
    # Replaced and deleted files go once the transaction commits, which a test must stand in for.
    with django_capture_on_commit_callbacks(execute=True):
        image = make_photo(1000, 500)
    original = settings.MEDIA_ROOT / image.file.name
    assert len(files_under(settings)) == 10 and original.exists()
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert not Rendition.objects.exists()
    assert files_under(settings) == []
    assert not original.exists()


def test_a_cc_by_picture_with_a_crop_box_has_renditions_of_the_crops_shape():
    image = make_photo(1600, 900, license="cc-by-4.0", crop=(100, 50, 900, 850))
    assert sizes(image) == [(480, 480), (800, 800)]
    assert sizes(image, "avif") == [(480, 480), (800, 800)]


def test_a_no_derivatives_picture_ignores_its_crop_box():
    image = make_photo(1600, 900, license="cc-by-nc-nd-4.0", crop=(100, 50, 900, 850))
    assert sizes(image) == [(480, 270), (960, 540), (1440, 810), (1600, 900)]


def test_a_picture_saved_before_its_credit_is_cropped_once_the_credit_allows_it():
    image = Image(file=ContentFile(photo_bytes(1600, 900), name="photo.jpg"), alt_text="A test")
    image.crop_left, image.crop_top, image.crop_right, image.crop_bottom = (0, 0, 900, 900)
    with committed():
        image.save()
    # No credit yet, so no licence known: nothing is cut until one says it may be.
    assert sizes(image)[-1] == (1600, 900)
    with committed():
        ImageCredit.objects.create(image=image, creator="Someone", license="cc-by-sa-4.0")
    assert sizes(image) == [(480, 480), (900, 900)]


def test_the_share_card_of_a_cc_by_picture_is_cut_to_fill_1200_by_630():
    card = share_card(make_photo(1000, 1000, license="cc-by-4.0"))
    assert card.size == (1200, 630)
    assert close_to(card.getpixel((5, 315)), RED)
    assert close_to(card.getpixel((1194, 315)), RED)


def test_the_share_card_of_a_no_derivatives_picture_shows_it_whole_on_a_grey_ground():
    card = share_card(make_photo(1000, 1000, license="cc-by-nc-nd-2.0"))
    assert card.size == (1200, 630)
    assert close_to(card.getpixel((5, 315)), renditions.LETTERBOX_COLOUR)
    assert close_to(card.getpixel((1194, 315)), renditions.LETTERBOX_COLOUR)
    assert close_to(card.getpixel((600, 5)), RED)
    assert close_to(card.getpixel((600, 315)), RED)


def test_the_share_card_is_cut_around_the_focal_point():
    data = photo_bytes(1000, 1000, RED, bottom_colour=BLUE)
    high = make_photo(1000, 1000, data=data, focal_y=0.0)
    low = make_photo(1000, 1000, data=data, focal_y=1.0)
    # Cut from the centre, each card would be red above its middle and blue below.
    assert close_to(share_card(high).getpixel((600, 560)), RED)
    assert close_to(share_card(low).getpixel((600, 70)), BLUE)


def test_the_focal_point_is_measured_on_the_whole_picture_even_when_it_is_cropped():
    data = photo_bytes(1000, 2000, RED, bottom_colour=BLUE)
    # The crop keeps the lower three quarters; a quarter of the way down the whole picture,
    # the focal point is the crop's top edge. Taken as a fraction of the crop, it would be blue.
    image = make_photo(1000, 2000, data=data, crop=(0, 500, 1000, 2000), focal_y=0.25)
    assert close_to(share_card(image).getpixel((600, 530)), RED)


def test_saving_an_image_again_unchanged_remakes_nothing():
    image = make_photo(1000, 500)
    before = sorted(image.renditions.values_list("file", flat=True))
    image.alt_text = "A new description of the same photograph"
    with committed():
        image.save()
    assert sorted(image.renditions.values_list("file", flat=True)) == before


def test_changing_the_crop_remakes_the_renditions():
    image = make_photo(1000, 500)
    image.crop_left, image.crop_top, image.crop_right, image.crop_bottom = (0, 0, 500, 500)
    with committed():
        image.save()
    assert sizes(image) == [(480, 480), (500, 500)]


def test_a_new_licence_on_an_uncropped_picture_remakes_only_the_share_card():
    image = make_photo(1000, 500, license="cc-by-4.0")
    widths_before = set(image.renditions.filter(kind="width").values_list("file", flat=True))
    card_before = image.renditions.get(kind="share").file.name
    credit = image.credit
    credit.license = "cc-by-nd-4.0"
    with committed():
        credit.save()
    widths_after = set(image.renditions.filter(kind="width").values_list("file", flat=True))
    assert widths_after == widths_before
    assert image.renditions.get(kind="share").file.name != card_before


def test_a_failure_while_making_keeps_the_picture_and_leaves_no_rendition_files_or_rows(
    settings, monkeypatch, caplog
):
    encode = renditions.encode
    calls = []

    def encode_failing_on_the_third(picture, format):
        calls.append(format)
        if len(calls) == 3:
            raise OSError("disk full")
        return encode(picture, format)

    monkeypatch.setattr(renditions, "encode", encode_failing_on_the_third)
    image = make_photo(1000, 500)
    assert len(calls) == 3
    assert files_under(settings) == []
    assert not Rendition.objects.exists()
    # The picture itself was committed before its renditions were tried: pages show the
    # original until the next `manage.py renditions`, and the failure is logged.
    image.refresh_from_db()
    assert image.renditions_index == []
    assert f"Could not make the renditions of picture {image.pk}" in caplog.text
    monkeypatch.setattr(renditions, "encode", encode)
    call_command("renditions", stdout=io.StringIO(), stderr=io.StringIO())
    assert sizes(image) == [(480, 240), (960, 480), (1000, 500)]


def test_a_failed_remake_keeps_the_previous_renditions(settings, monkeypatch):
    image = make_photo(1000, 500)
    before = sorted(image.renditions.values_list("file", flat=True))

    def broken(picture, format):
        raise OSError("encoder crashed")

    monkeypatch.setattr(renditions, "encode", broken)
    image.crop_left, image.crop_top, image.crop_right, image.crop_bottom = (0, 0, 500, 500)
    with committed():
        image.save()
    assert sorted(image.renditions.values_list("file", flat=True)) == before
    on_disk = [path.relative_to(settings.MEDIA_ROOT).as_posix() for path in files_under(settings)]
    assert on_disk == before


@pytest.fixture
def piece_with_photo(db):
    return make_article(hero_image=make_photo(2000, 1125))


def test_the_article_page_shows_the_hero_as_a_picture_with_avif_and_webp_sources(
    client, piece_with_photo
):
    html = client.get(piece_with_photo.get_absolute_url()).content.decode()
    picture = re.search(r"<picture>.*?</picture>", html, re.S).group(0)
    assert '<source type="image/avif" srcset="' in picture
    assert '<source type="image/webp" srcset="' in picture
    assert "480w" in picture and "1920w" in picture
    assert 'sizes="(min-width: 60rem) 60rem, 100vw"' in picture
    img = re.search(r"<img [^>]*>", picture).group(0)
    assert 'width="960" height="540"' in img
    assert 'fetchpriority="high"' in img
    assert 'loading="lazy"' not in img
    assert 'alt="A test photograph"' in img


def test_the_home_page_lazy_loads_every_card_picture_but_the_leads(client):
    # The factory dates each new piece a little earlier: the first made is the lead.
    make_article(hero_image=make_photo(1000, 500))
    for _ in range(2):
        make_article(hero_image=make_image())
    html = client.get("/").content.decode()
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 3
    assert 'fetchpriority="high"' in images[0] and 'loading="lazy"' not in images[0]
    for img in images[1:]:
        assert 'loading="lazy" decoding="async"' in img
        assert "fetchpriority" not in img
        assert 'class="card__image"' in img


def test_a_picture_without_renditions_falls_back_to_its_original():
    image = make_image()
    with committed():
        Rendition.objects.filter(image=image).delete()
    image.refresh_from_db()
    assert image.renditions_index == []
    html = render_to_string("includes/picture.html", {"image": image, "class": "profile__photo"})
    assert "<picture>" not in html
    assert f'src="{image.file.url}"' in html
    assert 'class="profile__photo"' in html


def test_the_index_a_page_reads_lists_every_rendition_row():
    image = make_image()
    rows = Rendition.objects.filter(image=image)
    assert sorted(name for *_, name in Image.objects.get(pk=image.pk).renditions_index) == sorted(
        row.file.name for row in rows
    )
    # A copy loaded before the renditions were remade does not put the old list back.
    stale = Image.objects.get(pk=image.pk)
    image.crop_right, image.crop_bottom = 60, 30
    image.crop_left = image.crop_top = 0
    with committed():
        image.save()
    stale.alt_text = "Saved from an old copy"
    with committed():
        stale.save()
    fresh = Image.objects.get(pk=image.pk)
    assert sorted(name for *_, name in fresh.renditions_index) == sorted(
        row.file.name for row in Rendition.objects.filter(image=image)
    )


def test_the_picture_include_uses_the_renditions_index_without_a_query(
    django_assert_num_queries, piece_with_photo
):
    article = Article.objects.for_listing().get(pk=piece_with_photo.pk)
    with django_assert_num_queries(0):
        html = render_to_string("includes/picture.html", {"image": article.hero_image})
    assert html.count("<source ") == 2


def test_the_renditions_command_makes_the_missing_ones():
    image = make_photo(1000, 500)
    other = make_photo(700, 350)
    untouched = sorted(other.renditions.values_list("file", flat=True))
    image.renditions.filter(format="webp").delete()
    out = io.StringIO()
    call_command("renditions", stdout=out, stderr=io.StringIO())
    assert sizes(image, "webp") == [(480, 240), (960, 480), (1000, 500)]
    assert sorted(other.renditions.values_list("file", flat=True)) == untouched
    assert re.search(r"2 pictures, 9 renditions made, 0 failed, in [\d.]+ s", out.getvalue())


def test_the_renditions_command_with_rebuild_remakes_every_rendition():
    image = make_photo(1000, 500)
    before = set(image.renditions.values_list("file", flat=True))
    out = io.StringIO()
    call_command("renditions", "--rebuild", stdout=out, stderr=io.StringIO())
    after = set(image.renditions.values_list("file", flat=True))
    assert len(after) == 10
    assert not after & before
    assert "1 picture, 10 renditions made" in out.getvalue()


def test_the_renditions_command_reports_an_unreadable_original_and_goes_on(settings):
    broken = make_photo(600, 300)
    fine = make_photo(700, 350)
    Rendition.objects.all().delete()
    (settings.MEDIA_ROOT / broken.file.name).write_bytes(b"not a picture")
    with pytest.raises(CommandError, match=f"picture {broken.pk}"):
        call_command("renditions", stdout=io.StringIO(), stderr=io.StringIO())
    assert sizes(fine) == [(480, 240), (700, 350)]
    assert not broken.renditions.exists()
