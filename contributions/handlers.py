"""Business-type handlers CON01–CON04 (registered in ContributionsConfig.ready), and two
registration types that need contributions, registered here with registration's forms and
services because this is the layer that may use both: REG03 (an employer with unpaid arrears
cannot be deregistered) and REG04 (employee enrollment: its figures are the first month's
contributions and its effect declares the starting wage as the year's base)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from contributions import calc, forms, selectors, services
from counterhall import registry
from counterhall.money import cents
from counterhall.months import months_in_range
from counterhall.params import ParamReader
from registration import forms as registration_forms
from registration import selectors as people
from registration import services as registration_services

TEMPLATE = "registration/case_form.html"
FIGURES_TEMPLATE = "registration/_figures.html"
ZERO = Decimal("0")


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _region(case) -> str:
    return case.hall.region


def _references(*readers: ParamReader) -> list[dict]:
    seen, out = set(), []
    for reader in readers:
        for ref in reader.references():
            key = (ref["key"], ref["version"])
            if key not in seen:
                seen.add(key)
                out.append(ref)
    return out


def employee_month(*, region: str, on: dt.date, wage: Decimal, injury_class: int | None) -> dict:
    """One employee's month in the shared figures shape (REG04, CON01, the API)."""
    reader = ParamReader(region=region, on=on)
    out = calc.contribution_preview(reader=reader, declared_wage=wage, injury_class=injury_class)
    return {
        "summary": [
            ["declared_wage", out["declared_wage"]],
            ["avg_wage", out["avg_wage"]],
            ["floor", out["floor"]],
            ["ceiling", out["ceiling"]],
            ["base", out["base"]],
            ["clamped", out["clamped"] or "none"],
        ],
        "schemes": out["schemes"],
        "totals": out["totals"],
        "parameters": reader.references(),
    }


# --------------------------------------------------------------------------- CON01


def figures_base_declaration(case, p: dict, subject) -> dict:
    employer = subject.employer
    year = int(p["year"])
    reader = ParamReader(region=_region(case), on=dt.date(year, 1, 1))
    lines, schemes_total = [], {}
    for line in p.get("lines", []):
        person = people.person_by_id_number(line["id_number"])
        wage = Decimal(line["declared_wage"])
        base, clamped, _b = calc.clamp_base(wage, reader)
        shares = calc.employee_shares(
            base, reader, injury_class=employer.injury_class if employer else None
        )
        t = calc.totals(shares)
        for scheme, s in shares.items():
            acc = schemes_total.setdefault(
                scheme,
                {
                    "employer_rate": s["employer_rate"],
                    "individual_rate": s["individual_rate"],
                    "employer": ZERO,
                    "individual": ZERO,
                },
            )
            acc["employer"] = cents(acc["employer"] + s["employer"])
            acc["individual"] = cents(acc["individual"] + s["individual"])
        lines.append(
            {
                "person_name": person.name if person else "—",
                "id_masked": people.mask_resident_id(line["id_number"]),
                "declared_wage": cents(wage),
                "base": base,
                "clamped": clamped or "none",
                "employer": t["employer"],
                "individual": t["individual"],
            }
        )
    b = calc.bounds(reader)
    return {
        "summary": [
            ["employer_name", employer.name if employer else p["uscc"]],
            ["year", year],
            ["avg_wage", b.avg_wage],
            ["floor", b.floor],
            ["ceiling", b.ceiling],
            ["persons", len(lines)],
        ],
        "line_columns": [
            "person_name",
            "id_masked",
            "declared_wage",
            "base",
            "clamped",
            "employer",
            "individual",
        ],
        "lines": lines,
        "schemes": schemes_total,
        "totals": calc.totals(schemes_total) if schemes_total else {},
        "parameters": reader.references(),
    }


def apply_base_declaration(case, actor) -> None:
    p = case.payload
    employer = people.employer_by_uscc(p["uscc"])
    # the figures list the payload's lines in order, each with the base as decided
    for line, figure in zip(p["lines"], case.figures["lines"], strict=True):
        person = people.person_by_id_number(line["id_number"])
        services.base_declare(
            actor=actor,
            person_id=person.pk,
            employer_id=employer.pk,
            year=int(p["year"]),
            declared_wage=line["declared_wage"],
            region=_region(case),
            base=figure["base"],
            case=case,
        )


# --------------------------------------------------------------------------- CON02


def figures_flexible(case, p: dict, subject) -> dict:
    start = _date(p["start"])
    reader = ParamReader(region=_region(case), on=start)
    ratio = Decimal(str(p["base_ratio"]))
    avg = reader.decimal("base.avg_wage")
    base, _clamped, b = calc.clamp_base(avg * ratio, reader)
    shares = calc.flexible_shares(base, reader)
    pension = shares[people.Scheme.PENSION]
    decoded = people.parse_resident_id(p["id_number"])
    return {
        "summary": [
            ["person_name", p["name"]],
            ["id_masked", people.mask_resident_id(decoded.number)],
            ["birth_date", decoded.birth_date],
            ["sex", decoded.sex],
            ["start", start],
            ["base_ratio", ratio],
            ["avg_wage", b.avg_wage],
            ["base", base],
            ["monthly_total", pension["individual"]],
            ["to_account", pension["account"]],
            ["to_pool", cents(pension["individual"] - pension["account"])],
        ],
        "schemes": shares,
        "totals": calc.totals(shares),
        "parameters": reader.references(),
    }


def apply_flexible(case, actor) -> registry.Subject:
    p = case.payload
    person = registration_services.person_register(
        actor=actor,
        id_number=p["id_number"],
        name=p["name"],
        phone=p.get("phone", ""),
        retirement_category=p["retirement_category"],
        work_start=_date(p["work_start"]) if p.get("work_start") else None,
        region=_region(case),
        case=case,
    )
    start = _date(p["start"])
    registration_services.flexible_enroll(
        actor=actor,
        person_id=person.pk,
        base_ratio=Decimal(str(p["base_ratio"])),
        start=start,
        region=_region(case),
        bank_account=p.get("bank_account", ""),
        case=case,
    )
    base = dict(case.figures["summary"])["base"]  # as decided, not recomputed
    services.base_declare(
        actor=actor,
        person_id=person.pk,
        employer_id=None,
        year=start.year,
        declared_wage=base,
        region=_region(case),
        base=base,
        case=case,
    )
    return registry.Subject(person=person)


# --------------------------------------------------------------------------- REG03


def figures_employer_deregister(case, p: dict, subject) -> dict:
    employer = subject.employer
    summary = [["uscc", p["uscc"]], ["deregistered_on", p["deregistered_on"]]]
    if employer is not None:
        info = people.employer_summary(employer)
        summary += [["employer_name", employer.name], ["staff_count", info["staff_count"]]]
    return {"summary": summary, "parameters": []}


def apply_employer_deregister(case, actor) -> None:
    p = case.payload
    employer = people.employer_by_uscc(p["uscc"])
    services.employer_deregister(
        actor=actor,
        employer_id=employer.pk,
        on=_date(p["deregistered_on"]),
        reason=p.get("reason", ""),
        case=case,
    )


# --------------------------------------------------------------------------- REG04


def figures_employee_enroll(case, p: dict, subject) -> dict:
    employer = subject.employer
    decoded = people.parse_resident_id(p["id_number"])
    start = _date(p["start"])
    figures = employee_month(
        region=_region(case),
        on=start,
        wage=Decimal(str(p["starting_wage"])),
        injury_class=employer.injury_class if employer else None,
    )
    figures["summary"] = [
        ["employer_name", employer.name if employer else p["uscc"]],
        ["person_name", p["name"]],
        ["id_masked", people.mask_resident_id(decoded.number)],
        ["birth_date", decoded.birth_date],
        ["sex", decoded.sex],
        ["start", start],
        *figures["summary"],
    ]
    return figures


def apply_employee_enroll(case, actor) -> registry.Subject:
    p = case.payload
    employer = people.employer_by_uscc(p["uscc"])
    person = registration_services.person_register(
        actor=actor,
        id_number=p["id_number"],
        name=p["name"],
        phone=p.get("phone", ""),
        retirement_category=p["retirement_category"],
        work_start=_date(p["work_start"]) if p.get("work_start") else None,
        deemed_months=int(p.get("deemed_months") or 0),
        region=_region(case),
        case=case,
    )
    start = _date(p["start"])
    registration_services.employee_enroll(
        actor=actor, employer_id=employer.pk, person_id=person.pk, start=start, case=case
    )
    services.base_declare(
        actor=actor,
        person_id=person.pk,
        employer_id=employer.pk,
        year=start.year,
        declared_wage=cents(p["starting_wage"]),
        region=_region(case),
        base=dict(case.figures.get("summary", [])).get("base"),  # as decided
        case=case,
    )
    return registry.Subject(employer=employer, person=person)


# --------------------------------------------------------------------------- CON03


def backpay_figures(*, region: str, employer, first, last, wage, paid: dt.date) -> dict:
    months, readers = [], []
    principal = employer_total = individual_total = fee_total = ZERO
    for month in months_in_range(first, last):
        reader = ParamReader(region=region, on=month)
        readers.append(reader)
        base, clamped, _b = calc.clamp_base(Decimal(str(wage)), reader)
        shares = calc.employee_shares(base, reader, injury_class=employer.injury_class)
        t = calc.totals(shares)
        fee = calc.late_fee(
            reader=reader, principal=t["total"], due=calc.due_date_of(month), paid=paid
        )
        months.append(
            {
                "period": f"{month:%Y-%m}",
                "base": base,
                "clamped": clamped or "none",
                "employer": t["employer"],
                "individual": t["individual"],
                "principal": t["total"],
                "due_date": fee["due_date"],
                "days_late": fee["days_late"],
                "late_fee": fee["late_fee"],
                "capped": fee["capped"],
                "schemes": {
                    k: {
                        "employer": v["employer"],
                        "individual": v["individual"],
                        "account": v["account"],
                    }
                    for k, v in shares.items()
                },
            }
        )
        principal += t["total"]
        employer_total += t["employer"]
        individual_total += t["individual"]
        fee_total += fee["late_fee"]
    return {
        "months": months,
        "principal": cents(principal),
        "employer_total": cents(employer_total),
        "individual_total": cents(individual_total),
        "late_fee": cents(fee_total),
        "total": cents(principal + fee_total),
        "paid_date": paid,
        "parameters": _references(*readers),
    }


def figures_backpay(case, p: dict, subject) -> dict:
    employer, person = subject.employer, subject.person
    first, last = calc.parse_period(p["period_from"]), calc.parse_period(p["period_to"])
    out = backpay_figures(
        region=_region(case),
        employer=employer,
        first=first,
        last=last,
        wage=p["monthly_wage"],
        paid=_date(p["paid_date"]),
    )
    out["summary"] = [
        ["employer_name", employer.name],
        ["person_name", person.name if person else "—"],
        ["period", f"{p['period_from']} — {p['period_to']}"],
        ["month_count", len(out["months"])],
        ["principal", out["principal"]],
        ["late_fee", out["late_fee"]],
        ["total", out["total"]],
    ]
    out["line_columns"] = [
        "period",
        "base",
        "employer",
        "individual",
        "principal",
        "due_date",
        "days_late",
        "late_fee",
    ]
    out["lines"] = out["months"]
    return out


def apply_backpay(case, actor) -> None:
    p = case.payload
    employer = people.employer_by_uscc(p["uscc"])
    person = people.person_by_id_number(p["id_number"])
    services.backpay_assess(
        actor=actor, employer_id=employer.pk, person_id=person.pk, figures=case.figures, case=case
    )


# --------------------------------------------------------------------------- CON04


def figures_refund(case, p: dict, subject) -> dict:
    if subject.employer is not None:
        available = selectors.overpaid_available(employer_id=subject.employer.pk)
        name = subject.employer.name
    else:
        available = selectors.overpaid_available(person_id=subject.person.pk)
        name = subject.person.name
    amount = cents(p["amount"])
    if amount > available:
        raise ValidationError(
            {
                "amount": _("退费金额 %(amount)s 元超过可退的多缴金额 %(available)s 元。")
                % {"amount": amount, "available": available}
            }
        )
    return {
        "summary": [
            ["subject", name],
            ["overpaid_available", available],
            ["refund_amount", amount],
            ["remaining_overpaid", cents(max(available - amount, ZERO))],
        ],
        "parameters": [],
    }


def apply_refund(case, actor) -> None:
    p = case.payload
    employer = people.employer_by_uscc(p["uscc"]) if p.get("uscc") else None
    person = people.person_by_id_number(p["id_number"]) if p.get("id_number") else None
    services.refund_record(
        actor=actor,
        amount=p["amount"],
        reason=p["reason"],
        employer_id=employer.pk if employer else None,
        person_id=person.pk if person and not employer else None,
        bank_account=p.get("bank_account", ""),
        case=case,
    )


HANDLERS = (
    registry.BusinessTypeHandler(
        code="CON01",
        form_class=forms.BaseDeclarationForm,
        figures=figures_base_declaration,
        apply=apply_base_declaration,
        template=TEMPLATE,
        figures_template=FIGURES_TEMPLATE,
    ),
    registry.BusinessTypeHandler(
        code="CON02",
        form_class=forms.FlexibleEnrollForm,
        figures=figures_flexible,
        apply=apply_flexible,
        template=TEMPLATE,
        figures_template=FIGURES_TEMPLATE,
    ),
    registry.BusinessTypeHandler(
        code="CON03",
        form_class=forms.BackPaymentForm,
        figures=figures_backpay,
        apply=apply_backpay,
        template=TEMPLATE,
        figures_template=FIGURES_TEMPLATE,
    ),
    registry.BusinessTypeHandler(
        code="REG03",
        form_class=forms.EmployerDeregisterForm,
        figures=figures_employer_deregister,
        apply=apply_employer_deregister,
        template=TEMPLATE,
        figures_template=FIGURES_TEMPLATE,
    ),
    registry.BusinessTypeHandler(
        code="REG04",
        form_class=registration_forms.EmployeeEnrollForm,
        figures=figures_employee_enroll,
        apply=apply_employee_enroll,
        template=TEMPLATE,
        figures_template=FIGURES_TEMPLATE,
    ),
    registry.BusinessTypeHandler(
        code="CON04",
        form_class=forms.RefundForm,
        figures=figures_refund,
        apply=apply_refund,
        template=TEMPLATE,
        figures_template=FIGURES_TEMPLATE,
    ),
)
