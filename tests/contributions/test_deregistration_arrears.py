"""REG03 across the layers: unpaid arrears (contributions) block an employer's deregistration
(registration) — at intake, on the subject card and at completion."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from contributions import services as con
from counterhall import registry, services
from registration import services as reg
from registration.models import SeparationReason
from tests import casework
from tests import masterdata as md

pytestmark = pytest.mark.django_db

DEREGISTER = {"uscc": md.USCC_A, "deregistered_on": "2026-03-31", "reason": "营业执照注销"}
ARREARS = "尚有欠缴"


@pytest.fixture
def people(teller, window, reviewer, leader, finance):
    return {"teller": teller, "window": window, "reviewer": reviewer, "signers": (leader, finance)}


@pytest.fixture
def owing():
    """An employer without staff any more, whose January bill is unpaid."""
    employer = md.employer()
    person = md.person()
    md.employee(employer_obj=employer, person_obj=person)
    con.base_declare(
        actor=None,
        person_id=person.pk,
        employer_id=employer.pk,
        year=2026,
        declared_wage="5000",
        region="222424",
    )
    bill, _ = con.bill_generate_employer(
        actor=None, employer_id=employer.pk, period=dt.date(2026, 1, 1)
    )
    reg.employee_separate(
        actor=None,
        employer_id=employer.pk,
        person_id=person.pk,
        end=dt.date(2026, 1, 31),
        reason=SeparationReason.RESIGNED,
    )
    return employer, bill


def test_arrears_refuse_the_deregistration_at_intake(people, owing):
    case = casework.open_case("REG03", teller=people["teller"], window=people["window"])

    with pytest.raises(ValidationError) as info:
        services.case_save_application(
            actor=people["teller"], case_id=case.pk, seen_state=None, data=DEREGISTER
        )

    assert ARREARS in info.value.message_dict["uscc"][0]


def test_the_subject_card_warns_of_the_arrears(people, owing):
    info = registry.lookup_subject(md.USCC_A, hall=people["window"].hall)

    assert any(ARREARS in b for b in info.context["summary"]["blockers"])


def test_the_deregistration_service_refuses_while_arrears_remain(owing):
    employer, _bill = owing

    with pytest.raises(ValidationError) as info:
        con.employer_deregister(actor=None, employer_id=employer.pk, on=dt.date(2026, 3, 31))

    assert ARREARS in info.value.message_dict["uscc"][0]
    employer.refresh_from_db()
    assert employer.is_active


def test_once_the_arrears_are_paid_the_employer_is_deregistered(people, owing):
    employer, bill = owing
    con.bill_record_payment(
        actor=None, bill_id=bill.pk, amount=bill.total, paid_on=dt.date(2026, 2, 10)
    )

    casework.complete("REG03", DEREGISTER, **people)

    employer.refresh_from_db()
    assert not employer.is_active
