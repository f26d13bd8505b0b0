"""Two days of one hall written as raw rows with chosen times, and the figures they must
give, counted by hand (docs/metrics.md's definitions)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from counterhall.models import (
    AuditEntry,
    Case,
    CaseState,
    Rectification,
    Visit,
    VisitRating,
    VisitStatus,
)
from tests.clock import HALL_TZ

D1 = dt.date(2026, 11, 2)
D2 = dt.date(2026, 11, 3)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=HALL_TZ)


def _visit(hall, day, n, *, issued, called=None, start=None, end=None, status, window, teller):
    return Visit.objects.create(
        hall=hall,
        day=day,
        category="general",
        number=n,
        ticket=f"A{n:03d}",
        status=status,
        calls=1 if called else 0,
        issued_at=at(day, issued),
        called_at=at(day, called) if called else None,
        service_started_at=at(day, start) if start else None,
        service_ended_at=at(day, end) if end else None,
        window=window,
        teller=teller,
    )


def _case(hall, n, *, bt, window, teller, state, created, completed=None, closed=None, **kw):
    return Case.objects.create(
        number=f"{hall.code}-SCN-{n:04d}",
        hall=hall,
        window=window,
        business_type=bt,
        teller=teller,
        state=state,
        created_at=created,
        completed_at=completed,
        closed_at=closed or completed,
        **kw,
    )


def _entries(case, steps):
    """(moment, action, actor, state before, state after) → audit entries of the case."""
    AuditEntry.objects.bulk_create(
        AuditEntry(
            at=moment,
            actor=actor,
            actor_name=actor.username,
            hall_id=case.hall_id,
            action=action,
            target_type="counterhall.case",
            target_id=str(case.pk),
            target_label=case.number,
            before={"state": before} if before else None,
            after={"state": after},
            digest="scenario",
        )
        for moment, action, actor, before, after in steps
    )


def build(*, hall, w1, w2, t1, t2, reviewer, leader, type_a, type_b):
    S = CaseState
    v1 = _visit(hall, D1, 1, issued="09:00", called="09:10", start="09:11", end="09:31",
                status=VisitStatus.SERVED, window=w1, teller=t1)  # fmt: skip
    v2 = _visit(hall, D1, 2, issued="09:05", called="09:20", end="09:25",
                status=VisitStatus.NO_SHOW, window=w2, teller=t2)  # fmt: skip
    v3 = _visit(hall, D1, 3, issued="10:00", called="10:30", start="10:30", end="10:45",
                status=VisitStatus.SERVED, window=w2, teller=t2)  # fmt: skip
    v4 = _visit(hall, D2, 1, issued="09:00", called="09:04", start="09:05", end="09:12",
                status=VisitStatus.SERVED, window=w2, teller=t2)  # fmt: skip
    v5 = _visit(hall, D2, 2, issued="11:00", called="11:02", start="11:02", end="11:20",
                status=VisitStatus.SERVED, window=w1, teller=t1)  # fmt: skip

    # C1: immediate, completed at the window during its visit.
    c1 = _case(hall, 1, bt=type_a, window=w1, teller=t1, state=S.COMPLETED,
               created=at(D1, "09:12"), completed=at(D1, "09:25"))  # fmt: skip
    _entries(c1, [
        (at(D1, "09:12"), "case.open", t1, None, S.DRAFT),
        (at(D1, "09:13"), "case.submit", t1, S.DRAFT, S.SUBMITTED),
        (at(D1, "09:15"), "case.claim", reviewer, S.SUBMITTED, S.IN_REVIEW),
        (at(D1, "09:20"), "case.approve", reviewer, S.IN_REVIEW, S.APPROVED),
        (at(D1, "09:25"), "case.complete", t1, S.APPROVED, S.COMPLETED),
    ])  # fmt: skip
    # C2: returned once for documents, the applicant came back (V4), signed, completed
    # the next day before its promised date.
    c2 = _case(hall, 2, bt=type_b, window=w2, teller=t2, state=S.COMPLETED,
               created=at(D1, "10:31"), completed=at(D2, "10:10"),
               promised_deadline=dt.date(2026, 11, 10), round_trips=1)  # fmt: skip
    _entries(c2, [
        (at(D1, "10:31"), "case.open", t2, None, S.DRAFT),
        (at(D1, "10:40"), "case.submit", t2, S.DRAFT, S.SUBMITTED),
        (at(D1, "11:00"), "case.claim", reviewer, S.SUBMITTED, S.IN_REVIEW),
        (at(D1, "11:05"), "case.return", reviewer, S.IN_REVIEW, S.RETURNED),
        (at(D2, "09:06"), "case.resubmit", t2, S.RETURNED, S.SUBMITTED),
        (at(D2, "09:30"), "case.claim", reviewer, S.SUBMITTED, S.IN_REVIEW),
        (at(D2, "09:40"), "case.approve", reviewer, S.IN_REVIEW, S.AWAITING_SIGNOFF),
        (at(D2, "10:00"), "case.sign", leader, S.AWAITING_SIGNOFF, S.APPROVED),
        (at(D2, "10:10"), "case.complete", t2, S.APPROVED, S.COMPLETED),
    ])  # fmt: skip
    # C3: still in review after its promised date: overdue now.
    c3 = _case(hall, 3, bt=type_b, window=w2, teller=t2, state=S.IN_REVIEW,
               created=at(D2, "09:08"), promised_deadline=dt.date(2026, 11, 4),
               reviewer=reviewer)  # fmt: skip
    _entries(c3, [
        (at(D2, "09:08"), "case.open", t2, None, S.DRAFT),
        (at(D2, "09:09"), "case.submit", t2, S.DRAFT, S.SUBMITTED),
        (at(D2, "09:10"), "case.claim", reviewer, S.SUBMITTED, S.IN_REVIEW),
    ])  # fmt: skip
    c4 = _case(hall, 4, bt=type_a, window=w1, teller=t1, state=S.WITHDRAWN,
               created=at(D2, "11:03"), closed=at(D2, "11:15"))  # fmt: skip
    c5 = _case(hall, 5, bt=type_a, window=w1, teller=t1, state=S.REJECTED,
               created=at(D2, "14:00"), closed=at(D2, "14:05"))  # fmt: skip

    v1.cases.add(c1)
    v3.cases.add(c2)
    v4.cases.add(c2, c3)  # its business type is its first case's: type B
    v5.cases.add(c4)

    VisitRating.objects.create(visit=v1, teller=t1, grade=5, rated_at=at(D1, "09:32"))
    poor = VisitRating.objects.create(visit=v3, teller=t2, grade=2, rated_at=at(D1, "10:46"))
    VisitRating.objects.create(visit=v4, teller=t2, declined=True, rated_at=at(D2, "09:13"))
    VisitRating.objects.create(visit=v5, teller=t1, grade=4, rated_at=at(D2, "11:21"))
    Rectification.objects.create(rating=poor, hall=hall, deadline=dt.date(2026, 11, 20))
    return SimpleNamespace(visits=[v1, v2, v3, v4, v5], cases=[c1, c2, c3, c4, c5])
