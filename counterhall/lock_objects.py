"""Row locks of the core's aggregates, taken in one place so the lock order stays
consistent (Saleor's habit). The order is written in docs/architecture.md ("Concurrency"):
staff profile → case → the business apps' aggregates (each app's ``lock_objects.py``).

On SQLite select_for_update is a no-op; the IMMEDIATE transaction mode in settings and
ConcurrentTransitionMixin still prevent lost updates there.
"""

from __future__ import annotations

from counterhall.exceptions import StaleCase, StaleVisit
from counterhall.models import AuditSeal, Case, Rectification, StaffProfile, Visit


def lock_case(case_id: int, *, seen_state: str | None = None) -> Case:
    """The case row, locked for the rest of the transaction. ``seen_state``: the state the
    user's page showed; if the case has moved since, StaleCase (None skips the check, for
    programmatic callers)."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("business_type", "window", "hall", "teller")
        .get(pk=case_id)
    )
    if seen_state is not None and case.state != seen_state:
        raise StaleCase(case)
    return case


def lock_cases(case_ids) -> list[Case]:
    """Several case rows, locked in pk order (the lock order for several cases), with their
    signatures: the daily sign-off's batch. Rows gone are simply absent."""
    return list(
        Case.objects.select_for_update(of=("self",))
        .select_related("business_type", "window", "hall", "teller")
        .prefetch_related("signatures")
        .filter(pk__in=list(case_ids))
        .order_by("pk")
    )


def lock_staff_profile(user) -> None:
    """The staff member's own row: serialises what one person does in two tabs at once
    (e.g. two clicks on take-next)."""
    list(StaffProfile.objects.select_for_update().filter(user=user).values_list("pk"))


def lock_last_seal() -> AuditSeal | None:
    """The latest audit seal: serialises ``audit.seal()`` runs (entries are never locked:
    the hot path appends without a global lock)."""
    return AuditSeal.objects.select_for_update().order_by("-first_seq").first()


def lock_finding(finding_id: int):
    """One spot-check finding, locked (taken alone: a finding is judged by one auditor)."""
    from counterhall.models import SpotCheckFinding

    return (
        SpotCheckFinding.objects.select_for_update(of=("self",))
        .select_related("sample", "case")
        .get(pk=finding_id)
    )


def lock_visit(visit_id: int, *, seen_status: str | None = None) -> Visit:
    """The visit row, locked for the rest of the transaction; StaleVisit if its status is no
    longer the one the page showed (``seen_status``; None skips the check)."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("hall", "window", "teller")
        .get(pk=visit_id)
    )
    if seen_status is not None and visit.status != seen_status:
        raise StaleVisit(visit)
    return visit


def lock_first_free_visit(queryset) -> Visit | None:
    """The head of a queue of waiting visits, locked; rows another window is calling at
    this moment are skipped (``SKIP LOCKED`` on PostgreSQL), never waited for."""
    return queryset.select_for_update(skip_locked=True, of=("self",)).first()


def lock_rectification(rectification_id: int) -> Rectification:
    return (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("hall", "rating__visit")
        .get(pk=rectification_id)
    )
