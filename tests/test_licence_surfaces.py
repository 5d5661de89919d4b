"""A NoDerivatives picture is shown whole on every surface a reader meets it, never cut.

Each surface is checked for a 3:2 CC BY-NC-ND picture: the markup that keeps it whole on the
pages, and the proportions of the files it is sent as (renditions, share card, feeds).
"""

import io
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import feedparser
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageChops

from articles import renditions
from articles.models import Image, ImageCredit

from .factories import committed, make_article, make_contributor, make_writer

pytestmark = pytest.mark.django_db

# A 3:2 original in a colour far from the letterbox grey, so that its edges can be found.
ORIGINAL = (600, 400)
RED = (200, 30, 30)


def photo(license="cc-by-nc-nd-2.0", **fields):
    """A 3:2 picture with its credit, saved as the admin saves it, renditions made."""
    buffer = io.BytesIO()
    PILImage.new("RGB", ORIGINAL, RED).save(buffer, "JPEG", quality=92)
    fields.setdefault("alt_text", "A red field")
    image = Image(file=ContentFile(buffer.getvalue(), name="photo.jpg"), **fields)
    with committed(), transaction.atomic():
        image.save()
        ImageCredit.objects.create(image=image, creator="Test Photographer", license=license)
    return image


def img_tags(html, image):
    """Every <img> of the page that shows this picture, by its original or a rendition."""
    names = [image.file.url] + [r.file.url for r in image.renditions.all()]
    return [tag for tag in re.findall(r"<img [^>]*>", html) if any(n in tag for n in names)]


def classes(tag):
    return re.search(r'class="([^"]*)"', tag).group(1).split()


def opened(url):
    """The picture file an absolute or site address points at, from the media storage."""
    name = urlsplit(url).path.removeprefix(settings.MEDIA_URL)
    with default_storage.open(name, "rb") as stored:
        picture = PILImage.open(io.BytesIO(stored.read()))
        picture.load()
    return picture


def ratio(size):
    return size[0] / size[1]


def assert_whole(size):
    """The size has the original's proportions, to the pixel or two of rounding and JPEG edges."""
    width, height = size
    assert abs(width - height * ratio(ORIGINAL)) <= 2, size


def test_an_nd_picture_on_a_card_is_letterboxed_not_cropped(client):
    nd = photo()
    make_article(hero_image=nd)
    make_article(hero_image=photo())
    html = client.get("/").content.decode()
    tags = img_tags(html, nd)
    assert tags, "the card shows no picture"
    for tag in tags:
        assert classes(tag) == ["card__image", "picture--whole"]


def test_a_picture_that_may_be_cut_is_cut_around_its_focal_point_on_a_card(client):
    # The focal point is in the original; the card shows the crop, where it lies at 0 and 3/4.
    image = photo(
        license="cc-by-4.0",
        focal_x=0.1,
        focal_y=0.6,
        crop_left=100,
        crop_top=0,
        crop_right=500,
        crop_bottom=320,
    )
    make_article(hero_image=image)
    make_article(hero_image=photo())
    html = client.get("/").content.decode()
    [*_, tag] = img_tags(html, image)
    assert classes(tag) == ["card__image", "focus-x0", "focus-y3"]
    assert "picture--whole" not in tag


def test_an_nd_hero_is_whole_in_its_markup_and_its_files(client):
    nd = photo()
    article = make_article(hero_image=nd)
    html = client.get(article.get_absolute_url()).content.decode()
    hero = re.search(r'<figure class="piece__hero">.*?</figure>', html, re.S).group(0)
    [tag] = img_tags(hero, nd)
    assert "picture--whole" in classes(tag)
    shown = tuple(int(re.search(rf'{side}="(\d+)"', tag).group(1)) for side in ("width", "height"))
    assert_whole(shown)
    sources = re.findall(r'srcset="([^"]*)"', hero)
    files = {url for srcset in sources for url in re.findall(r"(\S+) \d+w", srcset)}
    assert files
    for url in files:
        assert_whole(opened(url).size)


def test_an_nd_photo_on_the_contributor_page_is_shown_whole_not_in_a_circle(client):
    contributor = make_contributor(name="Ama Mensah", photo=photo())
    make_article(bylines=[(contributor, "")])
    html = client.get(contributor.get_absolute_url()).content.decode()
    [tag] = img_tags(html, contributor.photo)
    assert classes(tag) == ["profile__photo", "picture--whole"]


def test_an_nd_photo_on_the_contributors_index_is_shown_whole(client):
    contributor = make_contributor(name="Ama Mensah", photo=photo())
    make_article(bylines=[(contributor, "")])
    html = client.get("/contributors/").content.decode()
    tags = img_tags(html, contributor.photo)
    assert tags, "the index shows no photo"
    for tag in tags:
        assert "picture--whole" in classes(tag)


def test_an_nd_photo_on_the_contributors_own_profile_page_is_shown_whole(client):
    writer = make_writer("ama")
    writer.contributor.photo = photo()
    writer.contributor.save()
    client.force_login(writer)
    html = client.get("/submit/profile/").content.decode()
    [tag] = img_tags(html, writer.contributor.photo)
    assert "picture--whole" in classes(tag)


def test_the_share_card_of_an_nd_hero_holds_the_whole_picture(client):
    article = make_article(hero_image=photo())
    html = client.get(article.get_absolute_url()).content.decode()
    url = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    card = opened(url)
    assert card.size == renditions.SHARE_SIZE
    # The picture is what differs from the grey ground around it.
    ground = PILImage.new("RGB", card.size, renditions.LETTERBOX_COLOUR)
    difference = ImageChops.difference(card, ground).convert("L").point(lambda v: v > 40 and 255)
    left, top, right, bottom = difference.getbbox()
    assert (top, bottom) == (0, card.height)
    assert left > 0 and right < card.width
    assert_whole((right - left, bottom - top))


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_the_feeds_send_an_nd_picture_whole(client, url):
    make_article(hero_image=photo())
    response = client.get(url)
    [entry] = feedparser.parse(response.content).entries
    [enclosure] = entry.enclosures
    assert_whole(opened(enclosure.href).size)
    # media:content states the size of the file it names.
    media = next(ET.fromstring(response.content).iter("{http://search.yahoo.com/mrss/}content"))
    assert media.get("url") == enclosure.href
    stated = (int(media.get("width")), int(media.get("height")))
    assert stated == opened(enclosure.href).size
    assert_whole(stated)


@pytest.mark.browser
def test_chromium_draws_nd_pictures_uncut_on_cards_and_profiles(
    transactional_db, live_server, new_page
):
    contributor = make_contributor(name="Ama Mensah", photo=photo())
    make_article(hero_image=photo(), bylines=[(contributor, "")])
    make_article(hero_image=photo())
    page = new_page(viewport={"width": 390, "height": 844})
    style = "img => [getComputedStyle(img).objectFit, getComputedStyle(img).borderRadius]"
    for path, selector in [
        ("/", ".card__image.picture--whole"),
        (contributor.get_absolute_url(), ".profile__photo"),
        ("/contributors/", ".people__photo"),
    ]:
        page.goto(live_server.url + path)
        pictures = page.locator(f"img{selector}")
        assert pictures.count() >= 1, path
        for index in range(pictures.count()):
            fit, radius = pictures.nth(index).evaluate(style)
            assert fit == "contain", path
            assert "%" not in radius, f"{path}: a circle crops the corners ({radius})"
