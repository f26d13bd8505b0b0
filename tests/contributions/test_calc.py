"""The worked examples of rules.md §1.3 and §1.4, with the seeded parameters."""

import datetime as dt
from decimal import Decimal

import pytest

from contributions import calc
from counterhall.models import PolicyParameter
from counterhall.params import ParamReader

D = Decimal


@pytest.fixture
def reader(db):
    return ParamReader(region="222424", on=dt.date(2026, 1, 1))


@pytest.mark.parametrize(
    ("wage", "base", "pension", "unemployment", "injury"),
    [
        ("5000", "5000.00", ("800.00", "400.00"), ("25.00", "25.00"), "10.00"),
        ("3000", "3900.00", ("624.00", "312.00"), ("19.50", "19.50"), "7.80"),
        ("25000", "19500.00", ("3120.00", "1560.00"), ("97.50", "97.50"), "39.00"),
    ],
)
def test_contribution_worked_example(reader, wage, base, pension, unemployment, injury):
    out = calc.contribution_preview(reader=reader, declared_wage=D(wage), injury_class=1)
    assert out["floor"] == D("3900.00")
    assert out["ceiling"] == D("19500.00")
    assert out["base"] == D(base)
    s = out["schemes"]
    assert (s["pension"]["employer"], s["pension"]["individual"]) == tuple(map(D, pension))
    assert (s["unemployment"]["employer"], s["unemployment"]["individual"]) == tuple(
        map(D, unemployment)
    )
    assert s["work_injury"]["employer"] == D(injury)
    assert s["work_injury"]["individual"] == D("0.00")
    assert s["pension"]["account"] == D(pension[1])
    keys = {p["key"] for p in reader.references()}
    assert {"base.avg_wage", "pension.employer_rate", "injury.class_base_rate.1"} <= keys


def test_work_injury_rate_follows_the_employers_class(reader):
    out = calc.contribution_preview(reader=reader, declared_wage=D("5000"), injury_class=5)
    assert out["schemes"]["work_injury"]["employer"] == D("55.00")  # 1.1 %


def test_flexible_worker_pays_twenty_percent_eight_to_account(reader):
    shares = calc.flexible_shares(D("6500.00"), reader)
    assert shares["pension"]["individual"] == D("1300.00")
    assert shares["pension"]["account"] == D("520.00")


@pytest.mark.parametrize(
    ("principal", "due", "paid", "days", "fee"),
    [
        ("1200", dt.date(2026, 3, 15), dt.date(2026, 4, 29), 45, "27.00"),
        ("100000", dt.date(2026, 3, 1), dt.date(2026, 3, 31), 30, "1500.00"),
        ("500", dt.date(2026, 3, 15), dt.date(2026, 3, 15), 0, "0.00"),
    ],
)
def test_late_fee_worked_examples(reader, principal, due, paid, days, fee):
    out = calc.late_fee(reader=reader, principal=D(principal), due=due, paid=paid)
    assert out["days_late"] == days
    assert out["late_fee"] == D(fee)
    assert out["capped"] is False


def test_late_fee_is_capped_at_the_principal(reader):
    # 100 × 0.0005 × 3000 days = 150 > 100 → 100
    out = calc.late_fee(
        reader=reader, principal=D("100"), due=dt.date(2015, 1, 15), paid=dt.date(2023, 4, 3)
    )
    assert out["days_late"] == 3000
    assert out["late_fee"] == D("100.00")
    assert out["capped"] is True


def test_late_fee_not_capped_when_the_parameter_says_so(db):
    PolicyParameter.objects.filter(key="late_fee.cap_at_principal").update(value=False)
    reader = ParamReader(region="222424", on=dt.date(2026, 1, 1))
    out = calc.late_fee(
        reader=reader, principal=D("100"), due=dt.date(2015, 1, 15), paid=dt.date(2023, 4, 3)
    )
    assert out["late_fee"] == D("150.00")
    assert out["capped"] is False


def test_periods():
    assert calc.parse_period("2026-01") == dt.date(2026, 1, 1)
    assert calc.due_date_of(dt.date(2026, 12, 1)) == dt.date(2027, 1, 15)
    with pytest.raises(ValueError, match="YYYY-MM"):
        calc.parse_period("2026/13")
