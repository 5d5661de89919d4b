"""Licence-aware rules for pictures: what a licence forbids, what it requires, and who hears it."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from articles import workflow
from articles.models import Article, Image, ImageCredit, Rendition

from .factories import (
    REFERENCE_CREDIT,
    admin_image_form,
    jpeg_bytes,
    make_article,
    make_draft,
    make_image,
    make_reference_image,
    make_section,
)

S = Article.Status
pytestmark = pytest.mark.django_db


CROP = {"crop_left": "10", "crop_top": "10", "crop_right": "90", "crop_bottom": "60"}


def test_the_reference_credit_line_is_exact():
    assert make_reference_image().credit.line() == REFERENCE_CREDIT


def test_a_crop_of_a_cc_by_4_picture_is_named_in_its_credit(editor_client):
    response = editor_client.post("/admin/articles/image/add/", admin_image_form(**CROP))
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.crop_box == (10, 10, 90, 60)
    assert image.credit.line() == (
        "“Quad at dawn” (cropped) by Ana Ruiz is licensed under CC BY 4.0"
    )


def test_a_stated_change_and_a_crop_are_both_named_once():
    image = make_image(credit={"changes": "brightened"})
    image.crop_left, image.crop_top, image.crop_right, image.crop_bottom = 0, 0, 32, 18
    image.save()
    assert "(brightened, cropped)" in ImageCredit.objects.get(image=image).line()
    image.credit.changes = "cropped to the speaker"
    assert "(cropped to the speaker)" in image.credit.line()


def test_a_crop_of_a_no_derivatives_picture_is_refused_with_the_reason(editor_client):
    form = admin_image_form(**CROP, **{"credit-0-license": "cc-by-nc-nd-2.0"})
    response = editor_client.post("/admin/articles/image/add/", form)
    assert response.status_code == 200
    assert "CC BY-NC-ND 2.0 allows no derivatives" in response.content.decode()
    assert not Image.objects.exists()


def test_a_focal_point_on_a_no_derivatives_picture_is_refused_too(editor_client):
    form = admin_image_form(focal_x="0.3", **{"credit-0-license": "cc-by-nd-4.0"})
    response = editor_client.post("/admin/articles/image/add/", form)
    assert response.status_code == 200
    assert "allows no derivatives" in response.content.decode()
    assert not Image.objects.exists()


def test_changing_the_licence_of_a_cropped_picture_to_no_derivatives_is_refused():
    image = make_image()
    image.crop_left, image.crop_top, image.crop_right, image.crop_bottom = 0, 0, 32, 18
    image.save()
    credit = image.credit
    credit.license = "cc-by-nd-4.0"
    with pytest.raises(ValidationError, match="no derivatives"):
        credit.full_clean()


def test_alt_text_is_required_unless_the_picture_is_decorative(editor_client):
    response = editor_client.post("/admin/articles/image/add/", admin_image_form(alt_text=""))
    assert response.status_code == 200
    assert "mark it as decorative" in response.content.decode()
    response = editor_client.post(
        "/admin/articles/image/add/", admin_image_form(alt_text="", decorative="on")
    )
    assert response.status_code == 302
    assert Image.objects.get().alt == ""


def test_a_decorative_picture_has_an_empty_alt_on_the_page(client):
    image = make_image(alt_text="", decorative=True)
    article = make_article(hero_image=image)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'alt=""' in html


@pytest.mark.parametrize(
    ("license", "credit", "missing"),
    [
        ("cc-by-nc-nd-2.0", {"title": "", "source_url": ""}, "the title"),
        ("cc-by-sa-3.0", {"source_url": ""}, "the source"),
        ("permission", {"permission_from": ""}, "who gave permission"),
    ],
)
def test_a_piece_cannot_be_published_while_its_credit_lacks_what_the_licence_requires(
    writer, editor, license, credit, missing
):
    image = make_image(
        credit={"license": license, "title": "T", "source_url": "https://example.org/", **credit}
    )
    article = make_draft(writer, hero_image=image)
    workflow.submit(article, by=writer)
    with pytest.raises(workflow.TransitionNotAllowed, match=missing):
        workflow.publish(article, by=editor)
    assert Article.objects.get(pk=article.pk).status == S.SUBMITTED


def test_a_cc_by_4_picture_needs_only_its_creator_and_licence(writer, editor):
    image = make_image(credit={"license": "cc-by-4.0", "title": "", "source_url": ""})
    article = make_draft(writer, hero_image=image)
    workflow.publish(article, by=editor)
    assert Article.objects.public().filter(pk=article.pk).exists()


def test_the_reference_picture_passes_the_check_and_publishes(writer, editor):
    article = make_draft(writer, hero_image=make_reference_image())
    workflow.publish(article, by=editor)
    assert Article.objects.get(pk=article.pk).status == S.PUBLISHED


def test_a_non_commercial_picture_warns_a_commercial_magazine(settings, writer, editor, client):
    article = make_draft(writer, hero_image=make_reference_image())
    settings.MAGAZINE_COMMERCIAL = False
    assert article.picture_warnings() == []
    settings.MAGAZINE_COMMERCIAL = True
    [warning] = article.picture_warnings()
    assert "CC BY-NC-ND 2.0, which allows no commercial use" in warning
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "allows no commercial use" in page
    client.force_login(writer)
    assert "allows no commercial use" in client.get(f"/submit/{article.pk}/").content.decode()


def test_the_credits_page_lists_every_published_picture_with_its_line(client):
    published = make_article(headline="Summit piece", hero_image=make_reference_image())
    hidden = make_image(credit={"creator": "Someone Unpublished"})
    make_article(status=S.DRAFT, hero_image=hidden)
    response = client.get("/credits/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "United Nations Photo" in page and "CC BY-NC-ND 2.0" in page
    assert f'href="{published.get_absolute_url()}"' in page
    assert "Someone Unpublished" not in page


def test_the_credits_page_costs_the_same_queries_for_3_or_30_pictures(
    client, django_assert_max_num_queries
):
    for _ in range(3):
        make_article(hero_image=make_image())
    with django_assert_max_num_queries(6) as few:
        client.get("/credits/")
    for _ in range(27):
        make_article(hero_image=make_image())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/credits/").status_code == 200


def test_the_editors_audit_lists_published_pictures_whose_credit_is_incomplete(editor_client):
    incomplete = make_image(credit={"license": "cc-by-2.0", "title": "", "creator": "Ana"})
    complete = make_reference_image()
    unpublished = make_image(credit={"license": "cc-by-2.0", "title": ""})
    make_article(hero_image=incomplete)
    make_article(hero_image=complete)
    make_article(status=S.DRAFT, hero_image=unpublished)
    response = editor_client.get("/admin/articles/creditaudit/")
    assert response.status_code == 200
    listed = [image.pk for image in response.context["cl"].result_list]
    assert listed == [incomplete.pk]
    assert 'class="field-missing">title, source link</td>' in response.content.decode()


def contributor_post(section, **fields):
    data = {
        "headline": "A piece with a picture",
        "body": "Words.",
        "section": section.pk,
        "credit_changes": "unmodified",
        "picture": SimpleUploadedFile("p.jpg", jpeg_bytes(120, 80), content_type="image/jpeg"),
        "alt_text": "Students on the library steps",
    }
    data.update(fields)
    return data


def test_pasting_the_reference_line_in_the_contributor_form_fills_the_credit(client, writer):
    client.force_login(writer)
    response = client.post(
        "/submit/new/", contributor_post(make_section(), credit_paste=REFERENCE_CREDIT)
    )
    assert response.status_code == 302
    credit = Article.objects.get().hero_image.credit
    assert (credit.title, credit.creator, credit.license, credit.changes) == (
        "27th Africa-France Summit, Bamako", "United Nations Photo", "cc-by-nc-nd-2.0",
        "unmodified",
    )  # fmt: skip
    assert credit.line() == REFERENCE_CREDIT


def test_a_pasted_line_never_overwrites_what_the_contributor_typed(client, writer):
    client.force_login(writer)
    client.post(
        "/submit/new/",
        contributor_post(
            make_section(), credit_paste=REFERENCE_CREDIT, credit_creator="UN Photo / Eskinder"
        ),
    )
    credit = Article.objects.get().hero_image.credit
    assert credit.creator == "UN Photo / Eskinder"
    assert credit.title == "27th Africa-France Summit, Bamako"


def test_an_unreadable_paste_is_said_plainly_and_the_draft_waits_for_its_credit(client, writer):
    client.force_login(writer)
    response = client.post(
        "/submit/new/",
        contributor_post(make_section(), credit_paste="Photo by my cousin"),
        follow=True,
    )
    page = response.content.decode()
    assert "No licence was recognised in the pasted text." in page
    # A draft may wait for its credit; no credit is made from what could not be read.
    assert not hasattr(Article.objects.get().hero_image, "credit")
    submitted = client.post(
        response.redirect_chain[-1][0],
        contributor_post(
            make_section(), submit="", own_work="on", opened_version=Article.objects.get().version
        ),
    )
    assert "Choose the licence the picture is under." in submitted.content.decode()
    assert Article.objects.get().status == Article.Status.DRAFT


def test_a_contributor_asking_to_crop_a_no_derivatives_picture_is_told_why_not(client, writer):
    client.force_login(writer)
    fields = {
        "credit_paste": REFERENCE_CREDIT,
        "crop_left": "0", "crop_top": "0", "crop_right": "60", "crop_bottom": "40",
    }  # fmt: skip
    response = client.post("/submit/new/", contributor_post(make_section(), **fields))
    assert response.status_code == 200
    assert "CC BY-NC-ND 2.0 allows no derivatives" in response.content.decode()
    assert not Image.objects.exists()


def test_a_contributor_crop_of_a_cc_by_picture_is_credited_as_cropped(client, writer):
    client.force_login(writer)
    fields = {
        "credit_creator": "Ada Okafor", "credit_license": "cc-by-4.0",
        "crop_left": "0", "crop_top": "0", "crop_right": "60", "crop_bottom": "40",
    }  # fmt: skip
    assert (
        client.post("/submit/new/", contributor_post(make_section(), **fields)).status_code == 302
    )
    line = Article.objects.get().hero_image.credit.line()
    assert line == "This image (cropped) by Ada Okafor is licensed under CC BY 4.0"


def test_pasting_a_credit_in_the_admin_fills_the_inline_and_says_what_it_read(editor_client):
    form = admin_image_form(
        **{
            "credit-0-paste": REFERENCE_CREDIT, "credit-0-title": "", "credit-0-creator": "",
            "credit-0-source_url": "", "credit-0-license": "",
        }
    )  # fmt: skip
    response = editor_client.post("/admin/articles/image/add/", form, follow=True)
    assert Image.objects.get().credit.line() == REFERENCE_CREDIT
    assert "Filled from the pasted credit: title, creator, licence" in response.content.decode()


def test_a_paste_with_no_licence_in_the_admin_says_so_beside_it(editor_client):
    form = admin_image_form(
        **{"credit-0-paste": "by somebody", "credit-0-creator": "", "credit-0-license": ""}
    )
    response = editor_client.post("/admin/articles/image/add/", form)
    assert response.status_code == 200
    assert "No licence was recognised in the pasted text." in response.content.decode()
    assert not Image.objects.exists()


def structured_data(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_the_article_page_carries_the_credit_in_its_json_ld_image_object(client):
    article = make_article(hero_image=make_reference_image())
    # One JSON-LD block for the piece, with its picture nested under "image".
    [data] = structured_data(client.get(article.get_absolute_url()).content.decode())
    image = data["image"]
    assert image["@type"] == "ImageObject"
    assert image["creditText"] == REFERENCE_CREDIT
    assert image["creator"] == {
        "name": "United Nations Photo", "url": "https://www.flickr.com/photos/un_photo/",
    }  # fmt: skip
    assert image["license"] == "https://creativecommons.org/licenses/by-nc-nd/2.0/"
    assert image["acquireLicensePage"] == "https://www.flickr.com/photos/un_photo/"
    assert image["contentUrl"].startswith("http://testserver/media/images/")


def test_the_json_ld_cannot_be_closed_by_a_credit_with_markup(client):
    image = make_image(credit={"title": "</script><script>alert(1)</script>"})
    html = client.get(make_article(hero_image=image).get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    [data] = structured_data(html)
    assert data["image"]["name"] == "</script><script>alert(1)</script>"


def test_the_open_graph_image_is_the_share_card(client):
    article = make_article(hero_image=make_reference_image())
    html = client.get(article.get_absolute_url()).content.decode()
    card = Rendition.objects.get(image=article.hero_image, kind="share")
    assert card is not None
    assert f'<meta property="og:image" content="http://testserver{card.file.url}">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:alt" content="Heads of state seated at the summit">' in html
