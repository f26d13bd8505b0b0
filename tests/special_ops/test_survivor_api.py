"""POST /api/v1/calculations/survivor/: the figures of rules.md §1.6 from dated parameters."""

import pytest

URL = "/api/v1/calculations/survivor/"


@pytest.fixture
def api(client, special_clerk):
    client.force_login(special_clerk)
    return client


def post(api, **data):
    return api.post(URL, data, content_type="application/json")


def test_worked_example_1(api):
    r = post(api, contribution_months=268, death_date="2025-03-10")
    assert r.status_code == 200
    body = r.json()
    assert {
        k: body[k] for k in ("base", "funeral_grant", "survivor_months", "survivor_payment")
    } == {
        "base": "3200.00",
        "funeral_grant": "6400.00",
        "survivor_months": "16.3333",
        "survivor_payment": "52266.67",
    }
    assert "survivor.urban_disposable_income_month" in {p["key"] for p in body["parameters"]}


@pytest.mark.parametrize(
    ("months", "survivor_months", "payment"),
    [
        (59, "3.0000", "9600.00"),
        (60, "6.0000", "19200.00"),
        (180, "9.0000", "28800.00"),
        (420, "24.0000", "76800.00"),
    ],
)
def test_steps_and_cap(api, months, survivor_months, payment):
    body = post(api, contribution_months=months, death_date="2025-03-10").json()
    assert (body["survivor_months"], body["survivor_payment"]) == (survivor_months, payment)


def test_refusals(api):
    r = post(api, contribution_months=-1, death_date="2099-01-01")
    assert r.status_code == 400
    assert r.json()["errors"]["contribution_months"] == ["缴费月数不能为负数。"]
    assert r.json()["errors"]["death_date"] == ["死亡日期不能晚于今天。"]
    r = post(api, contribution_months=100, death_date="2021-08-31")
    assert r.status_code == 400
    assert "death_date" in r.json()["errors"]


def test_anonymous_refused(client):
    assert client.post(URL, {}, content_type="application/json").status_code in (401, 403)
