"""Master data for the benefit and transfer tests, made through the real services."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from contributions import services as contributions
from counterhall import services
from counterhall.models import BusinessType
from counterhall.months import add_months
from registration import services as registration
from registration.validators import resident_id_check_char
from review import services as review_services
from tests import masterdata

_seq = itertools.count(101)


def make_id(birth: dt.date, *, male: bool = True, region: str = "222424") -> str:
    """A valid resident ID number (GB 11643) for the birth date and sex."""
    while True:
        seq = next(_seq) % 1000
        if (seq % 2 == 1) == male:
            break
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


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
    bt = BusinessType.objects.get(code=code)
    case = services.case_open(
        actor=teller, window=window, business_type=bt, applicant_name=applicant
    )
    services.case_set_documents(
        actor=teller,
        case_id=case.pk,
        seen_state=None,
        received=[d.code for d in bt.documents.all()],
    )
    return services.case_save_application(actor=teller, case_id=case.pk, seen_state=None, data=data)


def approved(*, teller, window, reviewer, code: str, data: dict):
    case = ready(teller=teller, window=window, code=code, data=data)
    case = services.case_submit(actor=teller, case_id=case.pk, seen_state=None)
    case = review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    return review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)


def completed(*, teller, window, reviewer, code: str, data: dict):
    case = approved(teller=teller, window=window, reviewer=reviewer, code=code, data=data)
    return services.case_complete(actor=teller, case_id=case.pk, seen_state=None)
