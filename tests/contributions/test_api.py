"""The calculation endpoints: worked examples, decimals as strings, 400 per field, staff only."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from counterhall.models import AuditEntry
from counterhall.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db
CONTRIB = "/api/v1/calculations/contribution/"
ARREARS = "/api/v1/calculations/arrears/"


@pytest.fixture
def api(teller):
    client = APIClient()
    client.force_authenticate(teller)
    return client


@pytest.mark.parametrize(
    ("wage", "base", "clamped", "pension_er", "unemp_ind", "injury"),
    [
        ("5000", "5000.00", "", "800.00", "25.00", "10.00"),
        ("3000", "3900.00", "floor", "624.00", "19.50", "7.80"),
        ("25000", "19500.00", "ceiling", "3120.00", "97.50", "39.00"),
    ],
)
def test_contribution_worked_example(api, wage, base, clamped, pension_er, unemp_ind, injury):
    before = AuditEntry.objects.count()
    r = api.post(CONTRIB, {"period": "2026-01", "declared_wage": wage}, format="json")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["region"] == "222424"  # the caller's hall
    assert body["period"] == "2026-01"
    assert (body["floor"], body["ceiling"], body["base"]) == ("3900.00", "19500.00", base)
    assert body["clamped"] == clamped
    assert body["schemes"]["pension"]["employer"] == pension_er
    assert body["schemes"]["unemployment"]["individual"] == unemp_ind
    assert body["schemes"]["work_injury"]["employer"] == injury
    assert isinstance(body["totals"]["total"], str)
    assert any(p["key"] == "base.avg_wage" for p in body["parameters"])
    assert AuditEntry.objects.count() == before  # nothing written


def test_contribution_with_region_and_injury_class(api):
    r = api.post(
        CONTRIB,
        {"region": "220000", "period": "2026-01", "declared_wage": "5000", "injury_class": 5},
        format="json",
    )
    assert r.status_code == 200
    assert r.json()["schemes"]["work_injury"]["employer"] == "55.00"


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({"period": "2026-01", "declared_wage": "-1"}, "declared_wage", "负数"),
        ({"period": "2026-01", "declared_wage": "abc"}, "declared_wage", "数字"),
        ({"period": "2026-1x", "declared_wage": "5000"}, "period", "YYYY-MM"),
        ({"period": "2026-01"}, "declared_wage", "必填"),
        ({"period": "2026-01", "declared_wage": "5000", "region": "22"}, "region", "6 位"),
        (
            {"period": "2026-01", "declared_wage": "5000", "injury_class": 9},
            "injury_class",
            "1 至 8",
        ),
        ({"period": "2010-01", "declared_wage": "5000"}, "region", "缺少政策参数"),
    ],
)
def test_contribution_bad_input(api, payload, field, fragment):
    r = api.post(CONTRIB, payload, format="json")
    assert r.status_code == 400
    assert fragment in " ".join(r.json()["errors"][field])


def test_arrears_worked_examples(api):
    r = api.post(
        ARREARS,
        {"principal": "1200", "due_date": "2026-03-15", "paid_date": "2026-04-29"},
        format="json",
    )
    assert r.status_code == 200
    body = r.json()
    assert body["days_late"] == 45 and body["late_fee"] == "27.00" and body["total"] == "1227.00"
    assert body["capped"] is False
    r = api.post(
        ARREARS,
        {"principal": "100000", "due_date": "2026-03-01", "paid_date": "2026-03-31"},
        format="json",
    )
    assert r.json()["late_fee"] == "1500.00"
    r = api.post(
        ARREARS,
        {"principal": "100", "due_date": "2015-01-15", "paid_date": "2023-04-03"},
        format="json",
    )
    assert r.json()["late_fee"] == "100.00" and r.json()["capped"] is True


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"principal": "x", "due_date": "2026-03-15", "paid_date": "2026-04-29"}, "principal"),
        ({"principal": "-1", "due_date": "2026-03-15", "paid_date": "2026-04-29"}, "principal"),
        ({"principal": "1", "due_date": "2026-02-30", "paid_date": "2026-04-29"}, "due_date"),
        ({"principal": "1", "due_date": "2026-03-15", "paid_date": "2026-03-14"}, "paid_date"),
    ],
)
def test_arrears_bad_input(api, payload, field):
    r = api.post(ARREARS, payload, format="json")
    assert r.status_code == 400
    assert r.json()["errors"][field]


def test_anonymous_and_non_staff_refused(db):
    assert APIClient().post(CONTRIB, {}, format="json").status_code in (401, 403)
    outsider = factories.UserFactory(username="outsider")
    client = APIClient()
    client.force_authenticate(outsider)
    assert client.post(CONTRIB, {}, format="json").status_code == 403


def test_token_authentication(hall):
    user = factories.UserFactory(username="sys", roles=[Role.AUDITOR], hall=hall)
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    r = client.post(CONTRIB, {"period": "2026-01", "declared_wage": "5000"}, format="json")
    assert r.status_code == 200
