"""seed_demo's month of history (counterhall.synthetic through demo.seed_month)."""

import datetime as dt
import io
from collections import Counter as Tally

import pytest
from django.core.management import call_command
from django.utils import timezone

from counterhall import audit, demo, synthetic
from counterhall.models import (
    AuditEntry,
    Case,
    CaseState,
    Rectification,
    Signature,
    Visit,
    VisitRating,
    VisitStatus,
)
from counterhall.models.case import OPEN_STATES

pytestmark = pytest.mark.django_db


@pytest.fixture
def month():
    seeded = demo.seed(month=True)
    return seeded["hall"]


def _counts():
    return (
        Case.objects.count(),
        Visit.objects.count(),
        VisitRating.objects.count(),
        Rectification.objects.count(),
        Signature.objects.count(),
        AuditEntry.objects.count(),
    )


def test_month_figures_times_and_entries(month):
    """One seeded month (seeding takes seconds): figures, order of times, audit entries."""
    _figures_are_plausible(month)
    _times_are_in_order(month)
    _entries_match_the_cases_and_verify_once_sealed(month)


def _figures_are_plausible(month):
    today = timezone.localdate()
    start = today - dt.timedelta(days=demo.MONTH_DAYS)
    cal = synthetic.calendar_for(start, today)
    past = synthetic.day_range(start, today - dt.timedelta(days=1))
    working = [d for d in past if cal.is_working(d)]
    days = set(Visit.objects.filter(hall=month, day__lt=today).values_list("day", flat=True))
    assert days == set(working)  # visits every working day, none on weekends

    cases = Case.objects.filter(hall=month, created_at__date__lt=today)
    states = Tally(cases.values_list("state", flat=True))
    total = sum(states.values())
    assert total > 300
    assert states[CaseState.COMPLETED] / total > 0.7
    for state in (CaseState.REJECTED, CaseState.WITHDRAWN, CaseState.AWAITING_DOCUMENTS):
        assert states[state] > 0, state
    assert cases.filter(round_trips__gt=0).exists()  # returned and resubmitted
    assert cases.filter(state__in=OPEN_STATES, promised_deadline__lt=today).exists()  # overdue
    assert len({c.business_type_id for c in cases}) >= 12
    continued = [c for c in cases.prefetch_related("visits") if len(c.visits.all()) > 1]
    assert continued  # cases continued on a second visit

    served = Visit.objects.filter(hall=month, day__lt=today, status=VisitStatus.SERVED)
    assert Visit.objects.filter(hall=month, status=VisitStatus.NO_SHOW).exists()
    assert Visit.objects.filter(hall=month, transferred_from__isnull=False).exists()
    ratings = VisitRating.objects.filter(visit__in=served)
    grades = Tally(ratings.exclude(grade=None).values_list("grade", flat=True))
    rated = sum(grades.values())
    assert (grades[5] + grades[4]) / rated > 0.8
    assert 1 <= Rectification.objects.filter(hall=month).count() <= 6
    # a queue forms at opening and behind each applicant's paperwork: the month's median
    # wait is minutes, not the zero of windows that call the next ticket at once
    from counterhall import metrics

    figures = metrics.figures_direct(halls=[month], start=start, end=today - dt.timedelta(days=1))
    assert 2 <= figures.wait.median <= 30, figures.wait
    assert figures.wait.p90 > figures.wait.median


def _times_are_in_order(month):
    today = timezone.localdate()
    for case in Case.objects.filter(hall=month, created_at__date__lt=today).prefetch_related(
        "visits", "signatures"
    ):
        first = min(case.visits.all(), key=lambda v: v.issued_at)
        assert first.issued_at < first.called_at < first.service_started_at < case.created_at
        steps = [case.created_at]
        if case.submitted_at:
            steps.append(case.submitted_at)
        if case.claimed_at:
            steps.append(case.claimed_at)
        if case.decided_at:
            steps.append(case.decided_at)
        steps += sorted(s.signed_at for s in case.signatures.all())
        if case.completed_at:
            steps.append(case.completed_at)
        assert steps == sorted(steps), case.number
        assert case.updated_at <= timezone.now()
        if case.state == CaseState.COMPLETED:
            assert case.completed_at and case.closed_at and case.submitted_at
            assert len(case.signatures.all()) == len(case.signoff_roles)
        if case.state in (CaseState.IN_REVIEW,):
            assert case.reviewer_id is not None


def _entries_match_the_cases_and_verify_once_sealed(month):
    today = timezone.localdate()
    cases = Case.objects.filter(hall=month, created_at__date__lt=today)
    last_state = {}
    for target_id, after in (
        AuditEntry.objects.filter(
            target_type="counterhall.case",
            target_id__in=[str(pk) for pk in cases.values_list("pk", flat=True)],
        )
        .exclude(after__state=None)
        .order_by("at", "pk")
        .values_list("target_id", "after")
    ):
        last_state[int(target_id)] = after["state"]
    assert {c.pk: c.state for c in cases} == last_state
    assert audit.verify().problems  # backdated entries must be sealed first
    audit.seal(settle_seconds=0)
    result = audit.verify()
    assert result.ok, result.problems
    assert result.entries == AuditEntry.objects.count()


def test_seed_demo_seeds_the_month_once_and_seals(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert Visit.objects.filter(day__lt=timezone.localdate()).exists()
    assert audit.verify().ok
    before = _counts()
    call_command("seed_demo", stdout=out)
    assert _counts() == before
    assert audit.verify().ok


def test_seed_demo_without_the_month(db):
    call_command("seed_demo", "--no-month", stdout=io.StringIO())
    assert not Visit.objects.filter(day__lt=timezone.localdate()).exists()


def test_generator_is_deterministic(db):
    month = demo.seed(business_data=False)["hall"]
    today = timezone.localdate()
    start = today - dt.timedelta(days=10)
    now = timezone.now()
    setup = demo.month_setup(hall=month, users={u.username: u for u in _users()})

    def run():
        generator = synthetic.Generator(
            seed=7,
            now=now,
            halls=[setup],
            types=demo.business_types(),
            ids=dict.fromkeys(
                ("cases", "visits", "ratings", "rectifications", "signatures", "entries"), 1
            ),
            calendar=synthetic.calendar_for(start, today),
        )
        out = []
        for batch in synthetic.batches(generator, synthetic.day_range(start, today)):
            out.append([len(getattr(batch, name)) for name in synthetic.TABLES])
            out.append([e["digest"] if "digest" in e else e["at"] for e in batch.entries])
        return out

    assert run() == run()


def _users():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username__in=[u[0] for u in demo.USERS])
