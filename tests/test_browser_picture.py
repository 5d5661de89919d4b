"""The picture's page in a real Chromium: cropping by dragging, the focal point, the licence."""

import re

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from playwright.sync_api import expect

from articles.models import Image, ImageCredit, Rendition

from .admin_checks import (
    SCREEN_SIZES,
    VIEWPORTS,
    accessibility_problems,
    pages_as_sent_and_shown,
)
from .factories import (
    PASSWORD,
    committed,
    jpeg_bytes,
    make_article,
    make_contributor,
    make_editor,
    make_reference_image,
)
from .test_html_validity import assert_valid

pytestmark = pytest.mark.browser

# Large enough that a drag lands on distinct pixels; under the 480 px of the tests' renditions
# once cropped, so the rendition is the crop itself.
WIDTH, HEIGHT = 800, 450
CROP = ("crop_left", "crop_top", "crop_right", "crop_bottom")
ND_REASON = (
    "This picture's licence (CC BY-NC-ND 2.0) does not allow changes, so it cannot be cropped; "
    "it is shown whole."
)


def make_picture(**fields):
    """An 800 × 450 JPEG under CC BY 4.0, its renditions made."""
    image = Image(
        file=ContentFile(jpeg_bytes(WIDTH, HEIGHT), name="quad.jpg"),
        alt_text="The quad at dawn, its lawn still grey",
        **fields,
    )
    with committed(), transaction.atomic():
        image.save()
        ImageCredit.objects.create(
            image=image, title="Quad at dawn", creator="Ana Ruiz", license="cc-by-4.0"
        )
    return image


@pytest.fixture
def picture(transactional_db):
    return make_picture()


@pytest.fixture
def editor_page(live_server, new_page, transactional_db):
    """A signed-in editor's page, and a way to open a picture's change page in it."""
    make_editor("eve", email="eve@example.org")

    def open_page(image=None, **options):
        page = new_page(**options)
        page.goto(f"{live_server.url}/admin/login/")
        page.get_by_label(re.compile("^Username")).fill("eve")
        page.get_by_label(re.compile("^Password")).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(f"{live_server.url}/admin/")
        if image is not None:
            page.goto(f"{live_server.url}/admin/articles/image/{image.pk}/change/")
        return page

    return open_page


def values(page, names):
    return [page.locator(f"input[name={name}]").input_value() for name in names]


def stage_point(page, across, down):
    """The page position of a point on the crop tool's picture, as fractions of it."""
    stage = page.locator(".picture-crop-stage")
    stage.scroll_into_view_if_needed()
    box = stage.bounding_box()
    return box["x"] + box["width"] * across, box["y"] + box["height"] * down


def drag(page, start, end):
    page.mouse.move(*stage_point(page, *start))
    page.mouse.down()
    page.mouse.move(*stage_point(page, *end), steps=8)
    page.mouse.up()


def test_dragging_on_the_picture_sets_the_crop_which_saves_and_makes_the_cropped_rendition(
    editor_page, picture
):
    page = editor_page(picture)
    drag(page, (0.2, 0.2), (0.7, 0.8))
    left, top, right, bottom = map(int, values(page, CROP))
    # Within a pixel of where the drag began and ended, in pixels of the original.
    assert abs(left - 160) <= 1 and abs(top - 90) <= 1
    assert abs(right - 560) <= 1 and abs(bottom - 360) <= 1
    expect(page.locator(".picture-crop-status")).to_contain_text(
        f"Crop: {right - left} × {bottom - top} px"
    )
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    picture.refresh_from_db()
    assert picture.crop_box == (left, top, right, bottom)
    assert "(cropped)" in picture.credit.line()
    jpeg = Rendition.objects.get(image=picture, kind="width", format="jpeg")
    assert (jpeg.width, jpeg.height) == (right - left, bottom - top)
    # The page shows the cropped rendition, and the tool the whole picture with the crop on it.
    shown = page.locator(".field-as_shown img")
    expect(shown).to_have_attribute("src", jpeg.file.url)
    expect(shown).to_have_attribute("width", str(right - left))
    assert values(page, CROP) == [str(n) for n in (left, top, right, bottom)]
    expect(page.locator(".picture-crop-box")).not_to_have_class(re.compile("is-whole"))


def test_dragging_the_box_moves_it_and_a_handle_resizes_it_inside_the_picture(editor_page, picture):
    page = editor_page(picture)
    for name, value in zip(CROP, ("200", "100", "400", "300"), strict=True):
        page.locator(f"input[name={name}]").fill(value)
    # Moved far past the right edge: it stops there, keeping its size.
    drag(page, (0.375, 0.45), (0.99, 0.45))
    assert values(page, CROP) == ["600", "100", "800", "300"]
    # Its top left handle dragged past the picture's corner: it stops at the corner.
    handle = page.locator(".picture-crop-handle-nw")
    start = handle.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(*stage_point(page, -0.2, -0.2), steps=8)
    page.mouse.up()
    assert values(page, CROP) == ["0", "0", "800", "300"]


def test_clicking_on_the_picture_sets_the_focal_point(editor_page, picture):
    page = editor_page(picture)
    marker = page.locator(".picture-crop-focal")
    expect(marker).to_have_class(re.compile("is-unset"))
    page.mouse.click(*stage_point(page, 0.25, 0.75))
    across, down = map(float, values(page, ("focal_x", "focal_y")))
    assert abs(across - 0.25) <= 0.005 and abs(down - 0.75) <= 0.005
    # A click is not a crop, and the marker stands where the click was.
    assert values(page, CROP) == ["", "", "", ""]
    expect(marker).not_to_have_class(re.compile("is-unset"))
    centre = marker.bounding_box()
    x, y = stage_point(page, across, down)
    assert abs(centre["x"] + centre["width"] / 2 - x) <= 1.5
    assert abs(centre["y"] + centre["height"] / 2 - y) <= 1.5
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    picture.refresh_from_db()
    assert (picture.focal_x, picture.focal_y) == (across, down)


def test_the_keyboard_alone_crops_and_moves_the_focal_point(editor_page, picture):
    page = editor_page(picture)
    box = page.get_by_role("button", name="Crop box", exact=True)
    box.focus()
    # Shift and the arrows move the right and bottom edges by 1 % of the picture.
    for key in ("Shift+ArrowLeft", "Shift+ArrowLeft", "Shift+ArrowUp"):
        page.keyboard.press(key)
    assert values(page, CROP) == ["0", "0", "784", "445"]
    # The arrows move the box, never past the picture's edges.
    for key in ("ArrowRight", "ArrowRight", "ArrowRight", "ArrowDown"):
        page.keyboard.press(key)
    assert values(page, CROP) == ["16", "5", "800", "450"]
    expect(page.locator(".picture-crop-status")).to_contain_text("Crop: 784 × 445 px")
    page.get_by_role("button", name="Focal point", exact=True).focus()
    for key in ("ArrowRight", "ArrowRight", "ArrowUp"):
        page.keyboard.press(key)
    assert values(page, ("focal_x", "focal_y")) == ["0.52", "0.49"]


def test_typed_numbers_move_the_box_and_clear_crop_empties_them(editor_page, picture):
    page = editor_page(picture)
    for name, value in zip(CROP, ("200", "90", "600", "360"), strict=True):
        page.locator(f"input[name={name}]").fill(value)
    box = page.locator(".picture-crop-box").bounding_box()
    left, top = stage_point(page, 0.25, 0.2)
    right, bottom = stage_point(page, 0.75, 0.8)
    assert abs(box["x"] - left) <= 1 and abs(box["x"] + box["width"] - right) <= 1
    assert abs(box["y"] - top) <= 1 and abs(box["y"] + box["height"] - bottom) <= 1
    page.get_by_role("button", name="Clear crop").click()
    assert values(page, CROP) == ["", "", "", ""]
    expect(page.locator(".picture-crop-box")).to_have_class(re.compile("is-whole"))
    expect(page.get_by_role("button", name="Clear crop")).to_be_disabled()


def test_a_no_derivatives_picture_shows_the_tool_off_with_its_reason(editor_page):
    image = make_reference_image()
    page = editor_page(image)
    reason = page.locator(".picture-crop-reason")
    expect(reason).to_be_visible()
    expect(reason).to_contain_text(ND_REASON)
    expect(page.locator(".picture-crop-box")).to_be_hidden()
    expect(page.locator(".picture-crop-focal")).to_be_hidden()
    for name in (*CROP, "focal_x", "focal_y"):
        expect(page.locator(f"input[name={name}]")).to_be_disabled()
    # A drag or a click on the picture changes nothing.
    drag(page, (0.1, 0.1), (0.6, 0.6))
    page.mouse.click(*stage_point(page, 0.3, 0.3))
    assert values(page, (*CROP, "focal_x", "focal_y")) == [""] * 6


def test_choosing_a_no_derivatives_licence_turns_the_tool_off_until_another_is_chosen(
    editor_page, picture
):
    page = editor_page(picture)
    page.locator("input[name=crop_left]").fill("10")
    licence = page.locator("select[name=credit-0-license]")
    licence.select_option("cc-by-nd-4.0")
    reason = page.locator(".picture-crop-reason")
    expect(reason).to_contain_text(
        "This picture's licence (CC BY-ND 4.0) does not allow changes, so it cannot be cropped"
    )
    expect(reason).to_contain_text("Saving removes the crop and the focal point.")
    expect(page.locator(".picture-crop-box")).to_be_hidden()
    expect(page.locator("input[name=crop_left]")).to_be_disabled()
    licence.select_option("cc-by-sa-4.0")
    expect(reason).to_be_hidden()
    expect(page.locator(".picture-crop-box")).to_be_visible()
    expect(page.locator("input[name=crop_left]")).to_be_enabled()
    assert values(page, ["crop_left"]) == ["10"]


def test_without_javascript_the_numbers_crop_the_picture_as_before(editor_page, picture):
    page = editor_page(picture, java_script_enabled=False)
    expect(page.locator(".picture-crop-picture")).to_be_visible()
    expect(page.locator(".picture-crop-box")).to_have_count(0)
    for name, value in zip(CROP, ("100", "50", "500", "350"), strict=True):
        page.locator(f"input[name={name}]").fill(value)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    picture.refresh_from_db()
    assert picture.crop_box == (100, 50, 500, 350)


# Accessibility and valid HTML, on the list and the picture's pages, at each size and scheme.


@pytest.fixture
def picture_pages(live_server, picture):
    """The list, a cropped picture used in a piece and by a contributor, and a NoDerivatives one."""
    Image.objects.filter(pk=picture.pk).update(
        crop_left=100, crop_top=50, crop_right=500, crop_bottom=350, focal_x=0.4, focal_y=0.5
    )
    with committed():
        picture.refresh_from_db()
        picture.save()
    make_article(headline="The quad at dawn", hero_image=picture)
    make_contributor(name="Ana Ruiz", photo=picture)
    reference = make_reference_image()
    make_picture(decorative=True, caption="Bunting over the quad")
    return {
        "list": "/admin/articles/image/",
        "pop-up list": "/admin/articles/image/?_to_field=id&_popup=1",
        "cropped picture": f"/admin/articles/image/{picture.pk}/change/",
        "no-derivatives picture": f"/admin/articles/image/{reference.pk}/change/",
        "new picture": "/admin/articles/image/add/",
        "deleting a picture in use": f"/admin/articles/image/{picture.pk}/delete/",
    }


@pytest.mark.parametrize(("scheme", "width"), SCREEN_SIZES, ids=lambda v: str(v))
def test_picture_pages_have_no_accessibility_violations(
    axe, editor_page, live_server, picture_pages, scheme, width
):
    # axe-core is added as a script of the test's own, which the site's CSP would refuse.
    page = editor_page(color_scheme=scheme, viewport=VIEWPORTS[width], bypass_csp=True)
    problems = accessibility_problems(page, axe, live_server.url, picture_pages)
    assert not problems, f"Accessibility violations, {scheme}, {width} px:\n" + "\n".join(problems)


def test_picture_pages_are_valid_html_as_sent_and_as_the_script_builds_them(
    vnu, editor_page, live_server, picture_pages, tmp_path
):
    pages = {}
    for scheme, width in SCREEN_SIZES:
        page = editor_page(color_scheme=scheme, viewport=VIEWPORTS[width])
        pages.update(
            pages_as_sent_and_shown(page, live_server.url, picture_pages, f"{scheme}-{width}")
        )
    assert 'class="picture-crop-box"' in pages["cropped-picture-dark-390"]
    assert_valid(vnu, pages, tmp_path)
