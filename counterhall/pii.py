"""Masking of personal data on screens, lists and print-outs (rules.md §3, PIPL): an ID
number keeps its first 6 and last 4 characters, a bank account its last 4."""

import re

RESIDENT_ID = re.compile(r"^([0-9]{15}|[0-9]{17}[0-9Xx])$")


def mask_resident_id(value: str) -> str:
    """222424********1234."""
    if not value or len(value) < 10:
        return value or ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_account(value: str) -> str:
    """****8888."""
    value = str(value or "")
    return "*" * max(len(value) - 4, 0) + value[-4:] if len(value) > 4 else value


def mask_value(key: str, value):
    """Mask an application value that is an ID number or a bank account number."""
    if not isinstance(value, str):
        return value
    if "account" in key and any(ch in "0123456789" for ch in value):
        return mask_account(value)
    if RESIDENT_ID.match(value):
        return mask_resident_id(value)
    return mask_text(value)


# Inside free text and figures: an ID number (15 or 18 characters) or a bank account (12–19
# digits) standing alone, not part of a longer code (a USCC, a case number).
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z*])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_ACCOUNT_IN_TEXT = re.compile(r"(?<![0-9A-Za-z*])(\d{12,19})(?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    """Every ID number and bank account number inside a text masked: "银行账号变更
    6222000000001234 → 6222000000001111" becomes "银行账号变更 ************1234 →
    ************1111"; a wage line "110101199001011234 8000" keeps its wage."""
    if not text:
        return text
    text = _ID_IN_TEXT.sub(lambda m: mask_resident_id(m.group(1)), text)
    return _ACCOUNT_IN_TEXT.sub(lambda m: mask_account(m.group(1)), text)


def masked(value):
    """A copy of figures, a payload or an audit entry's before/after (dicts, lists, strings)
    with every ID number and bank account inside masked: the one place screens mask
    structured data."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [masked(v) for v in value]
    return value


def mask_name(value: str) -> str:
    """张三 → 张*, 欧阳明月 → 欧***: a name in an API answer about a visit."""
    value = (value or "").strip()
    return value[:1] + "*" * (len(value) - 1) if value else ""
