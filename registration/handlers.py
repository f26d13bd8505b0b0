"""Business-type handlers REG01, REG02 and REG05 (registered in RegistrationConfig.ready).
REG03 (employer deregistration, refused while contributions are owed) and REG04 (employee
enrollment, which declares the starting wage as the contribution base) need contributions, so
contributions registers them (contributions/handlers.py) with registration's forms and services.

Figures follow one shape, rendered by registration/_figures.html:
``{"summary": [[key, value], …], "schemes": {scheme: {…}}, "totals": {…}, "lines": […],
"parameters": [...]}`` — keys are labelled by the ``figure_label`` template filter.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from counterhall import registry
from counterhall.params import ParamReader
from registration import forms, selectors, services

TEMPLATE = "registration/case_form.html"
FIGURES_TEMPLATE = "registration/_figures.html"


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _region(case) -> str:
    return case.hall.region


# --------------------------------------------------------------------------- REG01


def figures_employer_enroll(case, p: dict, subject) -> dict:
    reader = ParamReader(region=_region(case), on=_date(p["registered_on"]))
    rate = reader.decimal(f"injury.class_base_rate.{int(p['injury_class'])}")
    return {
        "summary": [
            ["uscc", p["uscc"]],
            ["employer_name", p["name"]],
            ["injury_class", p["injury_class"]],
            ["injury_rate", rate],
            ["registered_on", p["registered_on"]],
        ],
        "parameters": reader.references(),
    }


def apply_employer_enroll(case, actor) -> registry.Subject:
    p = case.payload
    employer = services.employer_register(
        actor=actor,
        uscc=p["uscc"],
        name=p["name"],
        address=p.get("address", ""),
        legal_representative=p["legal_representative"],
        injury_class=int(p["injury_class"]),
        bank_account=p.get("bank_account", ""),
        bank_name=p.get("bank_name", ""),
        registered_on=_date(p["registered_on"]),
        region=_region(case),
        case=case,
    )
    return registry.Subject(employer=employer)


# --------------------------------------------------------------------------- REG02


def figures_employer_change(case, p: dict, subject) -> dict:
    employer = subject.employer
    summary = [["uscc", p["uscc"]]]
    for field in forms.CHANGE_FIELDS:
        value = p.get(field)
        if value in (None, ""):
            continue
        old = getattr(employer, field, "") if employer else ""
        summary.append([f"change.{field}", f"{old or '—'} → {value}"])
    figures = {"summary": summary, "parameters": []}
    if p.get("injury_class"):
        reader = ParamReader(region=_region(case), on=timezone.localdate(case.created_at))
        rate = reader.decimal(f"injury.class_base_rate.{int(p['injury_class'])}")
        summary.append(["injury_rate", rate])
        figures["parameters"] = reader.references()
    return figures


def apply_employer_change(case, actor) -> None:
    p = case.payload
    employer = selectors.employer_by_uscc(p["uscc"])
    changes = {}
    for field in forms.CHANGE_FIELDS:
        value = p.get(field)
        if value not in (None, ""):
            changes[field] = int(value) if field == "injury_class" else value
    services.employer_change(actor=actor, employer_id=employer.pk, changes=changes, case=case)


# --------------------------------------------------------------------------- REG05


def figures_employee_separate(case, p: dict, subject) -> dict:
    person, employer = subject.person, subject.employer
    spell = selectors.open_employment(person) if person else None
    reason = selectors.SeparationReason(p["reason"])
    return {
        "summary": [
            ["employer_name", employer.name if employer else p["uscc"]],
            ["person_name", person.name if person else "—"],
            ["spell_start", spell.start if spell else "—"],
            ["end", p["end"]],
            ["reason", reason.label],
            ["involuntary", reason in selectors.INVOLUNTARY_REASONS],
        ],
        "parameters": [],
    }


def apply_employee_separate(case, actor) -> None:
    p = case.payload
    person = selectors.person_by_id_number(p["id_number"])
    employer = selectors.employer_by_uscc(p["uscc"])
    services.employee_separate(
        actor=actor,
        employer_id=employer.pk,
        person_id=person.pk,
        end=_date(p["end"]),
        reason=p["reason"],
        case=case,
    )


HANDLERS = (
    registry.BusinessTypeHandler(
        code="REG01",
        form_class=forms.EmployerEnrollForm,
        figures=figures_employer_enroll,
        apply=apply_employer_enroll,
        template=TEMPLATE,
        figures_template=FIGURES_TEMPLATE,
    ),
    registry.BusinessTypeHandler(
        code="REG02",
        form_class=forms.EmployerChangeForm,
        figures=figures_employer_change,
        apply=apply_employer_change,
        template=TEMPLATE,
        figures_template=FIGURES_TEMPLATE,
    ),
    registry.BusinessTypeHandler(
        code="REG05",
        form_class=forms.EmployeeSeparateForm,
        figures=figures_employee_separate,
        apply=apply_employee_separate,
        template=TEMPLATE,
        figures_template=FIGURES_TEMPLATE,
    ),
)
