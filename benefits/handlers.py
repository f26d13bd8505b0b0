"""Business-type handlers BEN01–BEN04 (contract: docs/architecture.md)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits import assessments, forms, services
from benefits.models import ChangeKind
from counterhall import registry
from counterhall.money import cents
from counterhall.params import ParamReader
from counterhall.roles import Role
from registration import selectors as registration

FIGURES = "benefits/figures.html"


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


# --------------------------------------------------------------------------- BEN01


def _retirees(payload: dict) -> list:
    return [registration.find_person(line) for line in payload["retiree_ids"].splitlines()]


def ben01_figures(case, payload: dict, subject) -> dict:
    employer = subject.employer
    rows, errors, refs = assessments.assess_retirees(
        employer=employer, persons=_retirees(payload), region=case.hall.region
    )
    if errors:
        raise ValidationError({"retiree_ids": errors})
    maximum, max_ref = _batch_max(case)
    refs.items[(max_ref["key"], max_ref["region"], max_ref["version"])] = max_ref
    return {
        "employer": {"uscc": employer.uscc, "name": employer.name, "id": employer.pk},
        "retiree_count": len(rows),
        "immediate_max": maximum,
        "retirees": rows,
        "total_monthly": cents(sum((r["total"] for r in rows), start=cents(0))),
        "parameters": refs.as_list(),
    }


def _batch_max(case) -> tuple[int, dict]:
    return _hall_batch_max(case.hall)


def _hall_batch_max(hall) -> tuple[int, dict]:
    value = ParamReader(region=hall.region, on=timezone.localdate()).get(
        "hall.retiree_batch_on_spot_max"
    )
    return int(value.value), value.reference()


def ben01_completion(case) -> tuple[bool, int | None]:
    """At most ``hall.retiree_batch_on_spot_max`` retirees: immediate (the applicant waits);
    more: time-limited with the catalogue's limit (``limit_days``)."""
    count = len([line for line in case.payload.get("retiree_ids", "").splitlines() if line])
    maximum, _ref = _batch_max(case)
    if count <= maximum:
        return True, None
    return False, case.business_type.limit_days


def ben01_completion_note(hall, business_type) -> str:
    """The type list's words for BEN01 before a batch exists: immediate up to the hall's
    batch maximum, time-limited above it."""
    maximum, _ref = _hall_batch_max(hall)
    return _("%(n)s 人及以下即时办结；超过 %(n)s 人限时办结 %(d)s 个工作日") % {
        "n": maximum,
        "d": business_type.limit_days,
    }


def ben01_apply(case, actor) -> None:
    employer = registration.employer_get(case.figures["employer"]["id"])
    for row in case.figures["retirees"]:
        services.pension_award_create(
            actor=actor,
            case=case,
            person=registration.person_get(row["person_id"]),
            employer=employer,
            figures=row,
        )


# --------------------------------------------------------------------------- BEN02


def ben02_figures(case, p: dict, subject) -> dict:
    return assessments.assess_flexible(
        person=subject.person,
        kind=p["kind"],
        requested=_date(p["requested_date"]),
        employer_agreed=bool(p.get("employer_agreed")),
        region=case.hall.region,
    )


def ben02_apply(case, actor) -> None:
    f = case.figures
    services.flexible_retirement_record(
        actor=actor,
        case=case,
        person=registration.person_get(f["person_id"]),
        kind=f["kind"],
        statutory_date=_date(f["statutory_date"]),
        approved_date=_date(f["approved_date"]),
        employer_agreed=f["employer_agreed"],
    )


# --------------------------------------------------------------------------- BEN03


def ben03_figures(case, p: dict, subject) -> dict:
    return assessments.assess_unemployment_claim(
        person=subject.person,
        registration_date=_date(p["registration_date"]),
        region=case.hall.region,
    )


def ben03_apply(case, actor) -> None:
    services.unemployment_claim_create(
        actor=actor,
        case=case,
        person=registration.person_get(case.figures["person_id"]),
        figures=case.figures,
    )


# --------------------------------------------------------------------------- BEN04


def ben04_figures(case, p: dict, subject) -> dict:
    return assessments.assess_unemployment_change(
        person=subject.person,
        kind=p["kind"],
        reason=p.get("reason", ""),
        event_date=_date(p["event_date"]),
        region=case.hall.region,
    )


def ben04_signoff_roles(case) -> list[str]:
    """Finance signs only when a death payment results."""
    return [Role.FINANCE] if case.payload.get("kind") == ChangeKind.DEATH else []


def ben04_apply(case, actor) -> None:
    f = case.figures
    services.unemployment_change_record(
        actor=actor,
        case=case,
        claim_id=f["claim_id"],
        kind=f["kind"],
        reason=f.get("reason", ""),
        event_date=_date(f["event_date"]),
        figures=f,
    )


HANDLERS = (
    registry.BusinessTypeHandler(
        code="BEN01",
        form_class=forms.RetirementApplicationForm,
        figures=ben01_figures,
        apply=ben01_apply,
        completion=ben01_completion,
        completion_note=ben01_completion_note,
        template="benefits/case_form.html",
        figures_template="benefits/figures_ben01.html",
    ),
    registry.BusinessTypeHandler(
        code="BEN02",
        form_class=forms.FlexibleRetirementForm,
        figures=ben02_figures,
        apply=ben02_apply,
        template="benefits/case_form.html",
        figures_template=FIGURES,
    ),
    registry.BusinessTypeHandler(
        code="BEN03",
        form_class=forms.UnemploymentClaimForm,
        figures=ben03_figures,
        apply=ben03_apply,
        template="benefits/case_form.html",
        figures_template=FIGURES,
    ),
    registry.BusinessTypeHandler(
        code="BEN04",
        form_class=forms.UnemploymentChangeForm,
        figures=ben04_figures,
        apply=ben04_apply,
        signoff_roles=ben04_signoff_roles,
        template="benefits/case_form.html",
        figures_template=FIGURES,
    ),
)
