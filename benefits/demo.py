"""Demo master data for the benefit and transfer types (``manage.py seed_demo``).

DEMO DATA, made through the real services and idempotent (nothing is added when the demo
employer already exists): an employer with ten employees past retirement age (three for an
immediate BEN01 case, seven for a time-limited one), one worker who may defer retirement, one
worker laid off at the end of 2025 (BEN03, BEN04) and one who resigned (TRF01). Everyone's
contributions since 2024 are declared, billed and paid.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from benefits import calculations as calc
from contributions import services as contributions
from contributions.selectors import AccountEntryKind, BillStatus
from counterhall.months import add_months, first_of_month
from counterhall.params import ParamReader
from registration import services as registration
from registration.selectors import SeparationReason, Sex, resident_id_check_char

USCC = "91222424MA0BEN001D"
EMPLOYER_NAME = "汪清县示例机械厂"
RETIREES = [
    "张建国",
    "李红军",
    "王志强",
    "赵德明",
    "刘国庆",
    "陈永胜",
    "杨振华",
    "周卫东",
    "吴建平",
    "孙海涛",
]
START = dt.date(2024, 1, 1)


def _id_number(birth: dt.date, seq: int, *, male: bool = True) -> str:
    seq = seq * 2 + (1 if male else 0)
    first17 = f"222424{birth:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def _person(name, birth, seq, *, region, deemed_months, male=True, category="male_60"):
    return registration.person_register(
        actor=None,
        id_number=_id_number(birth, seq, male=male),
        name=name,
        retirement_category=category,
        work_start=dt.date(1984, 8, 1),
        deemed_months=deemed_months,
        region=region,
    )


def _latest_retired_birth(today: dt.date, region: str) -> dt.date:
    """The latest 8th-of-month birth date of a man who has reached his statutory retirement
    age by today (so the demo retirees have just retired, whatever the year)."""
    rule = ParamReader(region=region, on=today).get("retirement.delay_rule").value
    birth = add_months(today, -60 * 12).replace(day=8)
    while (
        calc.statutory_retirement(
            birth_date=birth, sex=Sex.MALE, original_years=60, delay_rule=rule
        ).retirement_date
        > today
    ):
        birth = add_months(birth, -1)
    return birth


def build(*, hall, users) -> None:
    if registration.find_employer(USCC) is not None:
        return
    today = timezone.localdate()
    with transaction.atomic():
        employer = registration.employer_register(
            actor=None,
            uscc=USCC,
            name=EMPLOYER_NAME,
            legal_representative="孟厂长",
            injury_class=5,
            registered_on=dt.date(2020, 1, 1),
            bank_account="6222000099990001",
            region=hall.region,
        )
        staff = []
        first = _latest_retired_birth(today, hall.region)
        for i, name in enumerate(RETIREES):
            birth = add_months(first, -i)
            staff.append(
                _person(name, birth, 10 + i, region=hall.region, deemed_months=216 + 6 * i)
            )
        deferring = _person(
            "钱立新",
            add_months(today, -(59 * 12 + 4)).replace(day=12),
            30,
            region=hall.region,
            deemed_months=240,
        )
        laid_off = _person(
            "郑春燕",
            dt.date(1986, 4, 18),
            31,
            region=hall.region,
            deemed_months=0,
            male=False,
            category="female_50",
        )
        leaving = _person("冯晓东", dt.date(1990, 9, 3), 32, region=hall.region, deemed_months=0)
        everyone = [*staff, deferring, laid_off, leaving]
        for person in everyone:
            registration.employee_enroll(
                actor=None, employer_id=employer.pk, person_id=person.pk, start=START
            )
            for year in (2024, 2025):
                contributions.base_declare(
                    actor=None,
                    person_id=person.pk,
                    employer_id=employer.pk,
                    year=year,
                    declared_wage="5200.00",
                    region=employer.region,
                )
        for person in staff:
            contributions.account_post(
                actor=None,
                person_id=person.pk,
                kind=AccountEntryKind.ADJUSTMENT,
                amount="98000.00",
                on=START,
                note="历史个人账户储存额（系统迁移，示例）",
            )
        # Bills up to last month, as the monthly job would have made them.
        period, last_month = START, add_months(first_of_month(today), -1)
        while period <= last_month:
            bill, _created = contributions.bill_generate_employer(
                actor=None, employer_id=employer.pk, period=period
            )
            if bill.status != BillStatus.PAID and bill.total > 0:
                contributions.bill_record_payment(
                    actor=None, bill_id=bill.pk, amount=bill.total, paid_on=bill.due_date
                )
            period = add_months(period, 1)
        for person, reason in (
            (laid_off, SeparationReason.CONTRACT_END),
            (leaving, SeparationReason.RESIGNED),
        ):
            registration.employee_separate(
                actor=None,
                employer_id=employer.pk,
                person_id=person.pk,
                # recent, so a BEN03 claim made today is inside the 60-day claim window
                end=today - dt.timedelta(days=20),
                reason=reason,
            )
