"""Account interest on one date basis: the day the money is credited to the account."""

import datetime as dt
from decimal import Decimal

import pytest

from contributions import selectors
from contributions import services as con
from contributions.models import AccountEntry
from tests import masterdata as md

pytestmark = pytest.mark.django_db
D = Decimal


def _paid_december_2023_in_january_2024():
    """1,000 yuan to the account (8 % of a 12,500 base) for 2023-12, paid 2024-01-10."""
    employer, person = md.employer(), md.person()
    md.employee(employer_obj=employer, person_obj=person, start=dt.date(2023, 1, 1))
    con.base_declare(
        actor=None,
        person_id=person.pk,
        employer_id=employer.pk,
        year=2023,
        declared_wage="12500",
        region="222424",
    )
    bill, _ = con.bill_generate_employer(
        actor=None, employer_id=employer.pk, period=dt.date(2023, 12, 1)
    )
    con.bill_record_payment(
        actor=None, bill_id=bill.pk, amount=bill.total, paid_on=dt.date(2024, 1, 10)
    )
    credit = AccountEntry.objects.get(person=person, kind="contribution")
    assert credit.amount == D("1000.00") and credit.on == dt.date(2024, 1, 10)
    return person


def test_a_late_paid_contribution_earns_interest_in_the_year_it_is_credited():
    person = _paid_december_2023_in_january_2024()
    assert AccountEntry.objects.get(person=person, kind="contribution").year == 2024
    # nothing was in the account in 2023
    assert con.account_post_interest(actor=None, person_id=person.pk, year=2023).amount == D("0")
    # credited in January: 1,000 × 0.0262 × (12 − 1)/12 = 24.0166… → 24.02
    entry = con.account_post_interest(actor=None, person_id=person.pk, year=2024)
    assert entry.amount == D("24.02")


def test_opening_balance_is_everything_credited_before_the_year_with_its_interest():
    person = _paid_december_2023_in_january_2024()
    con.account_post_interest(actor=None, person_id=person.pk, year=2024)  # 24.02
    # 2025: the whole 1,024.02 for the year at the 2025 rate; 2025 has none seeded,
    # so use a stand-in for 2025 at the 2024 figure
    from counterhall.models import PolicyParameter

    PolicyParameter.objects.create(
        region="000000",
        key="pension.account_interest_rate",
        value="0.0262",
        effective_from=dt.date(2025, 1, 1),
        effective_to=dt.date(2025, 12, 31),
        tag="national",
        note="测试",
    )
    entry = con.account_post_interest(actor=None, person_id=person.pk, year=2025)
    assert entry.amount == D("26.83")  # 1,024.02 × 0.0262 = 26.829…
    assert selectors.account_balance(person_id=person.pk) == D("1050.85")
