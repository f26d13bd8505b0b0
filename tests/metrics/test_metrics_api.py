"""GET /api/v1/metrics/: the figures of the caller's hall, totals and one breakdown."""

import pytest
from rest_framework.test import APIClient

from counterhall.roles import Role
from tests import factories
from tests.metrics.scenario import D1, D2

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def get(user, **params):
    params.setdefault("from", D1.isoformat())
    params.setdefault("to", D2.isoformat())
    return client_for(user).get("/api/v1/metrics/", params)


def test_totals_and_groups(scene, leader):
    r = get(leader, group_by="teller")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["halls"] == ["TS"] and body["group_by"] == "teller"
    totals = body["totals"]
    assert (totals["tickets_issued"], totals["cases_completed"]) == (5, 2)
    assert totals["wait"] == {"n": 5, "median": "10.0", "p90": "30.0"}
    assert totals["completed_during_visit_rate"] == "0.5000"
    assert totals["ratings"] == {"5": 1, "4": 1, "3": 0, "2": 1, "1": 0, "declined": 1}
    groups = {g["key"]: g for g in body["groups"]}
    assert set(groups) == {"t1", "t2"}
    assert groups["t1"]["figures"]["cases_taken_in"] == 3


def test_filters_by_codes(scene, leader):
    r = get(leader, business_type="TST02", group_by="day")
    body = r.json()
    assert body["totals"]["cases_taken_in"] == 2
    assert [g["key"] for g in body["groups"]] == [D1.isoformat(), D2.isoformat()]
    assert get(leader, window=1).json()["totals"]["tickets_issued"] == 2
    assert get(leader, teller="t2").json()["totals"]["no_shows"] == 1
    assert get(leader, teller="nobody").json()["totals"]["tickets_issued"] == 0


def test_other_hall_sees_nothing_of_this_one(scene):
    other = factories.HallFactory(code="OT")
    boss = factories.UserFactory(username="l9", roles=[Role.LEADER], hall=other)
    body = get(boss).json()
    assert body["halls"] == ["OT"] and body["totals"]["tickets_issued"] == 0
    assert get(boss, hall="TS").json()["halls"] == []  # not theirs


def test_bad_ranges(leader):
    r = get(leader, **{"from": D2.isoformat(), "to": D1.isoformat()})
    assert r.status_code == 400 and "from" in str(r.json())
    r = get(leader, **{"from": "2020-01-01", "to": "2026-01-01"})
    assert r.status_code == 400
    assert get(leader, group_by="floor").status_code == 400


def test_refused_to_a_teller(teller):
    r = get(teller)
    assert r.status_code == 403
    assert "服务效能" in r.json()["detail"]
