"""The picture library in the admin: its list and page, thumbnails, where each picture is used,
and the crop tool."""

import json
from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch, Q
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from .. import licenses
from ..forms import ImageAdminForm, ImageCreditForm, pasted_credit_report
from ..models import Article, Contributor, Image, ImageCredit, Issue, Rendition
from ..renditions import Recipe
from .inlines import RequiredInline

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
        Article.objects.filter(Q(hero_image=image) | Q(body_pictures=image))
        .distinct()
        .only("pk", "headline", "status", "published_at", "with_contributors_only", "hero_image")
        .order_by("-updated_at", "-pk")
    )
    contributors = list(Contributor.objects.filter(photo=image).only("pk", "name"))
    issues = list(Issue.objects.filter(cover=image))
    # A piece that leads with the picture is listed for that, whether or not its text shows it.
    heroes = [piece for piece in pieces if piece.hero_image_id == image.pk]
    in_text = [piece for piece in pieces if piece.hero_image_id != image.pk]
    # A contributor's piece they have not submitted is theirs alone: counted, never named.
    return render_to_string(
        "admin/articles/image/includes/uses.html",
        {
            "pieces": [piece for piece in heroes if not piece.with_contributors_only],
            "in_text": [piece for piece in in_text if not piece.with_contributors_only],
            "unsubmitted": sum(piece.with_contributors_only for piece in heroes),
            "unsubmitted_in_text": sum(piece.with_contributors_only for piece in in_text),
            "contributors": contributors,
            "issues": issues,
        },
    )


def uses_refusing_deletion(images):
    """What stops these pictures from being deleted, one line for each use, by picture: a piece
    (hero or text), an issue's cover, a contributor's photo would lose it without a word in its
    history. Four queries, however many pictures."""
    pks = [image.pk for image in images]
    named = {image.pk: f"“{image}”" for image in images}
    lines = []
    pieces = (
        Article.objects.filter(Q(hero_image__in=pks) | Q(body_pictures__in=pks))
        .distinct()
        .only("pk", "headline", "status", "published_at", "with_contributors_only", "hero_image")
        .prefetch_related(Prefetch("body_pictures", queryset=Image.objects.only("pk")))
        .order_by("headline", "pk")
    )
    unsubmitted = Counter()
    for piece in pieces:
        shown = {image.pk for image in piece.body_pictures.all()} & set(pks)
        for pk, where in [
            (piece.hero_image_id, "the hero image of"),
            *((pk, "in the text of") for pk in sorted(shown)),
        ]:
            if pk not in named:
                continue
            if piece.with_contributors_only:
                unsubmitted[pk] += 1
                continue
            lines.append(
                format_html(
                    '{} is {} <a href="{}">{}</a> {}',
                    named[pk],
                    where,
                    reverse("admin:articles_article_change", args=[piece.pk]),
                    piece.headline,
                    render_to_string(
                        "admin/articles/image/includes/use_status.html", {"piece": piece}
                    ).strip(),
                )
            )
    for pk, count in sorted(unsubmitted.items()):
        lines.append(
            f"{named[pk]} is in {count} piece{pluralize(count)} a contributor has not submitted "
            "yet: theirs to change"
        )
    for issue in Issue.objects.filter(cover__in=pks).order_by("-date", "pk"):
        lines.append(
            format_html(
                '{} is the cover of <a href="{}">{}</a>',
                named[issue.cover_id],
                reverse("admin:articles_issue_change", args=[issue.pk]),
                issue,
            )
        )
    for contributor in Contributor.objects.filter(photo__in=pks).only("pk", "name", "photo"):
        lines.append(
            format_html(
                '{} is the photo of <a href="{}">{}</a>',
                named[contributor.photo_id],
                reverse("admin:articles_contributor_change", args=[contributor.pk]),
                contributor.name,
            )
        )
    return lines


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


class ImageCreditInline(RequiredInline, admin.StackedInline):
    model = ImageCredit
    form = ImageCreditForm
    # An image without a credit cannot be saved: the inline is required, and stays.
    min_num = 1
    max_num = 1
    can_delete = False
    verbose_name_plural = "credit (title, author, source, licence)"


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    inlines = [ImageCreditInline]
    list_display = ["thumbnail", "alt_text", "credit_line", "code", "dimensions", "uploaded_at"]
    search_fields = ["alt_text", "caption", "credit__title", "credit__creator"]
    readonly_fields = [
        "as_shown", "dimensions", "renditions", "used_in", "code", "crop_tool", "uploaded_at",
        "uploaded_by",
    ]  # fmt: skip
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "file",
                    "as_shown",
                    "dimensions",
                    "renditions",
                    "alt_text",
                    "decorative",
                    "caption",
                ]
            },
        ),
        ("Where it is used", {"fields": ["used_in", "code"]}),
        (
            "Crop and share card",
            {
                "fields": [
                    "crop_tool",
                    ("crop_left", "crop_top", "crop_right", "crop_bottom"),
                    ("focal_x", "focal_y"),
                ],
                "description": "Optional. The crop is in pixels of the original, and the credit "
                "will say “cropped”. The share card is cut around the focal point. A picture "
                "under a NoDerivatives licence is only resized: no crop, no focal point.",
            },
        ),
        ("Record", {"fields": ["uploaded_at", "uploaded_by"]}),
    ]
    # The licence select of the credit inline, which the crop tool watches.
    licence_field = "credit-0-license"

    class Media:
        css = {"all": ["css/picture-crop.css"]}
        js = [forms.Script("js/picture-crop.js", defer=True)]

    def get_queryset(self, request):
        # The crop tool and the list both ask for the credit's licence.
        return super().get_queryset(request).select_related("credit")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # A picture being added is used nowhere yet.
        return fieldsets if obj else [f for f in fieldsets if f[0] != "Where it is used"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and crop_locked(obj):
            # Its licence forbids a crop: the numbers are shown greyed, and a POST cannot set them.
            for name in (*Image.CROP_FIELDS, "focal_x", "focal_y"):
                form.base_fields[name].disabled = True
        return form

    @admin.display(description="Picture")
    def thumbnail(self, image):
        return thumbnail(image)

    @admin.display(description="As pages show it")
    def as_shown(self, image):
        return thumbnail(image)

    @admin.display(description="Used in")
    def used_in(self, image):
        return uses(image)

    @admin.display(description="In a piece's text")
    def code(self, image):
        # What shows it in a body, on a line of its own (README: "Writing a piece").
        return f"[[picture {image.pk}]]" if image.pk else "—"

    @admin.display(description="Crop and focal point")
    def crop_tool(self, image):
        return crop_tool(image, self.licence_field)

    @admin.display(description="Sizes sent to readers")
    def renditions(self, image):
        return image.renditions_summary() if image.pk else "Made once the picture is saved."

    @admin.display(description="Size")
    def dimensions(self, image):
        # Kept on one line in the list's narrow column.
        return f"{image.width}\u00a0×\u00a0{image.height}\u00a0px" if image.width else "—"

    @admin.display(description="Credit")
    def credit_line(self, image):
        credit = getattr(image, "credit", None)
        return credit.line() if credit else "No credit yet"

    def get_deleted_objects(self, objs, request):
        # A picture still in use is not deleted: what shows it would lose it silently, and a
        # piece's text would name a picture that no longer exists. The page lists each use.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms_needed, [*protected, *uses_refusing_deletion(list(objs))]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for credit_form in formset.forms:
            report = pasted_credit_report(credit_form.paste_filled, credit_form.paste_problems)
            if report:
                messages.info(request, report)
