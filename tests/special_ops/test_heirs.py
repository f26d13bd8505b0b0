"""Shares and splitting to the cent (special_ops.heirs): parts always add up to the total."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from special_ops import heirs


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("50", Fraction(1, 2)),
        ("50%", Fraction(1, 2)),
        ("12.5", Fraction(1, 8)),
        ("1/3", Fraction(1, 3)),
    ],
)
def test_parse_share(text, share):
    assert heirs.parse_share(text) == share


@pytest.mark.parametrize("text", ["0", "101", "abc", "1/0", "-5"])
def test_bad_shares_refused(text):
    with pytest.raises(ValidationError):
        heirs.parse_share(text)


def test_split_thirds_adds_up():
    parts = heirs.split(Decimal("100.00"), [Fraction(1, 3)] * 3)
    assert parts == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_share_written_back_as_percent_where_exact():
    assert heirs.share_text(Fraction(1, 2)) == "50"
    assert heirs.share_text(Fraction(1, 8)) == "12.5"
    assert heirs.share_text(Fraction(1, 3)) == "1/3"
