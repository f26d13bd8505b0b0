"""Reads for the review pages. Each starts from the permission-filtered queryset
(counterhall.permissions.cases_visible_to) and runs a fixed number of queries, whatever the
length of the queue."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, F, Min, QuerySet
from django.utils import timezone

from counterhall.models import AuditEntry, Case, CaseState
from counterhall.permissions import cases_visible_to, signing_role, user_hall_id

# Applicant waiting at the window first, then the nearest promised date, then the oldest.
QUEUE_ORDER = (
    F("is_immediate").desc(),
    F("promised_deadline").asc(nulls_last=True),
    F("submitted_at").asc(),
    F("pk").asc(),
)
QUEUE_PAGE = 50
DECISIONS = ("case.approve", "case.return", "case.reject")
CASE_TARGET = "counterhall.case"
LIST_RELATED = ("business_type", "teller", "reviewer", "window")


def start_of_today() -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))


def queue(*, user) -> QuerySet[Case]:
    """The submitted cases this reviewer sees, in queue order."""
    return cases_visible_to(user).filter(state=CaseState.SUBMITTED).order_by(*QUEUE_ORDER)


def claimable(*, hall_id: int, actor_id: int, special: bool) -> QuerySet[Case]:
    """The cases take-next may give a reviewer, in queue order: their hall's submitted cases,
    never one they took in themselves, special business only with the authorisation
    (``special``: they hold ``review_special_business``). Plain filters on the case row, so
    PostgreSQL reads the head from the partial queue index (review migration 0003)."""
    qs = Case.objects.filter(hall_id=hall_id, state=CaseState.SUBMITTED).exclude(teller_id=actor_id)
    if not special:
        qs = qs.filter(business_type__is_special=False)
    return qs.order_by(*QUEUE_ORDER)


@dataclass(frozen=True)
class QueueStats:
    length: int
    oldest_wait: dt.timedelta | None
    median_wait_today: dt.timedelta | None
    claims_today: int


def queue_stats(*, user, now: dt.datetime | None = None) -> QueueStats:
    """Queue length, the oldest case's wait, and today's median wait from submission to
    claim (from the claims' audit entries). Two queries."""
    now = now or timezone.now()
    agg = queue(user=user).order_by().aggregate(n=Count("pk"), oldest=Min("submitted_at"))
    waits = []
    hall_id = user_hall_id(user)
    if hall_id is not None:
        waits = [
            w
            for w in AuditEntry.objects.filter(
                hall_id=hall_id, action="case.claim", at__gte=start_of_today()
            ).values_list("after__waited_seconds", flat=True)
            if w is not None
        ]
    return QueueStats(
        length=agg["n"],
        oldest_wait=now - agg["oldest"] if agg["oldest"] else None,
        median_wait_today=dt.timedelta(seconds=statistics.median(waits)) if waits else None,
        claims_today=len(waits),
    )


def queue_head(*, user, limit: int = QUEUE_PAGE) -> list[Case]:
    return list(queue(user=user).select_related(*LIST_RELATED)[:limit])


def in_review(*, user, limit: int = QUEUE_PAGE) -> list[Case]:
    """Cases currently claimed in the hall, with their reviewer (oldest claim first)."""
    return list(
        cases_visible_to(user)
        .filter(state=CaseState.IN_REVIEW)
        .select_related(*LIST_RELATED)
        .order_by("claimed_at", "pk")[:limit]
    )


@dataclass(frozen=True)
class ReviewerToday:
    decided: int
    approved: int
    returned: int
    rejected: int
    median_time: dt.timedelta | None

    @property
    def approval_rate(self) -> float | None:
        return self.approved / self.decided if self.decided else None


def reviewer_today(*, user, now: dt.datetime | None = None) -> ReviewerToday:
    """Today's figures for one reviewer from their audit entries: cases decided, approvals,
    and the median time from claim to decision. Two queries."""
    now = now or timezone.now()
    decisions = list(
        AuditEntry.objects.filter(
            actor=user, action__in=DECISIONS, target_type=CASE_TARGET, at__gte=start_of_today()
        ).values_list("target_id", "action", "at")
    )
    claims: dict[str, list[dt.datetime]] = {}
    if decisions:
        for target_id, at in (
            AuditEntry.objects.filter(
                actor=user,
                action="case.claim",
                target_type=CASE_TARGET,
                target_id__in={d[0] for d in decisions},
                at__lte=now,
            )
            .order_by("at")
            .values_list("target_id", "at")
        ):
            claims.setdefault(target_id, []).append(at)
    times = []
    for target_id, _action, at in decisions:
        before = [c for c in claims.get(target_id, []) if c <= at]
        if before:
            times.append((at - before[-1]).total_seconds())
    count = dict.fromkeys(DECISIONS, 0)
    for _target, action, _at in decisions:
        count[action] += 1
    return ReviewerToday(
        decided=len(decisions),
        approved=count["case.approve"],
        returned=count["case.return"],
        rejected=count["case.reject"],
        median_time=dt.timedelta(seconds=statistics.median(times)) if times else None,
    )


def signoff_batch(*, user) -> list[Case]:
    """Today's batch for a signer: cases waiting for a role the user holds."""
    cases = (
        cases_visible_to(user)
        .filter(state=CaseState.AWAITING_SIGNOFF)
        .select_related("business_type", "window", "hall", "teller", "reviewer")
        .prefetch_related("signatures")
        .order_by("decided_at", "pk")
    )
    return [c for c in cases if signing_role(c, user)]


def queue_counts(*, user) -> dict[str, int]:
    """The reviewer's home panel: cases queued in the hall, cases they are reviewing."""
    visible = cases_visible_to(user)
    return {
        "submitted": visible.filter(state=CaseState.SUBMITTED).count(),
        "mine": visible.filter(state=CaseState.IN_REVIEW, reviewer=user).count(),
    }
