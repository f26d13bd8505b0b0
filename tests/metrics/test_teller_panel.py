"""A teller's own figures on their home page: today and this month, in a number of
queries that does not grow with the rows."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counterhall import metrics
from tests.metrics import scenario
from tests.metrics.scenario import D2, at

pytestmark = pytest.mark.django_db
NOW = at(D2, "18:00")  # D2 is today: D1 (this month) is past


def test_today_and_month(scene):
    with time_machine.travel(NOW, tick=False):
        panel = metrics.teller_panel(user=scene.t2)
    today, month = panel["today"], panel["month"]
    assert (today.visits_served, today.cases_taken_in, today.cases_completed) == (1, 1, 1)
    assert (month.visits_served, month.cases_taken_in, month.cases_completed) == (2, 2, 1)
    assert month.service.median == 11  # 15 and 7 minutes
    assert month.ratings["2"] == 1 and month.ratings["declined"] == 1
    assert month.completed_during_visit_rate == 0


def test_shown_on_the_home_page(scene, client):
    client.force_login(scene.t1)
    with time_machine.travel(NOW, tick=True):
        html = client.get("/").content.decode()
    assert 'id="my-figures"' in html
    assert 'data-figure="month-taken">3<' in html
    assert 'data-figure="month-immediate">100%<' in html


def test_not_for_a_leader(leader):
    from counterhall.home import panels_for

    assert "my-figures" not in [p.name for p, _d in panels_for(leader)]


def add_rows(scene, n, first):
    """``n`` more served visits, each with a completed case: on the 1st (past, this
    month) and today."""
    for i in range(first, first + n):
        for day in (dt.date(2026, 11, 1), D2):
            v = scenario._visit(scene.hall, day, 10 + i, issued="10:00", called="10:01",
                                start="10:02", end="10:20", status="served", window=scene.w2,
                                teller=scene.t2)  # fmt: skip
            c = scenario._case(scene.hall, 100 + i + (day == D2) * 1000, bt=scene.type_b,
                               window=scene.w2, teller=scene.t2, state="completed",
                               created=at(day, "10:03"), completed=at(day, "10:19"))  # fmt: skip
            v.cases.add(c)


def queries(user) -> tuple[int, object]:
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as ctx:
        panel = metrics.teller_panel(user=user)
    return len(ctx.captured_queries), panel


def test_query_count_does_not_grow(scene):
    add_rows(scene, 1, 0)
    few, panel = queries(scene.t2)
    assert panel["month"].cases_completed == 1 + 2
    add_rows(scene, 30, 1)
    many, panel = queries(scene.t2)
    assert panel["month"].cases_completed == 1 + 62
    assert many == few
    with time_machine.travel(NOW, tick=False):
        metrics.rollup(halls=[scene.hall], start=dt.date(2026, 11, 1), end=D2)
    rolled, panel = queries(scene.t2)
    assert panel["month"].cases_completed == 1 + 62
    assert rolled == few  # the same reads, the past days now from the rollups
