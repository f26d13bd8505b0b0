"""Each guard of the case state machine, with the nearest disallowed actor."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from counterhall import permissions, services
from counterhall.exceptions import TransitionNotPossible
from counterhall.models import Case, CaseState
from review import services as review_services
from tests import casework, factories


def test_submit_refused_until_documents_complete(teller, window, test_types):
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    services.case_save_application(
        actor=teller, case_id=case.pk, seen_state=None, data={"amount": "1"}
    )

    with pytest.raises(TransitionNotPossible, match="要件不齐"):
        services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    assert Case.objects.get(pk=case.pk).state == CaseState.DRAFT


def test_submit_allowed_with_deferred_document_promised(teller, window, test_types):
    case = casework.open_case(teller=teller, window=window, business_type=test_types.deferrable)
    promise = timezone.localdate() + dt.timedelta(days=7)
    services.case_set_documents(
        actor=teller,
        case_id=case.pk,
        seen_state=None,
        received=["form"],
        deferred={"contract": promise},
    )
    services.case_save_application(
        actor=teller, case_id=case.pk, seen_state=None, data={"amount": "1"}
    )

    case = services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    assert case.state == CaseState.SUBMITTED and case.documents_due == promise


def test_non_deferrable_document_cannot_be_deferred(teller, window, test_types):
    case = casework.open_case(teller=teller, window=window, business_type=test_types.general)
    with pytest.raises(ValidationError, match="不能容缺受理"):
        services.case_set_documents(
            actor=teller,
            case_id=case.pk,
            seen_state=None,
            received=["form"],
            deferred={"id": timezone.localdate()},
        )


def test_special_type_refused_at_general_window(teller, window, test_types):
    with pytest.raises(ValidationError, match="特殊性业务只能在特殊业务窗口"):
        casework.open_case(teller=teller, window=window, business_type=test_types.special)


def test_general_type_refused_at_special_window(special_clerk, special_window, test_types):
    with pytest.raises(ValidationError):
        casework.open_case(
            teller=special_clerk, window=special_window, business_type=test_types.general
        )


def test_special_type_accepted_at_special_window(special_clerk, special_window, test_types):
    case = casework.open_case(
        teller=special_clerk, window=special_window, business_type=test_types.special
    )
    assert case.window.is_special


def test_teller_cannot_open_at_window_not_granted(teller, other_window, test_types):
    with pytest.raises(PermissionDenied):
        casework.open_case(teller=teller, window=other_window, business_type=test_types.general)


def test_other_teller_cannot_submit_someone_elses_case(teller, other_teller, window, test_types):
    case = factories.ready_case(teller=teller, window=window, business_type=test_types.general)
    # the refusal names who holds the case and how to continue it here (接续办理)
    with pytest.raises(PermissionDenied, match=r"此业务现由.*1 号窗口.*接续办理"):
        services.case_submit(actor=other_teller, case_id=case.pk, seen_state=None)


def test_reviewer_never_reviews_own_intake(hall, window, test_types):
    # given a person who is both teller and reviewer
    both = factories.UserFactory(
        username="both", roles=["teller", "reviewer"], hall=hall, windows=[window]
    )
    case = factories.submitted_case(teller=both, window=window, business_type=test_types.general)

    with pytest.raises(PermissionDenied, match="不能复核自己受理"):
        review_services.case_claim(actor=both, case_id=case.pk, seen_state=None)


def test_teller_role_cannot_claim(teller, other_teller, window, test_types):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    with pytest.raises(PermissionDenied, match="只有专职复核员"):
        review_services.case_claim(actor=other_teller, case_id=case.pk, seen_state=None)


def test_special_case_needs_authorised_reviewer(
    special_clerk, special_window, reviewer, other_reviewer, test_types
):
    case = factories.submitted_case(
        teller=special_clerk, window=special_window, business_type=test_types.special
    )

    with pytest.raises(PermissionDenied, match="特殊性业务"):
        review_services.case_claim(actor=other_reviewer, case_id=case.pk, seen_state=None)
    case = review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    assert case.reviewer == reviewer


def test_only_claiming_reviewer_decides(teller, window, reviewer, other_reviewer, test_types):
    case = factories.in_review_case(
        teller=teller, window=window, business_type=test_types.general, reviewer=reviewer
    )

    with pytest.raises(PermissionDenied, match="只有认领此业务的复核员"):
        review_services.case_approve(actor=other_reviewer, case_id=case.pk, seen_state=None)
    with pytest.raises(PermissionDenied):
        review_services.case_approve(actor=teller, case_id=case.pk, seen_state=None)
    assert (
        review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None).state
        == CaseState.APPROVED
    )


def test_signoff_only_by_roles_the_type_names(
    teller, window, reviewer, leader, finance, auditor, hall, test_types
):
    case = factories.in_review_case(
        teller=teller, window=window, business_type=test_types.limited, reviewer=reviewer
    )
    case = review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)

    for outsider in (auditor, teller, reviewer):
        with pytest.raises(PermissionDenied):
            review_services.case_sign(actor=outsider, case_id=case.pk, seen_state=None)
    review_services.case_sign(actor=leader, case_id=case.pk, seen_state=None)
    with pytest.raises(PermissionDenied, match="已签批"):
        review_services.case_sign(actor=leader, case_id=case.pk, seen_state=None)
    assert (
        review_services.case_sign(actor=finance, case_id=case.pk, seen_state=None).state
        == CaseState.APPROVED
    )


def test_leader_of_a_type_without_finance_cannot_be_replaced_by_finance(
    special_clerk, special_window, reviewer, finance, leader, test_types
):
    case = factories.in_review_case(
        teller=special_clerk,
        window=special_window,
        business_type=test_types.special,
        reviewer=reviewer,
    )
    case = review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    with pytest.raises(PermissionDenied):
        review_services.case_sign(actor=finance, case_id=case.pk, seen_state=None)
    assert (
        review_services.case_sign(actor=leader, case_id=case.pk, seen_state=None).state
        == CaseState.APPROVED
    )


def test_special_window_cases_invisible_to_general_tellers(
    teller, special_clerk, special_window, auditor, test_types
):
    case = casework.open_case(
        teller=special_clerk, window=special_window, business_type=test_types.special
    )

    assert not permissions.cases_visible_to(teller).filter(pk=case.pk).exists()
    assert permissions.cases_visible_to(special_clerk).filter(pk=case.pk).exists()
    assert permissions.cases_visible_to(auditor).filter(pk=case.pk).exists()


def test_subject_in_hall_compares_regions(hall):
    from types import SimpleNamespace

    assert permissions.subject_in_hall(SimpleNamespace(region=hall.region), hall)
    assert not permissions.subject_in_hall(SimpleNamespace(region="222401"), hall)
    assert not permissions.subject_in_hall(None, hall)


def test_one_person_with_both_signoff_roles_signs_only_once(
    hall, teller, window, reviewer, finance, test_types
):
    both = factories.UserFactory(username="lf", roles=["leader", "finance"], hall=hall)
    case = factories.in_review_case(
        teller=teller, window=window, business_type=test_types.limited, reviewer=reviewer
    )
    case = review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)

    case = review_services.case_sign(
        actor=both, case_id=case.pk, seen_state=CaseState.AWAITING_SIGNOFF
    )
    # a double-click: the state the page saw still matches, the second role is still open
    with pytest.raises(PermissionDenied, match="已签批"):
        review_services.case_sign(
            actor=both, case_id=case.pk, seen_state=CaseState.AWAITING_SIGNOFF
        )
    assert Case.objects.get(pk=case.pk).state == CaseState.AWAITING_SIGNOFF
    assert (
        review_services.case_sign(actor=finance, case_id=case.pk, seen_state=None).state
        == CaseState.APPROVED
    )
