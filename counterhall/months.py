"""Month arithmetic for every app: calendar months as dates (a month is its first day) and as
``YYYY-MM`` keys. Pure functions, no database.

- ``first_of_month(day)`` / ``last_of_month(day)``: the month's first and last day;
- ``add_months(day, n)``: the same day ``n`` months later, clamped to the month's last day;
- ``months_apart(start, end)``: how many calendar months ``end``'s month lies after
  ``start``'s (an int, negative when earlier);
- ``months_in_range(first, last)``: every month from ``first``'s to ``last``'s inclusive (a
  list of first days);
- ``month_key(day)`` / ``month_ranges(keys)``: ``YYYY-MM`` and compressed runs of keys.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def last_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), clamped to the month's last day
    (31 Jan + 1 → 28/29 Feb). The first of a month stays the first of a month."""
    year, month = divmod(day.year * 12 + (day.month - 1) + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def months_apart(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start``'s month to ``end``'s month (days ignored):
    ``months_apart(a, b) == len(months_in_range(a, b)) - 1`` when ``a`` is not after ``b``."""
    return (end.year - start.year) * 12 + (end.month - start.month)


def months_in_range(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from ``first``'s to ``last``'s inclusive, as first days; empty when
    ``last``'s month is before ``first``'s."""
    start = first_of_month(first)
    return [add_months(start, i) for i in range(months_apart(first, last) + 1)]


def month_key(day: dt.date) -> str:
    """``YYYY-MM`` of the day's month."""
    return f"{day.year:04d}-{day.month:02d}"


def month_ranges(keys: Iterable[str]) -> list[str]:
    """``["2020-01", "2020-02", "2020-03", "2021-05"]`` → ``["2020-01～2020-03", "2021-05"]``
    (duplicates and order do not matter)."""

    def index(key: str) -> int:
        year, month = key.split("-")
        return int(year) * 12 + int(month)

    runs: list[list[str]] = []
    for key in sorted(set(keys)):
        if runs and index(key) == index(runs[-1][1]) + 1:
            runs[-1][1] = key
        else:
            runs.append([key, key])
    return [a if a == b else f"{a}～{b}" for a, b in runs]


def age_text(years: int, months: int) -> str:
    """An age in the language chosen: "60 岁 5 个月" / "60 years 5 months"."""
    from django.utils.translation import ngettext

    text = ngettext("%(y)s 岁", "%(y)s 岁", years) % {"y": years}
    return f"{text} {month_count(months)}" if months else text


def span_text(months: int) -> str:
    """A number of months as years and months: "3 年 2 个月" / "3 years 2 months"."""
    from django.utils.translation import ngettext

    years, rest = divmod(months, 12)
    parts = [ngettext("%(y)s 年", "%(y)s 年", years) % {"y": years}] if years else []
    if rest or not years:
        parts.append(month_count(rest))
    return " ".join(parts)


def month_count(months: int) -> str:
    """ "5 个月" / "5 months", "1 month"."""
    from django.utils.translation import ngettext

    return ngettext("%(m)s 个月", "%(m)s 个月", months) % {"m": months}


def age_record(years: int, months: int) -> dict[str, int]:
    """An age as frozen figures keep it ({"years", "months"}): shown by the ``age``
    template filter in the reader's language, never frozen in the assessor's."""
    return {"years": years, "months": months}
