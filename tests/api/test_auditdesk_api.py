"""The auditor's desk through the API: spot checks (draw with the page's rules, a sample with
its findings, a verdict; an auditor who worked on a case is refused), the audit log's last
verification and seal head, and the audit list on the desk's filters."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from counterhall import audit
from counterhall.models import AuditEntry, FindingVerdict, SpotCheckFinding, SpotCheckSample
from counterhall.roles import Role
from tests import casework, factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(teller, window, reviewer, test_types):
    return [
        casework.complete(
            test_types.general,
            {"amount": str(100 * (i + 1))},
            teller=teller,
            window=window,
            reviewer=reviewer,
        )
        for i in range(4)
    ]


def draw(client, **rules):
    today = str(timezone.localdate())
    return client.post(
        "/api/v1/spot-checks/", {"date_from": today, "date_to": today, **rules}, format="json"
    )


def test_draw_list_and_read_a_sample(api_as, auditor, hall_admin, completed, test_types):
    client = api_as(auditor)
    r = draw(client, percentages={test_types.general.code: "50"}, seed=7, monthly_cap=5)
    assert r.status_code == 201, r.content
    sample = r.json()
    assert sample["seed"] == 7 and sample["population"] == 4 and sample["cases"] == 2
    assert sample["rules"] == {
        "percentages": {test_types.general.code: "50.00"},
        "amount_over": None,
        "monthly_cap": 5,
    }
    assert {f["verdict"] for f in sample["findings"]} == {"pending"}
    assert {f["reason"] for f in sample["findings"]} == {"rate"}
    # the same rules and seed draw the same cases (the service's reproducible draw)
    again = draw(client, percentages={test_types.general.code: "50"}, seed=7, monthly_cap=5)
    assert [f["case"] for f in again.json()["findings"]] == [f["case"] for f in sample["findings"]]
    listed = api_as(hall_admin).get("/api/v1/spot-checks/").json()["results"]
    assert [s["id"] for s in listed] == [again.json()["id"], sample["id"]]
    detail = api_as(hall_admin).get(f"/api/v1/spot-checks/{sample['id']}/").json()
    assert detail == sample
    entry = AuditEntry.objects.filter(action="spotcheck.draw").latest("pk")
    assert entry.actor == auditor and entry.after["seed"] == 7


def test_amount_over_and_the_draws_refusals(api_as, auditor, completed, test_types):
    client = api_as(auditor)
    r = draw(client, amount_over="250")
    assert r.status_code == 201
    assert sorted(f["reason"] for f in r.json()["findings"]) == ["amount", "amount"]
    r = draw(client)
    assert r.status_code == 400 and "请至少给出一条抽查规则" in r.json()["detail"]
    r = draw(client, percentages={"NOPE": "5"})
    assert r.status_code == 400 and "NOPE" in r.json()["errors"]["percentages"][0]
    r = draw(client, percentages={test_types.general.code: "101"})
    assert r.status_code == 400 and "percentages" in r.json()["errors"]
    r = client.post(
        "/api/v1/spot-checks/",
        {"date_from": "2026-03-02", "date_to": "2026-03-01", "amount_over": "1"},
        format="json",
    )
    assert r.status_code == 400 and "结束日期不能早于开始日期" in r.json()["errors"]["date_to"][0]
    assert SpotCheckSample.objects.count() == 1


def test_a_verdict_is_recorded_through_the_service(api_as, auditor, completed, test_types):
    client = api_as(auditor)
    sample = draw(client, percentages={test_types.general.code: "100"}).json()
    first, second = sample["findings"][:2]
    url = f"/api/v1/spot-checks/{sample['id']}/findings/"
    r = client.post(url + f"{first['id']}/", {"verdict": "in_order", "note": "好"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["verdict"] == "in_order" and r.json()["judged_by"] == "a1"
    r = client.post(url + f"{second['id']}/", {"verdict": "problem"}, format="json")
    assert r.status_code == 400 and "违反的规定" in r.json()["errors"]["rule_broken"][0]
    r = client.post(
        url + f"{second['id']}/", {"verdict": "problem", "rule_broken": "第 3 条"}, format="json"
    )
    assert r.status_code == 200 and r.json()["rule_broken"] == "第 3 条"
    assert SpotCheckFinding.objects.get(pk=second["id"]).verdict == FindingVerdict.PROBLEM
    # a finding of another sample is not found under this one
    other = draw(client, percentages={test_types.general.code: "100"}).json()
    r = client.post(
        f"/api/v1/spot-checks/{sample['id']}/findings/{other['findings'][0]['id']}/",
        {"verdict": "in_order"},
        format="json",
    )
    assert r.status_code == 404


def test_an_auditor_who_took_part_is_refused(api_as, auditor, hall, completed, test_types):
    client = api_as(auditor)
    sample = draw(client, percentages={test_types.general.code: "100"}).json()
    finding = sample["findings"][0]
    other_auditor = factories.UserFactory(username="a2", roles=[Role.AUDITOR], hall=hall)
    case = completed[[c.pk for c in completed].index(finding["case"])]
    # an entry of the case's history by them: they worked on it (permissions.took_part_in)
    audit.record(actor=other_auditor, action="case.submit", target=case)
    r = api_as(other_auditor).post(
        f"/api/v1/spot-checks/{sample['id']}/findings/{finding['id']}/",
        {"verdict": "in_order"},
        format="json",
    )
    assert r.status_code == 403 and "参与办理过此业务" in r.json()["detail"]
    assert SpotCheckFinding.objects.get(pk=finding["id"]).verdict == FindingVerdict.PENDING


def test_the_last_verification_and_the_seal_head(api_as, auditor, completed, settings, tmp_path):
    client = api_as(auditor)
    answer = client.get("/api/v1/audit/verify/").json()
    assert answer == {"last_verification": None, "head": None}
    audit.seal(settle_seconds=0)
    answer = client.get("/api/v1/audit/verify/").json()
    assert answer["last_verification"] is None
    head = audit.exported_head()
    assert answer["head"]["seal"] == head.seal_id and answer["head"]["exported"] is False
    call_command("audit_verify", "--full", stdout=open("/dev/null", "w"))  # noqa: SIM115
    entry = AuditEntry.objects.get(action="audit.verify")
    verification = client.get("/api/v1/audit/verify/").json()["last_verification"]
    assert verification["result"] == "intact" and verification["full"] is True
    assert verification["seal"] == head.seal_id and verification["last_seq"] == head.last_seq
    assert verification["entries"] == entry.after["entries"] and verification["still_valid"]
    assert dt.datetime.fromisoformat(verification["at"]) == entry.at


def test_the_audit_list_uses_the_desks_filters(api_as, auditor, completed):
    client = api_as(auditor)
    case = completed[0]
    rows = client.get(f"/api/v1/audit/?case={case.pk}").json()["results"]
    assert rows and {r["target_id"] for r in rows} == {str(case.pk)}
    prefix = client.get(f"/api/v1/audit/?case={case.pk}&action=case.").json()["results"]
    assert prefix and all(r["action"].startswith("case.") for r in prefix)
    exact = client.get(f"/api/v1/audit/?case={case.pk}&action=case.complete").json()["results"]
    assert [r["action"] for r in exact] == ["case.complete"]
    assert client.get("/api/v1/audit/?actor=nobody").json()["results"] == []
    mine = client.get("/api/v1/audit/?actor=r1").json()["results"]
    assert mine and {r["actor"] for r in mine} == {"r1"}
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    assert client.get(f"/api/v1/audit/?from={tomorrow}").json()["results"] == []
    assert client.get(f"/api/v1/audit/?from={today}&to={today}").json()["results"]
