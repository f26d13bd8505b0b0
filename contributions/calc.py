"""Contribution arithmetic (rules.md §1.3, §1.4). Pure functions over a ParamReader: every
policy figure comes from a dated parameter, every amount is Decimal rounded to cents
half-up, computed per person and scheme, then summed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from counterhall.bounds import month_in_range
from counterhall.money import cents
from counterhall.months import add_months, first_of_month
from counterhall.params import ParamReader
from registration.selectors import Scheme

ZERO = Decimal("0")


def parse_period(value: str) -> dt.date:
    """ "2026-01" → 2026-01-01. Raises ValueError with a sentence."""
    try:
        year, month = (int(part) for part in str(value).strip().split("-"))
        period = dt.date(year, month, 1)
    except (TypeError, ValueError):
        raise ValueError(_("所属期格式应为 YYYY-MM，例如 2026-01。")) from None
    return month_in_range(period)


def due_date_of(period: dt.date) -> dt.date:
    """Statutory due date of a month's contributions: the 15th of the following month
    [PRACTICE; as in rules.md §1.4's example]."""
    return add_months(first_of_month(period), 1).replace(day=15)


@dataclass(frozen=True)
class Bounds:
    avg_wage: Decimal
    floor: Decimal
    ceiling: Decimal


def bounds(reader: ParamReader) -> Bounds:
    avg = reader.decimal("base.avg_wage")
    return Bounds(
        avg_wage=cents(avg),
        floor=cents(avg * reader.decimal("base.floor_ratio")),
        ceiling=cents(avg * reader.decimal("base.ceiling_ratio")),
    )


def clamp_base(wage: Decimal, reader: ParamReader) -> tuple[Decimal, str, Bounds]:
    """The base after clamping to [floor, ceiling] and which side, if any, applied."""
    b = bounds(reader)
    wage = cents(wage)
    if wage < b.floor:
        return b.floor, "floor", b
    if wage > b.ceiling:
        return b.ceiling, "ceiling", b
    return wage, "", b


def injury_rate(reader: ParamReader, injury_class: int) -> Decimal:
    return reader.decimal(f"injury.class_base_rate.{int(injury_class)}")


def employee_shares(base: Decimal, reader: ParamReader, *, injury_class: int | None) -> dict:
    """Per scheme the employer and individual amounts of one employee's month."""
    pension_er = reader.decimal("pension.employer_rate")
    pension_ind = reader.decimal("pension.individual_rate")
    unemp_er = reader.decimal("unemployment.employer_rate")
    unemp_ind = reader.decimal("unemployment.individual_rate")
    schemes = {
        Scheme.PENSION: {
            "employer_rate": pension_er,
            "individual_rate": pension_ind,
            "employer": cents(base * pension_er),
            "individual": cents(base * pension_ind),
        },
        Scheme.UNEMPLOYMENT: {
            "employer_rate": unemp_er,
            "individual_rate": unemp_ind,
            "employer": cents(base * unemp_er),
            "individual": cents(base * unemp_ind),
        },
    }
    if injury_class is not None:
        rate = injury_rate(reader, injury_class)
        schemes[Scheme.WORK_INJURY] = {
            "employer_rate": rate,
            "individual_rate": ZERO,
            "employer": cents(base * rate),
            "individual": cents(ZERO),
        }
    for entry in schemes.values():
        entry["account"] = entry["individual"] if entry is schemes[Scheme.PENSION] else cents(ZERO)
    return schemes


def flexible_shares(base: Decimal, reader: ParamReader) -> dict:
    """A flexible worker pays the whole pension rate on the chosen base; part to the account."""
    rate = reader.decimal("pension.flexible_rate")
    account_rate = reader.decimal("pension.flexible_account_rate")
    return {
        Scheme.PENSION: {
            "employer_rate": ZERO,
            "individual_rate": rate,
            "employer": cents(ZERO),
            "individual": cents(base * rate),
            "account": cents(base * account_rate),
        }
    }


def totals(schemes: dict) -> dict:
    employer = sum((s["employer"] for s in schemes.values()), ZERO)
    individual = sum((s["individual"] for s in schemes.values()), ZERO)
    return {
        "employer": cents(employer),
        "individual": cents(individual),
        "total": cents(employer + individual),
    }


def contribution_preview(
    *, reader: ParamReader, declared_wage: Decimal, injury_class: int | None = None
) -> dict:
    """Clamped base and per-scheme amounts for a declared wage (the API's contribution/)."""
    base, clamped, b = clamp_base(declared_wage, reader)
    schemes = employee_shares(base, reader, injury_class=injury_class)
    return {
        "declared_wage": cents(declared_wage),
        "avg_wage": b.avg_wage,
        "floor": b.floor,
        "ceiling": b.ceiling,
        "base": base,
        "clamped": clamped,
        "schemes": schemes,
        "totals": totals(schemes),
    }


def days_late(due: dt.date, paid: dt.date) -> int:
    """From the day after the due date up to and including the payment date."""
    return max((paid - due).days, 0)


def late_fee(*, reader: ParamReader, principal: Decimal, due: dt.date, paid: dt.date) -> dict:
    """late fee = principal × daily rate × days, simple; capped at the principal where the
    ``late_fee.cap_at_principal`` parameter says so."""
    principal = cents(principal)
    days = days_late(due, paid)
    rate = reader.decimal("late_fee.daily_rate")
    fee = cents(principal * rate * days)
    cap = bool(reader.get("late_fee.cap_at_principal").value)
    capped = cap and fee > principal
    if capped:
        fee = principal
    return {
        "principal": principal,
        "due_date": due,
        "paid_date": paid,
        "days_late": days,
        "daily_rate": rate,
        "late_fee": fee,
        "capped": capped,
        "total": cents(principal + fee),
    }
