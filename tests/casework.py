"""Drive a catalogue case through the real services: intake → review → (sign-off) → completion."""

from counterhall import services
from counterhall.models import BusinessType, CaseState
from review import services as review_services


def open_case(code, *, teller, window, **kwargs):
    bt = BusinessType.objects.get(code=code)
    return services.case_open(
        actor=teller, window=window, business_type=bt, applicant_name="办事人", **kwargs
    )


def intake(code, data, *, teller, window, **kwargs):
    case = open_case(code, teller=teller, window=window, **kwargs)
    services.case_set_documents(
        actor=teller,
        case_id=case.pk,
        seen_state=None,
        received=[d.code for d in case.business_type.documents.all()],
    )
    return services.case_save_application(actor=teller, case_id=case.pk, seen_state=None, data=data)


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
