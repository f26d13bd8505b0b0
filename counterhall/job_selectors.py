"""Reads of the task table (django-tasks-db): the failed background tasks the hall admin's
home page shows."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from counterhall.jobs import attempt_of

# The panel lists at most this many failures (the admin's 后台任务 list has them all).
FAILED_TASKS_SHOWN = 10
FAILED_TASKS_DAYS = 7


def last_line(traceback: str) -> str:
    """The exception line of a traceback (its last non-empty line)."""
    lines = [line for line in (traceback or "").splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def failed_tasks(*, days: int = FAILED_TASKS_DAYS, limit: int = FAILED_TASKS_SHOWN) -> dict:
    """Background tasks that failed in the last ``days`` days, newest first: one query.
    Each with its task, when it failed, the error, its attempt and whether another attempt
    follows (counterhall.jobs.job retries)."""
    from django_tasks_db.models import DBTaskResult

    since = timezone.now() - dt.timedelta(days=days)
    rows = list(
        DBTaskResult.objects.failed()
        .filter(finished_at__gte=since)
        .order_by("-finished_at")
        .values("id", "task_path", "finished_at", "traceback", "args_kwargs")[: limit + 1]
    )
    attempts = settings.COUNTERHALL_TASK_ATTEMPTS
    failures = [
        {
            "id": row["id"],
            "task": row["task_path"].rsplit(".", 1)[-1],
            "path": row["task_path"],
            "finished_at": row["finished_at"],
            "error": last_line(row["traceback"])[:300],
            "attempt": attempt_of(row["args_kwargs"]),
            "attempts": attempts,
            "retried": attempt_of(row["args_kwargs"]) < attempts,
        }
        for row in rows[:limit]
    ]
    return {"failures": failures, "more": len(rows) > limit, "days": days}
