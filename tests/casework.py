"""Drive a case through the real services: intake → review → (sign-off) → completion.

The one way tests open a case: ``open_case`` takes a catalogue code (``"REG01"``) or a
``BusinessType`` (the throw-away test types); everything else here builds on it."""

import pytest
from django.core.exceptions import ValidationError

from counterhall import services
from counterhall.models import BusinessType, CaseState
from review import services as review_services


def open_case(business_type, *, teller, window, applicant_name="张三", **kwargs):
    """A draft opened by ``teller`` at ``window``; ``kwargs`` go to ``case_open`` (subject)."""
    if isinstance(business_type, str):
        business_type = BusinessType.objects.get(code=business_type)
    return services.case_open(
        actor=teller,
        window=window,
        business_type=business_type,
        applicant_name=applicant_name,
        **kwargs,
    )


def intake(business_type, data, *, teller, window, **kwargs):
    """A draft with every required document received and ``data`` saved as the application."""
    case = open_case(business_type, teller=teller, window=window, **kwargs)
    services.case_set_documents(
        actor=teller,
        case_id=case.pk,
        seen_state=None,
        received=[d.code for d in case.business_type.documents.all()],
    )
    return services.case_save_application(actor=teller, case_id=case.pk, seen_state=None, data=data)


def application_errors(business_type, data, *, teller, window, **kwargs):
    """The field messages for an application the form refuses; nothing of it is saved."""
    case = open_case(business_type, teller=teller, window=window, **kwargs)
    with pytest.raises(ValidationError) as exc:
        services.case_save_application(actor=teller, case_id=case.pk, seen_state=None, data=data)
    case.refresh_from_db()
    assert case.payload == {}
    assert case.figures == {}
    return exc.value.message_dict


def approve(case, *, teller, reviewer, signers=()):
    services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    case = review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    for signer in signers:
        if case.state == CaseState.AWAITING_SIGNOFF:
            case = review_services.case_sign(actor=signer, case_id=case.pk, seen_state=None)
    assert case.state == CaseState.APPROVED, case.state
    return case


def complete(code, data, *, teller, window, reviewer, signers=(), **kwargs):
    case = intake(code, data, teller=teller, window=window, **kwargs)
    approve(case, teller=teller, reviewer=reviewer, signers=signers)
    return services.case_complete(actor=teller, case_id=case.pk, seen_state=None)
