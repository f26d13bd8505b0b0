"""Django tasks of the review queue: the idle-claim release, enqueued every minute by the
scheduler (counterhall.jobs.SCHEDULE) and run by a task worker. A plain task, not retried:
the next minute's run is its retry."""

from django.tasks import task

from review import services


@task
def release_idle_claims_task(hall_id: int | None = None) -> int:
    return len(services.release_idle_claims(hall_id=hall_id))
