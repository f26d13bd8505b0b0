"""Spot checks (抽查): a reproducible sample by rule, findings per case, the report, and
what the teller and reviewer of a sampled case see."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from counterhall import permissions, spotchecks
from counterhall.models import AuditEntry, FindingVerdict, SpotCheckFinding
from counterhall.roles import Role
from tests import casework, factories

pytestmark = pytest.mark.django_db
D = Decimal
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)


def candidates(n, code="A", *, amount=None, month_step=False):
    return [
        (i, code, NOW + dt.timedelta(days=31 * i if month_step else 0), amount)
        for i in range(1, n + 1)
    ]


def test_a_draw_is_a_function_of_its_seed():
    pool = candidates(100) + [(200 + i, "B", NOW, None) for i in range(40)]
    rules = {"percentages": {"A": D("5"), "B": D("10")}}
    first = spotchecks.draw(pool, seed=42, **rules)
    assert first == spotchecks.draw(pool, seed=42, **rules)
    assert first != spotchecks.draw(pool, seed=43, **rules)
    assert sum(1 for pk in first if pk < 200) == 5
    assert sum(1 for pk in first if pk >= 200) == 4
    # rounded up: 5 % of 3 cases is one case
    assert len(spotchecks.draw(candidates(3), seed=1, percentages={"A": D("5")})) == 1


def test_every_case_above_the_amount_is_drawn_and_the_monthly_cap_holds():
    pool = [(1, "A", NOW, D("100")), (2, "A", NOW, D("90000")), (3, "A", NOW, D("50001"))]
    chosen = spotchecks.draw(pool, seed=1, percentages={}, amount_over=D("50000"))
    assert chosen == {2: spotchecks.REASON_AMOUNT, 3: spotchecks.REASON_AMOUNT}
    pool = candidates(50)
    capped = spotchecks.draw(pool, seed=7, percentages={"A": D("100")}, monthly_cap=3)
    assert len(capped) == 3
    spread = candidates(4, month_step=True)
    assert len(spotchecks.draw(spread, seed=7, percentages={"A": D("100")}, monthly_cap=1)) == 4


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
        for i in range(6)
    ]


def test_sample_draw_records_rules_seed_and_entry(auditor, completed, test_types):
    today = timezone.localdate()
    sample = spotchecks.sample_draw(
        actor=auditor,
        date_from=today,
        date_to=today,
        percentages={test_types.general.code: D("50")},
        seed=99,
    )
    assert sample.seed == 99 and sample.population == 6
    assert sample.findings.count() == 3
    assert set(sample.findings.values_list("verdict", flat=True)) == {FindingVerdict.PENDING}
    entry = AuditEntry.objects.get(action="spotcheck.draw")
    assert entry.after["seed"] == 99
    assert entry.after["cases"] == sorted(sample.findings.values_list("case_id", flat=True))
    again = spotchecks.sample_draw(
        actor=auditor,
        date_from=today,
        date_to=today,
        percentages={test_types.general.code: D("50")},
        seed=99,
    )
    assert set(again.findings.values_list("case_id", flat=True)) == set(
        sample.findings.values_list("case_id", flat=True)
    )


def test_an_auditor_never_samples_a_case_they_took_part_in(hall, window, completed, test_types):
    # the teller of these cases, now also an auditor, finds none of them in the population
    acting = completed[0].teller
    acting.groups.add(factories.Group.objects.get_or_create(name=Role.AUDITOR)[0])
    today = timezone.localdate()
    assert not spotchecks.population(actor=acting, date_from=today, date_to=today).exists()
    with pytest.raises(PermissionDenied):
        spotchecks.sample_draw(
            actor=factories.UserFactory(username="x", roles=[Role.TELLER], hall=hall),
            date_from=today,
            date_to=today,
            percentages={test_types.general.code: D("10")},
        )


def _sample(auditor, test_types, pct="100"):
    today = timezone.localdate()
    return spotchecks.sample_draw(
        actor=auditor,
        date_from=today,
        date_to=today,
        percentages={test_types.general.code: D(pct)},
        seed=1,
    )


def test_a_finding_names_the_rule_broken_and_is_on_the_cases_history(
    auditor, completed, test_types
):
    sample = _sample(auditor, test_types)
    finding = sample.findings.first()
    with pytest.raises(ValidationError):
        spotchecks.finding_record(actor=auditor, finding_id=finding.pk, verdict="problem")
    spotchecks.finding_record(
        actor=auditor,
        finding_id=finding.pk,
        verdict="problem",
        rule_broken="要件不全",
        note="缺少身份证复印件",
    )
    finding.refresh_from_db()
    assert finding.verdict == "problem" and finding.judged_by == auditor
    entry = AuditEntry.objects.get(action="spotcheck.finding")
    assert entry.target_id == str(finding.case_id)
    assert entry.after["rule_broken"] == "要件不全"


def test_an_auditor_may_change_their_own_finding_and_sample_the_case_again(
    auditor, completed, test_types
):
    """Recording a finding is supervision, not taking part in the case."""
    sample = _sample(auditor, test_types)
    finding = sample.findings.first()
    spotchecks.finding_record(actor=auditor, finding_id=finding.pk, verdict="in_order")
    spotchecks.finding_record(
        actor=auditor, finding_id=finding.pk, verdict="problem", rule_broken="要件不全"
    )
    finding.refresh_from_db()
    assert finding.verdict == "problem"
    assert not permissions.took_part_in(finding.case, auditor)
    assert finding.case_id not in set(
        permissions.cases_taken_part_in(auditor).values_list("pk", flat=True)
    )


def test_an_auditor_cannot_judge_a_case_they_took_part_in(
    auditor, completed, test_types, hall, reviewer
):
    sample = _sample(auditor, test_types)
    finding = sample.findings.first()
    # another auditor who reviewed the case
    reviewer.groups.add(factories.Group.objects.get_or_create(name=Role.AUDITOR)[0])
    with pytest.raises(PermissionDenied):
        spotchecks.finding_record(actor=reviewer, finding_id=finding.pk, verdict="in_order")
    assert SpotCheckFinding.objects.get(pk=finding.pk).verdict == FindingVerdict.PENDING


def test_the_teller_and_reviewer_see_the_finding_on_their_case(
    client, auditor, completed, test_types, teller, reviewer, other_teller
):
    sample = _sample(auditor, test_types)
    finding = sample.findings.first()
    url = reverse("case-detail", args=[finding.case_id])
    client.force_login(teller)
    assert 'id="findings"' not in client.get(url).content.decode()  # nothing judged yet
    spotchecks.finding_record(
        actor=auditor, finding_id=finding.pk, verdict="problem", rule_broken="超期办结"
    )
    for user in (teller, reviewer):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert 'id="findings"' in page and "超期办结" in page
    client.force_login(other_teller)
    assert "超期办结" not in client.get(url).content.decode()


def test_the_desk_draws_judges_prints_and_exports(client, auditor, completed, test_types):
    client.force_login(auditor)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("audit-samples"),
        {
            "date_from": today,
            "date_to": today,
            "business_types": [test_types.general.code],
            "percent": "50",
        },
    )
    assert response.status_code == 302
    sample = spotchecks.samples_visible_to(auditor).get()
    finding = sample.findings.first()
    response = client.post(
        reverse("audit-finding", args=[finding.pk]),
        {"verdict": "in_order", "note": "无问题", "sample": sample.pk},
    )
    assert response.status_code == 302
    page = client.get(reverse("audit-sample", args=[sample.pk])).content.decode()
    assert "无问题" in page
    printed = client.get(reverse("audit-sample-print", args=[sample.pk])).content.decode()
    assert 'class="a4 spot-check-report"' in printed and finding.case.number in printed
    exported = client.get(reverse("audit-sample-export", args=[sample.pk])).content
    assert exported.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    assert len(rows) == 1 + sample.findings.count()


def test_a_sample_needs_a_rule(client, auditor):
    client.force_login(auditor)
    today = timezone.localdate().isoformat()
    response = client.post(reverse("audit-samples"), {"date_from": today, "date_to": today})
    assert response.status_code == 400
    assert not spotchecks.samples_visible_to(auditor).exists()


def test_amount_rule_reads_the_case_figures(auditor, teller, window, reviewer, test_types):
    for amount in ("100", "70000"):
        casework.complete(
            test_types.general, {"amount": amount}, teller=teller, window=window, reviewer=reviewer
        )
    today = timezone.localdate()
    sample = spotchecks.sample_draw(
        actor=auditor, date_from=today, date_to=today, percentages={}, amount_over=D("50000")
    )
    assert [f.case.figures["amount"] for f in sample.findings.all()] == ["70000.00"]
