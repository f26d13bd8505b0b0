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
    return value
