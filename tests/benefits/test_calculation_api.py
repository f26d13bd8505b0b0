"""The calculation previews under /api/v1/calculations/ (session or token, hall staff only)."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from counterhall.models import PolicyParameter
from tests import factories


@pytest.fixture
def api(teller):
    client = APIClient()
    client.force_login(teller)
    return client


def post(client, name, data):
    return client.post(f"/api/v1/calculations/{name}/", data, format="json")


# --------------------------------------------------------------------------- retirement


def test_retirement_preview_returns_age_month_and_minimum(api):
    response = post(
        api,
        "retirement",
        {"birth_date": "1970-06-15", "sex": "male", "original_retirement_age": 60},
    )
    assert response.status_code == 200
    assert response.json() == {
        "retirement_age": {"years": 61, "months": 5},
        "retirement_month": "2031-11",
        "minimum_contribution_months": 192,
    }


def test_retirement_preview_for_a_worker_woman_at_the_cap(api):
    response = post(
        api,
        "retirement",
        {"birth_date": "1984-11-01", "sex": "female", "original_retirement_age": 50},
    )
    assert response.json()["retirement_age"] == {"years": 55, "months": 0}
    assert response.json()["retirement_month"] == "2039-11"
    assert response.json()["minimum_contribution_months"] == 240


def test_retirement_preview_refuses_bad_fields_one_message_each(api):
    response = post(
        api, "retirement", {"birth_date": "1970-02-30", "sex": "x", "original_retirement_age": 45}
    )
    assert response.status_code == 400
    body = response.json()["errors"]
    assert set(body) == {"birth_date", "sex", "original_retirement_age"}
    assert "YYYY-MM-DD" in body["birth_date"][0]


def test_retirement_preview_refuses_an_original_age_that_does_not_fit_the_sex(api):
    response = post(
        api,
        "retirement",
        {"birth_date": "1970-01-01", "sex": "male", "original_retirement_age": 55},
    )
    assert response.status_code == 400
    assert "男性为 60 岁" in response.json()["errors"]["original_retirement_age"][0]


# --------------------------------------------------------------------------- pension

PENSION = {
    "retirement_month": "2025-04",
    "retirement_age": {"years": 60, "months": 1},
    "average_contribution_index": "0.80",
    "contribution_months": 420,
    "deemed_months": 0,
    "account_balance": "120000",
}


def test_pension_preview_reproduces_the_worked_example(api):
    response = post(api, "pension", PENSION)
    assert response.status_code == 200
    assert response.json() == {
        "basic_pension": "2205.00",
        "account_pension": "863.31",
        "transitional_pension": "0.00",
        "total": "3068.31",
        "months_divisor": "139.00",
    }


def test_pension_preview_average_wage_override_and_deemed_years(api):
    response = post(
        api,
        "pension",
        {**PENSION, "deemed_months": 120, "contribution_months": 300, "average_wage": "8000"},
    )
    body = response.json()
    # (8000 + 6400)/2 × 35 × 1 % = 2520.00; 6400 × 10 × 1.2 % = 768.00
    assert body["basic_pension"] == "2520.00"
    assert body["transitional_pension"] == "768.00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"average_contribution_index": "0.50"}, "average_contribution_index"),
        ({"average_contribution_index": "3.10"}, "average_contribution_index"),
        ({"account_balance": "-5"}, "account_balance"),
        ({"retirement_month": "2025/04"}, "retirement_month"),
        ({"retirement_age": {"years": 60, "months": 12}}, "retirement_age"),
        ({"contribution_months": -1}, "contribution_months"),
    ],
)
def test_pension_preview_bad_input_is_a_400_at_the_field(api, change, field):
    response = post(api, "pension", {**PENSION, **change})
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_pension_preview_uses_the_region_given(api):
    PolicyParameter.objects.create(
        region="220100",
        key="pension.jifa_base",
        value="9000.00",
        effective_from="2020-01-01",
        tag="province",
    )
    default = post(api, "pension", PENSION).json()
    changchun = post(api, "pension", {**PENSION, "region": "220100"}).json()
    assert default["basic_pension"] == "2205.00"
    assert changchun["basic_pension"] == "2835.00"  # (9000 + 7200)/2 × 35 %


def test_pension_preview_missing_parameter_is_explained(api):
    response = post(api, "pension", {**PENSION, "retirement_month": "2005-01"})
    assert response.status_code == 400
    assert "缺少政策参数" in response.json()["errors"]["non_field_errors"][0]


# --------------------------------------------------------------------------- unemployment


def test_unemployment_preview_reproduces_the_worked_example(api):
    response = post(
        api, "unemployment", {"contribution_months": 87, "unused_months_from_earlier_spell": 4}
    )
    assert response.status_code == 200
    assert response.json() == {
        "entitlement_months": 22,
        "monthly_amount": "1386.00",
        "total": "30492.00",
    }


def test_unemployment_preview_short_contribution_is_refused(api):
    response = post(api, "unemployment", {"contribution_months": 11})
    assert response.status_code == 400
    assert "还差 1 个月" in response.json()["errors"]["contribution_months"][0]


def test_unemployment_preview_region_defaults_to_the_callers_hall(db, api, hall):
    PolicyParameter.objects.create(
        region="220100",
        key="min_wage",
        value="1880.00",
        effective_from="2021-12-01",
        tag="province",
    )
    assert (
        post(api, "unemployment", {"contribution_months": 12}).json()["monthly_amount"] == "1386.00"
    )
    hall.region = "220100"
    hall.save()
    assert (
        post(api, "unemployment", {"contribution_months": 12}).json()["monthly_amount"] == "1692.00"
    )


# --------------------------------------------------------------------------- access


def test_token_authentication_works(teller):
    client = APIClient()
    token = Token.objects.create(user=teller)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = post(client, "unemployment", {"contribution_months": 60})
    assert response.status_code == 200
    assert response.json()["entitlement_months"] == 18


@pytest.mark.parametrize("name", ["retirement", "pension", "unemployment", "transfer"])
def test_anonymous_callers_are_refused(db, name):
    response = post(APIClient(), name, {})
    assert response.status_code in (401, 403)


def test_a_user_without_a_hall_is_refused(db):
    client = APIClient()
    client.force_login(factories.UserFactory(username="nohall"))
    assert post(client, "unemployment", {"contribution_months": 60}).status_code == 403
