"""Sane bounds for what a form or an API takes in: dates from 1900 to 2099, counts and
amounts not negative and not absurd. A date of 9999-12-31 or 10^18 months is a typing slip or
a probe, never a case; refusing it at the field keeps it out of the arithmetic (no overflow,
no 500) and tells the clerk where.

``bound_form_fields(form.fields)`` and ``bound_serializer_fields(fields)`` add the bounds a
field does not set itself; a field's own bounds (a refund's minimum of 0.01, a year from
1998) stay and come first. These are sanity limits, not policy figures.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)
COUNT_MAX = 9999  # months, years, people: more is never one case
AMOUNT_MAX = Decimal("999999999999.99")  # what a NUMERIC(14, 2) holds

DATE_RANGE_MESSAGE = _("日期应在 1900-01-01 至 2099-12-31 之间。")
NEGATIVE_MESSAGE = _("不能为负数。")
TOO_LARGE_MESSAGE = _("数值过大，不能超过 %(limit_value)s。")


def date_in_range(value: dt.date) -> None:
    MinValueValidator(DATE_MIN, message=DATE_RANGE_MESSAGE)(value)
    MaxValueValidator(DATE_MAX, message=DATE_RANGE_MESSAGE)(value)


def month_in_range(value: dt.date) -> dt.date:
    """A month (its first day) within the date bounds; ValueError with a sentence."""
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValueError(str(DATE_RANGE_MESSAGE))
    return value


def _number_validators(field, *, integer: bool) -> list:
    extra: list = []
    if getattr(field, "min_value", None) is None:
        extra.append(MinValueValidator(0, message=NEGATIVE_MESSAGE))
    if getattr(field, "max_value", None) is None:
        extra.append(MaxValueValidator(COUNT_MAX if integer else AMOUNT_MAX, TOO_LARGE_MESSAGE))
    return extra


def bound_form_fields(fields) -> None:
    """Bounds on the date, integer and decimal fields of a Django form's ``fields``."""
    from django import forms

    for field in fields.values():
        if isinstance(field, forms.DateTimeField):
            continue
        if isinstance(field, forms.DateField):
            field.validators.append(date_in_range)
        elif isinstance(field, forms.DecimalField):
            field.validators.extend(_number_validators(field, integer=False))
        elif isinstance(field, forms.IntegerField):
            field.validators.extend(_number_validators(field, integer=True))


def bound_serializer_fields(fields) -> None:
    """The same bounds on a DRF serializer's fields (nested serializers included)."""
    from rest_framework import serializers

    for field in fields.values():
        if isinstance(field, serializers.DateTimeField):
            continue
        if isinstance(field, serializers.DateField):
            field.validators = [*field.validators, date_in_range]
        elif isinstance(field, serializers.DecimalField):
            field.validators = [*field.validators, *_number_validators(field, integer=False)]
        elif isinstance(field, serializers.IntegerField):
            field.validators = [*field.validators, *_number_validators(field, integer=True)]
