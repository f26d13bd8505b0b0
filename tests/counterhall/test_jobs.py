"""Periodic jobs (counterhall.jobs): retried when they fail, run by a real db_worker from the
database backend (django-tasks-db) on SQLite and PostgreSQL, scheduled from one table, and
their failures shown to the hall admin."""

import datetime as dt

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from django.core.management import call_command
from django.db import connection
from django.tasks import Task, TaskResultStatus
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from counterhall import audit, job_selectors, jobs
from counterhall.management.commands import scheduler
from counterhall.models import AuditSeal
from counterhall.roles import Role
from tests import factories

CALLS: list[int] = []


@jobs.job
def flaky(fail_times: int = 99) -> str:
    """A job that fails its first ``fail_times`` runs (test double)."""
    CALLS.append(1)
    if len(CALLS) <= fail_times:
        raise RuntimeError(f"boom {len(CALLS)}")
    return "done"


@pytest.fixture(autouse=True)
def _calls(settings):
    settings.COUNTERHALL_TASK_ATTEMPTS = 3
    settings.COUNTERHALL_TASK_RETRY_SECONDS = 60
    CALLS.clear()


def run_worker():
    """A real db_worker on the "database" backend, in this process, until the queue is
    empty (bounded: --batch, --max-tasks)."""
    call_command(
        "db_worker",
        "--backend=database",
        "--queue-name=*",
        "--batch",
        "--max-tasks=20",
        "--no-startup-delay",
        "--no-reload",
        "--interval=0",
        verbosity=0,
    )


# -- retries on the immediate backend (the suite's default) ------------------------------


def test_a_failing_job_is_retried_until_the_last_attempt():
    result = flaky.enqueue()
    assert result.status == TaskResultStatus.FAILED
    assert len(CALLS) == 3  # 3 attempts in all, then it gives up


def test_a_job_that_recovers_stops_retrying():
    flaky.enqueue(fail_times=1)
    assert len(CALLS) == 2


# -- the database backend and a real worker ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_audit_seal_from_the_task_table(settings):
    settings.AUDIT_SETTLE_SECONDS = 0
    audit.record(actor=None, action="audit.verify", note="x")
    result = jobs.seal_audit_log.using(backend="database").enqueue()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY
    assert not AuditSeal.objects.exists()

    run_worker()

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL, row.traceback
    assert row.return_value.startswith("#")
    assert AuditSeal.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_task_is_recorded_and_enqueued_again_later_with_backoff():
    flaky.using(backend="database").enqueue()

    run_worker()

    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert "RuntimeError: boom 1" in failed.traceback
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"] == {"_attempt": 2}
    assert retry.backend_name == "database"
    wait = (retry.run_after - failed.finished_at).total_seconds()
    assert 55 < wait < 65  # first backoff: 60 s (then 120 s, …)
    assert len(CALLS) == 1  # the retry waits for its time

    # when its time comes, attempt 2 fails, attempt 3 (after 120 s) fails, and it stops
    for _ in range(2):
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
            run_after=timezone.now() - dt.timedelta(seconds=1)
        )
        run_worker()
    assert len(CALLS) == 3
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 3
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


@pytest.mark.django_db(transaction=True)
def test_prune_job_deletes_old_results_only():
    old = flaky.using(backend="database").enqueue(fail_times=0)
    new = flaky.using(backend="database").enqueue(fail_times=0)
    run_worker()
    DBTaskResult.objects.filter(pk=old.id).update(
        finished_at=timezone.now() - dt.timedelta(days=40)
    )

    jobs.prune_task_results.enqueue()

    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {new.db_result.pk}


# -- the schedule -----------------------------------------------------------------------


def test_every_scheduled_line_is_a_task_with_a_valid_crontab():
    resolved = jobs.scheduled_tasks()
    assert len(resolved) == len(jobs.SCHEDULE) >= 5
    for crontab, task in resolved:
        assert isinstance(task, Task)
        scheduler.trigger_for(crontab)
    paths = {task.module_path for _c, task in resolved}
    assert {
        "counterhall.jobs.seal_audit_log",
        "review.tasks.release_idle_claims_task",
        "contributions.tasks.generate_monthly_bills",
        "contributions.tasks.post_yearly_interest",
    } <= paths


def test_the_scheduler_adds_one_job_per_line_in_the_hall_time_zone():
    sched = BackgroundScheduler()
    paths = scheduler.add_scheduled_jobs(sched)
    assert paths == [path for _c, path in jobs.SCHEDULE]
    seal = sched.get_job("counterhall.jobs.seal_audit_log")
    assert str(seal.trigger.timezone) == "Asia/Shanghai"
    # the next run is within five minutes
    now = timezone.now()
    assert seal.trigger.get_next_fire_time(None, now) - now <= dt.timedelta(minutes=5)


def test_a_numeric_day_of_week_is_refused():
    with pytest.raises(ValueError, match="Mon"):
        scheduler.trigger_for("0 3 * * 1")


@pytest.mark.django_db(transaction=True)
def test_a_scheduler_tick_enqueues_the_task(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
        "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    scheduler.enqueue_scheduled("counterhall.jobs.seal_audit_log")
    row = DBTaskResult.objects.get()
    assert row.task_path == "counterhall.jobs.seal_audit_log"
    assert row.status == TaskResultStatus.READY


@pytest.mark.django_db(transaction=True)
def test_only_one_scheduler_holds_the_lock_on_postgresql(postgres_only):
    from django.db import connections

    assert scheduler.take_scheduler_lock()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [scheduler.SCHEDULER_LOCK])
            assert cursor.fetchone()[0] is False
    finally:
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [scheduler.SCHEDULER_LOCK])


# -- failures shown to the hall admin ----------------------------------------------------


def _failure(finished_at, attempt=1, error="ValueError: bad month"):
    return DBTaskResult.objects.create(
        task_path="contributions.tasks.generate_monthly_bills",
        args_kwargs={"args": [], "kwargs": {"_attempt": attempt} if attempt > 1 else {}},
        backend_name="database",
        run_after=timezone.now(),
        status=TaskResultStatus.FAILED,
        finished_at=finished_at,
        exception_class_path="builtins.ValueError",
        traceback=f"Traceback (most recent call last):\n  File x\n{error}\n",
    )


def test_the_hall_admin_home_shows_recent_failures_in_fixed_queries(client, hall):
    admin = factories.UserFactory(username="adm", roles=[Role.HALL_ADMIN], hall=hall)
    now = timezone.now()
    _failure(now - dt.timedelta(days=8), error="OldError: long ago")
    client.force_login(admin)
    client.get(reverse("home"))  # the first request of a session does more (warm-up)
    counts = []
    for failures in (1, 15):
        for i in range(failures - DBTaskResult.objects.count() + 1):
            _failure(now - dt.timedelta(hours=i + 1), attempt=1 + i % 3)
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("home")).content.decode()
        table = DBTaskResult._meta.db_table
        assert len([q for q in ctx.captured_queries if table in q["sql"]]) == 1
        counts.append(len(ctx.captured_queries))

        assert 'id="failed-tasks-panel"' in page
        assert "ValueError: bad month" in page
        assert "OldError" not in page
        assert page.count('data-task="generate_monthly_bills"') == min(failures, 10)
        assert "1/3" in page
    assert counts[0] == counts[1]


def test_the_panel_says_when_nothing_failed_and_is_for_the_hall_admin_only(client, hall, teller):
    admin = factories.UserFactory(username="adm", roles=[Role.HALL_ADMIN], hall=hall)
    client.force_login(admin)
    assert 'id="no-failed-tasks"' in client.get(reverse("home")).content.decode()
    _failure(timezone.now())
    client.force_login(teller)
    assert "failed-tasks-panel" not in client.get(reverse("home")).content.decode()


def test_the_failure_data_says_whether_another_attempt_follows(db):
    _failure(timezone.now(), attempt=3)
    _failure(timezone.now() - dt.timedelta(minutes=1), attempt=2)
    data = job_selectors.failed_tasks()
    assert [(f["attempt"], f["retried"]) for f in data["failures"]] == [(3, False), (2, True)]
    assert data["failures"][0]["error"] == "ValueError: bad month"


def test_task_results_are_read_only_in_the_admin(admin_client, db):
    row = _failure(timezone.now())
    url = reverse("admin:django_tasks_database_dbtaskresult_change", args=[row.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "ValueError: bad month" in page.content.decode()
    assert admin_client.post(url, {}).status_code == 403
    assert (
        admin_client.get(reverse("admin:django_tasks_database_dbtaskresult_add")).status_code == 403
    )
