"""Spot checks (抽查): drawing a reproducible sample of completed cases by rule, and the
auditor's finding on each. Services write with their audit entries; selectors read."""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counterhall import audit, permissions
from counterhall.auditlog import day_start
from counterhall.lock_objects import lock_finding
from counterhall.models import (
    Case,
    CaseState,
    FindingVerdict,
    SpotCheckFinding,
    SpotCheckSample,
)
from counterhall.money import figures_amount

audit.register_action("spotcheck.draw", _("抽取抽查样本"))
audit.register_action("spotcheck.finding", _("记录抽查结论"))

REASON_RATE = "rate"
REASON_AMOUNT = "amount"
REASONS = {REASON_RATE: _("按比例抽取"), REASON_AMOUNT: _("金额超过抽查线")}
PROBLEM_NEEDS_RULE = _("发现问题时请写明违反的规定。")


def population(*, actor, date_from: dt.date, date_to: dt.date) -> QuerySet[Case]:
    """The completed cases of the auditor's hall completed in the date range (hall dates),
    less the cases the auditor worked on."""
    hall_id = permissions.user_hall_id(actor)
    if hall_id is None:
        return Case.objects.none()
    return (
        Case.objects.filter(
            hall_id=hall_id,
            state=CaseState.COMPLETED,
            completed_at__gte=day_start(date_from),
            completed_at__lt=day_start(date_to + dt.timedelta(days=1)),
        )
        .exclude(pk__in=permissions.cases_taken_part_in(actor))
        .order_by("pk")
    )


def draw(
    candidates: list[tuple[int, str, dt.datetime | None, Decimal | None]],
    *,
    seed: int,
    percentages: dict[str, Decimal],
    amount_over: Decimal | None = None,
    monthly_cap: int | None = None,
) -> dict[int, str]:
    """The sample as {case id: reason}, a pure function of its inputs: the same candidates
    (id, type code, completion time, amount) and seed give the same sample. Per type, the
    percentage rounded up; every case above ``amount_over``; then at most ``monthly_cap``
    per month of completion (amount cases kept first, the rest drawn at random)."""
    rng = random.Random(seed)  # noqa: S311  (a reproducible draw, not a secret)
    chosen: dict[int, str] = {}
    for code in sorted(percentages):
        group = [pk for pk, c, _at, _amount in candidates if c == code]
        count = min(len(group), math.ceil(len(group) * Decimal(percentages[code]) / 100))
        for pk in rng.sample(group, count):
            chosen[pk] = REASON_RATE
    if amount_over is not None:
        for pk, _c, _at, amount in candidates:
            if amount is not None and amount > amount_over:
                chosen[pk] = REASON_AMOUNT
    if monthly_cap is not None:
        months: dict[str, list[int]] = {}
        for pk, _c, at, _amount in candidates:
            if pk in chosen:
                month = f"{timezone.localtime(at):%Y-%m}" if at else ""
                months.setdefault(month, []).append(pk)
        for month in sorted(months):
            ids = months[month]
            if len(ids) <= monthly_cap:
                continue
            by_amount = [pk for pk in ids if chosen[pk] == REASON_AMOUNT]
            rest = [pk for pk in ids if chosen[pk] != REASON_AMOUNT]
            keep = set(by_amount[:monthly_cap])
            room = monthly_cap - len(keep)
            keep.update(rng.sample(rest, room) if room > 0 else [])
            for pk in ids:
                if pk not in keep:
                    del chosen[pk]
    return chosen


def sample_draw(
    *,
    actor,
    date_from: dt.date,
    date_to: dt.date,
    percentages: dict[str, Decimal],
    amount_over: Decimal | None = None,
    monthly_cap: int | None = None,
    seed: int | None = None,
) -> SpotCheckSample:
    """Draw a spot-check sample of the hall's completed cases (rules and seed recorded, so
    the draw can be repeated), one pending finding per case, and its audit entry."""
    if not permissions.can_spot_check(actor):
        raise PermissionDenied(permissions.DENIED_NOT_AUDITOR)
    if date_from > date_to:
        raise ValidationError({"date_to": _("结束日期不能早于开始日期。")})
    if not percentages and amount_over is None:
        raise ValidationError(_("请至少给出一条抽查规则：业务类型的抽查比例或抽查金额线。"))
    seed = secrets.randbelow(2**62) if seed is None else seed
    with transaction.atomic():
        rows = list(
            population(actor=actor, date_from=date_from, date_to=date_to).values_list(
                "pk", "business_type__code", "completed_at", "figures"
            )
        )
        candidates = [
            (pk, code, at, figures_amount(figures) if amount_over is not None else None)
            for pk, code, at, figures in rows
        ]
        chosen = draw(
            candidates,
            seed=seed,
            percentages=percentages,
            amount_over=amount_over,
            monthly_cap=monthly_cap,
        )
        rules = {
            "percentages": {k: str(v) for k, v in sorted(percentages.items())},
            "amount_over": None if amount_over is None else str(amount_over),
            "monthly_cap": monthly_cap,
        }
        sample = SpotCheckSample.objects.create(
            hall=permissions.user_hall(actor),
            drawn_by=actor,
            date_from=date_from,
            date_to=date_to,
            rules=rules,
            seed=seed,
            population=len(candidates),
        )
        SpotCheckFinding.objects.bulk_create(
            SpotCheckFinding(sample=sample, case_id=pk, reason=reason)
            for pk, reason in sorted(chosen.items())
        )
        audit.record(
            actor=actor,
            action="spotcheck.draw",
            target=sample,
            hall=sample.hall,
            after={
                **rules,
                "date_from": date_from,
                "date_to": date_to,
                "seed": seed,
                "population": len(candidates),
                "cases": sorted(chosen),
            },
        )
    return sample


def finding_record(
    *, actor, finding_id: int, verdict: str, note: str = "", rule_broken: str = ""
) -> SpotCheckFinding:
    """The auditor's finding on one sampled case: in order, or a problem with the rule it
    broke; recorded on the case's history (its audit entry targets the case)."""
    if not permissions.can_spot_check(actor):
        raise PermissionDenied(permissions.DENIED_NOT_AUDITOR)
    if verdict not in (FindingVerdict.IN_ORDER, FindingVerdict.PROBLEM):
        raise ValidationError({"verdict": _("请选择检查结论。")})
    rule_broken = rule_broken.strip()
    if verdict == FindingVerdict.PROBLEM and not rule_broken:
        raise ValidationError({"rule_broken": PROBLEM_NEEDS_RULE})
    with transaction.atomic():
        finding = lock_finding(finding_id)
        if finding.sample.hall_id != permissions.user_hall_id(actor):
            raise PermissionDenied(permissions.DENIED_OTHER_HALL)
        if permissions.took_part_in(finding.case, actor):
            raise PermissionDenied(permissions.DENIED_TOOK_PART)
        before = {
            "verdict": finding.verdict,
            "rule_broken": finding.rule_broken,
            "note": finding.note,
        }
        finding.verdict = verdict
        finding.rule_broken = rule_broken if verdict == FindingVerdict.PROBLEM else ""
        finding.note = note.strip()
        finding.judged_by = actor
        finding.judged_at = timezone.now()
        finding.save()
        audit.record(
            actor=actor,
            action="spotcheck.finding",
            target=finding.case,
            before=before,
            after={
                "sample": finding.sample_id,
                "verdict": finding.verdict,
                "rule_broken": finding.rule_broken,
                "note": finding.note,
            },
        )
    return finding


# --------------------------------------------------------------------------- reads


def samples_visible_to(user) -> QuerySet[SpotCheckSample]:
    if not permissions.can_read_audit(user):
        return SpotCheckSample.objects.none()
    samples = SpotCheckSample.objects.select_related("drawn_by", "hall")
    if user.is_superuser:
        return samples
    hall_id = permissions.user_hall_id(user)
    return samples.filter(hall_id=hall_id) if hall_id else samples.none()


def sample_get(*, user, sample_id: int) -> SpotCheckSample:
    return get_object_or_404(samples_visible_to(user), pk=sample_id)


def sample_findings(sample: SpotCheckSample) -> QuerySet[SpotCheckFinding]:
    return sample.findings.select_related(
        "case", "case__business_type", "case__teller", "case__reviewer", "judged_by"
    ).order_by("case__completed_at", "pk")


def findings_for_case(*, user, case: Case) -> list[SpotCheckFinding]:
    """The judged findings on a case, for its teller and reviewer (and the audit)."""
    if not permissions.sees_findings(case, user):
        return []
    return list(
        case.spot_check_findings.exclude(verdict=FindingVerdict.PENDING)
        .select_related("sample", "judged_by")
        .order_by("-judged_at", "-pk")
    )
