from django import template
from django.utils.dateparse import parse_date, parse_datetime
from django_stubs_ext import StrOrPromise

from counterhall import audit
from counterhall.models import CaseState

register = template.Library()


@register.filter
def action_label(name: str) -> str:
    return audit.action_label(name)


@register.filter
def state_label(value: str) -> StrOrPromise:
    try:
        return CaseState(value).label
    except ValueError:
        return value


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def from_iso(value):
    """A date or datetime stored as an ISO string (case JSON: notices, signatures), parsed so
    the ``date`` filter can format it; an aware datetime is then shown in the hall's time
    zone. Slicing the string would print the UTC date."""
    if not isinstance(value, str):
        return value
    if "T" in value or " " in value:
        return parse_datetime(value)
    return parse_date(value)
