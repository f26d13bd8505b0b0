"""Case numbers: hall code + date + a per-hall, per-day sequence, e.g. WQ-20261125-0007; and
queue tickets, numbered per hall, day and category (A001, T001).

One upsert with RETURNING takes the next value (PostgreSQL and SQLite ≥ 3.35 alike). The row
stays locked until the surrounding transaction ends, so concurrent intakes queue on it; when a
transaction rolls back its increment rolls back too, so numbers are unique and gap-free.
"""

import datetime as dt

from django.db import connection
from django.utils import timezone

from counterhall.models import CaseSequence, VisitSequence


def _next(model, key: dict) -> int:
    """The next value of the sequence row of ``model`` at ``key`` (column → value)."""
    table = model._meta.db_table
    columns = ", ".join(key)
    marks = ", ".join(["%s"] * len(key))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}, last) VALUES ({marks}, 1) "  # noqa: S608
            f"ON CONFLICT ({columns}) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            list(key.values()),
        )
        (sequence,) = cursor.fetchone()
    return sequence


def next_case_number(*, hall, day: dt.date | None = None) -> str:
    day = day or timezone.localdate()
    sequence = _next(CaseSequence, {"hall_id": hall.pk, "day": day})
    return f"{hall.code}-{day:%Y%m%d}-{sequence:04d}"


def next_ticket_number(*, hall, category: str, day: dt.date | None = None) -> int:
    """The next queue ticket number of the hall for the day and category."""
    day = day or timezone.localdate()
    return _next(VisitSequence, {"hall_id": hall.pk, "day": day, "category": category})
