"""The editors' audit of credits: published pictures whose credit falls short of its licence."""

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from ..credits import missing_for_license
from ..models import Article, CreditAudit
from .review import ListOnlyAdmin


@admin.register(CreditAudit)
class CreditAuditAdmin(ListOnlyAdmin):
    list_display = ["picture", "credit_line", "missing", "used_in"]
    list_display_links = None

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": "Credits to complete", **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        public = Article.objects.public()
        # Hero pictures and the pictures of the bodies alike.
        shown = Q(pk__in=public.values("hero_image")) | Q(pk__in=public.values("body_pictures"))
        used = super().get_queryset(request).filter(shown).select_related("credit")
        # What each licence requires is known to the registry, not the database: sort in Python.
        incomplete = [
            image.pk
            for image in used
            if not hasattr(image, "credit") or missing_for_license(image.credit)
        ]
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=incomplete)
            .select_related("credit")
            .prefetch_related("hero_of", "shown_in_body_of")
        )

    @admin.display(description="Picture")
    def picture(self, image):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_image_change", args=[image.pk]),
            image,
        )

    @admin.display(description="Credit as it stands")
    def credit_line(self, image):
        credit = getattr(image, "credit", None)
        line = credit.line() if credit else "No credit"
        # A picture imported from another site keeps there the words its credit was read from.
        note = (image.draft_credit or {}).get("note", "")
        return f"{line}. {note}" if note else line

    @admin.display(description="Lacks")
    def missing(self, image):
        credit = getattr(image, "credit", None)
        return ", ".join(missing_for_license(credit)) if credit else "a credit"

    @admin.display(description="Used in")
    def used_in(self, image):
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:articles_article_change", args=[piece.pk]), piece.headline)
                for piece in {
                    piece.pk: piece
                    for piece in [*image.hero_of.all(), *image.shown_in_body_of.all()]
                }.values()
            ),
        )
