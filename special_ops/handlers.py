"""Business-type handlers of the special window (contract: docs/architecture.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits import selectors as benefits
from contributions import selectors as contributions
from contributions import services as account
from counterhall import registry
from counterhall.money import cents
from counterhall.months import add_months, age_record, first_of_month
from counterhall.params import ParamReader
from registration import selectors as registration
from registration import services as people
from special_ops import forms, selectors, services
from special_ops import heirs as heir_lines
from special_ops.models import PayoutCause

ZERO = Decimal("0")


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _heirs(text: str) -> list[heir_lines.Heir]:
    rows = []
    for line in text.splitlines():
        name, id_number, relation, share, account_no = line.split()
        rows.append(
            heir_lines.Heir(name, id_number, relation, heir_lines.parse_share(share), account_no)
        )
    return rows


def _open_cases(person, case) -> list[dict]:
    return [
        {
            "number": c.number,
            "type": f"{c.business_type.code} {c.business_type.name}",
            "state": str(c.get_state_display()),
        }
        for c in selectors.open_cases_of(person, exclude_case=case)
    ]


def _account_total(person, death: dt.date) -> tuple[Decimal, contributions.InterestToDate]:
    balance = contributions.account_balance(person_id=person.pk)
    interest = contributions.account_interest_to(
        person_id=person.pk, on=death, region=person.region
    )
    return balance, interest


# --------------------------------------------------------------------------- SPC01


def spc01_figures(case, payload: dict, subject) -> dict:
    """Funeral grant and survivor payment (rules.md §1.6) from the parameters in force on
    the date of death, plus the whole personal account with interest to the date of death,
    split among the heirs by their shares."""
    person = subject.person
    death = _date(payload["death_date"])
    reader = ParamReader(region=case.hall.region, on=death)
    paid = contributions.contribution_months(person)
    months = paid + person.deemed_months
    survivor = benefits.survivor_benefits(reader=reader, contribution_months=months)
    balance, interest = _account_total(person, death)
    account_total = cents(balance + interest.interest)
    heirs = _heirs(payload["heirs"])
    shares = [h.share for h in heirs]
    funeral = heir_lines.split(survivor.funeral_grant, shares)
    payment = heir_lines.split(survivor.survivor_payment, shares)
    acct = heir_lines.split(account_total, shares)
    rows = [
        {
            "name": h.name,
            "id_number": h.id_number,
            "relation": h.relation,
            "share": h.percent,
            "bank_account": h.bank_account,
            "funeral_grant": funeral[i],
            "survivor_payment": payment[i],
            "account_amount": acct[i],
            "amount": funeral[i] + payment[i] + acct[i],
        }
        for i, h in enumerate(heirs)
    ]
    return {
        "person_id": person.pk,
        "name": person.name,
        "death_date": death.isoformat(),
        "stop_from": add_months(first_of_month(death), 1).isoformat(),
        "paid_months": paid,
        "deemed_months": person.deemed_months,
        "contribution_months": months,
        **survivor.as_dict(),
        "account_balance": balance,
        "interest_months": interest.months,
        "interest_rate": interest.rate,
        "interest": interest.interest,
        "account_total": account_total,
        "total": survivor.total + account_total,
        "heirs": rows,
        "open_cases": _open_cases(person, case),
        "parameters": reader.references() + interest.parameters,
    }


def spc01_apply(case, actor) -> registry.Subject:
    """Completion after review and every signature: refuses where the facts moved since the
    figures were frozen (account balance, the deceased's open cases, an earlier payout);
    else ends employment and enrollments on the date of death (contributions stop from the
    next month), posts the interest to the date of death, pays the account out and records
    one payout row per heir."""
    f = case.figures
    person = registration.person_get(f["person_id"])
    if selectors.payouts_of_case(case).exists():
        return registry.Subject(person=person)
    death = _date(f["death_date"])
    open_cases = _open_cases(person, case)
    if open_cases:
        raise ValidationError(
            _(
                "死者尚有未办结的业务：%(cases)s。请先逐件作出处理（办结、不予受理或撤回）"
                "后再办结本业务。"
            )
            % {"cases": "、".join(c["number"] for c in open_cases)}
        )
    now_total = _check_account(person, death, f)
    _check_active(person)
    people.person_close_enrollments(
        actor=actor,
        person_id=person.pk,
        on=death,
        reason=_("在职死亡"),
        status=registration.PersonStatus.DECEASED,
        case=case,
    )
    _pay_out(case, actor, person, on=death, total=now_total, cause=PayoutCause.DEATH)
    return registry.Subject(person=person)


# --------------------------------------------------------------------------- SPC03

FIELD_MAP = {
    "new_name": "name",
    "new_id_number": "id_number",
    "file_birth_date": "file_birth_date",
    "new_retirement_category": "retirement_category",
    "new_work_start": "work_start",
    "new_deemed_months": "deemed_months",
}
SHOWN = (
    "name",
    "id_number",
    "birth_date",
    "sex",
    "retirement_category",
    "work_start",
    "deemed_months",
)
LABELS = {
    "name": _("姓名"),
    "id_number": _("公民身份号码"),
    "file_birth_date": _("档案认定出生日期"),
    "birth_date": _("出生日期"),
    "sex": _("性别"),
    "retirement_category": _("退休年龄类别"),
    "work_start": _("参加工作日期"),
    "deemed_months": _("视同缴费月数"),
}


def _changes(person, payload: dict) -> dict:
    """Model field → new value, only what differs from the person's current data."""
    out = {}
    for form_field, field in FIELD_MAP.items():
        value = payload.get(form_field)
        if value in (None, ""):
            continue
        if field in ("file_birth_date", "work_start"):
            value = _date(value)
        current = person.birth_date if field == "file_birth_date" else getattr(person, field)
        if value != current:
            out[field] = value
    return out


def _derived(person, changes: dict) -> dict:
    """Birth date and sex after the changes, as the model derives them."""
    number = changes.get("id_number", person.id_number)
    decoded = registration.parse_resident_id(number)
    file_birth = changes.get("file_birth_date", person.file_birth_date)
    return {"birth_date": file_birth or decoded.birth_date, "sex": decoded.sex}


def _shown(field: str, value) -> str:
    if value is None or value == "":
        return "—"
    if field == "id_number":
        return registration.mask_resident_id(value)
    if field == "sex":
        return str(registration.Sex(value).label)
    if field == "retirement_category":
        return str(registration.RetirementCategory(value).label)
    return str(value)


def _retirement(birth_date: dt.date, category: str, reader: ParamReader) -> dict:
    age = benefits.statutory_retirement_for(
        birth_date=birth_date, retirement_category=category, reader=reader
    )
    return {
        "date": age.retirement_date.isoformat(),
        "month": age.retirement_month.isoformat()[:7],
        "age": age_record(age.years, age.months),
    }


def _json(values: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}


def spc03_figures(case, payload: dict, subject) -> dict:
    """Before and after side by side, the statutory retirement month re-derived (rules.md
    §1.8), and what the change affects: the person's other open cases and the benefit being
    paid (an unemployment claim drawing)."""
    person = subject.person
    changes = _changes(person, payload)
    before = people.person_core_snapshot(person)
    after = {**before, **changes, **_derived(person, changes)}
    reader = ParamReader(region=case.hall.region, on=timezone.localdate())
    rows = [
        {
            "field": field,
            "label": str(LABELS[field]),
            "before": _shown(field, before[field]),
            "after": _shown(field, after[field]),
            "changed": before[field] != after[field],
        }
        for field in SHOWN
    ]
    claim = benefits.drawing_claim(person)
    payments = (
        [{"what": str(_("失业保险金（按月发放中）")), "amount": claim.monthly_amount}]
        if claim is not None
        else []
    )
    return {
        "person_id": person.pk,
        "name": person.name,
        "changes": _json(changes),
        "before_snapshot": _json(before),
        "after_snapshot": _json(after),
        "rows": rows,
        "retirement_before": _retirement(
            before["birth_date"], before["retirement_category"], reader
        ),
        "retirement_after": _retirement(after["birth_date"], after["retirement_category"], reader),
        "open_cases": _open_cases(person, case),
        "payments": payments,
        "history": [
            {"at": h["at"], "actor": h["actor"], "before": h["before"], "after": h["after"]}
            for h in registration.person_history(person)
        ],
        "parameters": reader.references(),
    }


def spc03_apply(case, actor) -> registry.Subject:
    """Apply the reviewed and signed corrections, refusing when the person's data changed
    since they were assessed (another correction); a new ID number taken meanwhile is
    refused by the service."""
    f = case.figures
    person = registration.person_get(f["person_id"])
    now = _json(people.person_core_snapshot(person))
    if now == f["after_snapshot"]:
        return registry.Subject(person=person)  # applied already
    if now != f["before_snapshot"]:
        raise ValidationError(_("该人员的基本信息在核算后已被更改，请退回重新核对。"))
    changes = {
        k: (_date(v) if k in ("file_birth_date", "work_start") and v else v)
        for k, v in f["changes"].items()
    }
    person = people.person_correct(actor=actor, person_id=person.pk, changes=changes, case=case)
    return registry.Subject(person=person)


# --------------------------------------------------------------------------- SPC02


def spc02_figures(case, payload: dict, subject) -> dict:
    """The whole personal account with interest to the day of assessment, paid in one sum to
    the applicant; no pooled-fund payout (rules.md §1.7)."""
    person = subject.person
    on = timezone.localdate()
    balance, interest = _account_total(person, on)
    total = cents(balance + interest.interest)
    return {
        "person_id": person.pk,
        "name": person.name,
        "on": on.isoformat(),
        "country": payload["country"],
        "nationality_proof": payload["nationality_proof"],
        "confirmation_signed_on": payload["confirmation_signed_on"],
        "account_balance": balance,
        "interest_months": interest.months,
        "interest_rate": interest.rate,
        "interest": interest.interest,
        "account_total": total,
        "total": total,
        "heirs": [
            {
                "name": person.name,
                "id_number": person.id_number,
                "relation": str(_("本人")),
                "share": "100",
                "bank_account": payload["bank_account"],
                "bank_name": payload["bank_name"],
                "account_amount": total,
                "amount": total,
            }
        ],
        "parameters": interest.parameters,
    }


def spc02_apply(case, actor) -> registry.Subject:
    """Completion after review and every signature: the relationship ends (enrollments and
    spells end, status terminated), the interest to the day of assessment is posted, the
    account is paid out and the payout row recorded; refused where the balance moved."""
    f = case.figures
    person = registration.person_get(f["person_id"])
    if selectors.payouts_of_case(case).exists():
        return registry.Subject(person=person)
    on = _date(f["on"])
    total = _check_account(person, on, f)
    _check_active(person)
    people.person_close_enrollments(
        actor=actor,
        person_id=person.pk,
        on=on,
        reason=_("出国定居（已丧失中国国籍）"),
        status=registration.PersonStatus.TERMINATED,
        case=case,
    )
    _pay_out(case, actor, person, on=on, total=total, cause=PayoutCause.ABROAD)
    return registry.Subject(person=person)


def _check_account(person, on: dt.date, f: dict) -> Decimal:
    balance, interest = _account_total(person, on)
    now_total = cents(balance + interest.interest)
    if now_total != Decimal(f["account_total"]):
        raise ValidationError(
            _("个人账户余额已变动（核算时 %(then)s 元，现为 %(now)s 元），请退回重新核算。")
            % {"then": f["account_total"], "now": now_total}
        )
    return now_total


def _check_active(person) -> None:
    if person.status != registration.PersonStatus.ACTIVE:
        raise ValidationError(
            _("该人员状态已为“%(status)s”，不能办结。") % {"status": person.get_status_display()}
        )


def _pay_out(case, actor, person, *, on: dt.date, total: Decimal, cause: str) -> None:
    """Post the interest to ``on``, pay the whole account out, record the payout rows."""
    account.account_post_interest_to(actor=actor, person_id=person.pk, on=on, case=case)
    if total > ZERO:
        account.account_post(
            actor=actor,
            person_id=person.pk,
            kind=contributions.AccountEntryKind.PAYOUT,
            amount=-total,
            on=timezone.localdate(),
            note=_("%(cause)s，个人账户一次性支付（%(number)s）")
            % {"cause": PayoutCause(cause).label, "number": case.number},
            case=case,
        )
    services.payouts_record(
        actor=actor,
        case=case,
        person=person,
        cause=cause,
        rows=case.figures["heirs"],
        on=timezone.localdate(),
    )


HANDLERS = (
    registry.BusinessTypeHandler(
        code="SPC01",
        form_class=forms.DeathInServiceForm,
        figures=spc01_figures,
        apply=spc01_apply,
        template="special_ops/case_form.html",
        figures_template="special_ops/figures_spc01.html",
    ),
    registry.BusinessTypeHandler(
        code="SPC02",
        form_class=forms.SettlingAbroadForm,
        figures=spc02_figures,
        apply=spc02_apply,
        template="special_ops/case_form_spc02.html",
        figures_template="special_ops/figures_spc02.html",
    ),
    registry.BusinessTypeHandler(
        code="SPC03",
        form_class=forms.CoreDataForm,
        figures=spc03_figures,
        apply=spc03_apply,
        template="special_ops/case_form.html",
        figures_template="special_ops/figures_spc03.html",
    ),
)
