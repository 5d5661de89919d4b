"""The picture admin: thumbnails in the list, where a picture is used, and the crop tool's page."""

import json
import re
from html import unescape
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.admin.pictures import jpeg_renditions
from articles.models import Article, Image, Rendition

from .factories import (
    admin_image_form,
    committed,
    make_article,
    make_contributor,
    make_image,
    make_issue,
    make_reference_image,
)

pytestmark = pytest.mark.django_db

LIST = "/admin/articles/image/"
ND_REASON = (
    "This picture's licence (CC BY-NC-ND 2.0) does not allow changes, so it cannot be cropped; "
    "it is shown whole."
)
NUMBER_FIELDS = ("crop_left", "crop_top", "crop_right", "crop_bottom", "focal_x", "focal_y")


def made(image):
    """The picture as stored, its renditions made once it was committed."""
    image.refresh_from_db()
    return image


def change_page(client, image):
    response = client.get(f"/admin/articles/image/{image.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def crop_tool(html):
    """The crop tool's element and its attributes, as the page sends them."""
    match = re.search(
        r"<div class=\"picture-crop\" data-picture-crop ([^>]*)>(.*?)</div>", html, re.S
    )
    assert match, "the page has no crop tool"
    attributes = {
        name: unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', match[1])
    }
    return attributes, match[2]


def number_input(html, name):
    match = re.search(rf'<input [^>]*name="{name}"[^>]*>', html)
    assert match, f"no {name} input"
    return match[0]


def change_form(image, **overrides):
    """The picture's change form as its page would post it, with these fields changed."""
    credit = image.credit
    form = admin_image_form(
        **{
            "file": "",
            "alt_text": image.alt_text,
            "credit-INITIAL_FORMS": "1",
            "credit-0-id": str(credit.pk),
            "credit-0-image": str(image.pk),
            "credit-0-title": credit.title,
            "credit-0-creator": credit.creator,
            "credit-0-source_url": credit.source_url,
            "credit-0-license": credit.license,
            **overrides,
        }
    )
    del form["file"]
    return form


# The list: thumbnails, so that a picture is chosen by sight.


def test_the_list_shows_each_picture_as_its_smallest_rendition_with_its_alt_text(editor_client):
    image = made(make_image(alt_text="Rowers on a grey river at dawn"))
    smallest = jpeg_renditions(image)[0]
    html = editor_client.get(LIST).content.decode()
    assert (
        f'<img class="picture-thumbnail" src="{smallest.file.url}" '
        f'alt="Rowers on a grey river at dawn" width="{smallest.width}" '
        f'height="{smallest.height}" loading="lazy">'
    ) in html
    assert image.file.url not in html


def test_a_decorative_pictures_thumbnail_is_named_by_its_caption_so_its_link_has_a_name(
    editor_client,
):
    make_image(alt_text="", decorative=True, caption="Bunting over the quad")
    html = editor_client.get(LIST).content.decode()
    assert re.search(r'<a href="[^"]+"><img class="picture-thumbnail" [^>]*alt="Bunting over', html)


def test_until_its_renditions_are_made_the_list_shows_the_original(editor_client):
    image = make_image()
    with committed():
        Rendition.objects.filter(image=image).delete()
    html = editor_client.get(LIST).content.decode()
    assert f'class="picture-thumbnail" src="{image.file.url}"' in html


def test_the_pop_up_for_choosing_a_hero_image_shows_thumbnails_as_the_links(editor_client):
    image = make_image(alt_text="A lecture hall, empty")
    html = editor_client.get(f"{LIST}?_to_field=id&_popup=1").content.decode()
    link = re.search(
        r'<a href="[^"]*" data-popup-opener="(\d+)"><img class="picture-thumbnail"', html
    )
    assert link and link[1] == str(image.pk)


def list_queries(editor_client, django_assert_num_queries, count):
    for n in range(count):
        make_image(alt_text=f"Picture number {n}")
    # Session, user, the editor's permissions (two), the count, the total, and the rows.
    with django_assert_num_queries(7):
        response = editor_client.get(LIST)
    assert response.content.decode().count('class="picture-thumbnail"') == count


def test_the_list_costs_the_same_queries_for_one_picture(editor_client, django_assert_num_queries):
    list_queries(editor_client, django_assert_num_queries, 1)


def test_the_list_costs_the_same_queries_for_six_pictures(editor_client, django_assert_num_queries):
    list_queries(editor_client, django_assert_num_queries, 6)


# The picture's page: where it is used.


def test_the_picture_page_lists_the_pieces_and_people_it_is_used_for(editor_client):
    image = make_image()
    published = make_article(headline="Rowing club wins", hero_image=image)
    submitted = make_article(
        headline="A letter <from> abroad", hero_image=image, status="submitted"
    )
    ada = make_contributor(name="Ada Okafor", photo=image)
    make_article(headline="Not this one")
    html = change_page(editor_client, image)
    uses = re.search(r'<ul class="picture-uses">(.*?)</ul>', html, re.S)[1]
    published_link = f'<a href="/admin/articles/article/{published.pk}/change/">'
    assert f"Hero image of {published_link}Rowing club wins</a>" in uses
    assert f"(published {timezone.localtime(published.published_at):%-d %b %Y})" in uses
    submitted_link = f'<a href="/admin/articles/article/{submitted.pk}/change/">'
    assert (
        f"{submitted_link}A letter &lt;from&gt; abroad</a> "
        '<span class="picture-use-status">(submitted)</span>'
    ) in uses
    ada_link = f'<a href="/admin/articles/contributor/{ada.pk}/change/">'
    assert f"Profile photo of {ada_link}Ada Okafor</a>" in uses
    assert "Not this one" not in uses


def test_a_contributors_unsubmitted_piece_is_counted_but_not_named(editor_client):
    image = make_image()
    make_article(
        headline="My secret draft", hero_image=image, status="draft", with_contributors_only=True
    )
    html = change_page(editor_client, image)
    assert "Hero image of 1 piece a contributor has not submitted yet" in html
    assert "My secret draft" not in html


def test_a_picture_used_nowhere_says_so(editor_client):
    html = change_page(editor_client, make_image())
    assert (
        "Not used yet: no piece has it as its hero image or in its text, no issue as its cover, "
        "and no contributor "
        "as their photo." in html
    )


def test_the_add_page_has_no_usage_and_says_the_crop_comes_after_saving(editor_client):
    html = editor_client.get("/admin/articles/image/add/").content.decode()
    assert "Where it is used" not in html
    assert "Once the picture is saved, crop it here by dragging on it." in html


def test_the_picture_page_lists_the_issues_it_is_the_cover_of(editor_client):
    image = make_image()
    issue = make_issue(volume=12, number=3, title="Spring 2026", cover=image)
    html = change_page(editor_client, image)
    uses = re.search(r'<ul class="picture-uses">(.*?)</ul>', html, re.S)[1]
    link = f'<a href="/admin/articles/issue/{issue.pk}/change/">'
    assert f"Cover of {link}Vol. 12, No. 3 · Spring 2026</a>" in uses


# Deleting a picture: never one that something still shows.


def delete_page(client, image, **data):
    url = f"/admin/articles/image/{image.pk}/delete/"
    response = client.post(url, data) if data else client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_a_picture_in_a_pieces_text_is_not_deleted_and_the_page_says_where_it_is_used(
    editor_client,
):
    image = make_image(alt_text="Reading room at dawn")
    piece = make_article(headline="Night buses return", body=f"[[picture {image.pk}]]")
    html = delete_page(editor_client, image)
    assert "“Reading room at dawn” cannot be deleted while it is used" in html
    assert (
        f'“Reading room at dawn” is in the text of <a href="/admin/articles/article/{piece.pk}/'
        'change/">Night buses return</a>' in html
    )
    assert "Yes, I’m sure" not in html
    # Sent anyway (an old tab, a crafted form): the same page, and the picture stays.
    html = delete_page(editor_client, image, post="yes")
    assert "cannot be deleted while it is used" in html
    assert Image.objects.filter(pk=image.pk).exists()
    assert list(Article.objects.get(pk=piece.pk).body_pictures.all()) == [image]


def test_a_hero_an_issue_cover_and_a_photo_each_keep_their_picture(editor_client):
    image = make_image(alt_text="The quad in snow")
    piece = make_article(headline="Snow day", hero_image=image)
    issue = make_issue(volume=2, number=1, title="Winter", cover=image)
    ada = make_contributor(name="Ada Okafor", photo=image)
    make_article(
        headline="My secret draft", body=f"[[picture {image.pk}]]", status="draft",
        with_contributors_only=True,
    )  # fmt: skip
    html = delete_page(editor_client, image, post="yes")
    assert Image.objects.filter(pk=image.pk).exists()
    for line in [
        f'“The quad in snow” is the hero image of <a href="/admin/articles/article/{piece.pk}/',
        f'“The quad in snow” is the cover of <a href="/admin/articles/issue/{issue.pk}/change/">'
        "Vol. 2, No. 1 · Winter</a>",
        f'“The quad in snow” is the photo of <a href="/admin/articles/contributor/{ada.pk}/'
        'change/">Ada Okafor</a>',
        "“The quad in snow” is in 1 piece a contributor has not submitted yet: theirs to change",
    ]:
        assert line in html
    # A contributor's unsubmitted piece is theirs: counted, never named.
    assert "My secret draft" not in html


def test_hostile_names_on_the_refusal_stay_text(editor_client):
    image = make_image(alt_text="<script>alert(1)</script>")
    make_article(headline="<img src=x onerror=alert(2)>", hero_image=image)
    html = editor_client.get(f"/admin/articles/image/{image.pk}/delete/").content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_a_picture_used_nowhere_is_deleted_with_its_files(editor_client):
    image = make_image()
    original = image.file.path
    html = delete_page(editor_client, image)
    assert "Yes, I’m sure" in html
    with committed():  # Its files go once the deletion is committed.
        response = editor_client.post(f"/admin/articles/image/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()
    assert not Path(original).exists()


def test_deleting_a_selection_keeps_every_picture_while_any_is_used(editor_client):
    used = make_image(alt_text="In use")
    unused = make_image(alt_text="Not in use")
    make_article(headline="Rowing club wins", hero_image=used)
    data = {"action": "delete_selected", "_selected_action": [used.pk, unused.pk], "post": "yes"}
    response = editor_client.post(LIST, data)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "These pictures cannot be deleted while some of them are used" in html
    assert "“In use” is the hero image of" in html and "“Not in use” is" not in html
    # Its links are underlined, as on the picture's own page.
    assert '<ul class="picture-uses">' in html and "css/picture-crop" in html
    assert Image.objects.filter(pk__in=[used.pk, unused.pk]).count() == 2

    data["_selected_action"] = [unused.pk]
    assert editor_client.post(LIST, data).status_code == 302
    assert list(Image.objects.filter(pk__in=[used.pk, unused.pk])) == [used]


def test_the_refusal_costs_the_same_queries_for_one_use_as_for_six(
    editor_client, django_assert_max_num_queries
):
    counts = []
    for uses in (1, 6):
        image = make_image()
        for n in range(uses):
            make_article(headline=f"Piece {n}", hero_image=image, body=f"[[picture {image.pk}]]")
            make_contributor(photo=image)
        with CaptureQueriesContext(connection) as queries:
            html = delete_page(editor_client, image)
        assert html.count("is the hero image of") == uses
        counts.append(len(queries))
    assert counts[0] == counts[1]


def page_queries(editor_client, django_assert_num_queries, uses):
    image = make_image()
    for n in range(uses):
        make_article(headline=f"Piece {n}", hero_image=image)
        make_contributor(photo=image)
    # Session, user, the editor's permissions (two), the picture with its credit, the pieces
    # and the issues and people using it, and the credit inline's credit and picture.
    with django_assert_num_queries(10):
        html = change_page(editor_client, image)
    assert html.count("Hero image of <a") == uses


def test_the_picture_page_costs_the_same_queries_used_once(
    editor_client, django_assert_num_queries
):
    page_queries(editor_client, django_assert_num_queries, 1)


def test_the_picture_page_costs_the_same_queries_used_five_times(
    editor_client, django_assert_num_queries
):
    page_queries(editor_client, django_assert_num_queries, 5)


# The picture's page: the crop tool.


def test_the_picture_page_loads_the_crop_script_and_its_styles(editor_client):
    html = change_page(editor_client, make_image())
    assert '<script src="/static/js/picture-crop.js" defer></script>' in html
    assert '<link href="/static/css/picture-crop.css" media="all" rel="stylesheet">' in html


def test_the_crop_tool_shows_the_whole_picture_with_the_originals_size(editor_client):
    image = made(make_image())
    attributes, inner = crop_tool(change_page(editor_client, image))
    assert attributes["data-width"] == str(image.width)
    assert attributes["data-height"] == str(image.height)
    assert attributes["data-licence-field"] == "credit-0-license"
    # Uncropped, the widest rendition is the whole picture, lighter than the original.
    widest = jpeg_renditions(image)[-1]
    assert f'src="{widest.file.url}"' in inner
    assert '<p class="picture-crop-reason" hidden></p>' in inner


def test_a_cropped_picture_is_shown_whole_from_its_original_in_the_crop_tool(editor_client):
    image = make_image()
    with committed():
        Image.objects.filter(pk=image.pk).update(
            crop_left=8, crop_top=4, crop_right=40, crop_bottom=30
        )
        image.refresh_from_db()
        image.save()
    _, inner = crop_tool(change_page(editor_client, image))
    # The renditions are of the crop now: only the original shows what there is to crop.
    assert f'src="{image.file.url}"' in inner


def test_the_crop_tool_knows_which_licences_forbid_a_crop_and_why(editor_client):
    attributes, _ = crop_tool(change_page(editor_client, make_image()))
    forbidden = json.loads(attributes["data-no-derivatives"])
    assert forbidden["cc-by-nc-nd-2.0"].startswith(ND_REASON)
    assert forbidden["permission"].startswith(
        "This picture is used with permission, which does not allow changes"
    )
    assert "cc-by-4.0" not in forbidden and "staff" not in forbidden


def test_a_no_derivatives_picture_shows_the_crop_tool_off_with_its_reason(editor_client):
    image = make_reference_image()
    html = change_page(editor_client, image)
    _, inner = crop_tool(html)
    reason = re.search(r'<p class="picture-crop-reason">(.*?)</p>', inner, re.S)[1]
    assert unescape(reason).startswith(
        f"{ND_REASON} Its share card shows it whole too, so it has no focal point."
    )
    assert "correct it in the credit below and save" in reason
    for name in NUMBER_FIELDS:
        assert " disabled" in number_input(html, name), f"{name} is not disabled"


def test_a_crop_posted_for_a_no_derivatives_picture_is_not_saved(editor_client):
    image = make_reference_image()
    form = change_form(
        image, crop_left="1", crop_top="1", crop_right="20", crop_bottom="20", focal_x="0.2"
    )
    response = editor_client.post(f"/admin/articles/image/{image.pk}/change/", form)
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.crop_box is None and not image.has_focal_point


def test_a_no_derivatives_picture_with_a_crop_on_record_can_have_it_cleared(editor_client):
    image = make_reference_image()
    Image.objects.filter(pk=image.pk).update(crop_left=1, crop_top=1, crop_right=20, crop_bottom=20)
    html = change_page(editor_client, image)
    assert "Clear the crop and the focal point, then save." in html
    assert " disabled" not in number_input(html, "crop_left")
    form = change_form(image, crop_left="", crop_top="", crop_right="", crop_bottom="")
    assert editor_client.post(f"/admin/articles/image/{image.pk}/change/", form).status_code == 302
    image.refresh_from_db()
    assert image.crop_box is None


def test_a_picture_whose_licence_allows_changes_keeps_its_numbers_open(editor_client):
    image = make_image()
    html = change_page(editor_client, image)
    for name in NUMBER_FIELDS:
        assert " disabled" not in number_input(html, name)
    form = change_form(
        image, crop_left="2", crop_top="3", crop_right="50", crop_bottom="30", focal_x="0.25"
    )
    assert editor_client.post(f"/admin/articles/image/{image.pk}/change/", form).status_code == 302
    image.refresh_from_db()
    assert image.crop_box == (2, 3, 50, 30) and image.focal_x == 0.25


def test_a_picture_used_with_permission_says_so_in_its_reason(editor_client):
    image = make_image(credit={"license": "permission", "permission_from": "The rowing club"})
    html = change_page(editor_client, image)
    assert (
        "This picture is used with permission, which does not allow changes, so it cannot be "
        "cropped; it is shown whole."
    ) in unescape(html)
