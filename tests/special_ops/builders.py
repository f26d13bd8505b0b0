"""The deceased-in-service of the SPC01 tests and docs/special-business.md example 1, made
through the real services."""

from __future__ import annotations

import datetime as dt

from contributions import services as contributions
from tests.benefits import builders as b

D = dt.date
HEIR_A = "222424198803151235"
HEIR_B = "222401199001010027"


def deceased(*, employer_obj, deemed_months=268, balance="30000.00", interest_2024=True):
    """An employee since 2024-01 with ``deemed_months`` (22 y 4 m by default), an account
    line of ``balance`` on 2024-01-01 and the 2024 interest posted."""
    person = b.person(birth=D(1975, 6, 1), deemed_months=deemed_months, name="李四")
    b.registration.employee_enroll(
        actor=None, employer_id=employer_obj.pk, person_id=person.pk, start=D(2024, 1, 1)
    )
    contributions.account_post(
        actor=None,
        person_id=person.pk,
        kind="adjustment",
        amount=balance,
        on=D(2024, 1, 1),
        note="历史数据",
    )
    if interest_2024:
        contributions.account_post_interest(actor=None, person_id=person.pk, year=2024)
    return person


def heirs(*lines):
    return "\n".join(lines) or (
        f"王芳 {HEIR_B} 配偶 50 6222000011110001\n李小明 {HEIR_A} 子女 50 6222000011110002"
    )


def death_data(person, **overrides):
    data = {
        "id_number": person.id_number,
        "death_date": "2025-03-10",
        "death_cause": "illness",
        "heirs": heirs(),
        "dispute": "",
        "inheritance_document": "kinship",
    }
    data.update(overrides)
    return data
