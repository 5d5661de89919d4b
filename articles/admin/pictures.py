"""The picture admin's own parts: thumbnails, where a picture is used, and the crop tool."""

import json

from django.template.loader import render_to_string
from django.utils.html import format_html

from .. import licenses
from ..models import Article, Contributor, Rendition
from ..renditions import Recipe

# Wide enough to tell pictures apart in a list, small enough for a phone.
THUMBNAIL_WIDTH = 160
# The crop tool shows the picture at most this wide; the original can be 40 megapixels.
CROP_TOOL_WIDTH = 1440


def jpeg_renditions(image):
    """The picture's JPEG renditions for a width on the page, narrowest first, without a query."""
    return sorted(
        (
            rendition
            for rendition in image.made_renditions()
            if rendition.kind == Rendition.Kind.WIDTH and rendition.format == Rendition.Format.JPEG
        ),
        key=lambda rendition: rendition.width,
    )


def thumbnail(image):
    """A small image of the picture as pages show it, its alt text (or its name) as alt."""
    renditions = jpeg_renditions(image)
    if renditions:
        source = renditions[0]
        url, width, height = source.file.url, source.width, source.height
    elif image.file:
        # Until its renditions are made, the original is all there is to show.
        url, width, height = image.file.url, image.width, image.height
    else:
        return "—"
    # The thumbnail is the link that opens (or, in a pop-up, chooses) the picture, so it needs
    # a name even when the picture is decorative on the page.
    return format_html(
        '<img class="picture-thumbnail" src="{}" alt="{}" width="{}" height="{}" loading="lazy">',
        url,
        image.alt_text or str(image),
        width,
        height,
    )


def uses(image):
    """Where the picture appears, as the picture's page lists it: two queries, however many."""
    pieces = list(
        Article.objects.filter(hero_image=image)
        .only("pk", "headline", "status", "published_at", "with_contributors_only")
        .order_by("-updated_at", "-pk")
    )
    contributors = list(Contributor.objects.filter(photo=image).only("pk", "name"))
    # A contributor's piece they have not submitted is theirs alone: counted, never named.
    return render_to_string(
        "admin/articles/image/includes/uses.html",
        {
            "pieces": [piece for piece in pieces if not piece.with_contributors_only],
            "unsubmitted": sum(piece.with_contributors_only for piece in pieces),
            "contributors": contributors,
        },
    )


def crop_refusal(terms):
    """Why the crop tool is off for a picture under these terms, or "" when a crop is allowed."""
    if terms is None or terms.derivatives:
        return ""
    if terms.kind == "permission":
        terms_said = "This picture is used with permission, which does not allow changes"
    else:
        terms_said = f"This picture's licence ({terms.short_name}) does not allow changes"
    return (
        f"{terms_said}, so it cannot be cropped; it is shown whole. Its share card shows it "
        "whole too, so it has no focal point."
    )


def stored_terms(image):
    """The licence terms the picture's saved credit states, or None without one."""
    credit = getattr(image, "credit", None)
    return licenses.LICENSES.get(credit.license) if credit else None


def crop_locked(image):
    """Whether the crop and focal point fields are off: the saved licence forbids, none is set."""
    return bool(crop_refusal(stored_terms(image))) and not (image.crop_box or image.has_focal_point)


# What the tool says when the licence chosen in the credit forbids a crop, for each licence.
NO_DERIVATIVES = json.dumps(
    {key: crop_refusal(terms) for key, terms in licenses.LICENSES.items() if not terms.derivatives}
)


def crop_tool(image, licence_field):
    """The picture whole, on which static/js/picture-crop.js lets the editor drag a crop."""
    if not (image.pk and image.file and image.width):
        return "Once the picture is saved, crop it here by dragging on it."
    reason = crop_refusal(stored_terms(image))
    if reason and not crop_locked(image):
        reason += " Clear the crop and the focal point, then save."
    elif reason:
        reason += (
            " If the licence is wrong, correct it in the credit below and save: the crop can "
            "then be set."
        )
    return render_to_string(
        "admin/articles/image/includes/crop_tool.html",
        {
            "image": image,
            "shown": whole_picture(image),
            "reason": reason,
            "licence_field": licence_field,
            "no_derivatives": NO_DERIVATIVES,
        },
    )


def whole_picture(image):
    """(url, width, height) of the uncropped picture at a size fit for the screen."""
    # Renditions show the crop once one is saved: only uncropped ones can stand in for the whole.
    ratio = image.width / image.height
    if Recipe.for_image(image).crop_box is None:
        fitting = [
            rendition
            for rendition in jpeg_renditions(image)
            if rendition.width <= CROP_TOOL_WIDTH
            and abs(rendition.width / rendition.height - ratio) < 0.01
        ]
        if fitting:
            return fitting[-1].file.url, fitting[-1].width, fitting[-1].height
    return image.file.url, image.width, image.height
