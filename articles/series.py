"""A series as readers see it: /series/<slug>/, its public parts in order.

A piece's own place in its series ("Part 2 of 5", the parts before and after it) is worked out
by articles.models.PlaceInSeries, for the piece's page.
"""

from django.shortcuts import get_object_or_404

from . import metadata
from .models import Series
from .views import PublicArticleList


class SeriesView(PublicArticleList):
    """The public parts of a series in order, as cards; numbered among public parts only."""

    template_name = "articles/series.html"
    content_template_name = "articles/series_content.html"
    # A series whose parts are all drafts has no page: its title alone could give them away.
    allow_empty = False
    around = (*PublicArticleList.around, "json_ld")

    def narrow(self, articles):
        self.series = get_object_or_404(Series, slug=self.kwargs["slug"])
        return self.series.public_parts()

    def scope(self):
        return self.series

    def describe(self):
        title = self.series.title
        return title, self.series.description or metadata.pieces(f"in the series {title}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            heading=self.series.title,
            kicker="Series",
            description=self.series.description,
            **kwargs,
        )
        page = context["page_obj"]
        context["parts"] = list(enumerate(page.object_list, start=page.start_index()))
        context["json_ld"] = metadata.json_ld(
            metadata.creative_work_series(self.series, context["parts"], self.request)
        )
        return context
