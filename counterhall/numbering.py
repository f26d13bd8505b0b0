"""Case numbers: hall code + date + a per-hall, per-day sequence, e.g. WQ-20261125-0007.

One upsert with RETURNING takes the next value (PostgreSQL and SQLite ≥ 3.35 alike). The row
stays locked until the surrounding transaction ends, so concurrent intakes queue on it; when a
transaction rolls back its increment rolls back too, so numbers are unique and gap-free.
"""

import datetime as dt

from django.db import connection
from django.utils import timezone

from counterhall.models import CaseSequence


def next_case_number(*, hall, day: dt.date | None = None) -> str:
    day = day or timezone.localdate()
    table = CaseSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (hall_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (hall_id, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [hall.pk, day],
        )
        (sequence,) = cursor.fetchone()
    return f"{hall.code}-{day:%Y%m%d}-{sequence:04d}"


def next_ticket_number(*, hall, category: str, day: dt.date | None = None) -> int:
    """The next queue ticket number of the hall for the day and category: the same upsert
    as case numbers, so tickets are unique and gap-free under concurrency."""
    from counterhall.models import VisitSequence

    day = day or timezone.localdate()
    table = VisitSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (hall_id, day, category, last) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (hall_id, day, category) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [hall.pk, day, category],
        )
        (sequence,) = cursor.fetchone()
    return sequence
