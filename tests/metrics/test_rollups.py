"""Rollups give the direct computation's answers, at every grain, for any cut."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from counterhall import metrics
from counterhall.models import MetricDay, MetricGrain, MetricPeriod
from counterhall.tasks import rollup_metrics
from tests.metrics.scenario import D1, D2, at

pytestmark = pytest.mark.django_db
LATER = at(dt.date(2026, 12, 10), "10:00")  # the scenario's days and month are past
NOV1, NOV30 = dt.date(2026, 11, 1), dt.date(2026, 11, 30)


def cuts(scene):
    yield {}
    for name, value in (
        ("business_type", scene.type_a.pk),
        ("business_type", scene.type_b.pk),
        ("window", scene.w1.pk),
        ("window", scene.w2.pk),
        ("teller", scene.t1.pk),
        ("teller", scene.t2.pk),
    ):
        yield {name: value}
    yield {"business_type": scene.type_b.pk, "teller": scene.t2.pk}
    yield {"window": scene.w1.pk, "teller": scene.t2.pk}  # nothing


def test_rolled_up_figures_equal_direct(scene):
    with time_machine.travel(LATER, tick=False):
        assert metrics.rollup(halls=[scene.hall], start=dt.date(2026, 10, 31), end=NOV30) > 0
        assert MetricDay.objects.filter(period=MetricPeriod.MONTH).exists()
        ranges = (
            (D1, D2),
            (D1, D1),
            (D2, D2),
            (D1 - dt.timedelta(days=3), D2),
            (NOV1, NOV30),  # a month row
            (D2, NOV30),  # a month row less two days
            (dt.date(2026, 10, 3), D1),  # October less two days, then days
            (dt.date(2026, 10, 20), dt.date(2026, 12, 10)),  # days, a month, days, today
        )
        for filters in cuts(scene):
            for start, end in ranges:
                direct = metrics.figures_direct(halls=[scene.hall], start=start, end=end, **filters)
                assert (
                    metrics.figures(halls=[scene.hall], start=start, end=end, **filters) == direct
                )
            for dim in metrics.DIMENSIONS:
                for start, end in ((D1, D2), (NOV1, NOV30), (D2, NOV30)):  # days, months
                    cut = {"halls": [scene.hall], "start": start, "end": end, **filters}
                    assert metrics.figures_by(dim, **cut) == metrics.figures_by_direct(dim, **cut)


def test_the_rollup_is_read_not_the_raw_rows(scene, django_assert_max_num_queries):
    """Once rolled up, the raw rows no longer count: the figures come from MetricDay."""
    with time_machine.travel(LATER, tick=False):
        metrics.rollup(halls=[scene.hall], start=D1, end=D2)
        row = MetricDay.objects.get(
            hall=scene.hall, day=D1, grain=MetricGrain.HALL, period=MetricPeriod.DAY
        )
        assert row.data["c"]["tickets_issued"] == 3
        row.data["c"]["tickets_issued"] = 300
        row.save()
        assert metrics.figures(halls=[scene.hall], start=D1, end=D2).tickets_issued == 302
        with django_assert_max_num_queries(4):  # rows, coverage, overdue, rectifications
            metrics.figures(halls=[scene.hall], start=D1, end=D2)


def test_days_not_rolled_up_and_today_are_read_live(scene):
    with time_machine.travel(LATER, tick=False):
        metrics.rollup(halls=[scene.hall], start=D1, end=D1)  # D2 not rolled up
        assert not MetricDay.objects.filter(day=D2).exists()
        both = metrics.figures(halls=[scene.hall], start=D1, end=D2)
        assert both == metrics.figures_direct(halls=[scene.hall], start=D1, end=D2)
    with time_machine.travel(at(D2, "18:00"), tick=False):  # D2 is today
        assert metrics.rollup(halls=[scene.hall], start=D2, end=D2) == 0  # today: never
        today = metrics.figures(halls=[scene.hall], start=D2, end=D2)
        assert today.tickets_issued == 2


def test_a_rollup_replaces_its_day(scene):
    with time_machine.travel(LATER, tick=False):
        metrics.rollup(halls=[scene.hall], start=D1, end=D2)
        count = MetricDay.objects.count()
        metrics.rollup(halls=[scene.hall], start=D1, end=D2)
        assert MetricDay.objects.count() == count
        grains = set(MetricDay.objects.filter(day=D1).values_list("grain", flat=True))
        assert not MetricDay.objects.filter(period=MetricPeriod.MONTH).exists()  # not whole
        assert grains == set(MetricGrain.values)


def test_quiet_day_has_its_hall_row(hall):
    with time_machine.travel(LATER, tick=False):
        assert metrics.rollup(halls=[hall], start=D1, end=D1) == 1
        assert MetricDay.objects.get().data == {"c": {}, "h": {}, "r": {}, "v": {}}


def test_task_and_command(scene):
    with time_machine.travel(at(D2 + dt.timedelta(days=1), "02:00"), tick=False):
        assert rollup_metrics.enqueue().return_value > 0  # yesterday, every hall
        assert MetricDay.objects.filter(day=D2, grain=MetricGrain.HALL).count() == 1
        assert rollup_metrics.enqueue(day=D1.isoformat(), hall_id=scene.hall.pk).return_value > 0
        MetricDay.objects.all().delete()
        out = io.StringIO()
        call_command("metrics_rollup", "--from", D1.isoformat(), "--to", D2.isoformat(), stdout=out)
        assert "rolled up 2026-11-02–2026-11-03" in out.getvalue()
        assert MetricDay.objects.filter(grain=MetricGrain.HALL).count() == 2


def test_a_complete_month_is_read_from_its_month_rows(scene):
    with time_machine.travel(LATER, tick=False):
        metrics.rollup(halls=[scene.hall], start=dt.date(2026, 10, 1), end=NOV30)
        month = MetricDay.objects.get(period=MetricPeriod.MONTH, grain=MetricGrain.HALL, day=NOV1)
        assert month.day == NOV1 and month.data["c"]["tickets_issued"] == 5
        month.data["c"]["tickets_issued"] = 500
        month.save()
        assert metrics.figures(halls=[scene.hall], start=NOV1, end=NOV30).tickets_issued == 500
        assert metrics.figures(halls=[scene.hall], start=NOV1, end=D2).tickets_issued == 5
        # most of a month: its month row less the days left out (D1's three tickets)
        assert metrics.figures(halls=[scene.hall], start=D2, end=NOV30).tickets_issued == 497
        # a day of the month rolled up again: the month row is rebuilt from the days
        metrics.rollup(halls=[scene.hall], start=D1, end=D1)
        assert metrics.figures(halls=[scene.hall], start=NOV1, end=NOV30).tickets_issued == 5
        # a month missing a day has no month row: it is read by its days (and live)
        MetricDay.objects.filter(day=D2).delete()
        metrics.rollup(halls=[scene.hall], start=D1, end=D1)
        assert not MetricDay.objects.filter(period=MetricPeriod.MONTH, day=NOV1).exists()
        assert metrics.figures(halls=[scene.hall], start=NOV1, end=NOV30).tickets_issued == 5


def test_staff_load_from_rollups_equals_raw(scene, reviewer, django_assert_max_num_queries):
    """Reviews per reviewer and idle windows come from the rollups too (no scan of the
    year's audit entries or visits), with the raw rows' answers; today is read live."""
    with time_machine.travel(LATER, tick=False):
        span = {"halls": [scene.hall], "start": D1 - dt.timedelta(days=2), "end": LATER.date()}
        raw = metrics.staff_load(**span)
        assert [(r.reviewer, r.reviews) for r in raw.reviewers] == [(reviewer.pk, 3)]
        metrics.rollup(halls=[scene.hall], start=span["start"], end=NOV30)
        row = MetricDay.objects.get(
            hall=scene.hall, day=D1, grain=MetricGrain.HALL, period=MetricPeriod.DAY
        )
        assert sum(row.data["v"].values()) > 0
        assert metrics.staff_load(**span) == raw
        overall = metrics.figures(**span)
        tellers = metrics.figures_by("teller", **span)
        windows = metrics.figures_by("window", **span)
        with django_assert_max_num_queries(7):  # users, windows, served days (4)
            given = metrics.staff_load(**span, overall=overall, tellers=tellers, windows=windows)
        assert given == raw


def test_sharing_reads_todays_rows_once_with_the_same_answers(scene):
    """Inside ``metrics.sharing()`` (a dashboard's request) the raw rows of the days not
    rolled up are read once, unfiltered, and every filter and grouping is taken from them:
    the answers are those of separate reads."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with time_machine.travel(LATER, tick=False):
        span = {"halls": [scene.hall], "start": D1 - dt.timedelta(days=1), "end": D2}
        alone = [metrics.figures(**span)]
        alone += [metrics.figures(**span, **cut) for cut in cuts(scene)]
        alone += [metrics.figures_by(dim, **span) for dim in metrics.DIMENSIONS]
        with metrics.sharing():
            with CaptureQueriesContext(connection) as first:
                shared = [metrics.figures(**span)]
            with CaptureQueriesContext(connection) as rest:
                shared += [metrics.figures(**span, **cut) for cut in cuts(scene)]
                shared += [metrics.figures_by(dim, **span) for dim in metrics.DIMENSIONS]
        assert shared == alone
        raw = ("counterhall_visit", "counterhall_auditentry")
        assert any(table in q["sql"] for q in first.captured_queries for table in raw)
        assert not any(
            f'FROM "{table}"' in q["sql"] for q in rest.captured_queries for table in raw
        )


def test_day_counts_equal_the_days_figures(scene):
    """The dashboard's chart of the days reads only the counts: the same numbers as
    figures_by("day"), rolled up or not, today included."""
    names = ("cases_taken_in", "cases_completed", "visits_served", "tickets_issued")
    with time_machine.travel(LATER, tick=False):
        span = {"halls": [scene.hall], "start": D1 - dt.timedelta(days=2), "end": LATER.date()}

        def expected():
            return {
                day: {n: getattr(f, n) for n in names}
                for day, _label, f in metrics.figures_by("day", **span)
                if any(getattr(f, n) for n in names)
            }

        def counted():
            return {
                day: c
                for day, c in metrics.day_counts(**span, names=names).items()
                if any(c.values())
            }

        raw = counted()
        assert raw == expected() and raw
        metrics.rollup(halls=[scene.hall], start=span["start"], end=D1)  # D2 stays raw
        assert counted() == raw
