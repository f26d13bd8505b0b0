"""Monthly bills by the management command and the Django task: idempotent per month."""

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contributions import services as con
from contributions.models import AssessmentBill
from contributions.tasks import generate_monthly_bills
from registration import services as reg
from tests import masterdata as md

pytestmark = pytest.mark.django_db


@pytest.fixture
def subjects():
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
    flex = md.person(id_number=md.ID_FEMALE, name="李四", category="female_55")
    reg.flexible_enroll(
        actor=None, person_id=flex.pk, base_ratio="0.60", start=dt.date(2026, 1, 1), region="222424"
    )
    return employer


def test_command_generates_once_per_month(subjects):
    out = StringIO()
    call_command("generate_bills", "--period", "2026-03", stdout=out)
    assert "created 2, existing 0" in out.getvalue()
    call_command("generate_bills", "--period", "2026-03", stdout=out)
    assert "created 0, existing 2" in out.getvalue()
    assert AssessmentBill.objects.filter(period=dt.date(2026, 3, 1)).count() == 2
    employer_bill = AssessmentBill.objects.get(employer=subjects, period=dt.date(2026, 3, 1))
    assert employer_bill.total == 1260
    flexible_bill = AssessmentBill.objects.get(employer=None, period=dt.date(2026, 3, 1))
    assert str(flexible_bill.total) == "780.00"  # 3900 × 20 %


def test_command_rejects_a_bad_period(db):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("generate_bills", "--period", "March")


def test_task_runs_the_command(subjects):
    result = generate_monthly_bills.enqueue(period="2026-04")
    assert "created 2" in result.return_value
    assert AssessmentBill.objects.filter(period=dt.date(2026, 4, 1)).count() == 2


def test_interest_command_is_idempotent(subjects):
    from contributions.models import AccountEntry

    bill, _ = con.bill_generate_employer(
        actor=None, employer_id=subjects.pk, period=dt.date(2024, 6, 1)
    )
    assert bill.total == 0  # no base declared for 2024 yet
    person = md.person()
    con.base_declare(
        actor=None,
        person_id=person.pk,
        employer_id=subjects.pk,
        year=2024,
        declared_wage="5000",
        region="222424",
    )
    bill, _ = con.bill_generate_employer(
        actor=None, employer_id=subjects.pk, period=dt.date(2024, 7, 1)
    )
    con.bill_record_payment(
        actor=None, bill_id=bill.pk, amount=bill.total, paid_on=dt.date(2024, 8, 1)
    )
    call_command("post_account_interest", "--year", "2024", stdout=StringIO())
    call_command("post_account_interest", "--year", "2024", stdout=StringIO())
    interest = AccountEntry.objects.get(kind="interest", person=person)
    assert interest.amount == D("3.49")  # credited in August: 400 × 0.0262 × 4/12
