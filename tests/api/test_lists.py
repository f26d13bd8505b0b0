"""Lists page by cursor, filter, and run a fixed number of queries whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from counterhall import services, spotchecks
from tests import factories
from tests.casefile import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_cases(teller, window, test_types):
    return [
        factories.ready_case(teller=teller, window=window, business_type=test_types.general)
        for _ in range(12)
    ]


def queries(client, url, **params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, params)
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries), r.json()


@pytest.mark.parametrize("url", ["/api/v1/cases/", "/api/v1/audit/", "/api/v1/catalogue/"])
def test_query_count_does_not_grow_with_the_page(api_as, hall_admin, many_cases, url):
    client = api_as(hall_admin)
    queries(client, url, page_size=1)  # the user's roles and hall, cached on the user
    small, first = queries(client, url, page_size=2)
    large, whole = queries(client, url, page_size=10)
    assert len(first["results"]) == 2 and len(whole["results"]) == 10
    assert small == large


def test_cases_page_by_cursor_newest_first(api_as, teller, many_cases):
    client = api_as(teller)
    seen = []
    url, params = "/api/v1/cases/", {"page_size": 5}
    while url:
        body = client.get(url, params).json()
        seen += [c["id"] for c in body["results"]]
        url, params = body["next"], {}
    assert seen == sorted((c.pk for c in many_cases), reverse=True)


def test_cases_filter(api_as, teller, other_teller, other_window, many_cases, test_types):
    other = factories.ready_case(
        teller=other_teller, window=other_window, business_type=test_types.limited
    )
    services.case_submit(actor=teller, case_id=many_cases[0].pk, seen_state=None)
    client = api_as(teller)

    def ids(**params):
        r = client.get("/api/v1/cases/", {**params, "page_size": 50})
        assert r.status_code == 200, r.content
        return {c["id"] for c in r.json()["results"]}

    assert ids(state="submitted") == {many_cases[0].pk}
    assert ids(business_type="TST02") == {other.pk}
    assert ids(teller="t2") == ids(window=2) == {other.pk}
    assert len(ids(**{"from": "2000-01-01", "to": "2999-12-31"})) == 13
    assert ids(**{"to": "2000-01-01"}) == set()
    bad = client.get("/api/v1/cases/", {"business_type": "NOPE", "window": 77, "state": "x"})
    assert bad.status_code == 400
    assert {"state"} <= set(bad.json()["errors"])
    unknown = client.get("/api/v1/cases/", {"business_type": "NOPE", "window": 77})
    assert set(unknown.json()["errors"]) == {"business_type", "window"}


def test_audit_filters_and_order(api_as, auditor, many_cases, teller):
    client = api_as(auditor)
    case = many_cases[3]
    body = client.get("/api/v1/audit/", {"case": case.pk}).json()
    actions = [e["action"] for e in body["results"]]
    assert actions == ["case.application", "case.documents", "case.open"]
    assert all(e["target_id"] == str(case.pk) for e in body["results"])
    assert client.get("/api/v1/audit/", {"action": "case.open"}).json()["results"][0][
        "target_id"
    ] == str(many_cases[-1].pk)
    assert client.get("/api/v1/audit/", {"actor": "nobody"}).json()["results"] == []
    assert (
        len(client.get("/api/v1/audit/", {"actor": "t1", "page_size": 200}).json()["results"]) == 36
    )


def test_spot_checks_list_query_count_does_not_grow_with_the_page(api_as, auditor, test_types):
    today = timezone.localdate()
    for _ in range(6):
        spotchecks.sample_draw(
            actor=auditor, date_from=today, date_to=today, percentages={test_types.general.code: 5}
        )
    client = api_as(auditor)
    queries(client, "/api/v1/spot-checks/", page_size=1)
    small, first = queries(client, "/api/v1/spot-checks/", page_size=2)
    large, whole = queries(client, "/api/v1/spot-checks/", page_size=6)
    assert len(first["results"]) == 2 and len(whole["results"]) == 6
    assert small == large


def test_a_documents_pages_list_query_count_does_not_grow_with_its_pages(
    api_as, teller, many_cases
):
    one, many = many_cases[0], many_cases[1]
    services.case_pages_add(
        actor=teller, case_id=one.pk, document_code="form", files=[files.jpeg()]
    )
    services.case_pages_add(
        actor=teller, case_id=many.pk, document_code="form", files=[files.jpeg() for _ in range(5)]
    )
    client = api_as(teller)
    queries(client, f"/api/v1/cases/{one.pk}/documents/form/pages/")
    small, first = queries(client, f"/api/v1/cases/{one.pk}/documents/form/pages/")
    large, whole = queries(client, f"/api/v1/cases/{many.pk}/documents/form/pages/")
    assert len(first["results"]) == 1 and len(whole["results"]) == 5
    assert small == large
