from django import template
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
