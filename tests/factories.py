"""Builders for test data: each makes one valid object, with keyword overrides."""

import io
import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from PIL import Image as PILImage

from articles import roles, workflow
from articles.models import (
    Article,
    Byline,
    Contributor,
    Correction,
    Image,
    ImageCredit,
    Issue,
    Section,
    Series,
)

_numbers = itertools.count(1)
# Every account the factories make signs in with this.
PASSWORD = "a-long-test-password-42"

REFERENCE_HEADLINE = "After 9 Years of Military Presence, French Troops Exit Mali"
REFERENCE_CREDIT = (
    "“27th Africa-France Summit, Bamako” (unmodified) by United Nations Photo "
    "is licensed under CC BY-NC-ND 2.0"
)


def committed():
    """Work out what the block changed as if it had committed (articles/derived.py).

    Inside a test's transaction nothing commits, so the work registered for after the commit is
    run at the end of the block; in a test whose saves really commit, it has run already.
    """
    return TestCase.captureOnCommitCallbacks(execute=True)


def jpeg_bytes(width=64, height=36, colour=(120, 90, 60)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def admin_image_form(width=120, height=80, **overrides):
    """The admin's picture form, filled in: a JPEG and its CC BY 4.0 credit, as one POST."""
    form = {
        "file": SimpleUploadedFile(
            "photo.jpg", jpeg_bytes(width, height), content_type="image/jpeg"
        ),
        "alt_text": "A quad at dawn",
        "caption": "",
        "credit-TOTAL_FORMS": "1",
        "credit-INITIAL_FORMS": "0",
        "credit-MIN_NUM_FORMS": "1",
        "credit-MAX_NUM_FORMS": "1",
        "credit-0-title": "Quad at dawn",
        "credit-0-creator": "Ana Ruiz",
        "credit-0-source_url": "https://example.org/quad",
        "credit-0-license": "cc-by-4.0",
        "credit-0-changes": "unmodified",
    }
    form.update(overrides)
    return form


def make_section(**fields):
    n = next(_numbers)
    fields.setdefault("name", f"Section {n}")
    fields.setdefault("slug", f"section-{n}")
    return Section.objects.create(**fields)


def make_contributor(**fields):
    n = next(_numbers)
    fields.setdefault("name", f"Writer {n}")
    fields.setdefault("slug", f"writer-{n}")
    return Contributor.objects.create(**fields)


def make_image(credit=None, **fields):
    fields.setdefault("alt_text", "A test picture of a brown rectangle")
    image = Image(file=ContentFile(jpeg_bytes(), name="picture.jpg"), **fields)
    credit_fields = {
        "title": "A brown rectangle",
        "creator": "Test Photographer",
        "license": "cc-by-4.0",
        **(credit or {}),
    }
    # A picture and its credit are saved as one unit, as everywhere in the site.
    with committed(), transaction.atomic():
        image.save()
        ImageCredit.objects.create(image=image, **credit_fields)
    return image


def make_reference_image():
    return make_image(
        credit={
            "title": "27th Africa-France Summit, Bamako",
            "creator": "United Nations Photo",
            "creator_url": "https://www.flickr.com/photos/un_photo/",
            "source_url": "https://www.flickr.com/photos/un_photo/",
            "license": "cc-by-nc-nd-2.0",
        },
        alt_text="Heads of state seated at the summit",
        caption="The 27th Africa-France Summit in Bamako.",
    )


def make_article(*, bylines=None, tags=(), section=None, **fields):
    """A published piece from yesterday unless told otherwise; bylines are (contributor, role)."""
    n = next(_numbers)
    fields.setdefault("headline", f"Headline number {n}")
    fields.setdefault("slug", f"headline-number-{n}")
    fields.setdefault("standfirst", f"The standfirst of piece {n}.")
    fields.setdefault("body", f"The body of piece {n}, in *Markdown*.\n\nA second paragraph.")
    fields.setdefault("status", Article.Status.PUBLISHED)
    if "published_at" not in fields and fields["status"] in Article.LIVE_STATUSES:
        fields["published_at"] = timezone.now() - timedelta(days=1, minutes=n)
    section = section or make_section()
    bylines = bylines or [(make_contributor(), "")]
    with committed(), transaction.atomic():
        article = Article.objects.create(section=section, **fields)
        for position, (contributor, role) in enumerate(bylines):
            Byline.objects.create(
                article=article, contributor=contributor, role=role, position=position
            )
        if tags:
            article.tags.add(*tags)
    return article


def make_account(username, group, **fields):
    """A user in one of the two groups, signing in with PASSWORD unless told otherwise."""
    user = get_user_model().objects.create_user(
        username=username,
        email=fields.pop("email", f"{username}@example.org"),
        password=fields.pop("password", PASSWORD),
        **fields,
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def make_editor(username=None, **fields):
    """A staff account in the Editors group: reviews, publishes, uses the admin."""
    return make_account(
        username or f"editor{next(_numbers)}", roles.EDITORS, is_staff=True, **fields
    )


def make_writer(username=None, name=None, **fields):
    """A contributor's account (Contributors group, no admin) tied to a Contributor profile."""
    n = next(_numbers)
    username = username or f"writer{n}"
    user = make_account(username, roles.CONTRIBUTORS, **fields)
    make_contributor(name=name or f"Writer {username.title()}", slug=f"{username}-{n}", user=user)
    return user


def make_draft(writer, **fields):
    """A draft in the writer's own contributor area: created by them, with them in the byline."""
    fields.setdefault("status", Article.Status.DRAFT)
    return make_article(bylines=[(writer.contributor, "")], created_by=writer, **fields)


def make_submitted(writer, **fields):
    """A piece the writer has submitted to the editors."""
    article = make_draft(writer, **fields)
    workflow.submit(article, by=writer)
    article.refresh_from_db()
    return article


def make_series(**fields):
    n = next(_numbers)
    fields.setdefault("title", f"Series number {n}")
    fields.setdefault("slug", f"series-number-{n}")
    with committed():
        return Series.objects.create(**fields)


def make_correction(article, **fields):
    """A correction (or, with kind="update", an update) printed on a piece an hour ago."""
    fields.setdefault("text", "An earlier version of this piece gave the wrong year.")
    fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    with committed():
        return Correction.objects.create(article=article, **fields)


def make_issue(**fields):
    """A published print issue dated a week ago unless told otherwise."""
    n = next(_numbers)
    fields.setdefault("volume", 1)
    fields.setdefault("number", n)
    fields.setdefault("title", f"Issue number {n}")
    fields.setdefault("slug", f"vol-{fields['volume']}-no-{fields['number']}")
    fields.setdefault("date", timezone.localdate() - timedelta(days=7))
    fields.setdefault("published", True)
    with committed():
        return Issue.objects.create(**fields)
