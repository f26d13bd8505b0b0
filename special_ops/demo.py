"""Demo master data for the special window (``manage.py seed_demo``).

DEMO DATA, made through the real services and idempotent: 周大勇 (ID 222424197204150017), an
employee of 汪清县示例建筑安装有限公司 since 2024 with 20 years of deemed contributions and a
personal account of 65,000 yuan, for an SPC01 death-in-service case at window 7 (special1).
Heirs to type in: 吴秀兰 222424197406100026 配偶 50 6222000011112001 and
周晓 222424199803010031 子女 50 6222000011112002.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from contributions import services as contributions
from contributions.selectors import AccountEntryKind
from registration import selectors as people
from registration import services as registration

DECEASED_ID = "222424197204150017"
EMPLOYER_USCC = "91222424MA0Y123598"
START = dt.date(2024, 1, 1)


def build(*, hall, users) -> None:
    employer = people.employer_by_uscc(EMPLOYER_USCC)
    if employer is None or people.person_by_id_number(DECEASED_ID) is not None:
        return
    with transaction.atomic():
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
