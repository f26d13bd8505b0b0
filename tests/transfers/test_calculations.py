"""Transfer amounts of rules.md §1.5."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from counterhall.params import ParamReader
from transfers import assessments
from transfers import calculations as calc


@pytest.fixture
def reader(db):
    return ParamReader(region="222424", on=dt.date(2026, 1, 1))


def test_transfer_worked_example_of_rules(reader):
    # 120 months at 4,000 since 2010 → pooled 57,600; account 46,000 → 103,600
    wages = [{"year": year, "wage_total": "48000"} for year in range(2010, 2020)]
    result = calc.transfer_from_params(reader=reader, account_balance="46000", yearly_wages=wages)
    assert result.pooled_transfer == Decimal("57600.00")
    assert result.account_transfer == Decimal("46000.00")
    assert result.total == Decimal("103600.00")


def test_years_before_1998_do_not_count_for_the_pooled_portion(reader):
    wages = [{"year": 1997, "wage_total": "10000"}, {"year": 1998, "wage_total": "10000.05"}]
    result = calc.transfer_from_params(reader=reader, account_balance="0", yearly_wages=wages)
    assert result.pooled_transfer == Decimal("1200.01")
    assert result.years_before_1998 == [1997]


@pytest.mark.parametrize(
    ("balance", "wages", "field"),
    [
        ("-0.01", [], "account_balance"),
        (
            "0",
            [{"year": 2005, "wage_total": "1"}, {"year": 2005, "wage_total": "2"}],
            "yearly_wages",
        ),
        ("0", [{"year": 2005, "wage_total": "-1"}], "yearly_wages"),
    ],
)
def test_bad_transfer_input_is_refused(reader, balance, wages, field):
    with pytest.raises(ValidationError) as exc:
        calc.transfer_from_params(reader=reader, account_balance=balance, yearly_wages=wages)
    assert field in exc.value.message_dict


def test_an_incoming_period_spans_the_year_end_month_by_month():
    months = assessments.parse_periods("2024-11 2025-02 4000.00")

    assert [m["month"] for m in months] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert {m["base"] for m in months} == {Decimal("4000.00")}
