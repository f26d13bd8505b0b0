"""Working days: Monday to Friday, minus public holidays, plus make-up working days
(CalendarDay rows, editable by a hall admin)."""

import datetime as dt

from counterhall.models import CalendarDay, CalendarDayKind


def _exceptions(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind"))


def is_working_day(day: dt.date, exceptions: dict[dt.date, str] | None = None) -> bool:
    if exceptions is None:
        exceptions = _exceptions(day, day)
    kind = exceptions.get(day)
    if kind == CalendarDayKind.HOLIDAY:
        return False
    if kind == CalendarDayKind.WORKDAY:
        return True
    return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (the day of intake does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    if days == 0:
        return start
    # Holidays never stretch a span past three times its length plus a long festival.
    exceptions = _exceptions(start, start + dt.timedelta(days=days * 3 + 30))
    day, left = start, days
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day, exceptions):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end ≤ start)."""
    if end <= start:
        return 0
    exceptions = _exceptions(start, end)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day, exceptions)
    return count


DEFERRAL_MAX_KEY = "documents.deferral_max_working_days"


def latest_promise_date(*, region: str, today: dt.date) -> dt.date:
    """The latest date a document accepted missing may be promised for (容缺受理): today plus
    the dated parameter ``documents.deferral_max_working_days`` working days."""
    from counterhall.params import param

    days = int(str(param(DEFERRAL_MAX_KEY, region=region, on=today).value))
    return add_working_days(today, days)
