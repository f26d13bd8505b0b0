"""Every allowed transition of the case, and a sample of forbidden ones."""

import pytest
from django.core.exceptions import ValidationError

from counterhall import permissions, services
from counterhall.exceptions import TransitionNotPossible
from counterhall.models import AuditEntry, Case, CaseState
from review import services as review_services
from tests import casework, factories


def actions(case):
    return list(
        AuditEntry.objects.filter(target_type="counterhall.case", target_id=str(case.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.fixture
def kit(teller, window, reviewer, leader, finance, test_types):
    return dict(
        teller=teller,
        window=window,
        reviewer=reviewer,
        leader=leader,
        finance=finance,
        types=test_types,
    )


def test_open_gives_draft_with_checklist_and_audit(kit):
    case = casework.open_case(
        teller=kit["teller"], window=kit["window"], business_type=kit["types"].general
    )

    assert case.state == CaseState.DRAFT
    assert case.number.startswith("TS-")
    assert set(case.documents) == {"form", "id"}
    assert actions(case) == ["case.open"]


def test_happy_path_immediate_type_reaches_completed(kit):
    t, r = kit["teller"], kit["reviewer"]
    case = factories.ready_case(teller=t, window=kit["window"], business_type=kit["types"].general)

    case = services.case_submit(actor=t, case_id=case.pk, seen_state=CaseState.DRAFT)
    assert (
        case.state == CaseState.SUBMITTED and case.is_immediate and case.promised_deadline is None
    )
    case = review_services.case_claim(actor=r, case_id=case.pk, seen_state=CaseState.SUBMITTED)
    assert case.state == CaseState.IN_REVIEW and case.reviewer == r
    case = review_services.case_approve(actor=r, case_id=case.pk, seen_state=CaseState.IN_REVIEW)
    assert case.state == CaseState.APPROVED
    case = services.case_complete(actor=t, case_id=case.pk, seen_state=CaseState.APPROVED)

    assert case.state == CaseState.COMPLETED
    assert [case.pk] == kit["types"].applied
    assert actions(case) == [
        "case.open",
        "case.documents",
        "case.application",
        "case.submit",
        "case.claim",
        "case.approve",
        "case.complete",
    ]


def test_type_with_signoff_waits_for_every_role_then_approved(kit):
    t, r = kit["teller"], kit["reviewer"]
    case = factories.in_review_case(
        teller=t, window=kit["window"], business_type=kit["types"].limited, reviewer=r
    )
    assert case.promised_deadline is not None and not case.is_immediate

    case = review_services.case_approve(actor=r, case_id=case.pk, seen_state=CaseState.IN_REVIEW)
    assert case.state == CaseState.AWAITING_SIGNOFF
    case = review_services.case_sign(
        actor=kit["leader"], case_id=case.pk, seen_state=CaseState.AWAITING_SIGNOFF
    )
    assert case.state == CaseState.AWAITING_SIGNOFF and case.signed_roles() == ["leader"]
    case = review_services.case_sign(
        actor=kit["finance"], case_id=case.pk, seen_state=CaseState.AWAITING_SIGNOFF
    )

    assert case.state == CaseState.APPROVED
    assert set(case.signed_roles()) == {"leader", "finance"}


def test_hold_sends_back_to_teller_and_resubmit_counts_round_trip(kit):
    t, r = kit["teller"], kit["reviewer"]
    case = factories.in_review_case(
        teller=t, window=kit["window"], business_type=kit["types"].limited, reviewer=r
    )
    case = review_services.case_approve(actor=r, case_id=case.pk, seen_state=None)

    case = review_services.case_hold(
        actor=kit["leader"], case_id=case.pk, seen_state=None, reasons=["金额需复核"]
    )
    assert case.state == CaseState.RETURNED and case.return_reasons == ["金额需复核"]
    case = services.case_resubmit(actor=t, case_id=case.pk, seen_state=CaseState.RETURNED)

    assert case.state == CaseState.SUBMITTED
    assert case.round_trips == 1 and case.reviewer is None and case.signed_roles() == []


def test_return_and_resubmit(kit):
    t, r = kit["teller"], kit["reviewer"]
    case = factories.in_review_case(
        teller=t, window=kit["window"], business_type=kit["types"].general, reviewer=r
    )

    case = review_services.case_return(
        actor=r, case_id=case.pk, seen_state=None, reasons=["身份证复印件不清晰"]
    )
    assert case.state == CaseState.RETURNED
    case = services.case_resubmit(actor=t, case_id=case.pk, seen_state=None)
    assert case.state == CaseState.SUBMITTED and case.round_trips == 1


def test_release_puts_case_back_with_its_submission_time(kit):
    t, r = kit["teller"], kit["reviewer"]
    case = factories.in_review_case(
        teller=t, window=kit["window"], business_type=kit["types"].general, reviewer=r
    )
    submitted_at = case.submitted_at

    case = review_services.case_release(actor=r, case_id=case.pk, seen_state=None)

    assert case.state == CaseState.SUBMITTED and case.reviewer is None
    assert case.submitted_at == submitted_at
    assert not r.has_perm("counterhall.decide_case", Case.objects.get(pk=case.pk))


def test_missing_documents_notice_and_return_visit(kit):
    t = kit["teller"]
    case = casework.open_case(teller=t, window=kit["window"], business_type=kit["types"].general)
    services.case_set_documents(actor=t, case_id=case.pk, seen_state=None, received=["form"])

    case = services.case_notify_missing(actor=t, case_id=case.pk, seen_state=CaseState.DRAFT)
    assert case.state == CaseState.AWAITING_DOCUMENTS
    assert case.missing_notice["documents"] == ["id"]
    case = services.case_documents_received(actor=t, case_id=case.pk, seen_state=None)

    assert case.state == CaseState.DRAFT


def test_one_time_notice_cannot_be_followed_by_a_new_requirement(kit):
    t = kit["teller"]
    case = casework.open_case(teller=t, window=kit["window"], business_type=kit["types"].general)
    services.case_set_documents(actor=t, case_id=case.pk, seen_state=None, received=["form"])
    services.case_notify_missing(actor=t, case_id=case.pk, seen_state=None)
    services.case_documents_received(actor=t, case_id=case.pk, seen_state=None)

    with pytest.raises(ValidationError, match="一次性告知后不得新增"):
        services.case_set_documents(actor=t, case_id=case.pk, seen_state=None, received=["id"])


@pytest.mark.parametrize("via", ["draft", "awaiting_documents", "returned"])
def test_withdraw_from_each_open_intake_state(kit, via):
    t, r = kit["teller"], kit["reviewer"]
    if via == "returned":
        case = factories.in_review_case(
            teller=t, window=kit["window"], business_type=kit["types"].general, reviewer=r
        )
        case = review_services.case_return(actor=r, case_id=case.pk, seen_state=None, reasons=["x"])
    else:
        case = casework.open_case(
            teller=t, window=kit["window"], business_type=kit["types"].general
        )
        if via == "awaiting_documents":
            case = services.case_notify_missing(actor=t, case_id=case.pk, seen_state=None)

    case = services.case_withdraw(
        actor=t, case_id=case.pk, seen_state=None, reason="办事人撤回申请"
    )
    assert case.state == CaseState.WITHDRAWN


def test_teller_rejects_at_intake_with_reasons(kit):
    t = kit["teller"]
    case = casework.open_case(teller=t, window=kit["window"], business_type=kit["types"].general)

    with pytest.raises(ValidationError):
        services.case_reject(actor=t, case_id=case.pk, seen_state=None, reasons=["  "])
    case = services.case_reject(
        actor=t, case_id=case.pk, seen_state=None, reasons=["不属于本机构受理范围"]
    )
    assert case.state == CaseState.REJECTED


def test_teller_rejects_while_awaiting_documents(kit):
    t = kit["teller"]
    case = casework.open_case(teller=t, window=kit["window"], business_type=kit["types"].general)
    services.case_notify_missing(actor=t, case_id=case.pk, seen_state=None)

    case = services.case_reject(
        actor=t, case_id=case.pk, seen_state=CaseState.AWAITING_DOCUMENTS, reasons=["逾期未补正"]
    )
    assert case.state == CaseState.REJECTED


def test_reviewer_rejects_in_review(kit):
    t, r = kit["teller"], kit["reviewer"]
    case = factories.in_review_case(
        teller=t, window=kit["window"], business_type=kit["types"].general, reviewer=r
    )

    case = review_services.case_reject(
        actor=r, case_id=case.pk, seen_state=None, reasons=["材料虚假"]
    )
    assert case.state == CaseState.REJECTED and case.decided_at is not None
    assert not r.has_perm(permissions.DECIDE_CASE, case)  # the claim's grant is gone


def test_teller_rejection_is_not_the_reviewers_decision(kit):
    # 不予受理 at intake is the teller's; once in review, only the claiming reviewer rejects.
    t, r = kit["teller"], kit["reviewer"]
    case = factories.in_review_case(
        teller=t, window=kit["window"], business_type=kit["types"].general, reviewer=r
    )
    with pytest.raises(TransitionNotPossible):
        services.case_reject(actor=r, case_id=case.pk, seen_state=None, reasons=["材料虚假"])
    assert Case.objects.get(pk=case.pk).state == CaseState.IN_REVIEW


@pytest.mark.parametrize(
    ("service", "kwargs"),
    [
        (review_services.case_approve, {}),
        (review_services.case_claim, {}),
        (services.case_resubmit, {}),
        (review_services.case_sign, {}),
        (services.case_documents_received, {}),
    ],
)
def test_forbidden_transitions_from_draft(kit, service, kwargs):
    case = casework.open_case(
        teller=kit["teller"], window=kit["window"], business_type=kit["types"].general
    )
    with pytest.raises(TransitionNotPossible):
        service(actor=kit["reviewer"], case_id=case.pk, seen_state=None, **kwargs)
    assert Case.objects.get(pk=case.pk).state == CaseState.DRAFT


def test_complete_twice_applies_effect_once(kit):
    t, r = kit["teller"], kit["reviewer"]
    case = factories.approved_case(
        teller=t, window=kit["window"], business_type=kit["types"].general, reviewer=r
    )
    services.case_complete(actor=t, case_id=case.pk, seen_state=None)

    with pytest.raises(TransitionNotPossible):
        services.case_complete(actor=t, case_id=case.pk, seen_state=None)
    assert [case.pk] == kit["types"].applied


def test_terminal_states_allow_nothing(kit):
    t = kit["teller"]
    case = casework.open_case(teller=t, window=kit["window"], business_type=kit["types"].general)
    services.case_withdraw(actor=t, case_id=case.pk, seen_state=None, reason="撤回")
    for service in (services.case_submit, services.case_notify_missing):
        with pytest.raises(TransitionNotPossible):
            service(actor=t, case_id=case.pk, seen_state=None)
    with pytest.raises(ValidationError, match="只有受理中的业务"):
        services.case_set_documents(actor=t, case_id=case.pk, seen_state=None, received=[])
