"""The visit through the API with tokens only: a ticket at the entrance, the window's call,
a case opened in the visit, the end of service, a 不满意 rating and the rectification it
opens; the second applicant a no-show after three calls; an empty queue, a second call
while serving and a second rating refused; the bundle catalogue."""

import pytest
from django.urls import reverse
from django.utils import timezone

from counterhall.calendar import add_working_days
from counterhall.models import Case, Rectification
from counterhall.roles import Role
from tests import factories
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(hall):
    return factories.UserFactory(username="g1", roles=[Role.HALL_ADMIN], hall=hall)


def test_journey_ticket_call_case_rating_rectification(desk, teller, window, test_types, client):
    guide, t1 = token_client("g1"), token_client(teller.username)

    r = guide.post("/api/v1/tickets/", {"category": "general"}, format="json")
    assert r.status_code == 201, r.content
    ticket = r.json()
    assert ticket["ticket"] == "A001" and ticket["waiting_ahead"] == 0
    assert ticket["category"] == "general" and ticket["hall"] == window.hall.code
    second = guide.post("/api/v1/tickets/", {"category": "general"}, format="json").json()
    assert second["waiting_ahead"] == 1

    r = t1.post(f"/api/v1/windows/{window.number}/call-next/")
    assert r.status_code == 200, r.content
    visit = r.json()
    assert visit["id"] == ticket["visit"] and visit["status"] == "called"
    assert visit["window"] == window.number and visit["teller"] == teller.username
    assert visit["called_at"] and visit["outcome"] is None

    r = t1.post(f"/api/v1/windows/{window.number}/call-next/")  # still serving A001
    assert r.status_code == 409 and "A001" in r.json()["detail"]

    r = t1.post(
        "/api/v1/cases/",
        {
            "business_type": "TST01",
            "applicant_name": "张三",
            "payload": {"amount": "1.00"},
            "documents_received": ["form", "id"],
            "visit": visit["id"],
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    case = r.json()
    assert case["visits"] == [visit["id"]] and case["applicant_visits"] == 1

    r = t1.post(f"/api/v1/visits/{visit['id']}/end/")
    assert r.status_code == 200, r.content
    served = r.json()
    assert served["status"] == "served" and served["outcome"] == "served"
    assert served["service_started_at"] and served["service_ended_at"]
    assert served["applicant"]["name"] == "张*"
    assert [c["number"] for c in served["cases"]] == [case["number"]]

    r = guide.post(
        f"/api/v1/visits/{visit['id']}/rating/",
        {"grade": 2, "reasons": ["服务态度"], "comment": "态度不好"},
        format="json",
    )
    assert r.status_code == 201, r.content
    rating = r.json()
    deadline = add_working_days(timezone.localdate(), 15)
    assert rating["grade"] == 2 and rating["grade_display"] == "不满意"
    assert rating["teller"] == teller.username
    assert rating["rectification"]["deadline"] == deadline.isoformat()
    assert Rectification.objects.filter(rating__visit_id=visit["id"]).exists()

    r = guide.post(f"/api/v1/visits/{visit['id']}/rating/", {"grade": 5}, format="json")
    assert r.status_code == 409 and r["Content-Type"] == "application/problem+json"

    detail = t1.get(f"/api/v1/visits/{visit['id']}/").json()
    assert detail["rating"]["rectification"]["closed"] is False

    # the rectification is on the hall admin's page
    client.force_login(desk)
    page = client.get(reverse("visit-rectifications")).content.decode()
    assert ticket["ticket"] in page and deadline.isoformat() in page

    # the second applicant: a no-show only after three calls
    r = t1.post(f"/api/v1/windows/{window.number}/call-next/")
    assert r.status_code == 200 and r.json()["ticket"] == "A002"
    no_show = f"/api/v1/visits/{second['visit']}/no-show/"
    assert t1.post(no_show).status_code == 409
    for calls in (1, 2):
        r = t1.post(f"/api/v1/visits/{second['visit']}/recall/", {"seen_calls": calls})
        assert r.status_code == 200 and r.json()["calls"] == calls + 1
    stale = t1.post(f"/api/v1/visits/{second['visit']}/recall/", {"seen_calls": 1})
    assert stale.status_code == 409
    r = t1.post(no_show)
    assert r.status_code == 200 and r.json()["outcome"] == "no_show"
    rating = guide.post(f"/api/v1/visits/{second['visit']}/rating/", {"grade": 5}, format="json")
    assert rating.status_code == 409  # not served

    # nobody waits: 204
    r = t1.post(f"/api/v1/windows/{window.number}/call-next/")
    assert r.status_code == 204 and r.content == b""


def test_case_visit_must_be_the_callers_open_visit(desk, teller, window, test_types):
    t1 = token_client(teller.username)
    guide = token_client("g1")
    visit = guide.post("/api/v1/tickets/", {"category": "general"}, format="json").json()
    body = {"business_type": "TST01", "visit": visit["visit"]}
    r = t1.post("/api/v1/cases/", body, format="json")  # not called yet
    assert r.status_code == 400 and "visit" in r.json()["errors"]
    assert not Case.objects.exists()


def test_transfer_needs_a_window_of_the_hall_and_a_reason(
    desk, teller, window, other_window, other_teller
):
    t1 = token_client(teller.username)
    token_client("g1").post("/api/v1/tickets/", {"category": "general"}, format="json")
    visit = t1.post(f"/api/v1/windows/{window.number}/call-next/").json()
    url = f"/api/v1/visits/{visit['id']}/transfer/"
    r = t1.post(url, {"to_window": 99, "reason": "x"}, format="json")
    assert r.status_code == 400 and "to_window" in r.json()["errors"]
    r = t1.post(url, {"to_window": other_window.number}, format="json")
    assert r.status_code == 400 and "reason" in r.json()["errors"]
    r = t1.post(url, {"to_window": other_window.number, "reason": "需核对参保地"}, format="json")
    assert r.status_code == 200, r.content
    moved = r.json()
    assert moved["status"] == "waiting" and moved["outcome"] == "transferred"
    assert moved["window"] == other_window.number and moved["transferred_from"] == window.number
    t2 = token_client(other_teller.username)
    r = t2.post(f"/api/v1/windows/{other_window.number}/call-next/")
    assert r.status_code == 200 and r.json()["id"] == visit["id"]


def test_bundle_catalogue_lists_each_document_once(teller, test_types):
    from counterhall.models import Bundle, BundleItem

    bundle = Bundle.objects.create(code="TSTB", name="测试一件事", name_en="Test bundle")
    for position, bt in enumerate((test_types.general, test_types.limited)):
        BundleItem.objects.create(bundle=bundle, business_type=bt, position=position)
    r = token_client(teller.username).get("/api/v1/bundles/")
    assert r.status_code == 200
    bundles = {b["code"]: b for b in r.json()["results"]}
    for listed in bundles.values():
        codes = [d["code"] for d in listed["documents"]]
        assert len(codes) == len(set(codes))
    test = bundles["TSTB"]
    assert [t["code"] for t in test["business_types"]] == ["TST01", "TST02"]
    shared = {d["code"]: d["business_types"] for d in test["documents"]}
    assert shared["form"] == ["TST01", "TST02"]  # needed by both, listed once


def test_visit_detail_in_a_fixed_number_of_queries(
    desk, teller, window, test_types, django_assert_max_num_queries
):
    from rest_framework.test import APIClient

    from counterhall import services, visit_services

    visit_services.visit_issue(actor=desk, hall=window.hall, category="general")
    visit = visit_services.visit_call(actor=teller, window=window)
    for _ in range(3):
        services.case_open(actor=teller, window=window, business_type=test_types.general)
    api = APIClient()
    api.force_authenticate(teller)
    with django_assert_max_num_queries(14):
        r = api.get(f"/api/v1/visits/{visit.pk}/")
    assert r.status_code == 200 and len(r.json()["cases"]) == 3
