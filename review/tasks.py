"""Django tasks of the review queue, for deployments that run a task worker on a timer."""

from django.tasks import task

from review import services


@task
def release_idle_claims_task() -> int:
    return len(services.release_idle_claims())
