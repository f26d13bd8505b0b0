"""Row locks the review queue takes: cases nobody else holds, with ``SKIP LOCKED`` (the
case row only), so concurrent reviewers and the idle-claim timer never wait for each other.
They lock the case, the first aggregate of the order in docs/architecture.md."""

from __future__ import annotations

from django.db.models import QuerySet

from counterhall.models import Case


def lock_first_free(cases: QuerySet[Case]) -> Case | None:
    """The first case of the (ordered) queryset that no other transaction holds, locked."""
    return cases.select_for_update(skip_locked=True, of=("self",)).first()


def lock_free_ids(cases: QuerySet[Case], *, limit: int) -> list[int]:
    """Up to ``limit`` ids of the queryset's cases that no other transaction holds, locked."""
    return list(
        cases.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)[:limit]
    )


def lock_delegation(delegation_id: int):
    """A delegation row (ending it); taken alone, after no other lock."""
    from counterhall.models import Delegation

    return (
        Delegation.objects.select_for_update(of=("self",))
        .select_related("hall")
        .get(pk=delegation_id)
    )
