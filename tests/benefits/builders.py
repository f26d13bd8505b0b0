"""Master data for the benefit and transfer tests, made through the real services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from contributions import services as contributions
from counterhall import services
from counterhall.months import add_months
from registration import services as registration
from registration.models import InsuredPerson
from registration.validators import resident_id_check_char
from review import services as review_services
from tests import casework, masterdata


def make_id(birth: dt.date, *, male: bool = True, region: str = "222424") -> str:
    """A valid resident ID number (GB 11643) for the birth date and sex that nobody in the
    database has yet (the sequence digits count up from 101)."""
    prefix = f"{region}{birth:%Y%m%d}"
    taken = set(
        InsuredPerson.objects.filter(id_number__startswith=prefix).values_list(
            "id_number", flat=True
        )
    )
    for seq in range(101 if male else 102, 1000, 2):
        first17 = f"{prefix}{seq:03d}"
        number = first17 + resident_id_check_char(first17)
        if number not in taken:
            return number
    raise AssertionError(f"no free ID number left for {prefix}")


def years_ago(years: int, months: int = 0) -> dt.date:
    return add_months(timezone.localdate(), -(years * 12 + months))


def employer(**kwargs):
    return masterdata.employer(**kwargs)


def person(
    *,
    birth: dt.date,
    male: bool = True,
    category: str | None = None,
    deemed_months: int = 0,
    name: str = "",
    id_number: str | None = None,
):
    category = category or ("male_60" if male else "female_50")
    number = id_number or make_id(birth, male=male)
    return registration.person_register(
        actor=None,
        id_number=number,
        name=name or f"职工{number[-4:]}",
        retirement_category=category,
        work_start=dt.date(1985, 7, 1),
        deemed_months=deemed_months,
        region="222424",
    )


def retiree(
    *,
    employer_obj,
    birth: dt.date,
    male: bool = True,
    category: str | None = None,
    deemed_months: int = 240,
    balance: str = "120000.00",
    name: str = "",
):
    """An employee of ``employer_obj`` with deemed months and an account balance."""
    p = person(birth=birth, male=male, category=category, deemed_months=deemed_months, name=name)
    registration.employee_enroll(
        actor=None, employer_id=employer_obj.pk, person_id=p.pk, start=dt.date(2024, 1, 1)
    )
    if balance and balance != "0":
        contributions.account_post(
            actor=None,
            person_id=p.pk,
            kind="adjustment",
            amount=balance,
            on=dt.date(2024, 1, 1),
            note="历史数据",
        )
    return p


def paid_months(*, employer_obj, person_obj, first: dt.date, months: int, wage="5000.00"):
    """Declare the base and pay the employer's monthly bills for ``months`` months."""
    for year in range(first.year, add_months(first, months - 1).year + 1):
        contributions.base_declare(
            actor=None,
            person_id=person_obj.pk,
            employer_id=employer_obj.pk,
            year=year,
            declared_wage=wage,
            region="222424",
        )
    for i in range(months):
        bill, _created = contributions.bill_generate_employer(
            actor=None, employer_id=employer_obj.pk, period=add_months(first, i)
        )
        if bill.status != "paid":
            contributions.bill_record_payment(
                actor=None, bill_id=bill.pk, amount=bill.total, paid_on=bill.due_date
            )


def ready(*, teller, window, code: str, data: dict, applicant: str = "张三"):
    return casework.intake(code, data, teller=teller, window=window, applicant_name=applicant)


def approved(*, teller, window, reviewer, code: str, data: dict):
    case = ready(teller=teller, window=window, code=code, data=data)
    case = services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    case = review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    return review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)


def completed(*, teller, window, reviewer, code: str, data: dict):
    case = approved(teller=teller, window=window, reviewer=reviewer, code=code, data=data)
    return services.case_complete(actor=teller, case_id=case.pk, seen_state=None)
