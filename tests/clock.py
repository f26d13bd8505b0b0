"""The hall's clock for tests: moments given as Asia/Shanghai wall-clock times."""

import datetime as dt
from zoneinfo import ZoneInfo

HALL_TZ = ZoneInfo("Asia/Shanghai")


def clock_moment(value: str, *, today: dt.date) -> dt.datetime:
    """``HH:MM`` is that Asia/Shanghai wall-clock time on ``today`` (the hall's date); a full
    ISO datetime is taken as it is (Asia/Shanghai if it names no offset)."""
    if len(value) <= 5:
        return dt.datetime.combine(today, dt.time.fromisoformat(value), tzinfo=HALL_TZ)
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=HALL_TZ)
