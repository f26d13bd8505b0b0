"""Labels of benefits' own choices, in the reader's language: figures keep the code (a
frozen label would stay in the language of whoever assessed the case)."""

from django import template

from benefits.models import ChangeKind, FlexibleKind

register = template.Library()


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:  # figures frozen before codes were kept hold the label itself
        return value or ""


@register.filter
def flexible_kind(value) -> str:
    return _label(FlexibleKind, value)


@register.filter
def change_kind(value) -> str:
    return _label(ChangeKind, value)
