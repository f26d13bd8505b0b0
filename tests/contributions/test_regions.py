"""Contribution forms look up employers and persons only in the hall's own region."""

import pytest
from django.core.exceptions import ValidationError

from contributions.models import AssessmentBill, DeclaredBase, Refund
from counterhall.permissions import DENIED_OTHER_REGION
from counterhall.roles import Role
from tests import casework, factories
from tests import masterdata as md

pytestmark = pytest.mark.django_db


@pytest.fixture
def yanji():
    hall = factories.HallFactory(code="YJ", name="延吉大厅", region="222401")
    window = factories.WindowFactory(hall=hall, number=1)
    teller = factories.UserFactory(
        username="yj-t", roles=[Role.TELLER], hall=hall, windows=[window]
    )
    return {"teller": teller, "window": window}


@pytest.fixture
def staffed():
    employer = md.employer()
    person = md.person()
    md.employee(employer_obj=employer, person_obj=person)
    return employer, person


@pytest.mark.parametrize(
    ("code", "data", "field"),
    [
        ("CON01", {"uscc": md.USCC_A, "year": "2026", "wages": f"{md.ID_MALE} 5000"}, "uscc"),
        (
            "CON03",
            {
                "uscc": md.USCC_A,
                "id_number": md.ID_MALE,
                "period_from": "2026-01",
                "period_to": "2026-01",
                "monthly_wage": "5000",
                "paid_date": "2026-04-29",
            },
            "id_number",
        ),
        (
            "CON04",
            {"uscc": md.USCC_A, "amount": "1", "reason": "x", "bank_account": "6222"},
            "uscc",
        ),
        (
            "CON04",
            {"id_number": md.ID_MALE, "amount": "1", "reason": "x", "bank_account": "6222"},
            "id_number",
        ),
    ],
)
def test_other_region_subject_refused_at_the_field(yanji, staffed, code, data, field):
    with pytest.raises(ValidationError) as info:
        casework.intake(code, data, **yanji)
    assert str(DENIED_OTHER_REGION) in info.value.message_dict[field]
    assert not DeclaredBase.objects.exists()
    assert not AssessmentBill.objects.exists() and not Refund.objects.exists()
