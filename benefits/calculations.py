"""Benefit calculations (rules.md §1.1, §1.2, §1.6, §1.8).

Two layers:

- pure functions (``statutory_retirement``, ``pension``, ``unemployment_entitlement``,
  ``survivor_payments`` …) that take the policy figures as arguments and never touch the
  database, so every worked example of rules.md is a plain unit test;
- ``*_from_params`` wrappers that read the dated ``PolicyParameter`` rows through a
  ``ParamReader`` (which remembers the versions used, so frozen figures can cite them).

Money is Decimal yuan, each published figure rounded to cents half-up (counterhall.money).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from counterhall.money import cents, to_decimal
from counterhall.months import add_months, first_of_month, month_key, months_apart
from counterhall.params import ParamReader
from registration.selectors import Sex

INDEX_PLACES = Decimal("0.0001")
MONTHS_PLACES = Decimal("0.0001")
DIVISOR_PLACES = Decimal("0.01")
ONE_PERCENT = Decimal("0.01")  # the 1 % accrual per contribution year of 国发〔2005〕38号

MALE, FEMALE = Sex.MALE, Sex.FEMALE
ORIGINAL_AGES = {MALE: (60,), FEMALE: (55, 50)}


# --------------------------------------------------------------------------- months


def parse_month(value: str) -> dt.date:
    """``"YYYY-MM"`` → the first day of that month."""
    try:
        year, month = (int(p) for p in value.split("-"))
        return dt.date(year, month, 1)
    except (ValueError, AttributeError):
        raise ValidationError(_("月份格式应为 YYYY-MM，例如 2025-04。")) from None


# --------------------------------------------------------------------------- §1.8 age


@dataclass(frozen=True)
class RetirementAge:
    original_years: int
    delay_months: int
    retirement_date: dt.date  # the day the person reaches the age

    @property
    def total_months(self) -> int:
        return self.original_years * 12 + self.delay_months

    @property
    def years(self) -> int:
        return self.total_months // 12

    @property
    def months(self) -> int:
        return self.total_months % 12

    @property
    def retirement_month(self) -> dt.date:
        return first_of_month(self.retirement_date)

    def as_dict(self) -> dict:
        return {
            "years": self.years,
            "months": self.months,
            "delay_months": self.delay_months,
            "retirement_date": self.retirement_date.isoformat(),
            "retirement_month": month_key(self.retirement_month),
        }


def rule_key(sex: str, original_years: int) -> str:
    if original_years not in ORIGINAL_AGES.get(sex, ()):
        raise ValidationError(
            {
                "original_retirement_age": _(
                    "原法定退休年龄与性别不符：男性为 60 岁，女性为 55 岁或 50 岁。"
                )
            }
        )
    return f"{sex}_{original_years}"


def delay_months(birth_date: dt.date, rule: dict) -> int:
    """rules.md §1.8: k = months from the first affected birth month; +1 month per ``step``
    birth months from the first one, capped."""
    start_year, start_month = (int(p) for p in rule["start"].split("-"))
    k = months_apart(dt.date(start_year, start_month, 1), birth_date)
    if k < 0:
        return 0
    return min(k // int(rule["step"]) + 1, int(rule["cap"]))


def statutory_retirement(
    *, birth_date: dt.date, sex: str, original_years: int, delay_rule: dict
) -> RetirementAge:
    rule = delay_rule[rule_key(sex, original_years)]
    delay = delay_months(birth_date, rule)
    age_months = original_years * 12 + delay
    return RetirementAge(
        original_years=original_years,
        delay_months=delay,
        retirement_date=add_months(birth_date, age_months),
    )


def statutory_retirement_from_params(
    *, birth_date: dt.date, sex: str, original_years: int, reader: ParamReader
) -> RetirementAge:
    return statutory_retirement(
        birth_date=birth_date,
        sex=sex,
        original_years=original_years,
        delay_rule=reader.get("retirement.delay_rule").value,
    )


def minimum_contribution_months(*, year: int, region: str) -> tuple[int, dict]:
    """The minimum contribution period for a person reaching retirement age in ``year``,
    with the parameter version used."""
    reader = ParamReader(region=region, on=dt.date(year, 1, 1))
    value = reader.get("retirement.min_contrib_months")
    return int(value.value), value.reference()


@dataclass(frozen=True)
class FlexibleBounds:
    earliest: dt.date
    latest: dt.date


def flexible_bounds(
    *, birth_date: dt.date, statutory: RetirementAge, max_months: int
) -> FlexibleBounds:
    """Early: up to ``max_months`` before the new age, never below the original age.
    Deferred: up to ``max_months`` after."""
    original_date = add_months(birth_date, statutory.original_years * 12)
    earliest = max(add_months(statutory.retirement_date, -max_months), original_date)
    return FlexibleBounds(
        earliest=earliest, latest=add_months(statutory.retirement_date, max_months)
    )


def age_at(birth_date: dt.date, day: dt.date) -> tuple[int, int]:
    """Completed (years, months) of age on ``day``."""
    months = months_apart(birth_date, day) - (1 if day.day < birth_date.day else 0)
    return months // 12, months % 12


# --------------------------------------------------------------------------- §1.1 pension


def average_contribution_index(ratios, *, floor: Decimal, ceiling: Decimal) -> Decimal:
    """Mean of the per-period ratios (base ÷ average wage), each clamped to the base bounds."""
    ratios = [to_decimal(r) for r in ratios]
    if not ratios:
        raise ValidationError(_("没有缴费记录，无法计算平均缴费指数。"))
    clamped = [min(max(r, floor), ceiling) for r in ratios]
    return (sum(clamped) / len(clamped)).quantize(INDEX_PLACES, rounding=ROUND_HALF_UP)


def check_index(index: Decimal, *, floor: Decimal, ceiling: Decimal) -> None:
    if index < floor or index > ceiling:
        raise ValidationError(
            {
                "average_contribution_index": _(
                    "平均缴费指数应在 %(floor)s 至 %(ceiling)s 之间（缴费基数上下限）。"
                )
                % {"floor": floor, "ceiling": ceiling}
            }
        )


def months_divisor(*, years: int, months: int, table: dict, strategy: str) -> Decimal:
    """计发月数 for the age at retirement: the completed year's value (``floor_year``) or a
    month-by-month interpolation towards the next year's (``interpolate``)."""
    keys = sorted(int(k) for k in table)
    years = min(max(years, keys[0]), keys[-1])
    value = Decimal(table[str(years)])
    if strategy == "interpolate" and months and years < keys[-1]:
        following = Decimal(table[str(years + 1)])
        value += (following - value) * months / 12
    elif strategy not in ("floor_year", "interpolate"):
        raise ValueError(f"unknown pension.jifa_months_strategy {strategy!r}")
    return value.quantize(DIVISOR_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Pension:
    basic: Decimal
    account: Decimal
    transitional: Decimal
    months_divisor: Decimal
    inputs: dict

    @property
    def total(self) -> Decimal:
        return self.basic + self.account + self.transitional

    def as_dict(self) -> dict:
        return {
            "basic_pension": self.basic,
            "account_pension": self.account,
            "transitional_pension": self.transitional,
            "total": self.total,
            "months_divisor": self.months_divisor,
            "inputs": self.inputs,
        }


def pension(
    *,
    average_wage: Decimal,
    index: Decimal,
    contribution_months: int,
    deemed_months: int,
    account_balance: Decimal,
    divisor: Decimal,
    transition_coef: Decimal,
) -> Pension:
    """基础养老金 = (C + C×I)/2 × N × 1 %; 个人账户养老金 = balance ÷ 计发月数;
    过渡性养老金 = C × I × deemed years × coefficient. Each component rounded to cents."""
    c, i = to_decimal(average_wage), to_decimal(index)
    balance = to_decimal(account_balance)
    if balance < 0:
        raise ValidationError({"account_balance": _("个人账户余额不能为负数。")})
    n_years = Decimal(contribution_months + deemed_months) / 12
    indexed_wage = c * i
    basic = cents((c + indexed_wage) / 2 * n_years * ONE_PERCENT)
    account = cents(balance / divisor)
    transitional = cents(indexed_wage * Decimal(deemed_months) / 12 * to_decimal(transition_coef))
    return Pension(
        basic=basic,
        account=account,
        transitional=transitional,
        months_divisor=divisor,
        inputs={
            "average_wage": cents(c),
            "average_contribution_index": i,
            "indexed_wage": cents(indexed_wage),
            "contribution_months": contribution_months,
            "deemed_months": deemed_months,
            "contribution_years": n_years.quantize(MONTHS_PLACES, rounding=ROUND_HALF_UP),
            "account_balance": cents(balance),
            "transition_coef": to_decimal(transition_coef),
        },
    )


def pension_from_params(
    *,
    reader: ParamReader,
    age_years: int,
    age_months: int,
    index,
    contribution_months: int,
    deemed_months: int,
    account_balance,
    average_wage=None,
) -> Pension:
    """Reads C (``pension.jifa_base`` unless overridden), the index bounds, the 计发月数 table
    and strategy and the transitional coefficient in force in the reader's month."""
    index = to_decimal(index)
    check_index(
        index,
        floor=reader.decimal("base.floor_ratio"),
        ceiling=reader.decimal("base.ceiling_ratio"),
    )
    divisor = months_divisor(
        years=age_years,
        months=age_months,
        table=reader.get("pension.jifa_months").value,
        strategy=str(reader.get("pension.jifa_months_strategy").value),
    )
    return pension(
        average_wage=(
            to_decimal(average_wage)
            if average_wage is not None
            else reader.decimal("pension.jifa_base")
        ),
        index=index,
        contribution_months=contribution_months,
        deemed_months=deemed_months,
        account_balance=account_balance,
        divisor=divisor,
        transition_coef=reader.decimal("pension.transition_coef"),
    )


# --------------------------------------------------------------------------- §1.2 unemployment


@dataclass(frozen=True)
class Unemployment:
    entitlement_months: int
    monthly_amount: Decimal
    base_months: int
    merged_months: int

    @property
    def total(self) -> Decimal:
        return cents(self.monthly_amount * self.entitlement_months)

    def as_dict(self) -> dict:
        return {
            "entitlement_months": self.entitlement_months,
            "monthly_amount": self.monthly_amount,
            "total": self.total,
            "base_months": self.base_months,
            "merged_months": self.merged_months,
        }


def entitlement_months(*, contribution_months: int, steps: dict) -> int:
    """12 / 18 / 24 by cumulative contribution months (``unemployment.entitlement_steps``);
    0 below the first step (not eligible)."""
    months = 0
    for minimum, entitlement in steps["steps"]:
        if contribution_months >= int(minimum):
            months = int(entitlement)
    return months


def unemployment(
    *,
    contribution_months: int,
    unused_months: int,
    steps: dict,
    min_wage: Decimal,
    ratio: Decimal,
) -> Unemployment:
    base = entitlement_months(contribution_months=contribution_months, steps=steps)
    if base == 0:
        first = int(steps["steps"][0][0])
        raise ValidationError(
            {
                "contribution_months": _(
                    "累计缴费不满 %(min)s 个月（现 %(have)s 个月，还差 %(short)s 个月），"
                    "不能领取失业保险金。"
                )
                % {"min": first, "have": contribution_months, "short": first - contribution_months}
            }
        )
    if unused_months < 0:
        raise ValidationError({"unused_months_from_earlier_spell": _("月数不能为负数。")})
    total = min(base + unused_months, int(steps["max_months"]))
    return Unemployment(
        entitlement_months=total,
        monthly_amount=cents(to_decimal(min_wage) * to_decimal(ratio)),
        base_months=base,
        merged_months=total - base,
    )


def unemployment_from_params(
    *, reader: ParamReader, contribution_months: int, unused_months: int
) -> Unemployment:
    return unemployment(
        contribution_months=contribution_months,
        unused_months=unused_months,
        steps=reader.get("unemployment.entitlement_steps").value,
        min_wage=reader.decimal("min_wage"),
        ratio=reader.decimal("unemployment.benefit_ratio_of_min_wage"),
    )


def payment_schedule(*, start_month: dt.date, months: int, amount: Decimal) -> list[dict]:
    return [
        {"month": month_key(add_months(first_of_month(start_month), i)), "amount": amount}
        for i in range(months)
    ]


# --------------------------------------------------------------------------- §1.6 survivors


def survivor_months(*, contribution_months: int, rule: dict) -> Decimal:
    """抚恤金 months by contribution years Y (to the month): 3 below 5 years, 6 below 10,
    9 up to 15, then +1 per further year, Y capped (rules.md §1.6)."""
    y = min(contribution_months, int(rule["cap_years"]) * 12)
    for below_years, months in rule["steps"]:
        if y < int(below_years) * 12:
            return Decimal(months)
    base_years = int(rule["base_years"])
    extra = max(y - base_years * 12, 0)
    return Decimal(int(rule["base_months"])) + Decimal(extra) / 12


@dataclass(frozen=True)
class Survivor:
    base: Decimal
    funeral_grant: Decimal
    months: Decimal
    survivor_payment: Decimal

    @property
    def total(self) -> Decimal:
        return self.funeral_grant + self.survivor_payment

    def as_dict(self) -> dict:
        return {
            "survivor_base": self.base,
            "funeral_grant": self.funeral_grant,
            "survivor_months": self.months.quantize(MONTHS_PLACES, rounding=ROUND_HALF_UP),
            "survivor_payment": self.survivor_payment,
            "total": self.total,
        }


def survivor_payments(
    *, contribution_months: int, base: Decimal, funeral_multiple: Decimal, rule: dict
) -> Survivor:
    months = survivor_months(contribution_months=contribution_months, rule=rule)
    b = to_decimal(base)
    return Survivor(
        base=cents(b),
        funeral_grant=cents(b * to_decimal(funeral_multiple)),
        months=months,
        survivor_payment=cents(b * months),
    )


def survivor_from_params(*, reader: ParamReader, contribution_months: int) -> Survivor:
    return survivor_payments(
        contribution_months=contribution_months,
        base=reader.decimal("survivor.urban_disposable_income_month"),
        funeral_multiple=reader.decimal("survivor.funeral_multiple"),
        rule=reader.get("survivor.months_rule").value,
    )
