from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(value) -> str:
    """A timedelta as 分钟 / 小时 / 天, for waits and handling times."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    if minutes < 1:
        return _("不足 1 分钟")
    if minutes < 60:
        return _("%(m)d 分钟") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)d 小时 %(m)d 分钟") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)d 天 %(h)d 小时") % {"d": days, "h": hours}


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


@register.simple_tag
def waited(case, now=None):
    from django.utils import timezone

    if not case.submitted_at:
        return "—"
    return duration((now or timezone.now()) - case.submitted_at)
