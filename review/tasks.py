"""Django tasks of the review queue, run by a task worker on a timer (and enqueued from the
queue page at most once a minute per hall)."""

from django.core.cache import cache
from django.tasks import task

from review import services

# How often a queue page may ask for idle claims to be released (seconds, per hall).
IDLE_RELEASE_EVERY = 60


@task
def release_idle_claims_task(hall_id: int | None = None) -> int:
    return len(services.release_idle_claims(hall_id=hall_id))


def release_idle_claims_soon(hall_id: int) -> bool:
    """Called by every read of the queue page and its live fragment: enqueue the idle
    release for the hall unless it was enqueued in the last minute (a cache key decides;
    ``cache.add`` is atomic on the shared caches, so concurrent polls enqueue once).
    Returns whether it was enqueued."""
    if not cache.add(f"review:idle-release:{hall_id}", 1, IDLE_RELEASE_EVERY):
        return False
    release_idle_claims_task.enqueue(hall_id=hall_id)
    return True
