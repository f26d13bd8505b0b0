"""Demo master data and registration cases (DEMO DATA, made through the real services;
idempotent, run by ``manage.py seed_demo`` on every ``make run``).

Valid identifiers not yet registered, for trying the counter by hand:
- USCC 91222424MA0Y12383Q (a new employer for REG01);
- resident IDs 222424199211112018 (male), 222424199502204027 (female),
  222424197008085019 (male) for REG04 / CON02.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from counterhall.demo import demo_case
from counterhall.models import CaseState
from registration import selectors
from registration import services as reg

D = dt.date

EMPLOYERS = [
    # uscc, name, legal rep, injury class, address
    ("91222424MA0Y12340B", "汪清示例科技有限公司", "王明", 1, "汪清县大川街 1 号"),
    ("91222424MA0Y123598", "汪清县示例建筑安装有限公司", "刘强", 5, "汪清县新民街 20 号"),
    ("12222424412345670L", "汪清县示例事业单位", "陈静", 1, "汪清县政府路 3 号"),
]
PERSONS = [
    # id, name, retirement category, work start, employer uscc
    ("222424196503151234", "张三", "male_60", D(1985, 7, 1), "91222424MA0Y12340B"),
    ("22242419880808107X", "王五", "male_60", D(2010, 3, 1), "91222424MA0Y12340B"),
    ("222424199005123015", "赵六", "male_60", D(2012, 9, 1), "12222424412345670L"),
    ("222401197801010042", "李四", "female_55", D(1998, 8, 1), None),
    ("222424198503014028", "孙丽", "female_50", D(2005, 4, 1), None),
]


def build(*, hall, users) -> None:
    admin = users["admin"]
    for uscc, name, rep, cls, address in EMPLOYERS:
        if selectors.employer_by_uscc(uscc) is None:
            reg.employer_register(
                actor=admin,
                uscc=uscc,
                name=name,
                legal_representative=rep,
                injury_class=cls,
                address=address,
                registered_on=D(2020, 1, 1),
                region=hall.region,
                bank_account="6222000000001234",
                bank_name="汪清农商银行",
            )
    for number, name, category, work_start, uscc in PERSONS:
        person = reg.person_register(
            actor=admin,
            id_number=number,
            name=name,
            retirement_category=category,
            work_start=work_start,
            region=hall.region,
        )
        if uscc and selectors.open_employment(person) is None and not person.employments.exists():
            reg.employee_enroll(
                actor=admin,
                employer_id=selectors.employer_by_uscc(uscc).pk,
                person_id=person.pk,
                start=D(2024, 1, 1),
            )
    build_cases(hall=hall, users=users)


def build_cases(*, hall, users) -> None:
    today = timezone.localdate()
    demo_case(
        hall=hall,
        users=users,
        code="REG01",
        label="新单位（待补正材料）",
        received=False,
        until=CaseState.AWAITING_DOCUMENTS,
    )
    demo_case(
        hall=hall,
        users=users,
        code="REG02",
        label="单位地址变更（受理中）",
        data={"uscc": "91222424MA0Y12340B", "address": "汪清县大川街 8 号"},
    )
    demo_case(
        hall=hall,
        users=users,
        code="REG04",
        label="职工增员（待复核）",
        data={
            "uscc": "91222424MA0Y12340B",
            "id_number": "222401197801010042",
            "name": "李四",
            "retirement_category": "female_55",
            "start": f"{today:%Y-%m}-01",
            "starting_wage": "4800",
        },
        until=CaseState.SUBMITTED,
    )
    demo_case(
        hall=hall,
        users=users,
        code="REG02",
        label="法定代表人变更（已核准，待办结）",
        data={"uscc": "12222424412345670L", "legal_representative": "陈新"},
        until=CaseState.APPROVED,
    )
    demo_case(
        hall=hall,
        users=users,
        code="REG01",
        label="新单位参保（已办结）",
        data={
            "uscc": "91222424MA0Y12375X",
            "name": "汪清县示例商贸有限公司",
            "legal_representative": "周红",
            "injury_class": "2",
            "registered_on": "2025-06-02",
            "bank_account": "6222000000005678",
            "bank_name": "汪清农商银行",
        },
        until=CaseState.COMPLETED,
    )
