"""A contributor's own profile at /submit/profile/: name, pronouns, bio, photo and links."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Contributor, Image, PendingUpload

from .factories import (
    committed,
    jpeg_bytes,
    make_article,
    make_editor,
    make_image,
    make_writer,
)

pytestmark = pytest.mark.django_db

URL = "/submit/profile/"
JAVASCRIPT_REFUSAL = (
    "Line 2, “javascript:alert(1)”, is not a web address: links must start with http:// or "
    "https://."
)


@pytest.fixture
def ada(client, writer):
    client.force_login(writer)
    return client


def profile_data(**overrides):
    data = {
        "name": "Ada Okafor",
        "pronouns": "she/her",
        "bio": "Ada writes about science on campus.",
        "links": "https://ada.example.org/",
        "credit-changes": "unmodified",
    }
    data.update(overrides)
    return data


def photo_data(**overrides):
    data = {
        "picture": SimpleUploadedFile("me.jpg", jpeg_bytes(90, 90), content_type="image/jpeg"),
        "alt_text": "Ada smiling on the library steps",
        "credit-creator": "Sam Lee",
        "credit-license": "permission",
        "credit-permission_from": "Sam Lee",
        "credit-changes": "unmodified",
    }
    data.update(overrides)
    return data


def stored(writer):
    return Contributor.objects.select_related("photo__credit").get(user=writer)


def test_the_profile_shows_the_contributors_own_details_and_says_editors_hear_of_a_new_name(
    ada, writer
):
    Contributor.objects.filter(user=writer).update(pronouns="she/her", links="https://a.example")
    response = ada.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Ada Okafor"' in page
    assert 'value="she/her"' in page
    assert "https://a.example</textarea>" in page
    assert "If you change it, the editors are told; your page keeps its address." in page
    assert '<details class="profile-form__more">' in page


def test_only_a_signed_in_contributor_has_a_profile(client):
    assert client.get(URL).status_code == 302
    client.force_login(make_editor("eve"))
    response = client.get(URL)
    assert response.status_code == 403
    assert b"Your profile" not in response.content


def test_saving_changes_pronouns_bio_and_links_and_keeps_the_slug(ada, writer):
    slug = writer.contributor.slug
    response = ada.post(
        URL,
        profile_data(
            pronouns="they/them",
            bio="Now on the politics desk.",
            links="  https://ada.example.org/  \r\n\r\nhttp://old.example.org/ada\r\n",
        ),
    )

    assert response.status_code == 302 and response["Location"] == URL
    contributor = stored(writer)
    assert (contributor.pronouns, contributor.bio, contributor.slug) == (
        "they/them",
        "Now on the politics desk.",
        slug,
    )
    assert contributor.links == "https://ada.example.org/\nhttp://old.example.org/ada"
    assert "Your profile is saved." in ada.get(URL).content.decode()


def test_a_new_name_shows_in_bylines_keeps_the_address_and_mails_the_editors(
    ada, writer, mailoutbox, django_capture_on_commit_callbacks
):
    make_editor("eve", email="eve@example.org")
    contributor = writer.contributor
    piece = make_article(bylines=[(contributor, "")])
    # Read once before, so that a page kept from then would show the old name.
    assert "Ada Okafor</a>" in ada.get(piece.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        ada.post(URL, profile_data(name="Ada Okafor-Bello"))

    assert "The editors have been told of your new name." in ada.get(URL).content.decode()
    contributor.refresh_from_db()
    assert contributor.name == "Ada Okafor-Bello"
    assert "Ada Okafor-Bello</a>" in ada.get(piece.get_absolute_url()).content.decode()
    assert ada.get(f"/contributors/{contributor.slug}/").status_code == 200
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["eve@example.org"]
    assert "Ada Okafor is now Ada Okafor-Bello" in mail.subject
    assert "From: Ada Okafor\nTo: Ada Okafor-Bello\nAccount: ada\n" in mail.body
    assert f"/admin/articles/contributor/{contributor.pk}/change/" in mail.body


def test_a_profile_saved_with_the_same_name_mails_nobody(
    ada, mailoutbox, django_capture_on_commit_callbacks
):
    make_editor("eve", email="eve@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = ada.post(URL, profile_data(bio="Changed only the bio."))
    assert response.status_code == 302
    assert mailoutbox == []


def test_a_javascript_link_is_refused_at_its_field_and_nothing_is_saved(
    ada, writer, mailoutbox, django_capture_on_commit_callbacks
):
    make_editor("eve", email="eve@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = ada.post(
            URL,
            profile_data(
                name="Someone Else",
                links="https://ada.example.org/\r\njavascript:alert(1)\r\nftp://files.example.org",
            ),
        )

    assert response.status_code == 200
    errors = response.context["form"].errors["links"]
    assert errors[0] == JAVASCRIPT_REFUSAL
    assert errors[1].startswith("Line 3, “ftp://files.example.org”, is not a web address")
    page = response.content.decode()
    assert 'id="id_links_error"' in page and "Nothing was saved yet." in page
    # What was typed is still there to correct.
    assert "javascript:alert(1)" in page and 'value="Someone Else"' in page
    # Without a photo its credit is not asked for.
    assert "Name who took the photo" not in page and "Choose the licence the" not in page
    contributor = stored(writer)
    assert (contributor.name, contributor.links) == ("Ada Okafor", "")
    assert mailoutbox == []


def test_fields_the_profile_does_not_offer_are_never_changed_by_a_post(ada, writer):
    other = make_writer("bo")
    contributor = writer.contributor
    ada.post(
        URL,
        profile_data(
            slug="taken-over", role="Editor-in-Chief", user=other.pk, photo=make_image().pk
        ),
    )

    contributor.refresh_from_db()
    assert contributor.slug != "taken-over"
    assert contributor.role == "Contributor"
    assert contributor.user_id == writer.pk
    assert contributor.photo is None


def test_a_photo_goes_through_the_upload_checks_and_is_saved_with_its_credit(ada, writer):
    response = ada.post(URL, profile_data(**photo_data()))

    assert response.status_code == 302
    photo = stored(writer).photo
    assert photo.uploaded_by == writer
    assert photo.alt_text == "Ada smiling on the library steps"
    # Re-encoded under a generated name, as every upload is.
    assert "me.jpg" not in photo.file.name
    assert photo.credit.line() == "This image (unmodified) by Sam Lee is used with permission"
    page = ada.get(URL).content.decode()
    assert "Photo credit: This image (unmodified) by Sam Lee is used with permission" in page
    assert "Replace the photo" in page


def test_a_file_that_is_not_a_picture_is_refused_at_the_photo_field(ada, writer):
    upload = SimpleUploadedFile("me.jpg", b"%PDF-1.7 not a picture", content_type="image/jpeg")
    response = ada.post(URL, profile_data(**photo_data(picture=upload)))

    assert response.status_code == 200
    assert "This is a PDF document" in response.context["form"].errors["picture"][0]
    # A refused file is not kept for the next try.
    assert not PendingUpload.objects.exists()
    assert stored(writer).photo is None
    assert not Image.objects.exists()


def test_a_photo_needs_its_credit_and_alt_text_and_nothing_is_saved_without_them(ada, writer):
    response = ada.post(
        URL,
        profile_data(
            name="Ada O.", **photo_data(alt_text="", **{"credit-creator": "", "credit-license": ""})
        ),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["alt_text"] == ["Describe the photo for readers who cannot see it."]
    assert form.credit.errors == {
        "creator": ["Name who took the photo, so that it can be credited."],
        "license": ["Choose the licence the photo is shown under."],
    }
    assert "Something needs fixing" in response.content.decode()
    assert stored(writer).name == "Ada Okafor"
    assert not Image.objects.exists()


def test_a_pasted_credit_line_fills_the_photos_credit(ada, writer):
    response = ada.post(
        URL,
        profile_data(
            **photo_data(
                **{
                    "credit-creator": "",
                    "credit-license": "",
                    "credit-permission_from": "",
                    "credit-paste": "“Ada at the fair” by Sam Lee is licensed under CC BY 4.0",
                }
            )
        ),
    )

    assert response.status_code == 302
    credit = stored(writer).photo.credit
    assert (credit.title, credit.creator, credit.license) == (
        "Ada at the fair",
        "Sam Lee",
        "cc-by-4.0",
    )


@pytest.mark.parametrize("field", ["creator_url", "source_url"])
def test_a_credit_address_that_is_not_http_is_refused_at_its_field(ada, writer, field):
    response = ada.post(
        URL, profile_data(**photo_data(**{f"credit-{field}": "javascript:alert(1)"}))
    )

    assert response.status_code == 200
    assert response.context["form"].credit.errors[field] == [
        "“javascript:alert(1)” is not a web address: links must start with http:// or https://."
    ]
    assert stored(writer).photo is None


def test_a_credit_without_a_photo_asks_for_the_photo_and_keeps_what_was_typed(ada, writer):
    response = ada.post(
        URL, profile_data(**{"credit-creator": "Sam Lee", "credit-title": "At the fair"})
    )

    assert response.status_code == 200
    assert response.context["form"].errors["picture"] == [
        "Choose the photo this credit belongs to."
    ]
    page = response.content.decode()
    assert 'value="Sam Lee"' in page
    # The title is folded away with the seldom-used fields: they open to show it.
    assert '<details class="profile-form__more" open>' in page
    assert "Choose the licence the photo" not in page


def test_the_current_photo_can_be_kept_with_a_new_alt_text_or_removed(ada, writer):
    photo = make_image()
    Contributor.objects.filter(user=writer).update(photo=photo)
    credit = {"credit-creator": "Test Photographer", "credit-license": "cc-by-4.0"}

    response = ada.post(URL, profile_data(alt_text="Ada in the newsroom", **credit))
    assert response.status_code == 302
    photo.refresh_from_db()
    assert stored(writer).photo == photo and photo.alt_text == "Ada in the newsroom"

    response = ada.post(URL, profile_data(remove_photo="on", alt_text="", **credit))
    assert response.status_code == 302
    assert stored(writer).photo is None


def test_the_contributor_page_shows_pronouns_after_the_name_and_the_photo_credit(client, writer):
    photo = make_image(credit={"creator": "Sam Lee", "creator_url": "https://sam.example.org/"})
    Contributor.objects.filter(user=writer).update(pronouns="she/her", photo=photo)
    make_article(bylines=[(writer.contributor, "")])

    page = client.get(writer.contributor.get_absolute_url()).content.decode()

    assert 'Ada Okafor <span class="profile__pronouns">(she/her)</span></h1>' in page
    assert 'by <a href="https://sam.example.org/">Sam Lee</a>' in page
    assert "Photo credit:" in page


def test_the_dashboard_and_the_account_menu_lead_to_the_profile(ada):
    page = ada.get("/submit/").content.decode()
    assert page.count(f'href="{URL}"') == 2


def test_a_chosen_photo_is_kept_across_a_form_error_and_saved_on_the_next_try(ada, writer):
    data = profile_data(**photo_data(**{"credit-creator": ""}))
    response = ada.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 200 and not Image.objects.exists()
    held = PendingUpload.objects.get(uploaded_by=writer)
    assert f'name="held_picture" value="{held.key}"' in page
    assert f'src="/submit/held/{held.key}/"' in page
    assert "The photo you chose is kept" in page

    retry = {key: value for key, value in data.items() if key != "picture"}
    retry.update({"credit-creator": "Sam Lee", "held_picture": str(held.key)})
    with committed():
        assert ada.post(URL, retry).status_code == 302
    photo = stored(writer).photo
    assert (photo.width, photo.height) == (90, 90)
    assert photo.credit.creator == "Sam Lee"
    assert not PendingUpload.objects.exists()


def test_removing_a_held_photo_saves_the_profile_without_one(ada, writer):
    data = profile_data(**photo_data(**{"credit-creator": ""}))
    ada.post(URL, data)
    held = PendingUpload.objects.get(uploaded_by=writer)
    retry = profile_data(held_picture=str(held.key), remove_photo="on")
    assert ada.post(URL, retry).status_code == 302
    assert stored(writer).photo is None
    assert not PendingUpload.objects.exists() and not Image.objects.exists()
