"""Masking on the special window's pages (rules.md §3): bank accounts keep their last 4
characters, ID numbers their first 6 and last 4."""

from django import template

from counterhall.pii import mask_account, mask_resident_id

register = template.Library()


@register.filter
def account_masked(value) -> str:
    return mask_account(str(value or ""))


@register.filter
def id_masked(value) -> str:
    return mask_resident_id(str(value or ""))
