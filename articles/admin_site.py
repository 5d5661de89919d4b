"""The editors' admin site: a dashboard for a home, and the magazine before the tools."""

from datetime import datetime, time, timedelta
from functools import reduce
from operator import or_

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from . import workflow
from .models import Article, CreditAudit, StatusChange, Submission

MAGAZINE_APP = "articles"
# The magazine's own lists in the order of an editor's day; a model not named here follows.
MODEL_ORDER = [
    "Submission", "Article", "Image", "CreditAudit", "Contributor", "Section", "Invitation",
]  # fmt: skip
# The home shows the start of each list; the full list is a link away.
QUEUE_SHOWN = 8
DECISIONS_SHOWN = 8
SCHEDULE_DAYS = 7


class MagazineAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        # Django sorts by name; the magazine comes first, accounts and tools below it.
        app_list.sort(key=lambda app: app["app_label"] != MAGAZINE_APP)
        for app in app_list:
            if app["app_label"] == MAGAZINE_APP:
                app["models"].sort(key=_model_position)
        return app_list

    def index(self, request, extra_context=None):
        return super().index(request, {**self.dashboard(request), **(extra_context or {})})

    def dashboard(self, request):
        """What the home page shows this editor, each part only if they may see its list."""
        context = {}
        queue_admin = self._registry.get(Submission)
        if queue_admin and queue_admin.has_view_permission(request):
            # The queue's own query, oldest first; a private draft is never in it.
            queue = queue_admin.get_queryset(request).seen_by_editors()
            context["review_queue"] = list(queue[:QUEUE_SHOWN])
            context["review_queue_count"] = queue.count()
        article_admin = self._registry.get(Article)
        if article_admin and article_admin.has_view_permission(request):
            context["scheduled"] = list(
                article_admin.get_queryset(request)
                .filter(
                    status=Article.Status.SCHEDULED,
                    published_at__gt=timezone.now(),
                    published_at__lt=end_of_schedule_window(),
                )
                .select_related("section")
                .order_by("published_at", "id")
            )
            context["schedule_days"] = SCHEDULE_DAYS
            context["schedule_last_day"] = timezone.localdate() + timedelta(days=SCHEDULE_DAYS - 1)
            context["latest_decisions"] = list(
                StatusChange.objects.filter(decisions_made(), article__with_contributors_only=False)
                .select_related("article", "actor")
                .order_by("-at", "-id")[:DECISIONS_SHOWN]
            )
        audit_admin = self._registry.get(CreditAudit)
        if audit_admin and audit_admin.has_view_permission(request):
            # The audit's own query, so that the count and the list always agree.
            context["credits_to_complete"] = audit_admin.get_queryset(request).count()
        return context


def _model_position(model):
    name = model["object_name"]
    return (MODEL_ORDER.index(name) if name in MODEL_ORDER else len(MODEL_ORDER), model["name"])


def end_of_schedule_window():
    """Midnight after the seventh day, today the first, in the magazine's time zone."""
    day_after = timezone.localdate() + timedelta(days=SCHEDULE_DAYS)
    return timezone.make_aware(datetime.combine(day_after, time.min))


def decisions_made():
    """The status changes that are editors' decisions, as a filter on StatusChange."""
    # A contributor withdrawing a submission also ends in "withdrawn": the source tells them apart.
    return reduce(
        or_,
        (
            Q(from_status__in=transition.sources, to_status=transition.target)
            for transition in workflow.TRANSITIONS.values()
            if transition.name in workflow.DECISIONS
        ),
    )
