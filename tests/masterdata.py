"""Master data for tests, made through the real services (registration, contributions)."""

import datetime as dt
from decimal import Decimal

from contributions import services as con
from registration import services as reg
from registration.models import RetirementCategory

USCC_A = "91222424MA0Y12340B"
USCC_B = "12222424412345670L"
USCC_C = "92222424MA12TUWX4G"
ID_MALE = "222424196503151234"
ID_FEMALE = "222401197801010042"
ID_X = "22242419880808107X"
ID_EXTRA = "220102199006205518"


def employer(
    *,
    actor=None,
    uscc=USCC_A,
    name="汪清示例科技有限公司",
    injury_class=1,
    registered_on=dt.date(2020, 1, 1),
):
    found = reg.find_employer(uscc)
    if found:
        return found
    return reg.employer_register(
        actor=actor,
        uscc=uscc,
        name=name,
        legal_representative="王法人",
        injury_class=injury_class,
        registered_on=registered_on,
        bank_account="6222000011112222",
        region="222424",
    )


def person(*, actor=None, id_number=ID_MALE, name="张三", category=RetirementCategory.MALE_60):
    return reg.person_register(
        actor=actor,
        id_number=id_number,
        name=name,
        retirement_category=category,
        work_start=dt.date(1985, 7, 1),
        region="222424",
    )


def employee(*, actor=None, employer_obj, person_obj, start=dt.date(2024, 1, 1)):
    return reg.employee_enroll(
        actor=actor, employer_id=employer_obj.pk, person_id=person_obj.pk, start=start
    )


def overpay(employer, extra="100"):
    """A new employee of ``employer`` on a 5,000 base for 2026, and the January 2026 bill paid
    with ``extra`` yuan too much (what a refund can then return)."""
    person_obj = person()
    employee(employer_obj=employer, person_obj=person_obj)
    con.base_declare(
        actor=None,
        person_id=person_obj.pk,
        employer_id=employer.pk,
        year=2026,
        declared_wage="5000",
        region="222424",
    )
    bill, _ = con.bill_generate_employer(
        actor=None, employer_id=employer.pk, period=dt.date(2026, 1, 1)
    )
    con.bill_record_payment(
        actor=None,
        bill_id=bill.pk,
        amount=bill.total + Decimal(extra),
        paid_on=dt.date(2026, 2, 10),
    )
