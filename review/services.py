"""Writes of the review queue. Each owns its transaction; state changes go through the same
counterhall path as the case workspace (``fire()`` + audit + guardian grant)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from counterhall import permissions, services
from counterhall.models import Case, CaseState, Hall, StaffProfile
from counterhall.permissions import REVIEW_SPECIAL
from counterhall.roles import Role, has_role
from review import selectors

IDLE_BATCH = 100
# What a claim reads and writes (guard, permission, transition, audit label); the rest of
# the row (application, figures, documents) is neither loaded nor rewritten.
CLAIM_FIELDS = (
    "number",
    "hall_id",
    "business_type__name",
    "business_type__is_special",
    "business_type__code",
    "teller_id",
    "reviewer_id",
    "state",
    "submitted_at",
    "claimed_at",
    "updated_at",
)


def case_take_next(*, actor, seen_at: dt.datetime | None = None) -> Case | None:
    """Claim the head of the reviewer's queue (认领下一件), or return None when nothing is
    left for them.

    The head is locked with ``SELECT … FOR UPDATE SKIP LOCKED``: concurrent reviewers each
    get a different case without waiting for each other, and a case being claimed (or
    decided) by someone else is simply passed over. On SQLite, where row locks do not
    exist, the IMMEDIATE transaction serialises the whole claim. The claim itself is the
    case workspace's (fire() with the claim guard, audit entry, guardian grant).

    ``seen_at`` is when the reviewer's queue page was rendered: if they have claimed a case
    since (a double-click, a second tab), that claim is returned instead of a second one.
    The reviewer's own staff row is locked for this check, so two clicks never both claim.
    """
    if not has_role(actor, Role.REVIEWER):
        raise PermissionDenied(permissions.DENIED_NOT_REVIEWER)
    hall_id = permissions.user_hall_id(actor)
    if hall_id is None:
        raise PermissionDenied(permissions.DENIED_OTHER_HALL)
    with transaction.atomic():
        if seen_at is not None:
            list(StaffProfile.objects.select_for_update().filter(user=actor).values_list("pk"))
            since = (
                Case.objects.filter(
                    reviewer=actor, state=CaseState.IN_REVIEW, claimed_at__gt=seen_at
                )
                .order_by("-claimed_at")
                .first()
            )
            if since is not None:
                return since
        special = actor.has_perm(REVIEW_SPECIAL)
        case = head_queryset(hall_id=hall_id, actor_id=actor.pk, special=special).first()
        if case is None:
            return None
        services.case_claim_locked(actor=actor, case=case)
    return case


def head_queryset(*, hall_id: int, actor_id: int, special: bool) -> QuerySet[Case]:
    """The take-next head: the claimable cases in queue order, locked with ``SKIP LOCKED``
    (the case row only: ``of=("self",)``), with the columns the claim reads and writes."""
    return (
        selectors.claimable(hall_id=hall_id, actor_id=actor_id, special=special)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("business_type")
        .only(*CLAIM_FIELDS)
    )


def release_idle_claims(*, hall_id: int | None = None, now: dt.datetime | None = None) -> list:
    """Put claims left idle longer than their hall's ``claim_idle_minutes`` back in the
    queue, at their place (submission time unchanged), as the system.

    Called on read by the queue pages (check-on-read) and by ``manage.py
    release_idle_claims`` / the ``release_idle_claims_task`` task. Claims being worked on
    right now (row locked by a decision in flight) are skipped, never waited for. One query
    when nothing is idle.
    """
    now = now or timezone.now()
    halls = Hall.objects.all() if hall_id is None else Hall.objects.filter(pk=hall_id)
    released = []
    for hall in halls.only("pk", "claim_idle_minutes"):
        cutoff = now - dt.timedelta(minutes=hall.claim_idle_minutes)
        with transaction.atomic():
            idle = list(
                Case.objects.filter(
                    hall_id=hall.pk, state=CaseState.IN_REVIEW, claimed_at__lt=cutoff
                )
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("claimed_at", "pk")
                .values_list("pk", flat=True)[:IDLE_BATCH]
            )
            for case_id in idle:
                services.case_release(
                    actor=None,
                    case_id=case_id,
                    seen_state=CaseState.IN_REVIEW,
                    system=True,
                    note=_("认领后闲置超过 %(minutes)s 分钟，自动放回队列。")
                    % {"minutes": hall.claim_idle_minutes},
                )
                released.append(case_id)
    return released
