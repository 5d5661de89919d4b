"""The masthead: who held which position on the magazine in each academic year.

An academic year is stored as the year it starts in (2025 for 2025–26) and written in
addresses as "2025-26". The current year is the one MAGAZINE_MASTHEAD_YEAR names or, when it
names none, the latest year anyone held a position in.
"""

import re

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Subquery
from django.http import Http404
from django.views.generic import TemplateView

from . import metadata, pagetags
from .models import Article, Position, academic_year_label, academic_year_slug

# "2025-26": the year it starts in, and the last two digits of the next.
ACADEMIC_YEAR = re.compile(r"(?P<start>[0-9]{4})-(?P<end>[0-9]{2})")


def parse_academic_year(text):
    """The year "2025-26" starts in (2025); None for anything else, "2025-27" and "2025" too."""
    match = ACADEMIC_YEAR.fullmatch(str(text or "").strip())
    if match is None:
        return None
    start = int(match["start"])
    if (start + 1) % 100 != int(match["end"]):
        return None
    return start


def chosen_year():
    """The year MAGAZINE_MASTHEAD_YEAR names, or None when it names none."""
    return parse_academic_year(settings.MAGAZINE_MASTHEAD_YEAR)


def current_year_of(years):
    """The current academic year, given every year with positions; None if there is none."""
    chosen = chosen_year()
    return chosen if chosen is not None else max(years, default=None)


def current_year_value():
    """The current year for use inside a query: the setting's, or the latest with positions."""
    chosen = chosen_year()
    if chosen is not None:
        return chosen
    return Subquery(Position.objects.order_by("-year").values("year")[:1])


def current_positions():
    """The positions of the current year, in masthead order, for a prefetch of each person's."""
    return Position.objects.filter(year=current_year_value()).order_by("order", "id")


def positions_in(year):
    """The year's positions in masthead order, each knowing whether its holder has a page."""
    # A contributor's page exists once a piece of theirs is public: only then is the name a link.
    public = Article.objects.public().filter(bylines__contributor=OuterRef("contributor"))
    return Position.objects.in_year(year).annotate(has_page=Exists(public))


def with_positions_held(contributors, **lookup):
    """The contributor found by `lookup`, with `positions_held` newest first, or 404.

    One query, a row per position held (or one row for none): their page is a listing, and a
    listing costs the same few queries whoever it is of.
    """
    rows = list(
        contributors.filter(**lookup)
        .annotate(
            held_id=F("positions__id"),
            held_title=F("positions__title"),
            held_year=F("positions__year"),
        )
        .order_by("-positions__year", "positions__order", "positions__id")
    )
    if not rows:
        raise Http404("No such contributor.")
    contributor = rows[0]
    contributor.positions_held = [
        Position(id=row.held_id, contributor=contributor, title=row.held_title, year=row.held_year)
        for row in rows
        if row.held_id is not None
    ]
    return contributor


class MastheadView(TemplateView):
    """One academic year's masthead: the current year's at /masthead/, any year's at its own."""

    template_name = "articles/masthead.html"

    def get_context_data(self, **kwargs):
        pagetags.shows("masthead")
        years = list(Position.objects.order_by("-year").values_list("year", flat=True).distinct())
        current = current_year_of(years)
        asked = self.kwargs.get("year")
        if asked is None:
            year = current
        else:
            year = parse_academic_year(asked)
            # The current year has a page before its positions are entered; no other empty year.
            if year is None or (year not in years and year != current):
                raise Http404("No masthead for that year.")
        positions = list(positions_in(year)) if year is not None else []
        for position in positions:
            # The name, pronouns and whether it is a link change with the person and their pieces.
            pagetags.shows(f"c{position.contributor_id}", f"list-c{position.contributor_id}")
        label = academic_year_label(year) if year is not None else ""
        shown_years = sorted({*years, current} - {None}, reverse=True)
        return super().get_context_data(
            year_label=label,
            is_current=year is not None and year == current,
            positions=positions,
            other_years=[
                {
                    "label": academic_year_label(other),
                    "slug": academic_year_slug(other),
                    "is_current": other == current,
                }
                for other in shown_years
                if other != year
            ],
            page_meta=metadata.single_page(
                self.request,
                title=f"Masthead {label}".strip(),
                description=describe(label, positions),
            ),
            **kwargs,
        )


def describe(label, positions):
    """The masthead in a sentence, for search engines and shared links."""
    name = settings.MAGAZINE_NAME
    if not positions:
        return f"The editors and staff of {name}."
    who = "; ".join(f"{position.title}, {position.contributor.name}" for position in positions)
    return f"The editors and staff of {name} in {label}: {who}."
