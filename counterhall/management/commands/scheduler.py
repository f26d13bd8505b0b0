"""The one scheduler process: enqueue counterhall.jobs.SCHEDULE on its timers.

django-crontask's scheduler (APScheduler, cron triggers in the hall's time zone) with the
schedule taken from counterhall.jobs.SCHEDULE instead of decorators. The scheduler only
enqueues; ``manage.py db_worker`` processes run the tasks. Run exactly one: on PostgreSQL
a second scheduler finds the advisory lock taken and exits.
"""

from __future__ import annotations

from apscheduler.triggers.cron import CronTrigger
from crontask import scheduler
from crontask.management.commands.crontask import Command as CrontaskCommand
from django.core.management.base import CommandError
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string

from counterhall.jobs import scheduled_tasks

# pg_try_advisory_lock key of the scheduler (any constant shared by all deployments' code).
SCHEDULER_LOCK = 7_104_218_001


def trigger_for(crontab: str) -> CronTrigger:
    *_, day_of_week = crontab.split()
    if any(c.isdigit() for c in day_of_week):
        raise ValueError(f"{crontab!r}: write the day of the week as Mon … Sun or *")
    return CronTrigger.from_crontab(crontab, timezone=timezone.get_default_timezone())


def enqueue_scheduled(path: str) -> None:
    """A scheduler tick: enqueue the task at ``path`` (on its default backend). Runs in the
    scheduler's thread pool, so it drops a broken or expired connection first, as a request
    would."""
    close_old_connections()
    import_string(path).enqueue()


def add_scheduled_jobs(sched) -> list[str]:
    """Add a job per SCHEDULE line to ``sched``; returns the task paths."""
    paths = []
    for crontab, task in scheduled_tasks():
        sched.add_job(
            enqueue_scheduled,
            trigger=trigger_for(crontab),
            args=(task.module_path,),
            id=task.module_path,
            name=task.module_path,
            replace_existing=True,
        )
        paths.append(task.module_path)
    return paths


def take_scheduler_lock() -> bool:
    """On PostgreSQL, hold a session advisory lock for the scheduler's life: False if
    another scheduler holds it. Elsewhere (the SQLite demo) always True."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SCHEDULER_LOCK])
        return bool(cursor.fetchone()[0])


class Command(CrontaskCommand):
    help = "Enqueue the periodic jobs (counterhall.jobs.SCHEDULE) on their timers; run one."

    def handle(self, *args, **options):
        if not take_scheduler_lock():
            raise CommandError("Another scheduler is already running (advisory lock taken).")
        for path in add_scheduled_jobs(scheduler):
            self.stdout.write(f"Scheduled {path}.")
        options.update(no_task_loading=True, no_heartbeat=True)
        super().handle(*args, **options)
