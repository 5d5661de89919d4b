"""The editors' audit of credits: published pictures whose credit falls short of its licence."""

from django.contrib import admin
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
        used = (
            super()
            .get_queryset(request)
            .filter(pk__in=public.values("hero_image"))
            .select_related("credit")
        )
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
            .prefetch_related("hero_of")
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
        return credit.line() if credit else "No credit"

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
                for piece in image.hero_of.all()
            ),
        )
