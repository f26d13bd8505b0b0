"""A claim left idle longer than the hall's claim_idle_minutes returns to the queue by
itself: by the task the scheduler enqueues every minute (or manage.py release_idle_claims);
a read of the queue pages releases nothing and enqueues nothing."""

import datetime as dt

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from counterhall import permissions
from counterhall.jobs import SCHEDULE
from counterhall.models import AuditEntry, Case, CaseState
from review.services import case_take_next, release_idle_claims
from review.tasks import release_idle_claims_task


def _age_claim(case, minutes):
    Case.objects.filter(pk=case.pk).update(
        claimed_at=timezone.now() - dt.timedelta(minutes=minutes)
    )


def test_idle_claim_returns_to_its_place_as_the_system(submitted, reviewer, hall):
    case = submitted()
    submitted_at = Case.objects.get(pk=case.pk).submitted_at
    case_take_next(actor=reviewer)
    _age_claim(case, hall.claim_idle_minutes + 1)

    assert release_idle_claims(hall_id=hall.pk) == [case.pk]

    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.reviewer is None
    assert case.submitted_at == submitted_at  # its place in the queue
    assert not reviewer.has_perm(permissions.DECIDE_CASE, case)
    entry = AuditEntry.objects.get(action="case.release", target_id=str(case.pk))
    assert entry.actor is None
    assert "15" in entry.note


def test_claim_within_the_limit_stays(submitted, reviewer, hall):
    case = submitted()
    case_take_next(actor=reviewer)
    _age_claim(case, hall.claim_idle_minutes - 1)

    assert release_idle_claims(hall_id=hall.pk) == []
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW


def test_hall_setting_is_used(submitted, reviewer, hall):
    hall.claim_idle_minutes = 5
    hall.save()
    case = submitted()
    case_take_next(actor=reviewer)
    _age_claim(case, 6)

    assert release_idle_claims() == [case.pk]


def test_reading_the_queue_leaves_idle_claims_to_the_scheduler(
    client, submitted, reviewer, other_reviewer, hall
):
    case = submitted()
    case_take_next(actor=reviewer)
    _age_claim(case, hall.claim_idle_minutes + 1)
    client.force_login(other_reviewer)

    response = client.get(reverse("review:queue-live"))

    assert response.status_code == 200
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    # the scheduler's minute job releases it
    assert ("* * * * *", "review.tasks.release_idle_claims_task") in SCHEDULE
    assert release_idle_claims_task.enqueue().return_value == 1
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_command_and_task_release_idle_claims(submitted, reviewer, hall):
    first, second = submitted(), submitted()
    case_take_next(actor=reviewer)
    case_take_next(actor=reviewer)
    _age_claim(first, 60)
    call_command("release_idle_claims", hall=hall.code)
    first.refresh_from_db()
    assert first.state == CaseState.SUBMITTED

    _age_claim(second, 60)
    assert release_idle_claims_task.enqueue().return_value == 1
    second.refresh_from_db()
    assert second.state == CaseState.SUBMITTED


def test_queue_reads_write_nothing_even_when_a_claim_is_idle(client, submitted, reviewer, hall):
    case = submitted()
    case_take_next(actor=reviewer)
    _age_claim(case, hall.claim_idle_minutes + 1)
    client.force_login(reviewer)

    for name in ("review:queue", "review:queue-live", "review:queue-live"):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name)).status_code == 200
        sql = [q["sql"].upper() for q in ctx.captured_queries]
        assert not [s for s in sql if s.startswith(("INSERT", "UPDATE", "DELETE"))], sql
        assert not [s for s in sql if "FOR UPDATE" in s], sql
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
