"""Transfer amounts (rules.md §1.5, 国办发〔2009〕66号).

The personal-account balance moves in full; the pooled-fund portion is
``transfer.pooled_ratio`` (12 %) of the actual yearly contribution wages since 1998-01-01.
Pure functions take the ratio as an argument; ``transfer_from_params`` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from counterhall.money import cents, to_decimal
from counterhall.params import ParamReader

POOLED_FROM_YEAR = 1998  # 国办发〔2009〕66号: the pooled portion counts wages from 1998-01-01


@dataclass(frozen=True)
class Transfer:
    account_transfer: Decimal
    pooled_transfer: Decimal
    counted_wages: Decimal
    years_counted: list[int]
    years_before_1998: list[int]

    @property
    def total(self) -> Decimal:
        return self.account_transfer + self.pooled_transfer

    def as_dict(self) -> dict:
        return {
            "account_transfer": self.account_transfer,
            "pooled_transfer": self.pooled_transfer,
            "total": self.total,
            "counted_wages": self.counted_wages,
            "years_counted": self.years_counted,
            "years_before_1998": self.years_before_1998,
        }


def transfer_amounts(*, account_balance, yearly_wages, pooled_ratio) -> Transfer:
    """``yearly_wages``: iterable of ``{"year": int, "wage_total": Decimal}``. A year may appear
    once; a negative balance or wage total is refused."""
    balance = to_decimal(account_balance)
    if balance < 0:
        raise ValidationError({"account_balance": _("个人账户余额不能为负数。")})
    seen: set[int] = set()
    counted, before = [], []
    total_wages = Decimal("0")
    errors = []
    for row in yearly_wages:
        year, wage = int(row["year"]), to_decimal(row["wage_total"])
        if year in seen:
            errors.append(_("%(year)s 年重复填写。") % {"year": year})
            continue
        seen.add(year)
        if wage < 0:
            errors.append(_("%(year)s 年缴费工资总额不能为负数。") % {"year": year})
            continue
        if year < POOLED_FROM_YEAR:
            before.append(year)
            continue
        counted.append(year)
        total_wages += wage
    if errors:
        raise ValidationError({"yearly_wages": errors})
    return Transfer(
        account_transfer=cents(balance),
        pooled_transfer=cents(total_wages * to_decimal(pooled_ratio)),
        counted_wages=cents(total_wages),
        years_counted=sorted(counted),
        years_before_1998=sorted(before),
    )


def transfer_from_params(*, reader: ParamReader, account_balance, yearly_wages) -> Transfer:
    return transfer_amounts(
        account_balance=account_balance,
        yearly_wages=yearly_wages,
        pooled_ratio=reader.decimal("transfer.pooled_ratio"),
    )
