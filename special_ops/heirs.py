"""Heirs and their shares (SPC01): parsing the lines the clerk types from the documents and
splitting each sum among them to the cent. Pure: no database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from counterhall.money import cents

SEPARATORS = re.compile(r"[\s,，;；|]+")
HUNDRED = Fraction(100)


@dataclass(frozen=True)
class Heir:
    name: str
    id_number: str
    relation: str
    share: Fraction  # of the whole, 0 < share ≤ 1
    bank_account: str

    @property
    def percent(self) -> str:
        return percent(self.share)


def percent(share: Fraction) -> str:
    """A share in per cent, to four decimals, trailing zeros dropped (``50``, ``33.3333``)."""
    value = Decimal(share.numerator * 100) / Decimal(share.denominator)
    text = str(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_share(text: str) -> Fraction:
    """``50``, ``50%``, ``33.5%`` (per cent) or ``1/3`` (a fraction of the whole)."""
    text = text.strip().rstrip("%％")
    try:
        if "/" in text:
            num, den = text.split("/", 1)
            share = Fraction(int(num), int(den))
        else:
            share = Fraction(Decimal(text)) / HUNDRED
    except (ValueError, ZeroDivisionError, ArithmeticError):
        raise ValidationError(
            _("份额“%(text)s”无法识别，请填写百分比（如 50）或分数（如 1/3）。") % {"text": text}
        ) from None
    if not 0 < share <= 1:
        raise ValidationError(_("份额应大于 0 且不超过 100%。"))
    return share


def share_text(share: Fraction) -> str:
    """How a share is written back: per cent where that is exact (``50``, ``12.5``), else the
    fraction (``1/3``)."""
    hundredths = share * HUNDRED
    if (hundredths * 10000).denominator == 1:
        return percent(share)
    return f"{share.numerator}/{share.denominator}"


def split(total: Decimal, shares: list[Fraction]) -> list[Decimal]:
    """``total`` in cents by the shares (which sum to 1): each rounded half up, the last
    takes what is left, so the parts add up to the total exactly."""
    parts = [cents(Decimal(total) * share.numerator / share.denominator) for share in shares[:-1]]
    return [*parts, cents(Decimal(total) - sum(parts, Decimal("0")))]
