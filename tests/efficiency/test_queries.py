"""The efficiency pages run a fixed number of queries whatever the number of cases and
visits: counted over the scenario, then again with more of everything."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counterhall.models import CaseState, VisitStatus
from tests.efficiency.conftest import NOV
from tests.metrics import scenario


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-12-05 10:00:00+08:00", tick=False)


def more(hall, window, teller, bt, *, start: int):
    """Twenty more served visits, each with a completed case, over ten November days."""
    for i in range(20):
        day = dt.date(2026, 11, 10 + i % 10)
        visit = scenario._visit(
            hall, day, 50 + start + i, issued="09:00", called="09:05", start="09:06",
            end="09:20", status=VisitStatus.SERVED, window=window, teller=teller,
        )  # fmt: skip
        case = scenario._case(
            hall, 100 + start + i, bt=bt, window=window, teller=teller,
            state=CaseState.COMPLETED, created=scenario.at(day, "09:07"),
            completed=scenario.at(day, "09:18"),
        )  # fmt: skip
        scenario._entries(case, [
            (scenario.at(day, "09:07"), "case.open", teller, None, CaseState.DRAFT),
            (scenario.at(day, "09:18"), "case.complete", teller, CaseState.APPROVED,
             CaseState.COMPLETED),
        ])  # fmt: skip
        visit.cases.add(case)


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", [f"/efficiency/?{NOV}", f"/efficiency/before-after/?{NOV}", "/efficiency/visits/"]
)
def test_a_fixed_number_of_queries(leader_client, scene, hall, window, teller, types, url):
    leader_client.get(url)  # warm the caches (content types, the session)
    few = count(leader_client, url)
    more(hall, window, teller, types[0], start=0)
    more(hall, window, teller, types[1], start=20)
    assert count(leader_client, url) == few, few


@pytest.mark.parametrize("url", [f"/efficiency/?{NOV}", f"/efficiency/before-after/?{NOV}"])
def test_the_province_pages_run_as_many_queries_for_more_halls(client, scene, url):
    """A province reader (every hall, none picked): the count does not grow with the
    halls. (It grows with the number of different rollup states among them — halls read
    by month, by day, raw — which the timer's task keeps at one.)"""
    from counterhall import metrics
    from counterhall.models import Hall
    from tests import factories

    nov = {"start": dt.date(2026, 11, 1), "end": dt.date(2026, 11, 30)}
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    factories.HallFactory(code="YJ", name="延吉大厅")
    metrics.rollup(halls=Hall.objects.all(), **nov)
    client.get(url)
    few = count(client, url)
    halls = [factories.HallFactory(code=f"P{i}", name=f"省内大厅 {i}") for i in range(4)]
    metrics.rollup(halls=halls, **nov)
    assert count(client, url) == few, few
