"""The formulas of rules.md §1.1, §1.2, §1.6 and §1.8 with their worked examples, read from
the seeded dated parameters."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from benefits import calculations as calc
from counterhall.months import add_months, month_key
from counterhall.params import ParamReader

D = Decimal
WANGQING = "222424"


@pytest.fixture
def reader(db):
    return ParamReader(region=WANGQING, on=dt.date(2026, 1, 1))


# --------------------------------------------------------------------------- §1.8


@pytest.mark.parametrize(
    ("sex", "original", "born", "delay", "years", "months", "retires"),
    [
        ("male", 60, "1964-12", 0, 60, 0, "2024-12"),  # last unaffected birth month
        ("male", 60, "1965-01", 1, 60, 1, "2025-02"),  # first affected birth month
        ("male", 60, "1965-04", 1, 60, 1, "2025-05"),  # end of the first step
        ("male", 60, "1965-05", 2, 60, 2, "2025-07"),  # second step
        ("male", 60, "1970-06", 17, 61, 5, "2031-11"),
        ("male", 60, "1976-08", 35, 62, 11, "2039-07"),  # last step before the cap
        ("male", 60, "1976-09", 36, 63, 0, "2039-09"),  # the cap
        ("male", 60, "1990-01", 36, 63, 0, "2053-01"),  # beyond the cap stays at the cap
        ("female", 55, "1969-12", 0, 55, 0, "2024-12"),
        ("female", 55, "1970-01", 1, 55, 1, "2025-02"),
        ("female", 55, "1975-05", 17, 56, 5, "2031-10"),
        ("female", 55, "1981-08", 35, 57, 11, "2039-07"),
        ("female", 55, "1981-09", 36, 58, 0, "2039-09"),
        ("female", 50, "1974-12", 0, 50, 0, "2024-12"),
        ("female", 50, "1975-01", 1, 50, 1, "2025-02"),
        ("female", 50, "1975-02", 1, 50, 1, "2025-03"),
        ("female", 50, "1975-03", 2, 50, 2, "2025-05"),
        ("female", 50, "1980-01", 31, 52, 7, "2032-08"),
        ("female", 50, "1984-10", 59, 54, 11, "2039-09"),
        ("female", 50, "1984-11", 60, 55, 0, "2039-11"),
    ],
)
def test_statutory_retirement_matches_the_reform_table(
    reader, sex, original, born, delay, years, months, retires
):
    birth = calc.parse_month(born).replace(day=15)
    age = calc.statutory_retirement_from_params(
        birth_date=birth, sex=sex, original_years=original, reader=reader
    )
    assert (age.delay_months, age.years, age.months) == (delay, years, months)
    assert month_key(age.retirement_month) == retires
    assert age.retirement_date.day == 15


def test_retirement_date_clamps_to_the_last_day_of_a_short_month(reader):
    # born 1965-05-31, 60 y 2 m → 2025-07-31; born 1964-02-29 → 2024-02-29 exists
    age = calc.statutory_retirement_from_params(
        birth_date=dt.date(1965, 5, 31), sex="male", original_years=60, reader=reader
    )
    assert age.retirement_date == dt.date(2025, 7, 31)
    assert add_months(dt.date(1965, 1, 31), 1) == dt.date(1965, 2, 28)


@pytest.mark.parametrize(("sex", "original"), [("male", 55), ("female", 60), ("male", 50)])
def test_original_age_must_fit_the_sex(reader, sex, original):
    with pytest.raises(ValidationError) as exc:
        calc.statutory_retirement_from_params(
            birth_date=dt.date(1970, 1, 1), sex=sex, original_years=original, reader=reader
        )
    assert "original_retirement_age" in exc.value.message_dict


@pytest.mark.parametrize(
    ("year", "months"),
    [
        (2024, 180),
        (2029, 180),
        (2030, 186),
        (2031, 192),
        (2035, 216),
        (2038, 234),
        (2039, 240),
        (2045, 240),
    ],
)
def test_minimum_contribution_months_rise_from_2030(db, year, months):
    value, reference = calc.minimum_contribution_months(year=year, region=WANGQING)
    assert value == months
    assert reference["key"] == "retirement.min_contrib_months"


def test_flexible_bounds_never_go_below_the_original_age(reader):
    # man b. 1965-05: new age 60 y 2 m; 3 years early would be 57 y 2 m → clamped to 60 y 0 m
    birth = dt.date(1965, 5, 10)
    age = calc.statutory_retirement_from_params(
        birth_date=birth, sex="male", original_years=60, reader=reader
    )
    bounds = calc.flexible_bounds(birth_date=birth, statutory=age, max_months=36)
    assert bounds.earliest == dt.date(2025, 5, 10)
    assert bounds.latest == dt.date(2028, 7, 10)
    # man b. 1976-09: new age 63 → earliest exactly 60
    birth = dt.date(1976, 9, 1)
    age = calc.statutory_retirement_from_params(
        birth_date=birth, sex="male", original_years=60, reader=reader
    )
    bounds = calc.flexible_bounds(birth_date=birth, statutory=age, max_months=36)
    assert bounds.earliest == dt.date(2036, 9, 1)


# --------------------------------------------------------------------------- §1.1


def test_pension_worked_example_of_rules(reader):
    result = calc.pension(
        average_wage=D("7000"),
        index=D("0.80"),
        contribution_months=35 * 12,
        deemed_months=0,
        account_balance=D("120000"),
        divisor=calc.months_divisor(
            years=60,
            months=1,
            table=reader.get("pension.jifa_months").value,
            strategy="floor_year",
        ),
        transition_coef=D("0.012"),
    )
    assert result.basic == D("2205.00")
    assert result.account == D("863.31")
    assert result.transitional == D("0.00")
    assert result.total == D("3068.31")
    assert result.months_divisor == D("139")


def test_pension_from_params_uses_the_seeded_jilin_figures(reader):
    result = calc.pension_from_params(
        reader=reader,
        age_years=60,
        age_months=1,
        index="0.80",
        contribution_months=420,
        deemed_months=0,
        account_balance="120000",
    )
    assert result.as_dict()["total"] == D("3068.31")
    used = {p["key"] for p in reader.references()}
    assert {"pension.jifa_base", "pension.jifa_months", "base.floor_ratio"} <= used


def test_transitional_pension_for_deemed_years(reader):
    # C 7,000 × I 0.80 × 10 deemed years × 1.2 % = 672.00; N = 25 + 10 = 35 years
    result = calc.pension_from_params(
        reader=reader,
        age_years=60,
        age_months=0,
        index="0.80",
        contribution_months=300,
        deemed_months=120,
        account_balance="0",
    )
    assert result.transitional == D("672.00")
    assert result.basic == D("2205.00")
    assert result.total == D("2877.00")


def test_pension_average_wage_can_be_overridden(reader):
    result = calc.pension_from_params(
        reader=reader,
        age_years=60,
        age_months=0,
        index="1.00",
        contribution_months=120,
        deemed_months=0,
        account_balance="0",
        average_wage="8000",
    )
    assert result.basic == D("800.00")  # (8000 + 8000)/2 × 10 × 1 %


@pytest.mark.parametrize(
    ("index", "ok"), [("0.59", False), ("0.6", True), ("3.0", True), ("3.01", False)]
)
def test_index_outside_the_base_bounds_is_refused(reader, index, ok):
    kwargs = {
        "reader": reader,
        "age_years": 60,
        "age_months": 0,
        "index": index,
        "contribution_months": 180,
        "deemed_months": 0,
        "account_balance": "0",
    }
    if ok:
        calc.pension_from_params(**kwargs)
    else:
        with pytest.raises(ValidationError) as exc:
            calc.pension_from_params(**kwargs)
        assert "0.60 至 3.00" in exc.value.message_dict["average_contribution_index"][0]


def test_negative_account_balance_is_refused(reader):
    with pytest.raises(ValidationError) as exc:
        calc.pension_from_params(
            reader=reader,
            age_years=60,
            age_months=0,
            index="1",
            contribution_months=180,
            deemed_months=0,
            account_balance="-1",
        )
    assert "account_balance" in exc.value.message_dict


def test_average_contribution_index_example_and_clamp(reader):
    floor, ceiling = reader.decimal("base.floor_ratio"), reader.decimal("base.ceiling_ratio")
    assert calc.average_contribution_index(
        ["0.6", "1.0", "1.1"], floor=floor, ceiling=ceiling
    ) == D("0.9000")
    # 0.4 counts as 0.6 and 3.5 as 3.0
    assert calc.average_contribution_index(["0.4", "3.5"], floor=floor, ceiling=ceiling) == D(
        "1.8000"
    )


@pytest.mark.parametrize(
    ("years", "months", "strategy", "expected"),
    [
        (50, 0, "floor_year", "195"),
        (55, 11, "floor_year", "170"),
        (60, 5, "floor_year", "139"),
        (63, 0, "floor_year", "117"),
        (60, 6, "interpolate", "135.50"),
        (70, 3, "interpolate", "56"),
    ],
)
def test_months_divisor_strategies(reader, years, months, strategy, expected):
    table = reader.get("pension.jifa_months").value
    assert calc.months_divisor(years=years, months=months, table=table, strategy=strategy) == D(
        expected
    )


# --------------------------------------------------------------------------- §1.2


@pytest.mark.parametrize(
    ("contributed", "unused", "months"),
    [
        (12, 0, 12),
        (59, 0, 12),
        (60, 0, 18),
        (87, 0, 18),
        (87, 4, 22),
        (119, 0, 18),
        (120, 0, 24),
        (120, 10, 24),
        (30, 20, 24),
    ],
)
def test_unemployment_entitlement(reader, contributed, unused, months):
    result = calc.unemployment_from_params(
        reader=reader, contribution_months=contributed, unused_months=unused
    )
    assert result.entitlement_months == months


def test_unemployment_worked_example_of_rules(reader):
    # 7 y 3 m, no earlier spell → 18 × 1,386 = 24,948
    result = calc.unemployment_from_params(reader=reader, contribution_months=87, unused_months=0)
    assert result.monthly_amount == D("1386.00")
    assert result.total == D("24948.00")


def test_unemployment_below_twelve_months_says_how_many_are_missing(reader):
    with pytest.raises(ValidationError) as exc:
        calc.unemployment_from_params(reader=reader, contribution_months=9, unused_months=0)
    assert "还差 3 个月" in exc.value.message_dict["contribution_months"][0]


def test_payment_schedule_runs_month_by_month():
    schedule = calc.payment_schedule(start_month=dt.date(2026, 11, 20), months=3, amount=D("1"))
    assert [row["month"] for row in schedule] == ["2026-11", "2026-12", "2027-01"]


# --------------------------------------------------------------------------- §1.6


def test_survivor_worked_example_of_rules(reader):
    # Y = 22 y 4 m, B = 3,200 → 16.3333 months → 52,266.67; funeral 6,400.00
    result = calc.survivor_from_params(reader=reader, contribution_months=22 * 12 + 4)
    assert result.survivor_payment == D("52266.67")
    assert result.funeral_grant == D("6400.00")
    assert result.as_dict()["survivor_months"] == D("16.3333")


@pytest.mark.parametrize(
    ("contributed", "months"),
    [
        (0, "3"),
        (59, "3"),
        (60, "6"),
        (119, "6"),
        (120, "9"),
        (180, "9"),
        (192, "10"),
        (360, "24"),
        (480, "24"),
    ],
)
def test_survivor_months_by_contribution_years(reader, contributed, months):
    rule = reader.get("survivor.months_rule").value
    assert calc.survivor_months(contribution_months=contributed, rule=rule) == D(months)
