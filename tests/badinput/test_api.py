"""Every API endpoint that takes input, fed the bad-input corpus one field at a time on an
otherwise valid body, and malformed JSON: a 400 problem with the message at the field,
never a 500, no row written."""

import json

import pytest

from counterhall.models import BusinessType
from tests import casework, factories
from tests.badinput import payloads
from tests.badinput.conftest import row_counts

pytestmark = pytest.mark.django_db

CALC = "/api/v1/calculations/"
BODIES = {
    "contribution": {"period": "2026-01", "declared_wage": "5000"},
    "arrears": {"principal": "1000", "due_date": "2025-01-15", "paid_date": "2025-03-01"},
    "retirement": {"birth_date": "1970-05-01", "sex": "male", "original_retirement_age": 60},
    "pension": {
        "retirement_month": "2030-06",
        "retirement_age": {"years": 61, "months": 0},
        "average_contribution_index": "1.0",
        "contribution_months": 300,
        "deemed_months": 0,
        "account_balance": "100000",
    },
    "unemployment": {"contribution_months": 60},
    "transfer": {"account_balance": "1000", "yearly_wages": [{"year": 2020, "wage_total": "5"}]},
    "survivor": {"contribution_months": 200, "death_date": "2025-01-01"},
}
# Values no field of a calculation takes (every field is a date, a month, a number or a
# choice). A full-width date is what an IME types for a date: DRF folds it, so it is valid.
VALUES = [
    *(d for d in payloads.DATES if not d.startswith("２")),
    *payloads.NUMBERS,
    *payloads.TEXT[:3],
    *(None, [], {}, True, 10**18, -1),
]
CASES = [
    (name, field, value)
    for name, body in BODIES.items()
    for field in body
    for value in VALUES
    if (name, field, value) != ("transfer", "yearly_wages", [])  # no wages: allowed
]


def problem_at(response, field: str) -> list[str]:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert field in errors, errors
    return errors[field]


@pytest.fixture
def api_for(api_as, teller, special_clerk):
    return lambda name: api_as(special_clerk if name == "survivor" else teller)


@pytest.mark.parametrize("name", BODIES)
def test_the_valid_bodies_are_valid(api_for, name):
    r = api_for(name).post(f"{CALC}{name}/", BODIES[name], format="json")
    assert r.status_code == 200, r.content[:300]


@pytest.mark.parametrize(("name", "field", "value"), CASES, ids=range(len(CASES)))
def test_a_bad_value_in_a_calculation_is_a_field_message(api_for, name, field, value):
    before = row_counts()
    r = api_for(name).post(f"{CALC}{name}/", {**BODIES[name], field: value}, format="json")
    assert problem_at(r, field)
    assert row_counts() == before


@pytest.mark.parametrize(
    "value", ["２２２４２４", "22242٤", "2224", "22242X", "<scri", "2224240", "", 222424.0]
)
def test_a_bad_region_is_a_field_message(api_for, value):
    r = api_for("contribution").post(
        f"{CALC}contribution/", {**BODIES["contribution"], "region": value}, format="json"
    )
    assert problem_at(r, "region")


MALFORMED = ['{"period": ', "[" * 10_000, "\x00", '{"a": NaN}', "", "null", '"x"', "{}" * 500]


@pytest.mark.parametrize("body", MALFORMED, ids=range(len(MALFORMED)))
@pytest.mark.parametrize("name", ["contribution", "arrears", "pension"])
def test_malformed_json_is_a_400(api_for, name, body):
    r = api_for(name).post(f"{CALC}{name}/", body, content_type="application/json")
    assert r.status_code == 400, r.content[:300]
    assert r["Content-Type"] == "application/problem+json"


# ---------------------------------------------------------------- cases, acts, token


@pytest.fixture
def api(api_as, teller):
    return api_as(teller)


CREATE = (
    [
        ("business_type", value)
        for value in ["REG99", "<script>", "x" * 10_000, "ＲＥＧ０１", None, 5, ["REG01"]]
    ]
    + [("window", value) for value in ["-1", "1e18", 10**18, "abc", "１x", 0, None]]
    + [
        ("deferred", value)
        for value in [
            [{"code": "contract", "due": "9999-12-31"}],
            [{"code": "contract", "due": "1899-12-31"}],
            [{"code": "contract", "due": "2026-02-30"}],
            [{"code": "x" * 10_000, "due": "2030-01-01"}],
            "abc",
            [None],
        ]
    ]
    + [
        ("payload", value)
        for value in [
            {"registered_on": "9999-12-31", "uscc": "91222424MA0Y12340C"},
            {"registered_on": "0001-01-01", "name": "<script>alert(1)</script>"},
            {"injury_class": "1000000000000000000", "bank_account": "6222０００"},
            "not a dict",
            [1, 2],
        ]
    ]
    + [("applicant_name", value) for value in ["x" * 10_000, ["a"], {"a": 1}]]
)


@pytest.mark.parametrize(("field", "value"), CREATE, ids=range(len(CREATE)))
def test_a_bad_case_create_writes_nothing(api, field, value):
    before = row_counts()
    body = {"business_type": "REG01", field: value}
    r = api.post("/api/v1/cases/", body, format="json")
    assert problem_at(r, field)
    assert row_counts() == before


def test_a_promise_too_far_through_the_api_names_the_latest_date(api, test_types):
    bt = BusinessType.objects.get(code="TST04")
    code = bt.documents.filter(deferrable=True).values_list("code", flat=True).first()
    before = row_counts()
    r = api.post(
        "/api/v1/cases/",
        {"business_type": "TST04", "deferred": [{"code": code, "due": "2099-12-31"}]},
        format="json",
    )
    messages = problem_at(r, "deferred")
    assert any("不得晚于" in m for m in messages), messages
    assert row_counts() == before


ACT_BODIES = [
    {"reasons": ["x" * 10_000]},
    {"reasons": "not a list"},
    {"reasons": [None]},
    {"reasons": ["r"] * 51},
    {"reason": "x" * 10_000},
    {"note": "x" * 10_000},
    {"seen_state": "<script>"},
    {"seen_state": "ｄｒａｆｔ"},
]


@pytest.mark.parametrize("body", ACT_BODIES, ids=range(len(ACT_BODIES)))
@pytest.mark.parametrize("act", ["reject", "withdraw", "submit"])
def test_a_bad_act_body_changes_nothing(api, teller, window, act, body):
    case = casework.open_case("REG01", teller=teller, window=window)
    before = row_counts()
    r = api.post(f"/api/v1/cases/{case.pk}/{act}/", body, format="json")
    assert problem_at(r, next(iter(body)))
    assert row_counts() == before
    case.refresh_from_db()
    assert case.state == "draft"


@pytest.mark.parametrize(
    "body",
    [
        {"username": "x" * 10_000, "password": "pw"},
        {"username": "t1", "password": "x" * 10_000},
        {"username": ["t1"], "password": "pw"},
        {"username": "<script>", "password": None},
        {"username": "=cmd|' /C calc'!A0"},
    ],
)
def test_a_bad_token_request_is_a_field_message(client, teller, body):
    before = row_counts()
    r = client.post("/api/v1/auth/token/", json.dumps(body), content_type="application/json")
    assert r.status_code == 400, r.content[:300]
    assert r.json()["errors"]
    assert row_counts() == before
    factories  # noqa: B018  (the teller fixture is the user)
