"""Periodic jobs: the retrying task decorator, the core's jobs and the schedule.

Every job is a Django task (django.tasks) made with ``@job``: run by a ``manage.py
db_worker`` process from the task table (django-tasks-db), enqueued on its timer by the one
``manage.py scheduler`` process (django-crontask) from SCHEDULE below. A job that raises is
enqueued again, after a backoff that doubles, until COUNTERHALL_TASK_ATTEMPTS attempts in
all; every failed attempt stays in the task table with its traceback, shown read-only in the
admin and on the hall admin's home page (counterhall.selectors.failed_tasks).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from io import StringIO
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.tasks import Task, task, task_backends
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# What the scheduler enqueues, and when: (crontab in the hall's time zone, task path).
# Days of the week are written as names (Mon … Sun), as django-crontask requires. Adding a
# periodic job is one line here; its task is any ``@job`` (or plain ``@task``) function.
SCHEDULE: list[tuple[str, str]] = [
    ("*/5 * * * *", "counterhall.jobs.seal_audit_log"),
    ("* * * * *", "review.tasks.release_idle_claims_task"),
    ("30 1 1 * *", "contributions.tasks.generate_monthly_bills"),
    ("0 3 1 1 *", "contributions.tasks.post_yearly_interest"),
    ("15 4 * * *", "counterhall.jobs.prune_task_results"),
    ("0 2 * * *", "counterhall.tasks.rollup_metrics"),
]


def job(func: Callable[..., Any]) -> Task:
    """``@task`` with retries: the function runs as a task; if it raises, the same task is
    enqueued again with the same arguments (on the backend and queue it ran on, after
    COUNTERHALL_TASK_RETRY_SECONDS × 2^(attempt−1), where the backend can defer) until
    COUNTERHALL_TASK_ATTEMPTS attempts, and the exception is raised so that this attempt
    is recorded as failed. The attempt number travels as the ``_attempt`` keyword."""

    def run(context, *args, _attempt: int = 1, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception:
            retry_later(context.task_result.task, args, kwargs, attempt=_attempt)
            raise

    # The task is found by its module path: the wrapper takes the function's name (without
    # __wrapped__, so that Django sees the wrapper's own ``context`` argument).
    run.__module__ = func.__module__
    run.__name__ = func.__name__
    run.__qualname__ = func.__qualname__
    run.__doc__ = func.__doc__
    return task(takes_context=True)(run)


def retry_later(this: Task, args, kwargs, *, attempt: int) -> bool:
    """Enqueue attempt ``attempt + 1`` of ``this`` unless ``attempt`` was the last one.
    Returns whether it was enqueued."""
    if attempt >= settings.COUNTERHALL_TASK_ATTEMPTS:
        logger.error("task %s failed on attempt %d: giving up", this.module_path, attempt)
        return False
    if this.get_backend().supports_defer:
        delay = settings.COUNTERHALL_TASK_RETRY_SECONDS * 2 ** (attempt - 1)
        this = this.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    logger.warning("task %s failed on attempt %d: retrying", this.module_path, attempt)
    this.enqueue(*args, _attempt=attempt + 1, **kwargs)
    return True


def attempt_of(args_kwargs: dict) -> int:
    """The attempt number a stored task's arguments carry (1 for a first run)."""
    return int((args_kwargs or {}).get("kwargs", {}).get("_attempt", 1))


@job
def seal_audit_log() -> str:
    """Chain and seal the settled audit entries (``manage.py audit_seal``)."""
    from counterhall import audit

    sealed = audit.seal()
    return f"#{sealed.first_entry_id}–#{sealed.last_entry_id}" if sealed else "nothing to seal"


@job
def prune_task_results(min_age_days: int = 30) -> str:
    """Delete finished task results older than ``min_age_days`` (failed ones after twice
    that) from the database backend's table (django-tasks-db's prune command)."""
    from django_tasks_db.backend import DatabaseBackend

    aliases = [a for a in settings.TASKS if isinstance(task_backends[a], DatabaseBackend)]
    out = StringIO()
    for alias in aliases:
        call_command(
            "prune_db_task_results",
            f"--backend={alias}",
            "--queue-name=*",
            f"--min-age-days={min_age_days}",
            f"--failed-min-age-days={2 * min_age_days}",
            stdout=out,
        )
    return out.getvalue().strip()


def scheduled_tasks() -> list[tuple[str, Task]]:
    """SCHEDULE with each path resolved to its task (an unknown path fails here, at the
    scheduler's start and in the test suite, not at the first tick)."""
    resolved = []
    for crontab, path in SCHEDULE:
        obj = import_string(path)
        if not isinstance(obj, Task):
            raise TypeError(f"{path} is not a task")
        resolved.append((crontab, obj))
    return resolved
