"""The reviewer's and the signers' writes: claim, take-next, release, approve, return,
reject in review, sign, hold, and idle release. Each owns its transaction, locks the case
(counterhall.lock_objects), and changes its state only through ``counterhall.transitions.fire``
(guard, permission, save, audit entry); the claim's guardian ``decide_case`` grant and its
removal happen in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from counterhall import audit, permissions
from counterhall.exceptions import TransitionNotPossible
from counterhall.lock_objects import lock_case, lock_cases, lock_staff_profile
from counterhall.models import (
    DELEGABLE_ROLES,
    Case,
    CaseState,
    Delegation,
    Hall,
    Signature,
)
from counterhall.permissions import REVIEW_SPECIAL
from counterhall.roles import Role, delegations, has_role, own_roles
from counterhall.services import case_reject_locked, clean_reasons
from counterhall.transitions import fire, fire_batch, refusal
from review import selectors
from review.lock_objects import lock_delegation, lock_first_free, lock_free_ids

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


def case_claim(*, actor, case_id: int, seen_state: str | None) -> Case:
    """Claim a named submitted case: the claim take-next makes, for code that places one
    case with one reviewer (the demo seed, tests); no page reaches it (the registered
    claim act is ``refused``: reviewers claim through take-next only).
    Guards: a reviewer of the hall, never the case's teller, special business only with
    ``review_special_business``."""
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        case_claim_locked(actor=actor, case=case)
    return case


def case_claim_locked(*, actor, case: Case) -> Case:
    """The claim itself, for a caller that already holds the case's row lock inside its
    transaction (take-next locks the head with SKIP LOCKED). The audit entry keeps how long
    the case waited in the queue (for the queue's median wait)."""
    now = timezone.now()
    waited = (now - case.submitted_at).total_seconds() if case.submitted_at else None
    fire(
        case.claim,
        actor=actor,
        reviewer=actor,
        at=now,
        audit_after={"reviewer": actor.get_username(), "waited_seconds": waited},
    )
    permissions.grant_decide_case(actor, case)
    return case


def case_release(
    *, actor, case_id: int, seen_state: str | None, system: bool = False, note: str = ""
) -> Case:
    """Put a claimed case back in the queue at its place (submission time unchanged);
    ``system=True`` for the idle-claim timer (no actor, no permission check)."""
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        reviewer = case.reviewer
        fire(case.release, actor=actor, system=system, note=note)
        if reviewer is not None:
            permissions.revoke_decide_case(reviewer, case)
    return case


def case_approve(*, actor, case_id: int, seen_state: str | None, note: str = "") -> Case:
    """The claiming reviewer approves; a type that needs sign-off waits for the daily
    session (awaiting_signoff)."""
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        fire(case.approve, actor=actor, note=note, at=timezone.now())
        permissions.revoke_decide_case(actor, case)
    return case


def case_return(
    *, actor, case_id: int, seen_state: str | None, reasons: Iterable[str], note: str = ""
) -> Case:
    """The claiming reviewer sends the case back to its teller with reasons."""
    reasons = clean_reasons(reasons)
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        fire(
            case.return_,
            actor=actor,
            note=note,
            at=timezone.now(),
            reasons=reasons,
            audit_after={"reasons": reasons},
        )
        permissions.revoke_decide_case(actor, case)
    return case


def case_reject(
    *, actor, case_id: int, seen_state: str | None, reasons: Iterable[str], note: str = ""
) -> Case:
    """The claiming reviewer rejects the case (reasons required): the core's rejection
    (``counterhall.services.case_reject_locked``), then the claim's grant is removed."""
    reasons = clean_reasons(reasons)
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        if case.state != CaseState.IN_REVIEW:
            raise TransitionNotPossible()
        case_reject_locked(actor=actor, case=case, reasons=reasons, note=note)
        permissions.revoke_decide_case(actor, case)
    return case


def case_sign(*, actor, case_id: int, seen_state: str | None, note: str = "") -> Case:
    """A leader or finance officer signs in the daily session (集中签批): the first role the
    case still needs that they hold; never its teller or reviewer. The ``Signature`` row,
    the case's move and its audit entry are one transaction."""
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        case_sign_locked(actor=actor, case=case, note=note, at=timezone.now())
    return case


def case_sign_locked(*, actor, case: Case, note: str = "", at: dt.datetime) -> Signature:
    """The signature itself, for a caller holding the case's row lock in its transaction."""
    role, principal = permissions.signing_capacity(case, actor) or ("", None)
    signature = Signature(
        case=case, role=str(role), signer=actor, acting_for=principal, signed_at=at
    )
    fire(
        case.sign,
        actor=actor,
        note=note,
        role=role,
        at=at,
        audit_after=_signature_audit(signature),
    )
    signature.save(force_insert=True)
    return signature


def _signature_audit(signature: Signature) -> dict:
    """What a sign entry keeps: the role, the signer, and whom they signed for with the
    delegation used ("张三 代 王局长")."""
    after = {"role": signature.role, "signer": str(signature.signed_by)}
    if signature.acting_for_id is not None:
        after["acting_for"] = signature.acting_for_id
        delegation = delegations(signature.signer).get(signature.role)
        after["delegation"] = delegation.pk if delegation else None
    return after


def case_hold(*, actor, case_id: int, seen_state: str | None, reasons: Iterable[str]) -> Case:
    """A signer holds a case back; it returns to its teller with the reasons. Signatures
    given so far are cleared (the case is signed afresh after resubmission); the hold's
    audit entry keeps which were cleared and why."""
    reasons = clean_reasons(reasons)
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        case_hold_locked(actor=actor, case=case, reasons=reasons, at=timezone.now())
    return case


def case_hold_locked(*, actor, case: Case, reasons: list[str], at: dt.datetime) -> Case:
    signatures = list(case.signatures.select_related("signer", "acting_for"))
    fire(
        case.hold,
        actor=actor,
        at=at,
        reasons=reasons,
        audit_after={
            "reasons": reasons,
            "cleared_signatures": [s.as_record() for s in signatures],
        },
    )
    if signatures:
        case.signatures.all().delete()
    return case


@dataclass
class SignoffResult:
    """What a sign-off batch did: the cases signed, the excluded ones held (back to their
    tellers), and those that had changed since the signer's page (another signer held or
    signed them): reported, left as they were. ``at``: the batch's one signing time."""

    at: dt.datetime
    signed: list[Case] = field(default_factory=list)
    held: list[Case] = field(default_factory=list)
    changed: list[Case] = field(default_factory=list)


def signoff_sign_batch(
    *, actor, case_ids: Iterable[int], exclusions: dict[int, str] | None = None
) -> SignoffResult:
    """The daily session (集中签批): the signer signs every case of ``case_ids`` their role
    still needs, and holds the ``exclusions`` ({case id: reason}, a reason each) — one
    transaction, all or nothing, in a number of queries that does not grow with the batch
    (the rows locked at once in pk order, one bulk UPDATE per act, one INSERT of the audit
    entries, one of the signatures). A case no longer waiting for the signer (held or
    signed by another meanwhile, gone) is reported in ``changed`` and the rest signed."""
    exclusions = {int(k): (v or "").strip() for k, v in (exclusions or {}).items()}
    missing = [pk for pk, reason in exclusions.items() if not reason]
    if missing:
        raise ValidationError(
            {"exclusions": _("排除签批的业务必须填写原因。")}, code="reason_required"
        )
    ids = {int(pk) for pk in case_ids} | set(exclusions)
    at = timezone.now()
    result = SignoffResult(at=at)
    with transaction.atomic():
        cases = lock_cases(ids)
        found = {c.pk for c in cases}
        for case in cases:
            if case.state != CaseState.AWAITING_SIGNOFF or refusal(case.sign, actor):
                result.changed.append(case)
            elif case.pk in exclusions:
                result.held.append(case)
            else:
                result.signed.append(case)
        result.changed += [Case(pk=pk) for pk in sorted(ids - found)]
        signatures = {}
        for c in result.signed:
            role, principal = permissions.signing_capacity(c, actor) or ("", None)
            signatures[c.pk] = Signature(
                case=c, role=str(role), signer=actor, acting_for=principal, signed_at=at
            )
        fire_batch(
            result.signed,
            "sign",
            actor=actor,
            fields=("signed_at",),
            kwargs=lambda c: {"role": signatures[c.pk].role, "at": at},
            audit_after=lambda c: {
                **_signature_audit(signatures[c.pk]),
                "batch": at.isoformat(),
            },
        )
        Signature.objects.bulk_create(signatures.values())
        cleared: dict[int, list] = {}
        if result.held:
            held_ids = [c.pk for c in result.held]
            for s in Signature.objects.filter(case_id__in=held_ids).select_related(
                "signer", "acting_for"
            ):
                cleared.setdefault(s.case_id, []).append(s.as_record())
            fire_batch(
                result.held,
                "hold",
                actor=actor,
                fields=("return_reasons", "decided_at"),
                kwargs=lambda c: {"at": at, "reasons": [exclusions[c.pk]]},
                audit_after=lambda c: {
                    "reasons": [exclusions[c.pk]],
                    "cleared_signatures": cleared.get(c.pk, []),
                    "batch": at.isoformat(),
                },
            )
            if cleared:
                Signature.objects.filter(case_id__in=held_ids).delete()
    return result


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
            lock_staff_profile(actor)
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
        case = lock_first_free(head_queryset(hall_id=hall_id, actor_id=actor.pk, special=special))
        if case is None:
            return None
        case_claim_locked(actor=actor, case=case)
    return case


def head_queryset(*, hall_id: int, actor_id: int, special: bool) -> QuerySet[Case]:
    """The take-next candidates: the claimable cases in queue order, with the columns the
    claim reads and writes; take-next locks the first free one
    (``review.lock_objects.lock_first_free``: ``SKIP LOCKED``, the case row only)."""
    return (
        selectors.claimable(hall_id=hall_id, actor_id=actor_id, special=special)
        .select_related("business_type")
        .only(*CLAIM_FIELDS)
    )


def release_idle_claims(*, hall_id: int | None = None, now: dt.datetime | None = None) -> list:
    """Put claims left idle longer than their hall's ``claim_idle_minutes`` back in the
    queue, at their place (submission time unchanged), as the system.

    Run by the task timer every minute (``review.tasks.release_idle_claims_task`` in
    counterhall.jobs.SCHEDULE) or ``manage.py release_idle_claims``. When nothing is idle
    it only reads (the halls, then one query per hall): no lock, no write. Claims being
    worked on right now (row locked by a decision in flight) are skipped, never waited for.
    """
    now = now or timezone.now()
    halls = Hall.objects.all() if hall_id is None else Hall.objects.filter(pk=hall_id)
    released = []
    for hall in halls.only("pk", "claim_idle_minutes"):
        cutoff = now - dt.timedelta(minutes=hall.claim_idle_minutes)
        idle = Case.objects.filter(
            hall_id=hall.pk, state=CaseState.IN_REVIEW, claimed_at__lt=cutoff
        ).order_by("claimed_at", "pk")
        if not idle.exists():
            continue
        with transaction.atomic():
            locked = lock_free_ids(idle, limit=IDLE_BATCH)
            for case_id in locked:
                case_release(
                    actor=None,
                    case_id=case_id,
                    seen_state=CaseState.IN_REVIEW,
                    system=True,
                    note=_("认领后闲置超过 %(minutes)s 分钟，自动放回队列。")
                    % {"minutes": hall.claim_idle_minutes},
                )
                released.append(case_id)
    return released


# ---------------------------------------------------------------------------- delegation


def delegation_create(
    *,
    actor,
    principal,
    delegate,
    role: str,
    starts_on: dt.date,
    ends_on: dt.date,
) -> Delegation:
    """A leader, finance officer or reviewer hands their role to a colleague of the same
    hall for ``starts_on``–``ends_on`` (hall dates); set by the principal or the hall
    admin. Field errors: to oneself, to another hall, overlapping one of theirs for the
    role, ending before it starts; the principal must hold the role. Audited."""
    hall_id = permissions.user_hall_id(principal)
    is_admin = has_role(actor, Role.HALL_ADMIN) and permissions.user_hall_id(actor) == hall_id
    if actor.pk != principal.pk and not is_admin:
        raise PermissionDenied(permissions.DENIED_NOT_HALL_ADMIN)
    errors: dict[str, list] = {}
    if role not in DELEGABLE_ROLES or role not in own_roles(principal):
        errors.setdefault("role", []).append(_("委托人不担任此角色，不能委托。"))
    if delegate.pk == principal.pk:
        errors.setdefault("delegate", []).append(_("不能委托给自己。"))
    elif hall_id is None or permissions.user_hall_id(delegate) != hall_id:
        errors.setdefault("delegate", []).append(_("只能委托给本大厅的同事。"))
    if ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("结束日期不能早于开始日期。"))
    elif Delegation.objects.filter(
        principal=principal,
        role=role,
        ended_at__isnull=True,
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    ).exists():
        errors.setdefault("starts_on", []).append(
            _("与已有的委托时间重叠：请先结束原委托或另选日期。")
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        delegation = Delegation.objects.create(
            hall_id=hall_id,
            role=role,
            principal=principal,
            delegate=delegate,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="delegation.create",
            target=delegation,
            hall=delegation.hall,
            after={
                "role": role,
                "principal": permissions.staff_name(principal),
                "delegate": permissions.staff_name(delegate),
                "starts_on": starts_on,
                "ends_on": ends_on,
            },
        )
    return delegation


def delegation_end(*, actor, delegation_id: int) -> Delegation:
    """End a delegation now (the principal is back): from then on it signs and reviews
    nothing. By the principal, the delegate or the hall admin. Audited."""
    with transaction.atomic():
        delegation = lock_delegation(delegation_id)
        is_admin = (
            has_role(actor, Role.HALL_ADMIN)
            and permissions.user_hall_id(actor) == delegation.hall_id
        )
        if actor.pk not in (delegation.principal_id, delegation.delegate_id) and not is_admin:
            raise PermissionDenied(permissions.DENIED_NOT_HALL_ADMIN)
        if delegation.ended_at is not None:
            return delegation
        delegation.ended_at = timezone.now()
        delegation.save(update_fields=["ended_at"])
        audit.record(
            actor=actor,
            action="delegation.end",
            target=delegation,
            hall=delegation.hall,
            before={"ends_on": delegation.ends_on},
            after={"ended_at": delegation.ended_at},
        )
    return delegation


def release_reviewer_claims(*, actor, reviewer_id: int) -> list[int]:
    """The hall admin puts every case a reviewer has claimed back in the queue at its
    place (a reviewer off sick); one audit entry per case, by the admin."""
    if not has_role(actor, Role.HALL_ADMIN):
        raise PermissionDenied(permissions.DENIED_NOT_HALL_ADMIN)
    hall_id = permissions.user_hall_id(actor)
    claimed = Case.objects.filter(
        hall_id=hall_id, state=CaseState.IN_REVIEW, reviewer_id=reviewer_id
    ).order_by("pk")
    released = []
    with transaction.atomic():
        for case_id in claimed.values_list("pk", flat=True):
            case_release(
                actor=actor,
                case_id=case_id,
                seen_state=CaseState.IN_REVIEW,
                note=_("大厅管理员放回队列（复核员不在岗）。"),
            )
            released.append(case_id)
    return released
