"""Contribution master data through its services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contributions import selectors
from contributions import services as con
from contributions.models import AccountEntry, AssessmentBill, Contribution, Refund
from registration import services as reg
from tests import masterdata as md

pytestmark = pytest.mark.django_db
D = Decimal
JAN = dt.date(2026, 1, 1)


@pytest.fixture
def staffed():
    employer = md.employer()
    a = md.person()
    b = md.person(id_number=md.ID_X, name="王五")
    c = md.person(id_number=md.ID_EXTRA, name="赵六")
    for p, wage in ((a, "5000"), (b, "3000"), (c, "25000")):
        md.employee(employer_obj=employer, person_obj=p)
        con.base_declare(
            actor=None,
            person_id=p.pk,
            employer_id=employer.pk,
            year=2026,
            declared_wage=wage,
            region="222424",
        )
    return employer, (a, b, c)


def test_base_is_clamped_and_negative_refused():
    employer, person = md.employer(), md.person()
    row = con.base_declare(
        actor=None,
        person_id=person.pk,
        employer_id=employer.pk,
        year=2026,
        declared_wage="3000",
        region="222424",
    )
    assert row.base == D("3900.00")
    with pytest.raises(ValidationError) as info:
        con.base_declare(
            actor=None,
            person_id=person.pk,
            employer_id=employer.pk,
            year=2026,
            declared_wage="-1",
            region="222424",
        )
    assert "负数" in info.value.message_dict["declared_wage"][0]
    row.refresh_from_db()
    assert row.declared_wage == D("3000.00")


def test_monthly_bill_is_the_worked_example_and_idempotent(staffed):
    employer, _persons = staffed
    bill, created = con.bill_generate_employer(actor=None, employer_id=employer.pk, period=JAN)
    assert created
    # employer: 800+624+3120 + 25+19.5+97.5 + 10+7.8+39 ; individual: 400+312+1560 + 25+19.5+97.5
    assert bill.employer_total == D("4742.80")
    assert bill.individual_total == D("2414.00")
    assert bill.total == D("7156.80")
    assert Contribution.objects.filter(bill=bill).count() == 9
    again, created = con.bill_generate_employer(actor=None, employer_id=employer.pk, period=JAN)
    assert again == bill and not created
    assert AssessmentBill.objects.count() == 1
    summary = con.bills_generate_month(actor=None, period=JAN)
    assert summary["created"] == 0 and summary["existing"] == 1


def test_payment_credits_the_account_once_and_interest(staffed):
    employer, (a, _b, _c) = staffed
    con.base_declare(
        actor=None,
        person_id=a.pk,
        employer_id=employer.pk,
        year=2024,
        declared_wage="5000",
        region="222424",
    )
    bill, _ = con.bill_generate_employer(
        actor=None, employer_id=employer.pk, period=dt.date(2024, 2, 1)
    )
    assert bill.contributions.count() == 3  # only a has a base for 2024
    con.bill_record_payment(
        actor=None, bill_id=bill.pk, amount=bill.total, paid_on=dt.date(2024, 3, 10)
    )
    con.bill_record_payment(
        actor=None, bill_id=bill.pk, amount="10.00", paid_on=dt.date(2024, 3, 11)
    )
    assert selectors.account_balance(person_id=a.pk) == D("400.00")
    assert set(bill.figures["missing_base"]) == {"王五", "赵六"}
    entry = con.account_post_interest(actor=None, person_id=a.pk, year=2024)
    # credited in March: 400 × 0.0262 × 9/12 = 7.86
    assert entry.amount == D("7.86")
    assert con.account_post_interest(actor=None, person_id=a.pk, year=2024) == entry
    assert AccountEntry.objects.filter(kind="interest").count() == 1
    assert selectors.paid_months(a) == 1


def test_arrears_block_deregistration(staffed):
    employer, persons = staffed
    con.bill_generate_employer(actor=None, employer_id=employer.pk, period=JAN)
    for p in persons:
        reg.employee_separate(
            actor=None,
            employer_id=employer.pk,
            person_id=p.pk,
            end=dt.date(2026, 1, 31),
            reason="resigned",
        )
    with pytest.raises(ValidationError) as info:
        con.employer_deregister(actor=None, employer_id=employer.pk, on=dt.date(2026, 2, 1))
    assert "欠缴 7156.80 元" in info.value.message_dict["uscc"][0]


def test_refund_at_most_what_was_overpaid(staffed):
    employer, _ = staffed
    bill, _ = con.bill_generate_employer(actor=None, employer_id=employer.pk, period=JAN)
    con.bill_record_payment(
        actor=None, bill_id=bill.pk, amount=bill.total + D("100"), paid_on=dt.date(2026, 2, 10)
    )
    assert selectors.overpaid_available(employer_id=employer.pk) == D("100.00")
    with pytest.raises(ValidationError) as info:
        con.refund_record(actor=None, employer_id=employer.pk, amount="100.01", reason="多缴")
    assert "超过可退的多缴金额 100.00 元" in info.value.message_dict["amount"][0]
    con.refund_record(actor=None, employer_id=employer.pk, amount="60", reason="多缴")
    assert selectors.overpaid_available(employer_id=employer.pk) == D("40.00")
    assert Refund.objects.count() == 1


def test_flexible_bill():
    person = md.person()
    worker = reg.flexible_enroll(
        actor=None,
        person_id=person.pk,
        base_ratio="1.00",
        start=dt.date(2025, 6, 1),
        region="222424",
    )
    bill, created = con.bill_generate_flexible(actor=None, worker_id=worker.pk, period=JAN)
    assert created and bill.total == D("1300.00")
    assert bill.contributions.get().account_amount == D("520.00")
    assert con.bills_generate_month(actor=None, period=JAN)["existing"] == 1
