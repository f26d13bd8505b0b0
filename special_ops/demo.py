"""Demo master data for the special window (``manage.py seed_demo``).

DEMO DATA, made through the real services and idempotent: 周大勇 (ID 222424197204150017), an
employee of its own demo employer 汪清县示例运输有限公司 (91222424MA0Y12710Y) since 2024 with 20
years of deemed contributions and a personal account of 65,000 yuan, for an SPC01
death-in-service case at window 7 (special1).
Heirs to type in: 吴秀兰 222424197406100026 配偶 50 6222000011112001 and
周晓 222424199803010031 子女 50 6222000011112002.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from contributions import services as contributions
from contributions.selectors import AccountEntryKind
from counterhall.months import add_months, first_of_month
from registration import selectors as people
from registration import services as registration

DECEASED_ID = "222424197204150017"
EMPLOYER_USCC = "91222424MA0Y12710Y"
START = dt.date(2024, 1, 1)


def build(*, hall, users) -> None:
    if people.person_by_id_number(DECEASED_ID) is not None:
        return
    with transaction.atomic():
        employer = people.employer_by_uscc(EMPLOYER_USCC) or registration.employer_register(
            actor=None,
            uscc=EMPLOYER_USCC,
            name="汪清县示例运输有限公司",
            legal_representative="吴经理",
            injury_class=3,
            address="汪清县长荣街 8 号",
            registered_on=dt.date(2020, 1, 1),
            region=hall.region,
            bank_account="6222000000007788",
            bank_name="汪清农商银行",
        )
        person = registration.person_register(
            actor=None,
            id_number=DECEASED_ID,
            name="周大勇",
            retirement_category="male_60",
            work_start=dt.date(1992, 7, 1),
            deemed_months=240,
            region=hall.region,
        )
        registration.employee_enroll(
            actor=None, employer_id=employer.pk, person_id=person.pk, start=START
        )
        contributions.account_post(
            actor=None,
            person_id=person.pk,
            kind=AccountEntryKind.ADJUSTMENT,
            amount="65000.00",
            on=START,
            note="历史个人账户储存额（系统迁移，示例）",
        )
        # last month's bill, as the monthly job (and contributions' demo) makes it
        contributions.bills_generate_month(
            actor=None, period=add_months(first_of_month(timezone.localdate()), -1)
        )
