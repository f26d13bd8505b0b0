"""The reviewer's and signers' endpoints: take-next, the sign-off batch with exclusions, and
delegations — the same services as the pages."""

import datetime as dt

import pytest
from django.utils import timezone

from counterhall.models import AuditEntry, Delegation
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting(teller, window, reviewer, test_types):
    """Two cases of the type needing leader and finance, approved and awaiting sign-off,
    in this session whatever the clock says (the sign-off time at the end of the day)."""
    window.hall.signoff_time = dt.time(23, 59, 59)
    window.hall.save(update_fields=["signoff_time"])
    return [
        factories.approved_case(
            reviewer=reviewer, teller=teller, window=window, business_type=test_types.limited
        )
        for _ in range(2)
    ]


def test_take_next_claims_the_head_then_204(api_as, reviewer, teller, window, test_types):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    client = api_as(reviewer)
    r = client.post("/api/v1/review/take-next/")
    assert r.status_code == 200
    assert (r.json()["id"], r.json()["reviewer"]) == (case.pk, "r1")
    assert set(r.json()["transitions"]) == {"approve", "return", "release", "reject"}
    assert client.post("/api/v1/review/take-next/").status_code == 204
    returned = client.post(f"/api/v1/cases/{case.pk}/return/", {"reasons": []}, format="json")
    assert returned.status_code == 400 and "reasons" in returned.json()["errors"]
    returned = client.post(
        f"/api/v1/cases/{case.pk}/return/", {"reasons": ["材料不清晰"]}, format="json"
    )
    assert returned.json()["state"] == "returned"
    assert returned.json()["return_reasons"] == ["材料不清晰"]


def test_signoff_batch_signs_and_holds(api_as, leader, awaiting):
    client = api_as(leader)
    batch = client.get("/api/v1/signoff/").json()
    assert sorted(batch["case_ids"]) == sorted(c.pk for c in awaiting)
    assert batch["totals"]["cases"] == 2 and batch["groups"][0]["business_type"] == "TST02"
    first, second = awaiting
    r = client.post(
        "/api/v1/signoff/sign/",
        {"case_ids": [first.pk], "exclude": [{"case_id": second.pk, "reason": "金额待核"}]},
        format="json",
    )
    assert r.status_code == 200, r.content
    results = {x["case_id"]: x["result"] for x in r.json()["results"]}
    assert results == {first.pk: "signed", second.pk: "held"}
    again = client.post("/api/v1/signoff/sign/", {"case_ids": [first.pk]}, format="json")
    assert again.json()["results"][0]["result"] == "changed"  # signed already by them
    no_reason = client.post(
        "/api/v1/signoff/sign/",
        {"case_ids": [], "exclude": [{"case_id": first.pk, "reason": ""}]},
        format="json",
    )
    assert no_reason.status_code == 400


def test_delegations_create_list_end(api_as, leader, finance):
    client = api_as(leader)
    today = timezone.localdate()
    r = client.post(
        "/api/v1/delegations/",
        {
            "delegate": "f1",
            "role": "leader",
            "starts_on": str(today),
            "ends_on": str(today + dt.timedelta(days=2)),
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    delegation = Delegation.objects.get()
    assert r.json()["id"] == delegation.pk and r.json()["delegate"] == "f1"
    assert api_as(finance).get("/api/v1/delegations/").json()["results"][0]["id"] == delegation.pk
    overlap = client.post(
        "/api/v1/delegations/",
        {"delegate": "f1", "role": "leader", "starts_on": str(today), "ends_on": str(today)},
        format="json",
    )
    assert overlap.status_code == 400 and "starts_on" in overlap.json()["errors"]
    ended = client.post(f"/api/v1/delegations/{delegation.pk}/end/")
    assert ended.status_code == 200 and ended.json()["ended_at"]
    assert AuditEntry.objects.filter(action__startswith="delegation.").count() == 2
    assert client.post("/api/v1/delegations/999999/end/").status_code == 404
