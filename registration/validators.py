"""Identity numbers of the hall's subjects, as plain Django validators.

- Resident identity number (公民身份号码, GB 11643-1999, ISO 7064 MOD 11-2): rules.md §2.1.
- Unified social credit code (统一社会信用代码, GB 32100-2015, mod 31): rules.md §2.2.

Each validator raises ``ValidationError`` saying what is wrong: the length, the characters,
the birth date, or the check character — and which check character was expected.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counterhall.pii import mask_resident_id  # noqa: F401  (re-exported for the apps)

# ---------------------------------------------------------------- resident identity number

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_MIN_YEAR = 1900
# ASCII digits only: ``\d`` and ``int()`` also accept other scripts' digits (a full-width ２).
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")


def normalize_typed(value: str) -> str:
    """What a clerk typed, as they meant it: NFKC folds an IME's full-width digits and
    letters to ASCII (２ → 2, ｘ → x), blanks go, letters are upper case. Every identity
    number is normalised so before it is validated, looked up or stored."""
    return unicodedata.normalize("NFKC", value or "").strip().replace(" ", "").upper()


def normalize_resident_id(value: str) -> str:
    """Full-width characters folded, blanks stripped, a lowercase x stored as X."""
    return normalize_typed(value)


def resident_id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    sex: str  # "male" / "female"
    region: str


def parse_resident_id(value: str) -> ResidentId:
    """Validate and decode: birth date and sex come from the number, never entered twice."""
    number = normalize_resident_id(value)
    if len(number) != 18:
        raise ValidationError(
            _("身份证号码应为 18 位，当前为 %(length)d 位。"),
            code="id_length",
            params={"length": len(number)},
        )
    if not _ID_SHAPE.match(number):
        raise ValidationError(
            _("身份证号码前 17 位应为数字，第 18 位为数字或 X。"), code="id_characters"
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("身份证号码中的出生日期 %(date)s 不是有效日期。"),
            code="id_birth_date",
            params={"date": f"{number[6:10]}-{number[10:12]}-{number[12:14]}"},
        ) from None
    if birth > timezone.localdate():
        raise ValidationError(
            _("身份证号码中的出生日期 %(date)s 晚于今天。"),
            code="id_birth_future",
            params={"date": birth.isoformat()},
        )
    if birth.year < ID_MIN_YEAR:
        raise ValidationError(
            _("身份证号码中的出生年份 %(year)d 早于 1900 年。"),
            code="id_birth_absurd",
            params={"year": birth.year},
        )
    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("身份证号码校验码错误：第 18 位应为 %(expected)s，而不是 %(given)s。"),
            code="id_check",
            params={"expected": expected, "given": number[17]},
        )
    sex = "male" if int(number[16]) % 2 else "female"
    return ResidentId(number=number, birth_date=birth, sex=sex, region=number[:6])


def validate_resident_id(value: str) -> None:
    parse_resident_id(value)


# ---------------------------------------------------------------- unified social credit code

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ASCII_DIGITS = re.compile(r"^[0-9]+$")
USCC_VALUES = {c: i for i, c in enumerate(USCC_CHARS)}
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalize_uscc(value: str) -> str:
    return normalize_typed(value)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_VALUES[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def org_code_valid(uscc: str) -> bool:
    """The inner GB 11714 organisation code (positions 9–17): a warning only, never a rejection."""
    body, check = uscc[8:16], uscc[16]

    def value(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10

    c = 11 - sum(value(ch) * w for ch, w in zip(body, ORG_WEIGHTS, strict=True)) % 11
    expected = "X" if c == 10 else "0" if c == 11 else str(c)
    return check == expected


def validate_uscc(value: str) -> None:
    code = normalize_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，当前为 %(length)d 位。"),
            code="uscc_length",
            params={"length": len(code)},
        )
    bad = sorted({c for c in code if c not in USCC_VALUES})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符 %(chars)s（不使用 I、O、S、V、Z）。"),
            code="uscc_characters",
            params={"chars": "、".join(bad)},
        )
    if not _ASCII_DIGITS.match(code[2:8]):
        raise ValidationError(
            _("统一社会信用代码第 3 至 8 位应为行政区划代码（6 位数字）。"), code="uscc_region"
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验码错误：第 18 位应为 %(expected)s，而不是 %(given)s。"),
            code="uscc_check",
            params={"expected": expected, "given": code[17]},
        )


# ---------------------------------------------------------------- bank account number


def bank_account_digits(value: str) -> str | None:
    """A bank account number as typed (blanks and full-width digits allowed) as ASCII
    digits, or None when it holds anything else."""
    number = normalize_typed(value)
    return number if _ASCII_DIGITS.match(number) else None


def clean_bank_account(value: str, *, required: bool = True) -> str:
    """A form field's bank account number, stored as ASCII digits; anything else is refused
    at the field."""
    if not required and not normalize_typed(value):
        return ""
    number = bank_account_digits(value)
    if number is None:
        raise ValidationError(_("银行账号只能由数字组成。"), code="account_characters")
    return number
