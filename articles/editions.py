"""Print issues for readers: the index of issues, one issue's contents, and its print edition.

Every page starts from Issue.objects.public() (published, and its date come), and an issue's
pieces from Article.objects.public(): a piece not yet published is never listed in an issue
that is. An issue dated ahead becomes public at the start of its day with no save; the page
cache forgets what it changes then (articles/pagetags.py, `next_scheduled_time`).
"""

import html
from itertools import groupby
from operator import attrgetter

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.views.generic import DetailView, ListView

from . import metadata, pagetags
from .models import Issue
from .rendering import render_markdown

# Covers in a grid: four rows of three on a laptop.
ISSUES_PER_PAGE = 12


class IssueIndexView(ListView):
    """Every public issue, newest first, by its cover."""

    template_name = "articles/issues.html"
    context_object_name = "issues"
    paginate_by = ISSUES_PER_PAGE

    def get_queryset(self):
        return Issue.objects.public().select_related("cover", "cover__credit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        page.object_list = list(page.object_list)
        context["page_meta"] = metadata.listing_page(
            self.request,
            page,
            title="Print issues",
            description=f"Every print issue of {settings.MAGAZINE_NAME}, newest first: "
            "its contents, and the edition to download.",
        )
        # Which issues are listed, and in what order, changes with any issue published.
        pagetags.shows("issues")
        for issue in page.object_list:
            shows_issue(issue)
        return context


class IssueView(DetailView):
    """One public issue: its cover, its editors' introduction, and its contents by section."""

    template_name = "articles/issue.html"
    context_object_name = "issue"

    def get_queryset(self):
        return Issue.objects.public().select_related("cover", "cover__credit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        issue = self.object
        contents = list(issue.public_contents().for_listing())
        pagetags.shows_listing(issue)
        pagetags.shows_pieces(contents)
        shows_issue(issue)
        introduction_html = render_markdown(issue.introduction)
        description = describe(issue, introduction_html)
        context.update(
            sections=[
                (section, list(pieces))
                for section, pieces in groupby(contents, key=attrgetter("section"))
            ],
            introduction_html=introduction_html,
            page_meta=metadata.issue_page(issue, self.request, description),
            json_ld=metadata.json_ld(metadata.issue_document(issue, self.request, description)),
        )
        return context


def shows_issue(issue):
    """Note an issue as a page shows it: its title, number, date and cover."""
    pagetags.shows(f"e{issue.pk}")
    if issue.cover_id:
        pagetags.shows(f"i{issue.cover_id}")


def describe(issue, introduction_html):
    """The issue in a sentence or two, as plain text: its introduction, or what it is."""
    if introduction_html:
        return " ".join(html.unescape(strip_tags(introduction_html)).split())
    day = date_format(issue.date, "j F Y")
    return f"{issue.volume_and_number} of {settings.MAGAZINE_NAME}, published {day}."


def issue_pdf(request, slug):
    """The print edition of a public issue, as a download; editors may fetch any issue's."""
    issues = Issue.objects.all() if can_see_unpublished(request) else Issue.objects.public()
    issue = get_object_or_404(issues.exclude(pdf=""), slug=slug)
    pagetags.shows(f"e{issue.pk}")
    try:
        edition = issue.pdf.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The print edition's file is missing.") from missing
    return FileResponse(
        edition,
        as_attachment=True,
        filename=issue.pdf_download_name(),
        content_type="application/pdf",
    )


def can_see_unpublished(request):
    # The admin links each issue's edition here, before the issue is public too.
    return request.user.is_authenticated and request.user.has_perm("articles.view_issue")
