"""Every error is RFC 9457 problem details: malformed and deeply nested JSON, wrong content
type, numbers too large, unknown paths, refusals, conflicts."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

CALCULATIONS = [
    "/api/v1/calculations/contribution/",
    "/api/v1/calculations/arrears/",
    "/api/v1/calculations/retirement/",
    "/api/v1/calculations/pension/",
    "/api/v1/calculations/unemployment/",
    "/api/v1/calculations/transfer/",
    "/api/v1/calculations/survivor/",
]
PROBLEM_KEYS = {"type", "title", "status", "detail"}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"].startswith("urn:counterhall:problem:")
    return body


@pytest.fixture
def api(api_as, teller, special_clerk):
    return api_as(teller)


@pytest.fixture
def api_for(api_as, teller, special_clerk):
    """The survivor preview is special business: the special clerk's."""
    return lambda url: api_as(special_clerk if url.endswith("survivor/") else teller)


@pytest.mark.parametrize("url", [*CALCULATIONS, "/api/v1/cases/"])
def test_deeply_nested_json_is_a_400(api_for, url):
    r = api_for(url).post(url, "[" * 100_000, content_type="application/json")
    body = assert_problem(r, 400)
    assert body["detail"]


@pytest.mark.parametrize("url", [*CALCULATIONS, "/api/v1/cases/"])
def test_malformed_json_is_a_400(api_for, url):
    r = api_for(url).post(url, '{"period": ', content_type="application/json")
    assert_problem(r, 400)


def test_wrong_content_type_is_a_415(api):
    r = api.post(CALCULATIONS[0], "period=2026-01", content_type="text/plain")
    assert_problem(r, 415)


def test_a_principal_too_large_for_the_answer_is_not_a_500(api):
    r = api.post(
        "/api/v1/calculations/arrears/",
        {"principal": "999999999999.99", "due_date": "2020-01-01", "paid_date": "2026-01-01"},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["principal"] == "999999999999.99"


@pytest.mark.parametrize("url", CALCULATIONS)
def test_numbers_too_large_are_never_a_500(api_for, url):
    client = api_for(url)
    big = "9" * 40
    body = {
        "principal": big,
        "declared_wage": big,
        "due_date": "2020-01-01",
        "paid_date": "2026-01-01",
        "period": "2026-01",
        "contribution_months": int(big),
        "death_date": "2025-01-01",
        "account_balance": big,
    }
    r = client.post(url, body, format="json")
    assert r.status_code in (200, 400), r.content[:300]  # an answer or a field, never a 500
    if r.status_code == 400:
        assert assert_problem(r, 400)["errors"]


def test_field_errors_are_listed_per_field(api):
    r = api.post(CALCULATIONS[0], {"period": "2026-01", "declared_wage": "-1"}, format="json")
    body = assert_problem(r, 400)
    assert "负数" in body["errors"]["declared_wage"][0]
    assert body["detail"] == body["errors"]["declared_wage"][0]


def test_unknown_api_path_is_a_404_problem(api):
    assert_problem(api.get("/api/v1/no-such-thing/"), 404)


def test_not_signed_in_is_a_401(client, db):
    body = assert_problem(client.get("/api/v1/cases/"), 401)
    assert body["title"]


def test_a_user_without_a_hall_is_a_403(api_as, db):
    user = factories.UserFactory(username="nohall")
    assert_problem(api_as(user).get("/api/v1/cases/"), 403)


def test_method_not_allowed_is_a_405(api):
    r = api.delete("/api/v1/cases/")
    assert_problem(r, 405)
    assert "GET" in r["Allow"]


@pytest.mark.parametrize("cookie", ["abc\x00def12345", "ÿ" * 32, "a b"])
def test_a_forged_session_cookie_is_no_session_not_a_500(client, cookie):
    """A session cookie no session key can be (a NUL byte: PostgreSQL refuses it in text)
    is dropped before the session is looked up (``SessionCookieGuardMiddleware``)."""
    client.cookies["sessionid"] = cookie
    r = client.get("/api/v1/catalogue/")
    assert r.status_code == 401 and r["Content-Type"] == "application/problem+json"
    assert client.get("/").status_code in (200, 302)
