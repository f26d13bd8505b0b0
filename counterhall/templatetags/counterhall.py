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


@register.simple_tag
def case_code(number: str, scale: int = 3):
    """The case number as a QR code in inline SVG, drawn on the server (no network, no
    script): the notice, the receipt and the completion papers print it, and the hall's
    scanner types it into the "scan or type the number" box."""
    import segno
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    svg = segno.make_qr(number, error="m").svg_inline(
        scale=scale, title=number, svgclass="case-code", lineclass=None, omitsize=False
    )
    # segno writes the SVG itself and escapes the title: no user markup reaches it.
    svg = mark_safe(svg)  # noqa: S308
    return format_html('<figure class="case-code" data-number="{}">{}</figure>', number, svg)


@register.filter
def local_name(obj) -> str:
    """A business type's or document's name in the language chosen: the English name in
    English (where the catalogue has one), else the Chinese."""
    from django.utils.translation import get_language

    english = getattr(obj, "name_en", "")
    if english and (get_language() or "").startswith("en"):
        return english
    return getattr(obj, "name", "")


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


@register.filter
def pii(value, revealed=False):
    """Figures, a payload or a text with every ID number and bank account masked — unless
    the page was drawn for 显示完整号码 (``revealed``, a recorded view). Every screen passes
    personal data through here (``… with figures=case.figures|pii:pii_revealed``)."""
    from counterhall.pii import masked

    return value if revealed else masked(value)


@register.filter
def duration(value) -> str:
    """A timedelta as days, hours and minutes (a case's wait in a state)."""
    import datetime as dt

    from django.utils.translation import gettext

    if not isinstance(value, dt.timedelta):
        return ""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(gettext("%(n)s 天") % {"n": days})
    if hours:
        parts.append(gettext("%(n)s 小时") % {"n": hours})
    if minutes or not parts:
        parts.append(gettext("%(n)s 分钟") % {"n": minutes})
    return " ".join(parts)
