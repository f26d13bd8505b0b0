"""Writes on benefit data, each keyword-only with the acting user, in one transaction with its
audit entry. Called by the handlers' ``apply`` inside the ``complete`` transaction (so nothing
exists before completion) and by transfers (unemployment entitlement moving). Effects keyed by
their case are applied once: a second call with the same case returns the first result."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits import calculations as calc
from benefits.lock_objects import lock_unemployment_claim, lock_unemployment_claims
from benefits.models import (
    FINAL_STOPS,
    ChangeKind,
    ClaimStatus,
    FlexibleRetirement,
    PensionAward,
    StopReason,
    UnemploymentChange,
    UnemploymentClaim,
)
from counterhall import audit
from counterhall.months import first_of_month
from registration import services as registration
from registration.selectors import PersonStatus


def _month(value: str) -> dt.date:
    return calc.parse_month(value)


# --------------------------------------------------------------------------- retirement


def flexible_retirement_record(
    *,
    actor,
    case,
    person,
    kind: str,
    statutory_date: dt.date,
    approved_date: dt.date,
    employer_agreed: bool,
) -> FlexibleRetirement:
    """BEN02: record the approved early or deferred retirement date (replaces an earlier
    approval of the same person)."""
    with transaction.atomic():
        done = FlexibleRetirement.objects.filter(case=case).first()
        if done is not None:
            return done
        replaced = FlexibleRetirement.objects.filter(person=person, active=True)
        earlier = [
            {"id": pk, "approved": approved}
            for pk, approved in replaced.values_list("pk", "approved_date")
        ]
        replaced.update(active=False, updated_at=timezone.now())
        record = FlexibleRetirement.objects.create(
            person=person,
            kind=kind,
            statutory_date=statutory_date,
            approved_date=approved_date,
            employer_agreed=employer_agreed,
            case=case,
        )
        audit.record(
            actor=actor,
            action="retirement.flexible",
            target=record,
            before={"active": earlier} if earlier else None,
            after={
                "kind": kind,
                "statutory": statutory_date,
                "approved": approved_date,
                "replaced": [e["id"] for e in earlier],
            },
            note=case.number,
            hall=case.hall,
        )
    return record


def pension_award_create(*, actor, case, person, employer, figures: dict) -> PensionAward:
    """BEN01 for one retiree: the award from the frozen figures; the person's contribution
    relationship ends (enrollments closed, status retired)."""
    with transaction.atomic():
        existing = PensionAward.objects.filter(person=person).first()
        if existing is not None:
            if existing.case_id == case.pk:
                return existing
            raise ValidationError(_("%(name)s 已核定退休待遇。") % {"name": person.name})
        award = PensionAward.objects.create(
            person=person,
            employer=employer,
            case=case,
            retirement_date=dt.date.fromisoformat(figures["retirement_date"]),
            start_month=_month(figures["start_month"]),
            monthly_amount=Decimal(figures["total"]),
            basic_pension=Decimal(figures["basic_pension"]),
            account_pension=Decimal(figures["account_pension"]),
            transitional_pension=Decimal(figures["transitional_pension"]),
            breakdown=figures,
        )
        audit.record(
            actor=actor,
            action="pension.award",
            target=award,
            after={
                "monthly_amount": award.monthly_amount,
                "start_month": figures["start_month"],
            },
            note=case.number,
            hall=case.hall,
        )
        registration.person_close_enrollments(
            actor=actor,
            person_id=person.pk,
            on=timezone.localdate(),
            reason=_("退休"),
            status=PersonStatus.RETIRED,
            case=case,
        )
    return award


# --------------------------------------------------------------------------- unemployment


def unemployment_claim_create(*, actor, case, person, figures: dict) -> UnemploymentClaim:
    """BEN03: the claim from the frozen figures; earlier unused months it merged are marked
    as merged so they are never counted twice."""
    with transaction.atomic():
        done = UnemploymentClaim.objects.filter(case=case).first()
        if done is not None:
            return done
        start = _month(figures["start_month"])
        merged = _lock_mergeable(person, figures, start)
        exhausted = []
        for drawing in lock_unemployment_claims(person=person, status=ClaimStatus.DRAWING):
            if drawing.remaining_months(start) > 0:
                raise ValidationError(_("此人员正在领取失业保险金。"))
            exhausted.append(drawing.pk)
            drawing.status = ClaimStatus.ENDED  # the earlier spell ran out
            drawing.stop_reason = StopReason.EXHAUSTED
            drawing.drawn_months = drawing.entitlement_months
            drawing.current_since = None
            drawing.save()
        claim = UnemploymentClaim.objects.create(
            person=person,
            case=case,
            status=ClaimStatus.DRAWING,
            separation_date=dt.date.fromisoformat(figures["separation_date"]),
            start_month=start,
            current_since=start,
            contribution_months=figures["contribution_months"],
            base_months=figures["base_months"],
            merged_months=figures["merged_months"],
            entitlement_months=figures["entitlement_months"],
            monthly_amount=Decimal(figures["monthly_amount"]),
        )
        UnemploymentClaim.objects.filter(pk__in=[m.pk for m in merged]).update(
            merged_into=claim, updated_at=timezone.now()
        )
        changed = [
            *({"id": pk, "status": ClaimStatus.DRAWING} for pk in exhausted),
            *({"id": m.pk, "merged_into": None} for m in merged),
        ]
        audit.record(
            actor=actor,
            action="unemployment.claim",
            target=claim,
            before={"claims": changed} if changed else None,
            after={
                "entitlement_months": claim.entitlement_months,
                "monthly_amount": claim.monthly_amount,
                "start_month": figures["start_month"],
                "merged_claims": figures.get("merged_claims", []),
                "claims": [
                    *({"id": pk, "status": ClaimStatus.ENDED} for pk in exhausted),
                    *({"id": m.pk, "merged_into": claim.pk} for m in merged),
                ],
            },
            note=case.number,
            hall=case.hall,
        )
    return claim


def _lock_mergeable(person, figures: dict, start: dt.date) -> list[UnemploymentClaim]:
    """Lock the earlier claims the frozen figures merge and check they still hold the frozen
    unused months: stopped (not finally) or transferred in, not merged, not moved away — so
    months are never paid twice (here and after a transfer out)."""
    ids = figures.get("merged_claims", [])
    claims = list(lock_unemployment_claims(pk__in=ids, person=person))
    mergeable = (
        len(claims) == len(set(ids))
        and all(
            c.status in (ClaimStatus.STOPPED, ClaimStatus.TRANSFERRED_IN)
            and c.stop_reason not in FINAL_STOPS
            and c.merged_into_id is None
            for c in claims
        )
        and sum(c.remaining_months(start) for c in claims) == figures.get("unused_months", 0)
    )
    if not mergeable:
        raise ValidationError(
            _(
                "审核通过后，%(name)s 的未领取失业保险金月数已发生变化（已转出、合并或终止），"
                "核定合并的 %(months)s 个月不能再合并。"
            )
            % {"name": person.name, "months": figures.get("unused_months", 0)}
        )
    return claims


def unemployment_change_record(
    *, actor, case, claim_id: int, kind: str, reason: str, event_date: dt.date, figures: dict
) -> UnemploymentChange:
    """BEN04: stop (unused months kept for later merging), resume, or death while drawing
    (funeral grant and survivor payment from the frozen figures; relationship closed)."""
    with transaction.atomic():
        done = UnemploymentChange.objects.filter(case=case).first()
        if done is not None:
            return done
        claim = lock_unemployment_claim(claim_id)
        before = {"status": claim.status, "drawn_months": claim.drawn_months}
        drawn = min(claim.drawn_months + claim.running_months(event_date), claim.entitlement_months)
        if kind in (ChangeKind.STOP, ChangeKind.DEATH):
            if claim.status != ClaimStatus.DRAWING:
                raise ValidationError(_("此人员当前没有在领取失业保险金。"))
            _check_frozen_drawn(drawn, figures)
            claim.drawn_months = drawn
            claim.status = ClaimStatus.ENDED if kind == ChangeKind.DEATH else ClaimStatus.STOPPED
            claim.stop_reason = StopReason.DEATH if kind == ChangeKind.DEATH else reason
            claim.stopped_on = event_date
            claim.current_since = None
        else:
            if claim.status != ClaimStatus.STOPPED:
                raise ValidationError(_("此人员的失业保险金未处于停发状态，无需恢复。"))
            _check_frozen_drawn(drawn, figures)
            claim.status = ClaimStatus.DRAWING
            claim.stop_reason = ""
            claim.stopped_on = None
            claim.current_since = first_of_month(event_date)
        claim.save()
        change = UnemploymentChange.objects.create(
            claim=claim,
            case=case,
            kind=kind,
            reason=claim.stop_reason if kind != ChangeKind.RESUME else "",
            event_date=event_date,
            remaining_months=claim.remaining_months(event_date),
            funeral_grant=Decimal(figures.get("funeral_grant", "0")),
            survivor_payment=Decimal(figures.get("survivor_payment", "0")),
            figures=figures,
        )
        audit.record(
            actor=actor,
            action="unemployment.change",
            target=claim,
            before=before,
            after={
                "kind": kind,
                "status": claim.status,
                "drawn_months": claim.drawn_months,
                "remaining_months": change.remaining_months,
                "funeral_grant": change.funeral_grant,
                "survivor_payment": change.survivor_payment,
            },
            note=case.number,
            hall=case.hall,
        )
        if kind == ChangeKind.DEATH:
            registration.person_close_enrollments(
                actor=actor,
                person_id=claim.person_id,
                on=event_date,
                reason=_("死亡"),
                status=PersonStatus.DECEASED,
                case=case,
            )
    return change


def _check_frozen_drawn(drawn: int, figures: dict) -> None:
    """A decided change applies to the claim as it was decided: if the months drawn differ
    from the frozen figures (another stop or resumption came first), completion is refused."""
    frozen = figures.get("drawn_months")
    if frozen is not None and drawn != frozen:
        raise ValidationError(
            _(
                "审核通过后，此人员的失业保险金领取记录已发生变化（核定时已领 %(frozen)s 个月，"
                "现为 %(now)s 个月），不能按原核定办结。"
            )
            % {"frozen": frozen, "now": drawn}
        )


def unemployment_transfer_out(
    *, actor, case, person, on: dt.date, agency: str, claim_ids: list[int], months: int
) -> int:
    """TRF03 out: the claims and months frozen on the decided case (the drawing claim and
    unused earlier ones) move to the other agency; here they end. A later change never alters
    the decision: claims that arrived since stay here, and when a frozen claim is no longer
    transferable (merged into a new claim, moved or ended since) completion is refused.
    Returns the months moved."""
    with transaction.atomic():
        claims = list(lock_unemployment_claims(pk__in=claim_ids, person=person))
        if len(claims) != len(set(claim_ids)) or not all(_transferable(c) for c in claims):
            raise ValidationError(
                _(
                    "审核通过后，%(name)s 的失业保险金领取记录已发生变化（已合并、转出或终止），"
                    "不能按核定的 %(months)s 个月转出。"
                )
                % {"name": person.name, "months": months}
            )
        before = [_claim_state(c) for c in claims]
        for claim in claims:
            claim.drawn_months = min(
                claim.drawn_months + claim.running_months(on), claim.entitlement_months
            )
            claim.status = ClaimStatus.TRANSFERRED_OUT
            claim.current_since = None
            claim.stopped_on = on
            claim.other_agency = agency
            claim.save()
        audit.record(
            actor=actor,
            action="unemployment.transfer_out",
            target=person,
            before={"claim_states": before},
            after={
                "months": months,
                "agency": agency,
                "claims": [c.pk for c in claims],
                "claim_states": [_claim_state(c) for c in claims],
            },
            note=case.number,
            hall=case.hall,
        )
    return months


def _claim_state(claim) -> dict:
    return {"id": claim.pk, "status": claim.status, "drawn_months": claim.drawn_months}


def _transferable(claim) -> bool:
    """Drawing, or unused months not yet merged and not finally stopped."""
    if claim.merged_into_id is not None:
        return False
    if claim.status == ClaimStatus.DRAWING:
        return True
    return (
        claim.status in (ClaimStatus.STOPPED, ClaimStatus.TRANSFERRED_IN)
        and claim.stop_reason not in FINAL_STOPS
    )


def unemployment_transfer_in(*, actor, case, person, months: int, agency: str):
    """TRF03 in: months received become unused entitlement a later claim here may merge."""
    with transaction.atomic():
        done = UnemploymentClaim.objects.filter(case=case).first()
        if done is not None:
            return done
        claim = UnemploymentClaim.objects.create(
            person=person,
            case=case,
            status=ClaimStatus.TRANSFERRED_IN,
            entitlement_months=months,
            other_agency=agency,
        )
        audit.record(
            actor=actor,
            action="unemployment.transfer_in",
            target=claim,
            after={"months": months, "agency": agency},
            note=case.number,
            hall=case.hall,
        )
    return claim
