"""BEN03 unemployment benefit claim and BEN04 its stop, resumption and death while drawing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from benefits.models import ClaimStatus, UnemploymentChange, UnemploymentClaim
from counterhall import services
from counterhall.models import CaseState
from registration import services as registration
from registration.models import PersonStatus
from review import services as review_services
from tests import casework
from tests.benefits import builders as b

D = dt.date


@pytest.fixture
def employer(db):
    return b.employer()


def unemployed(employer, *, months=12, reason="contract_end", name="失业"):
    person = b.person(birth=D(1985, 5, 5), name=name)
    registration.employee_enroll(
        actor=None, employer_id=employer.pk, person_id=person.pk, start=D(2024, 1, 1)
    )
    b.paid_months(employer_obj=employer, person_obj=person, first=D(2024, 1, 1), months=months)
    registration.employee_separate(
        actor=None,
        employer_id=employer.pk,
        person_id=person.pk,
        end=D(2025, 1, 31),
        reason=reason,
    )
    return person


def claim_data(person, day="2025-02-05"):
    return {"id_number": person.id_number, "registration_date": day}


def claim(teller, window, reviewer, person):
    return b.completed(
        teller=teller, window=window, reviewer=reviewer, code="BEN03", data=claim_data(person)
    )


def test_claim_intake_review_completion(teller, window, reviewer, employer):
    person = unemployed(employer)
    case = b.ready(teller=teller, window=window, code="BEN03", data=claim_data(person))
    f = case.figures
    assert f["contribution_months"] == 12
    assert f["entitlement_months"] == 12
    assert f["monthly_amount"] == "1386.00"
    assert f["total"] == "16632.00"
    assert [r["month"] for r in f["schedule"]][:2] == ["2025-02", "2025-03"]
    assert f["end_month"] == "2026-01"
    assert not UnemploymentClaim.objects.exists()
    case = services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    case = review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    case = review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    case = services.case_complete(actor=teller, case_id=case.pk, seen_state=None)
    drawn = UnemploymentClaim.objects.get(case=case)
    assert drawn.status == ClaimStatus.DRAWING
    assert drawn.entitlement_months == 12
    assert drawn.start_month == D(2025, 2, 1)


def test_claim_by_a_person_still_employed_is_refused(teller, window, employer):
    person = b.person(birth=D(1985, 5, 5), name="在职")
    registration.employee_enroll(
        actor=None, employer_id=employer.pk, person_id=person.pk, start=D(2024, 1, 1)
    )
    errors = casework.application_errors("BEN03", claim_data(person), teller=teller, window=window)
    assert "仍在 汪清示例科技有限公司 参保在职" in errors["id_number"][0]


def test_claim_by_a_person_already_drawing_is_refused(teller, window, reviewer, employer):
    person = unemployed(employer)
    claim(teller, window, reviewer, person)
    errors = casework.application_errors("BEN03", claim_data(person), teller=teller, window=window)
    assert "正在领取失业保险金" in errors["id_number"][0]


def test_voluntary_separation_is_refused(teller, window, employer):
    person = unemployed(employer, reason="resigned")
    errors = casework.application_errors("BEN03", claim_data(person), teller=teller, window=window)
    assert "本人辞职" in errors["id_number"][0]


def test_less_than_twelve_months_is_refused_with_the_months_missing(teller, window, employer):
    person = unemployed(employer, months=8)
    errors = casework.application_errors("BEN03", claim_data(person), teller=teller, window=window)
    assert "还差 4 个月" in errors["id_number"][0]


def test_registration_before_separation_is_refused(teller, window, employer):
    person = unemployed(employer)
    errors = casework.application_errors(
        "BEN03", claim_data(person, "2025-01-15"), teller=teller, window=window
    )
    assert "不能早于离职日期 2025-01-31" in errors["registration_date"][0]


# --------------------------------------------------------------------------- BEN04


def change(teller, window, reviewer, person, kind, day, reason=""):
    return b.completed(
        teller=teller,
        window=window,
        reviewer=reviewer,
        code="BEN04",
        data={"id_number": person.id_number, "kind": kind, "reason": reason, "event_date": day},
    )


def test_stop_on_reemployment_keeps_unused_months_then_resume(teller, window, reviewer, employer):
    person = unemployed(employer)
    claim(teller, window, reviewer, person)
    case = change(teller, window, reviewer, person, "stop", "2025-06-15", "reemployed")
    assert case.signoff_roles == []
    drawn = UnemploymentClaim.objects.get(person=person)
    assert drawn.status == ClaimStatus.STOPPED
    assert drawn.drawn_months == 4  # February to May
    assert UnemploymentChange.objects.get(case=case).remaining_months == 8
    change(teller, window, reviewer, person, "resume", "2025-08-01")
    drawn.refresh_from_db()
    assert drawn.status == ClaimStatus.DRAWING
    assert drawn.current_since == D(2025, 8, 1)


def test_unused_months_merge_into_a_later_claim(teller, window, reviewer, employer):
    person = unemployed(employer)
    claim(teller, window, reviewer, person)
    change(teller, window, reviewer, person, "stop", "2025-06-15", "reemployed")
    registration.employee_enroll(
        actor=None, employer_id=employer.pk, person_id=person.pk, start=D(2025, 7, 1)
    )
    b.paid_months(employer_obj=employer, person_obj=person, first=D(2025, 7, 1), months=12)
    registration.employee_separate(
        actor=None,
        employer_id=employer.pk,
        person_id=person.pk,
        end=D(2026, 6, 30),
        reason="dismissed",
    )
    case = b.ready(
        teller=teller, window=window, code="BEN03", data=claim_data(person, "2026-07-10")
    )
    assert case.figures["contribution_months"] == 12  # counted afresh after the first claim
    assert case.figures["merged_months"] == 8
    assert case.figures["entitlement_months"] == 20
    case = services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    case = review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    case = review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    services.case_complete(actor=teller, case_id=case.pk, seen_state=None)
    first = UnemploymentClaim.objects.get(person=person, status=ClaimStatus.STOPPED)
    assert first.merged_into.case_id == case.pk


def test_death_while_drawing_goes_to_finance_and_pays_survivors(
    teller, window, reviewer, finance, employer
):
    person = unemployed(employer)
    claim(teller, window, reviewer, person)
    case = b.ready(
        teller=teller,
        window=window,
        code="BEN04",
        data={"id_number": person.id_number, "kind": "death", "event_date": "2025-05-20"},
    )
    # 12 pension months → Y < 5 years → 3 months × 3,200; funeral 2 × 3,200
    assert case.figures["funeral_grant"] == "6400.00"
    assert case.figures["survivor_payment"] == "9600.00"
    case = services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    assert case.signoff_roles == ["finance"]
    case = review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    case = review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    assert case.state == CaseState.AWAITING_SIGNOFF
    case = review_services.case_sign(actor=finance, case_id=case.pk, seen_state=None)
    assert case.state == CaseState.APPROVED
    services.case_complete(actor=teller, case_id=case.pk, seen_state=None)
    person.refresh_from_db()
    assert person.status == PersonStatus.DECEASED
    assert UnemploymentClaim.objects.get(person=person).status == ClaimStatus.ENDED
    assert UnemploymentChange.objects.get(case=case).survivor_payment == 9600


def test_stop_without_a_drawing_claim_or_reason_is_refused(teller, window, reviewer, employer):
    person = unemployed(employer)
    payload = {
        "id_number": person.id_number,
        "kind": "stop",
        "reason": "reemployed",
        "event_date": "2025-06-01",
    }
    assert (
        "当前没有在领取"
        in casework.application_errors("BEN04", payload, teller=teller, window=window)["id_number"][
            0
        ]
    )
    claim(teller, window, reviewer, person)
    errors = casework.application_errors(
        "BEN04", {**payload, "reason": ""}, teller=teller, window=window
    )
    assert "停发须选择原因" in errors["reason"][0]
    errors = casework.application_errors(
        "BEN04", {**payload, "kind": "resume"}, teller=teller, window=window
    )
    assert "没有可以恢复发放" in errors["id_number"][0]


def test_a_stop_decided_on_a_claim_that_changed_since_is_refused(
    teller, window, reviewer, employer
):
    # given a stop from 2025-06-15 approved (4 months drawn, 8 remaining)
    person = unemployed(employer)
    claim(teller, window, reviewer, person)
    data = {"id_number": person.id_number, "kind": "stop", "reason": "reemployed"}
    decided = b.approved(
        teller=teller,
        window=window,
        reviewer=reviewer,
        code="BEN04",
        data={**data, "event_date": "2025-06-15"},
    )
    assert decided.figures["drawn_months"] == 4
    # when the claim is stopped earlier and resumed by other cases before completion
    change(teller, window, reviewer, person, "stop", "2025-04-10", "reemployed")
    change(teller, window, reviewer, person, "resume", "2025-06-01")
    # then the decided figures no longer hold: completion is refused, nothing changes
    with pytest.raises(ValidationError) as exc:
        services.case_complete(actor=teller, case_id=decided.pk, seen_state=None)
    assert "已发生变化" in exc.value.messages[0]
    drawn = UnemploymentClaim.objects.get(person=person)
    assert drawn.status == ClaimStatus.DRAWING
    assert drawn.drawn_months == 2
    assert not UnemploymentChange.objects.filter(case=decided).exists()


# separation 2025-01-31 + 60 days = 2025-04-01 (rules.md §1.2)


def test_a_claim_on_the_last_day_of_the_window_is_taken(teller, window, employer):
    person = unemployed(employer)
    case = b.ready(
        teller=teller, window=window, code="BEN03", data=claim_data(person, "2025-04-01")
    )
    assert case.figures["entitlement_months"] == 12
    assert any(p["key"] == "unemployment.claim_window_days" for p in case.figures["parameters"])


def test_a_claim_after_the_window_is_refused_with_the_last_date(teller, window, employer):
    person = unemployed(employer)
    errors = casework.application_errors(
        "BEN03", claim_data(person, "2025-04-02"), teller=teller, window=window
    )
    message = errors["registration_date"][0]
    assert "60 日内" in message
    assert "2025-04-01" in message


def test_the_window_follows_the_parameter(teller, window, employer):
    from counterhall.models import PolicyParameter

    PolicyParameter.objects.filter(key="unemployment.claim_window_days").update(value=90)
    person = unemployed(employer)
    case = b.ready(
        teller=teller, window=window, code="BEN03", data=claim_data(person, "2025-04-15")
    )
    assert case.figures["entitlement_months"] == 12
