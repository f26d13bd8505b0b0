"""Demo contribution data and cases (DEMO DATA, idempotent, through the real services)."""

from __future__ import annotations

from django.utils import timezone

from contributions import services
from contributions.models import AssessmentBill
from counterhall.demo import demo_case
from counterhall.models import CaseState
from counterhall.months import add_months, first_of_month
from registration import selectors as people

WAGES = {"222424196503151234": "5200", "22242419880808107X": "3000", "222424199005123015": "7800"}


def build(*, hall, users) -> None:
    admin = users["admin"]
    today = timezone.localdate()
    for number, wage in WAGES.items():
        person = people.person_by_id_number(number)
        spell = people.open_employment(person) if person else None
        if spell is None:
            continue
        services.base_declare(
            actor=admin,
            person_id=person.pk,
            employer_id=spell.employer_id,
            year=today.year,
            declared_wage=wage,
            region=hall.region,
        )
    last_month = add_months(first_of_month(today), -1)
    services.bills_generate_month(actor=admin, period=last_month)
    employer = people.employer_by_uscc("91222424MA0Y12340B")
    bill = AssessmentBill.objects.filter(employer=employer, period=last_month).first()
    if bill is not None and bill.amount_paid == 0 and bill.total > 0:
        # paid by the collector with 200 yuan too much: something to refund (CON04)
        services.bill_record_payment(
            actor=admin, bill_id=bill.pk, amount=bill.total + 200, paid_on=today
        )
    demo_case(
        hall=hall,
        users=users,
        code="CON01",
        label="年度基数申报（复核中）",
        data={
            "uscc": "12222424412345670L",
            "year": str(today.year),
            "wages": "222424199005123015 8200",
        },
        until=CaseState.IN_REVIEW,
    )
    demo_case(
        hall=hall,
        users=users,
        code="CON02",
        label="灵活就业参保（已退回）",
        data={
            "id_number": "222424198503014028",
            "name": "孙丽",
            "retirement_category": "female_55",
            "base_ratio": "0.60",
            "start": f"{today:%Y-%m}-01",
            "bank_account": "6222000000009999",
        },
        until=CaseState.RETURNED,
        reasons=["请补充居住证复印件。"],
    )
    demo_case(
        hall=hall,
        users=users,
        code="CON03",
        label="补缴核定（待签批）",
        data={
            "uscc": "91222424MA0Y12340B",
            "id_number": "22242419880808107X",
            "period_from": "2025-01",
            "period_to": "2025-03",
            "monthly_wage": "3000",
            "paid_date": f"{today:%Y-%m-%d}",
        },
        until=CaseState.AWAITING_SIGNOFF,
    )
