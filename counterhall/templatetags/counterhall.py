from django import template
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django_stubs_ext import StrOrPromise

from counterhall import audit, months, permissions
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


# Punctuation follows the language: full-width in Chinese, ASCII in English ("60 years
# 5 months (flexible)", "Teller: 王芳"). Text inside {% translate %} is punctuated by its
# translation; these are for the marks a template puts between values.
ASCII_PUNCTUATION = {
    "：": ": ",
    "（": " (",
    "）": ")",
    "；": "; ",
    "、": ", ",
    "，": ", ",
    "。": ". ",
}


def _english() -> bool:
    return (get_language() or "").startswith("en")


def punctuation(mark: str) -> str:
    """One punctuation mark in the language chosen."""
    return ASCII_PUNCTUATION.get(mark, mark) if _english() else mark


@register.simple_tag(name="p")
def punctuation_tag(mark: str) -> str:
    return punctuation(mark)


@register.filter
def paren(value) -> str:
    """A value in brackets after what precedes it: "（60 岁）" / " (60 years)"."""
    return format_html("{}{}{}", punctuation("（"), value, punctuation("）"))


@register.filter
def joinp(values, mark: str = "、"):
    """Join a list with a Chinese mark, or its ASCII counterpart in English."""
    sep = punctuation(mark)
    return mark_safe(sep.join(conditional_escape(v) for v in values or ()))  # noqa: S308


@register.filter
def staff_name(user) -> str:
    """A staff member as pages and papers name them (permissions.staff_name)."""
    return permissions.staff_name(user)


@register.filter
def signature_line(signature) -> str:
    """A signature as signature lines show it: the signer's name and the hall's local time,
    "王局长 2026-12-02 09:15" (never a username or an ISO string)."""
    at = timezone.localtime(signature.signed_at).strftime("%Y-%m-%d %H:%M")
    return f"{signature.signed_by} {at}"


@register.filter
def age(value) -> str:
    """A frozen age ({"years", "months"}, months.age_record) in the reader's language;
    figures frozen before ages were kept as numbers hold the text itself."""
    if isinstance(value, dict) and "years" in value:
        return months.age_text(value["years"], value.get("months", 0))
    return value or ""


@register.filter
def entry_actor(entry) -> str:
    """Who made an audit entry, named as the hall names staff (select_related("actor")); the
    entry's recorded name where there is no user (the system)."""
    return permissions.staff_name(entry.actor) if entry.actor_id else entry.actor_name


@register.filter
def minutes(value) -> int:
    """A timedelta in whole minutes (the login lock-out's cool-off)."""
    return int(value.total_seconds() // 60) if value else 0


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
