"""GET /api/v1/metrics/: the service-efficiency figures (服务效能) of the caller's hall
(a superuser: any hall, the province) for a date range, with one dimension's breakdown.
Thin: ``counterhall.metrics`` (``halls_visible_to``, ``figures``, ``figures_by``); leaders,
hall admins and auditors read them (``permissions.can_read_metrics``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from counterhall import metrics, permissions
from counterhall.api.bodies import DateRange
from counterhall.api.views import ERRORS
from counterhall.models import BusinessType, Hall, Window

MAX_DAYS = 732  # two years: a year and the same period the year before


class MetricsQuery(DateRange):
    """``from``–``to`` (hall dates, inclusive; default this month to today), one
    ``group_by`` dimension, and filters by business type code, window number, teller
    username or hall code (a province's superuser)."""

    group_by = serializers.ChoiceField(choices=metrics.DIMENSIONS, required=False)
    business_type = serializers.CharField(max_length=8, required=False)
    window = serializers.IntegerField(required=False, min_value=1, max_value=9999)
    teller = serializers.CharField(max_length=150, required=False, help_text="username")
    hall = serializers.CharField(max_length=8, required=False, help_text="hall code")

    def validate(self, attrs):
        today = timezone.localdate()
        end = attrs.get("to") or today
        start = attrs.get("from") or end.replace(day=1)
        if start > end:
            raise serializers.ValidationError({"from": [_("开始日期不能晚于结束日期。")]})
        if (end - start).days >= MAX_DAYS:
            raise serializers.ValidationError(
                {"to": [_("查询区间不能超过 %(days)s 天。") % {"days": MAX_DAYS}]}
            )
        attrs["from"], attrs["to"] = start, end
        return attrs


class DistOut(serializers.Serializer):
    n = serializers.IntegerField()
    median = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)
    p90 = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)


def _rate(help_text: str):
    return serializers.DecimalField(
        max_digits=8, decimal_places=4, allow_null=True, help_text=help_text
    )


class FiguresOut(serializers.Serializer):
    tickets_issued = serializers.IntegerField()
    visits_served = serializers.IntegerField()
    no_shows = serializers.IntegerField()
    cases_taken_in = serializers.IntegerField()
    cases_completed = serializers.IntegerField()
    cases_rejected = serializers.IntegerField()
    cases_withdrawn = serializers.IntegerField()
    completed_during_visit = serializers.IntegerField()
    completed_during_visit_rate = _rate("即时办结率, 0–1, of the cases completed")
    deadlines_promised = serializers.IntegerField()
    deadlines_kept = serializers.IntegerField()
    overdue_now = serializers.IntegerField(help_text="open cases past their promised date now")
    wait = DistOut(help_text="minutes, ticket → call")
    service = DistOut(help_text="minutes, service start → end")
    intake_to_completion = DistOut(help_text="minutes")
    review_wait = DistOut(help_text="minutes in the review queue, per stay")
    signoff_wait = DistOut(help_text="minutes awaiting sign-off, per stay")
    cases_returned = serializers.IntegerField()
    return_rate = _rate("of the cases completed")
    round_trips_per_case = _rate("returns to the teller per case completed")
    visits_per_case = _rate("the applicant's visits per case completed")
    steps_per_case = _rate("desks per case completed (hand-offs + 1)")
    ratings = serializers.DictField(child=serializers.IntegerField(), help_text="grade → count")
    satisfied_share = _rate("grades 5–3 of the rated visits")
    rectifications_open = serializers.IntegerField()
    rectifications_overdue = serializers.IntegerField()
    rectifications_closed = serializers.IntegerField()
    service_minutes = serializers.IntegerField()


class GroupOut(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True,
        help_text="the date, business type code, window number, teller username or hall code",
    )
    name = serializers.CharField(help_text="what the page shows: a date, 'REG01 …', a name")
    figures = FiguresOut()


class MetricsOut(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    halls = serializers.ListField(child=serializers.CharField(), help_text="hall codes")
    group_by = serializers.CharField(allow_null=True)
    totals = FiguresOut()
    groups = GroupOut(many=True)


def _keys(dimension: str, keys: list) -> dict:
    """The API's names of a dimension's keys: codes, numbers, usernames (one query)."""
    keys = [k for k in keys if k is not None]
    if dimension == "day":
        return {k: k.isoformat() for k in keys}
    if dimension == "business_type":
        return dict(BusinessType.objects.filter(pk__in=keys).values_list("pk", "code"))
    if dimension == "window":
        return {
            pk: str(n) for pk, n in Window.objects.filter(pk__in=keys).values_list("pk", "number")
        }
    if dimension == "hall":
        return dict(Hall.objects.filter(pk__in=keys).values_list("pk", "code"))
    users = get_user_model().objects.filter(pk__in=keys)
    return dict(users.values_list("pk", "username"))


class MetricsView(APIView):
    """The efficiency figures for ``from``–``to`` (docs/metrics.md), their totals and, with
    ``group_by``, one row per day, business type, window, teller or hall."""

    @extend_schema(parameters=[MetricsQuery], responses={200: MetricsOut, **ERRORS})
    def get(self, request):
        if not permissions.can_read_metrics(request.user):
            raise PermissionDenied(permissions.DENIED_METRICS)
        body = MetricsQuery(data=request.query_params)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        visible = metrics.halls_visible_to(request.user)
        if data.get("hall"):
            visible = visible.filter(code=data["hall"])
        halls = list(visible)
        filters = self._filters(data, halls)
        start, end = data["from"], data["to"]
        with metrics.sharing():
            totals = metrics.figures(halls=halls, start=start, end=end, **filters)
            dimension = data.get("group_by")
            rows = (
                metrics.figures_by(dimension, halls=halls, start=start, end=end, **filters)
                if dimension
                else []
            )
        groups = []
        if dimension:
            names = _keys(dimension, [k for k, _l, _f in rows])
            groups = [{"key": names.get(k), "name": label, "figures": f} for k, label, f in rows]
        answer = {
            "date_from": start,
            "date_to": end,
            "halls": [h.code for h in halls],
            "group_by": dimension,
            "totals": totals,
            "groups": groups,
        }
        return Response(MetricsOut(answer).data)

    @staticmethod
    def _filters(data, halls) -> dict:
        """Codes, numbers and usernames → ids; an unknown one matches nothing (id 0)."""
        filters: dict[str, int | None] = {}
        if data.get("business_type"):
            bt = BusinessType.objects.filter(code=data["business_type"]).first()
            filters["business_type"] = bt.pk if bt else 0
        if data.get("window"):
            w = Window.objects.filter(hall__in=halls, number=data["window"]).first()
            filters["window"] = w.pk if w else 0
        if data.get("teller"):
            u = get_user_model().objects.filter(username=data["teller"]).first()
            filters["teller"] = u.pk if u else 0
        return filters
