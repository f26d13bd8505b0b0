"""Reads for the review pages. Each starts from the permission-filtered queryset
(counterhall.permissions.cases_visible_to) and runs a fixed number of queries, whatever the
length of the queue."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Min, QuerySet
from django.utils import timezone

from counterhall import audit
from counterhall.models import AuditEntry, Case, CaseState, Signature
from counterhall.money import figures_amount, figures_lookup
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


def review_entries_today(*, user) -> list[tuple]:
    """Today's claims and decisions in the user's hall, one query: ``(actor_id, target_id,
    action, at, waited_seconds)`` — what ``queue_stats`` and ``reviewer_today`` count (the
    live queue passes it to both)."""
    hall_id = user_hall_id(user)
    if hall_id is None:
        return []
    return list(
        AuditEntry.objects.filter(
            hall_id=hall_id,
            action__in=("case.claim", *DECISIONS),
            target_type=CASE_TARGET,
            at__gte=start_of_today(),
        ).values_list("actor_id", "target_id", "action", "at", "after__waited_seconds")
    )


def queue_stats(
    *, user, now: dt.datetime | None = None, entries: list[tuple] | None = None
) -> QueueStats:
    """Queue length, the oldest case's wait, and today's median wait from submission to
    claim (from the claims' audit entries: ``review_entries_today``, read here unless
    given). Two queries, one with ``entries``."""
    now = now or timezone.now()
    agg = queue(user=user).order_by().aggregate(n=Count("pk"), oldest=Min("submitted_at"))
    if entries is None:
        entries = review_entries_today(user=user)
    waits = [w for _a, _t, action, _at, w in entries if action == "case.claim" and w is not None]
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


def reviewer_today(
    *, user, now: dt.datetime | None = None, entries: list[tuple] | None = None
) -> ReviewerToday:
    """Today's figures for one reviewer from their audit entries: cases decided, approvals,
    and the median time from claim to decision. From ``review_entries_today`` (read here
    unless given); one more query only for a decision whose claim was before today."""
    now = now or timezone.now()
    if entries is None:
        entries = review_entries_today(user=user)
    mine = [(t, action, at) for actor, t, action, at, _w in entries if actor == user.pk]
    decisions = [d for d in mine if d[1] in DECISIONS]
    claims: dict[str, list[dt.datetime]] = {}
    for target_id, action, at in sorted(mine, key=lambda m: m[2]):
        if action == "case.claim" and at <= now:
            claims.setdefault(target_id, []).append(at)
    earlier = {t for t, _action, at in decisions if not any(c <= at for c in claims.get(t, ()))}
    if earlier:  # claimed before today: that claim is not among today's entries
        for target_id, at in (
            AuditEntry.objects.filter(
                actor=user,
                action="case.claim",
                target_type=CASE_TARGET,
                target_id__in=earlier,
                at__lt=start_of_today(),
            )
            .order_by("at")
            .values_list("target_id", "at")
        ):
            claims.setdefault(target_id, []).append(at)
        for found in claims.values():
            found.sort()
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


# ---------------------------------------------------------------------------- sign-off session

# Where the key figures of a case are read from its frozen figures: the ``summary`` pairs
# of the handlers' figures, then the top level. The first key present wins.
ZERO = Decimal("0.00")
PERSON_KEYS = ("person_count", "persons", "retirees", "people")
MONTH_KEYS = ("month_count", "months")


@dataclass
class KeyFigures:
    amount: Decimal | None = None
    persons: int | None = None
    months: int | None = None


def _count(value) -> int | None:
    if isinstance(value, list | tuple):
        return len(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def key_figures(case: Case) -> KeyFigures:
    """The amount, persons and months a signer weighs, from the case's frozen figures
    (``counterhall.money.AMOUNT_KEYS`` …); a case with a subject person and no count is
    one person."""
    look = figures_lookup(case.figures)
    out = KeyFigures(amount=figures_amount(case.figures, look))
    out.persons = next((_count(look[k]) for k in PERSON_KEYS if k in look), None)
    if out.persons is None and case.person_id:
        out.persons = 1
    out.months = next((_count(look[k]) for k in MONTH_KEYS if k in look), None)
    return out


@dataclass
class SessionRow:
    case: Case
    figures: KeyFigures
    next_session: bool

    @property
    def payee(self) -> str:
        """Whom the case pays or concerns (finance checks it): the employer, else the
        insured person, else the applicant."""
        if self.case.employer_id:
            return self.case.employer.name
        if self.case.person_id:
            return self.case.person.name
        return self.case.applicant_name

    @property
    def account(self) -> str:
        """The bank account a payment goes to, when the application names one (finance
        checks whom it pays)."""
        return str((self.case.payload or {}).get("bank_account") or "")


@dataclass
class Totals:
    cases: int = 0
    amount: Decimal = ZERO
    persons: int = 0
    months: int = 0

    def add(self, figures: KeyFigures) -> None:
        self.cases += 1
        self.amount += figures.amount or ZERO
        self.persons += figures.persons or 0
        self.months += figures.months or 0


@dataclass
class SessionGroup:
    business_type: object
    rows: list
    totals: Totals


@dataclass
class Session:
    """A signer's sign-off page: this session's cases grouped by business type with their
    totals, and the cases that arrived after the hall's sign-off time (the next session's)."""

    cutoff: dt.datetime | None
    groups: list
    totals: Totals
    later: list

    @property
    def case_ids(self) -> list[int]:
        return [row.case.pk for group in self.groups for row in group.rows]


def session_cutoff(hall, *, now: dt.datetime | None = None) -> dt.datetime:
    """Today's sign-off time in the hall's local time (Asia/Shanghai): a case that reached
    sign-off after it belongs to the next session."""
    today = timezone.localdate(now) if now else timezone.localdate()
    return timezone.make_aware(dt.datetime.combine(today, hall.signoff_time))


def signoff_session(*, user, now: dt.datetime | None = None) -> Session:
    """Every case of the hall waiting for a sign-off role the user holds, grouped by
    business type (in catalogue order), with key figures and totals; a fixed number of
    queries whatever the batch."""
    cases = (
        cases_visible_to(user)
        .filter(state=CaseState.AWAITING_SIGNOFF)
        .select_related("business_type", "hall", "teller", "reviewer", "employer", "person")
        .prefetch_related("signatures")
        .order_by("business_type__code", "decided_at", "pk")
    )
    cases = [c for c in cases if signing_role(c, user)]
    cutoff = session_cutoff(cases[0].hall, now=now) if cases else None
    groups: dict[int, SessionGroup] = {}
    totals = Totals()
    later = []
    for case in cases:
        row = SessionRow(
            case=case,
            figures=key_figures(case),
            next_session=bool(cutoff and case.decided_at and case.decided_at > cutoff),
        )
        if row.next_session:
            later.append(row)
            continue
        group = groups.setdefault(
            case.business_type_id, SessionGroup(case.business_type, [], Totals())
        )
        group.rows.append(row)
        group.totals.add(row.figures)
        totals.add(row.figures)
    return Session(cutoff=cutoff, groups=list(groups.values()), totals=totals, later=later)


@dataclass
class BatchSheet:
    """The printable batch sheet (签批单) of one signer's batch."""

    signer: object
    at: dt.datetime
    groups: list
    totals: Totals
    held: list
    seal: audit.Head | None


def batch_sheet(*, user, at: dt.datetime) -> BatchSheet:
    """What ``user`` signed at ``at`` (one batch shares its time) with figures and totals,
    the cases they excluded with the reasons, and the audit log's exported seal head."""
    signatures = (
        Signature.objects.filter(signer=user, signed_at=at, case__in=cases_visible_to(user))
        .select_related(
            "case__business_type", "case__reviewer", "case__employer", "case__person", "acting_for"
        )
        .order_by("case__business_type__code", "case__pk")
    )
    groups: dict[int, SessionGroup] = {}
    totals = Totals()
    for signature in signatures:
        case = signature.case
        row = SessionRow(case=case, figures=key_figures(case), next_session=False)
        row.signature = signature  # type: ignore[attr-defined]
        group = groups.setdefault(
            case.business_type_id, SessionGroup(case.business_type, [], Totals())
        )
        group.rows.append(row)
        group.totals.add(row.figures)
        totals.add(row.figures)
    held = list(
        AuditEntry.objects.filter(
            actor=user, action="case.hold", after__batch=at.isoformat()
        ).order_by("pk")
    )
    seal = audit.exported_head()
    return BatchSheet(
        signer=user, at=at, groups=list(groups.values()), totals=totals, held=held, seal=seal
    )


# ---------------------------------------------------------------------------- delegation


def hall_staff(*, user) -> QuerySet:
    """The active staff of the user's hall, for choosing a delegate (one query)."""
    from django.contrib.auth import get_user_model

    hall_id = user_hall_id(user)
    return (
        get_user_model().objects.filter(is_active=True, staff__hall_id=hall_id).order_by("username")
    )


def delegations_for(*, user) -> QuerySet:
    """The delegations the user gives or receives; the whole hall's for its admin."""
    from django.db.models import Q

    from counterhall.models import Delegation
    from counterhall.roles import Role, has_role

    rows = Delegation.objects.select_related("principal", "delegate", "created_by")
    if has_role(user, Role.HALL_ADMIN):
        return rows.filter(hall_id=user_hall_id(user))
    return rows.filter(Q(principal=user) | Q(delegate=user))


def claims_by_reviewer(*, user) -> list:
    """The hall's reviewers holding claimed cases, with how many (hall admin's release)."""
    from django.contrib.auth import get_user_model

    counts = (
        Case.objects.filter(hall_id=user_hall_id(user), state=CaseState.IN_REVIEW)
        .values("reviewer_id")
        .annotate(n=Count("pk"))
        .order_by("reviewer_id")
    )
    by_id = {row["reviewer_id"]: row["n"] for row in counts}
    users = get_user_model().objects.filter(pk__in=by_id).order_by("username")
    return [(u, by_id[u.pk]) for u in users]
