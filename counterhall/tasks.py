"""Django tasks of the hall's core, run by a task worker on a timer (counterhall.jobs.SCHEDULE)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from counterhall import metrics
from counterhall.jobs import job
from counterhall.models import Hall


@job
def rollup_metrics(day: str | None = None, hall_id: int | None = None) -> int:
    """Roll up the efficiency figures of one hall-local day (ISO date; default yesterday)
    for one hall (default every hall). Idempotent: the day is replaced. Returns the rows
    written. Today is never rolled up: the figures read it live."""
    date = dt.date.fromisoformat(day) if day else timezone.localdate() - dt.timedelta(days=1)
    halls = [hall_id] if hall_id is not None else Hall.objects.values_list("pk", flat=True)
    return metrics.rollup(halls=halls, start=date, end=date)
