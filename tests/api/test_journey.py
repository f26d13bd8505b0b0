"""End to end through the API with tokens only: REG01 from creation through review to
completion; a CON04 refund through review and both signatures; an auditor reads both
timelines; a special clerk's SPC03 stays 404 to a general teller."""

import pytest

from registration.models import Employer
from tests import masterdata as md
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

NEW_USCC = md.USCC_C
REG01 = {
    "uscc": NEW_USCC,
    "name": "汪清县新开示例有限公司",
    "legal_representative": "吴法人",
    "injury_class": "3",
    "registered_on": "2025-01-02",
    "bank_account": "6222000011118888",
}
REFUND = {
    "uscc": md.USCC_A,
    "amount": "80.00",
    "reason": "重复缴费",
    "bank_account": "6222000011112222",
}


def documents(api, code):
    r = api.get(f"/api/v1/catalogue/{code}/")
    assert r.status_code == 200
    return [d["code"] for d in r.json()["required_documents"]]


def act(api, case_id, name, expected=200, **body):
    r = api.post(f"/api/v1/cases/{case_id}/{name}/", body, format="json")
    assert r.status_code == expected, r.content
    return r.json()


def take_next(api, case_id):
    r = api.post("/api/v1/review/take-next/")
    assert r.status_code == 200, r.content
    assert r.json()["id"] == case_id and r.json()["state"] == "in_review"
    return r.json()


def test_reg01_con04_and_the_auditor(teller, reviewer, leader, finance, auditor):
    t, r = token_client("t1"), token_client("r1")

    # REG01: intake in one request, submitted, taken next, approved, completed.
    created = t.post(
        "/api/v1/cases/",
        {
            "business_type": "REG01",
            "applicant_name": "吴经办",
            "payload": REG01,
            "documents_received": documents(t, "REG01"),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    reg = created.json()
    assert reg["state"] == "draft" and reg["window"] == 1 and reg["teller"] == "t1"
    assert "submit" in reg["transitions"] and "approve" not in reg["transitions"]
    assert reg["payload"]["bank_account"] == "************8888"  # masked
    reg = act(t, reg["id"], "submit", seen_state="draft")
    assert reg["state"] == "submitted" and reg["is_immediate"] is True
    assert r.post("/api/v1/review/take-next/").json()["id"] == reg["id"]
    assert "approve" in r.get(f"/api/v1/cases/{reg['id']}/").json()["transitions"]
    act(t, reg["id"], "approve", expected=403)  # visible to the teller, not theirs to decide
    reg = act(r, reg["id"], "approve")
    assert reg["state"] == "approved"
    act(t, reg["id"], "complete", expected=409, seen_state="submitted")  # stale
    reg = act(t, reg["id"], "complete", seen_state="approved")
    assert reg["state"] == "completed" and reg["completed_at"]
    assert Employer.objects.get(uscc=NEW_USCC).name == REG01["name"]
    act(t, reg["id"], "withdraw", expected=409, reason="不办了")  # not from completed

    # CON04: a refund of an overpayment, both signatures in the daily session.
    employer = md.employer(uscc=md.USCC_A)
    md.overpay(employer)
    con = t.post(
        "/api/v1/cases/",
        {"business_type": "CON04", "payload": REFUND, "documents_received": documents(t, "CON04")},
        format="json",
    ).json()
    con = act(t, con["id"], "submit")
    assert con["state"] == "submitted" and con["promised_deadline"]
    take_next(r, con["id"])
    con = act(r, con["id"], "approve")
    assert con["state"] == "awaiting_signoff" and con["signoff_roles"] == ["leader", "finance"]
    for username in ("l1", "f1"):
        signer = token_client(username)
        batch = signer.get("/api/v1/signoff/").json()
        # this session's, or the next one's when the clock is past the hall's sign-off time
        assert con["id"] in batch["case_ids"] + [row["id"] for row in batch["later"]]
        signed = signer.post("/api/v1/signoff/sign/", {"case_ids": [con["id"]]}, format="json")
        assert signed.status_code == 200, signed.content
        assert signed.json()["results"] == [
            {"case_id": con["id"], "number": con["number"], "result": "signed"}
        ]
    con = t.get(f"/api/v1/cases/{con['id']}/").json()
    assert con["state"] == "approved"
    assert {(s["role"], s["signer"]) for s in con["signatures"]} == {
        ("leader", "l1"),
        ("finance", "f1"),
    }
    con = act(t, con["id"], "complete")
    assert con["state"] == "completed"

    # The auditor reads both timelines, newest first; a teller may not.
    a = token_client("a1")
    for case, first in ((reg, "case.open"), (con, "case.open")):
        timeline = a.get(f"/api/v1/audit/?case={case['id']}").json()["results"]
        actions = [e["action"] for e in timeline]
        assert actions[0] == "case.complete" and actions[-1] == first
        assert "case.approve" in actions
    con_actions = [e["action"] for e in a.get(f"/api/v1/audit/?case={con['id']}").json()["results"]]
    assert con_actions.count("case.sign") == 2
    assert t.get("/api/v1/audit/").status_code == 403


def test_special_case_stays_404_to_a_general_teller(teller, special_clerk, other_teller):
    s, t = token_client("s1"), token_client("t1")
    spc = s.post(
        "/api/v1/cases/",
        {"business_type": "SPC03", "applicant_name": "李家属", "documents_received": []},
        format="json",
    )
    assert spc.status_code == 201, spc.content
    case = spc.json()
    assert case["is_special"] is True and case["window"] == 9
    assert s.get(f"/api/v1/cases/{case['id']}/").status_code == 200
    for path in ("", "submit/", "withdraw/", "continue/"):
        r = t.post(f"/api/v1/cases/{case['id']}/{path}", {}, format="json") if path else None
        got = r if r is not None else t.get(f"/api/v1/cases/{case['id']}/")
        assert got.status_code == 404, (path, got.content)
    assert case["id"] not in [c["id"] for c in t.get("/api/v1/cases/").json()["results"]]
    found = t.get("/api/v1/search/", {"q": case["number"]}).json()
    assert found["cases"] == []


def test_a_general_case_is_read_by_any_window_and_continued(teller, other_teller, test_types):
    t1, t2 = token_client("t1"), token_client("t2")
    case = t1.post(
        "/api/v1/cases/",
        {"business_type": "TST01", "payload": {"amount": "10.00"}, "documents_received": ["form"]},
        format="json",
    ).json()
    seen = t2.get(f"/api/v1/cases/{case['id']}/")
    assert seen.status_code == 200  # one hall, any window
    assert seen.json()["transitions"] == ["continue"]
    act(t2, case["id"], "submit", expected=403)
    moved = act(t2, case["id"], "continue", seen_state="draft", seen_teller="t1")
    assert (moved["teller"], moved["window"]) == ("t2", 2)
    act(t1, case["id"], "continue", expected=409, seen_state="draft", seen_teller="t1")
