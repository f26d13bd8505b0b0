"""The business checks and figures of BEN01–BEN04, from the master data and the dated
parameters. Forms call them to refuse bad applications with a sentence at the field; the
handlers' ``compute`` calls them again for the figures frozen on the case."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits import calculations as calc
from benefits import selectors
from benefits.models import ChangeKind, FlexibleKind
from contributions import selectors as contributions
from counterhall.months import (
    add_months,
    age_record,
    age_text,
    first_of_month,
    month_key,
    span_text,
)
from counterhall.params import ParameterMissing, ParamReader
from registration import selectors as registration


class References:
    """Parameter versions used by several readers, without duplicates."""

    def __init__(self):
        self.items: dict[tuple, dict] = {}

    def add(self, reader: ParamReader) -> None:
        for ref in reader.references():
            self.items[(ref["key"], ref["region"], ref["version"])] = ref

    def as_list(self) -> list[dict]:
        return list(self.items.values())


def _status_problem(person) -> str | None:
    if person.status != registration.PersonStatus.ACTIVE:
        return _("%(name)s 的人员状态为“%(status)s”，不能办理。") % {
            "name": person.name,
            "status": person.get_status_display(),
        }
    return None


# --------------------------------------------------------------------------- BEN01


def assess_retiree(*, person, employer, region: str, on: dt.date, refs: References) -> dict:
    """One retiree's eligibility and pension; ValidationError with the exact gap otherwise."""
    problem = _status_problem(person)
    if problem:
        raise ValidationError(problem)
    if selectors.pension_award(person) is not None:
        raise ValidationError(_("%(name)s 已核定退休待遇。") % {"name": person.name})
    spell = registration.open_employment(person)
    if spell is None or spell.employer_id != employer.pk:
        raise ValidationError(
            _("%(name)s 不是 %(employer)s 的在职参保职工。")
            % {"name": person.name, "employer": employer.name}
        )
    age_reader = ParamReader(region=region, on=on)
    retirement = selectors.retirement_of(person, reader=age_reader)
    refs.add(age_reader)
    if retirement.date > on:
        raise ValidationError(
            _(
                "%(name)s 尚未达到退休年龄：退休日期为 %(date)s（%(age)s），"
                "还差 %(days)s 天，不能办理退休。"
            )
            % {
                "name": person.name,
                "date": retirement.date.isoformat(),
                "age": age_text(retirement.age_years, retirement.age_months),
                "days": (retirement.date - on).days,
            }
        )
    minimum, min_ref = calc.minimum_contribution_months(year=retirement.date.year, region=region)
    refs.items[(min_ref["key"], min_ref["region"], min_ref["version"])] = min_ref
    record = selectors.pension_record(person, region=region)
    if record.total_months < minimum:
        short = minimum - record.total_months
        raise ValidationError(
            _(
                "%(name)s 累计缴费（含视同缴费）%(have)s 个月，不足最低缴费年限 %(min)s 个月，"
                "还差 %(short)s 个月（%(short_text)s），可继续缴费或一次性补缴后再申请。"
            )
            % {
                "name": person.name,
                "have": record.total_months,
                "min": minimum,
                "short": short,
                "short_text": span_text(short),
            }
        )
    reader = ParamReader(region=region, on=retirement.date)
    pension = calc.pension_from_params(
        reader=reader,
        age_years=retirement.age_years,
        age_months=retirement.age_months,
        index=record.index,
        contribution_months=record.actual_months,
        deemed_months=record.deemed_months,
        account_balance=record.account_balance,
    )
    refs.add(reader)
    figures = pension.as_dict()
    return {
        "person_id": person.pk,
        "name": person.name,
        "id_masked": person.id_masked,
        "retirement_date": retirement.date.isoformat(),
        "statutory_date": retirement.statutory.retirement_date.isoformat(),
        "flexible": retirement.flexible.kind if retirement.flexible else "",
        "retirement_age": age_record(retirement.age_years, retirement.age_months),
        "start_month": month_key(retirement.start_month),
        "minimum_months": minimum,
        "contribution_months": record.actual_months,
        "deemed_months": record.deemed_months,
        "total_months": record.total_months,
        "average_contribution_index": record.index,
        "account_balance": record.account_balance,
        "average_wage": figures["inputs"]["average_wage"],
        "indexed_wage": figures["inputs"]["indexed_wage"],
        "months_divisor": figures["months_divisor"],
        "basic_pension": figures["basic_pension"],
        "account_pension": figures["account_pension"],
        "transitional_pension": figures["transitional_pension"],
        "total": figures["total"],
    }


def assess_retirees(*, employer, persons, region: str, on: dt.date | None = None):
    """(rows, errors, references) for a BEN01 application."""
    on = on or timezone.localdate()
    refs = References()
    rows, errors = [], []
    for person in persons:
        try:
            rows.append(
                assess_retiree(person=person, employer=employer, region=region, on=on, refs=refs)
            )
        except ValidationError as exc:
            errors.extend(exc.messages)
        except ParameterMissing as exc:
            errors.append(f"{person.name}：{exc}")
    return rows, errors, refs


# --------------------------------------------------------------------------- BEN02


def assess_flexible(
    *, person, kind: str, requested: dt.date, employer_agreed: bool, region: str
) -> dict:
    problem = _status_problem(person)
    if problem:
        raise ValidationError({"id_number": problem})
    if selectors.pension_award(person) is not None:
        raise ValidationError({"id_number": _("%(name)s 已退休。") % {"name": person.name}})
    today = timezone.localdate()
    reader = ParamReader(region=region, on=today)
    sex, original = selectors.original_years(person)
    statutory = calc.statutory_retirement_from_params(
        birth_date=person.birth_date, sex=sex, original_years=original, reader=reader
    )
    max_months = int(reader.get("retirement.flexible_max_months").value)
    bounds = calc.flexible_bounds(
        birth_date=person.birth_date, statutory=statutory, max_months=max_months
    )
    refs = References()
    refs.add(reader)
    if requested < today:
        raise ValidationError({"requested_date": _("申请退休日期不能早于今天。")})
    minimum, min_ref = calc.minimum_contribution_months(year=requested.year, region=region)
    refs.items[(min_ref["key"], min_ref["region"], min_ref["version"])] = min_ref
    record = selectors.pension_record(person, region=region)
    if kind == FlexibleKind.EARLY:
        if requested >= statutory.retirement_date:
            raise ValidationError(
                {
                    "requested_date": _("提前退休日期须早于法定退休日期 %(date)s。")
                    % {"date": statutory.retirement_date.isoformat()}
                }
            )
        if requested < bounds.earliest:
            raise ValidationError(
                {
                    "requested_date": _(
                        "最早只能于 %(date)s 退休（最多提前 %(max)s 个月，且不得低于原法定退休年龄"
                        " %(original)s 岁）。"
                    )
                    % {"date": bounds.earliest.isoformat(), "max": max_months, "original": original}
                }
            )
        if record.total_months < minimum:
            raise ValidationError(
                {
                    "id_number": _(
                        "弹性提前退休须缴满最低缴费年限 %(min)s 个月，现 %(have)s 个月，"
                        "还差 %(short)s 个月。"
                    )
                    % {
                        "min": minimum,
                        "have": record.total_months,
                        "short": minimum - record.total_months,
                    }
                }
            )
    else:
        if requested <= statutory.retirement_date:
            raise ValidationError(
                {
                    "requested_date": _("延迟退休日期须晚于法定退休日期 %(date)s。")
                    % {"date": statutory.retirement_date.isoformat()}
                }
            )
        if requested > bounds.latest:
            raise ValidationError(
                {
                    "requested_date": _("最晚只能延迟至 %(date)s（最多延迟 %(max)s 个月）。")
                    % {"date": bounds.latest.isoformat(), "max": max_months}
                }
            )
        if not employer_agreed:
            raise ValidationError(
                {"employer_agreed": _("延迟退休须有单位与职工协商一致的书面协议。")}
            )
    age_years, age_months = calc.age_at(person.birth_date, requested)
    return {
        "person_id": person.pk,
        "name": person.name,
        "kind": kind,
        "statutory_date": statutory.retirement_date.isoformat(),
        "statutory_age": age_record(statutory.years, statutory.months),
        "approved_date": requested.isoformat(),
        "approved_age": age_record(age_years, age_months),
        "earliest": bounds.earliest.isoformat(),
        "latest": bounds.latest.isoformat(),
        "total_months": record.total_months,
        "minimum_months": minimum,
        "employer_agreed": employer_agreed,
        "parameters": refs.as_list(),
    }


# --------------------------------------------------------------------------- BEN03


def assess_unemployment_claim(*, person, registration_date: dt.date, region: str) -> dict:
    problem = _status_problem(person)
    if problem:
        raise ValidationError({"id_number": problem})
    spell = registration.open_employment(person)
    if spell is not None:
        raise ValidationError(
            {
                "id_number": _("%(name)s 仍在 %(employer)s 参保在职，不能申领失业保险金。")
                % {"name": person.name, "employer": spell.employer.name}
            }
        )
    if registration.open_flexible_spell(person) is not None:
        raise ValidationError(
            {
                "id_number": _("%(name)s 正以灵活就业人员身份参保，不能申领失业保险金。")
                % {"name": person.name}
            }
        )
    if selectors.open_unemployment_transfer_out(person) is not None:
        raise ValidationError(
            {
                "id_number": _(
                    "%(name)s 有未办结的失业保险关系转出业务，请先办结或撤回后再申领失业保险金。"
                )
                % {"name": person.name}
            }
        )
    drawing = selectors.drawing_claim(person)
    if drawing is not None and drawing.remaining_months(registration_date) > 0:
        raise ValidationError(
            {"id_number": _("%(name)s 正在领取失业保险金，不能重复申领。") % {"name": person.name}}
        )
    separation = selectors.last_separation(person)
    if separation is None:
        raise ValidationError(
            {"id_number": _("%(name)s 没有用工终止记录，请先办理减员。") % {"name": person.name}}
        )
    if separation.end_reason not in registration.INVOLUNTARY_REASONS:
        raise ValidationError(
            {
                "id_number": _(
                    "%(name)s 的离职原因为“%(reason)s”，不属于非本人意愿中断就业，"
                    "不能领取失业保险金。"
                )
                % {"name": person.name, "reason": separation.get_end_reason_display()}
            }
        )
    if registration_date < separation.end:
        raise ValidationError(
            {
                "registration_date": _("失业登记日期不能早于离职日期 %(date)s。")
                % {"date": separation.end.isoformat()}
            }
        )
    reader = ParamReader(region=region, on=registration_date)
    window = int(reader.get("unemployment.claim_window_days").value)
    last_day = separation.end + dt.timedelta(days=window)
    if registration_date > last_day:
        raise ValidationError(
            {
                "registration_date": _(
                    "失业保险金须在劳动合同终止或解除之日（%(end)s）起 %(days)s 日内申领，"
                    "最迟为 %(last)s，现已超过申领期限。"
                )
                % {"end": separation.end.isoformat(), "days": window, "last": last_day.isoformat()}
            }
        )
    months = selectors.unemployment_months_since_last_claim(person)
    merged = selectors.mergeable_claims(person, on=registration_date)
    unused = sum(c.remaining_months(registration_date) for c in merged)
    try:
        result = calc.unemployment_from_params(
            reader=reader, contribution_months=months, unused_months=unused
        )
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    start = first_of_month(registration_date)
    return {
        "person_id": person.pk,
        "name": person.name,
        "separation_date": separation.end.isoformat(),
        "separation_reason": separation.get_end_reason_display(),
        "employer": separation.employer.name,
        "contribution_months": months,
        "base_months": result.base_months,
        "unused_months": unused,
        "merged_months": result.merged_months,
        "merged_claims": [c.pk for c in merged],
        "entitlement_months": result.entitlement_months,
        "monthly_amount": result.monthly_amount,
        "total": result.total,
        "start_month": month_key(start),
        "end_month": month_key(add_months(start, result.entitlement_months - 1)),
        "schedule": calc.payment_schedule(
            start_month=start, months=result.entitlement_months, amount=result.monthly_amount
        ),
        "parameters": reader.references(),
    }


# --------------------------------------------------------------------------- BEN04


def assess_unemployment_change(
    *, person, kind: str, reason: str, event_date: dt.date, region: str
) -> dict:
    if kind in (ChangeKind.STOP, ChangeKind.DEATH):
        claim = selectors.drawing_claim(person)
        if claim is None:
            raise ValidationError(
                {"id_number": _("%(name)s 当前没有在领取失业保险金。") % {"name": person.name}}
            )
        if kind == ChangeKind.STOP and not reason:
            raise ValidationError({"reason": _("停发须选择原因。")})
    else:
        claim = selectors.resumable_claim(person)
        if claim is None:
            raise ValidationError(
                {"id_number": _("%(name)s 没有可以恢复发放的失业保险金。") % {"name": person.name}}
            )
        if claim.remaining_months(event_date) == 0:
            raise ValidationError({"id_number": _("此人员的失业保险金已领取期满。")})
    since = claim.current_since or claim.start_month
    if kind != ChangeKind.RESUME and since and event_date < since:
        raise ValidationError(
            {
                "event_date": _("事由发生日期不能早于本次领取起始月 %(month)s。")
                % {"month": month_key(since)}
            }
        )
    if kind == ChangeKind.RESUME and claim.stopped_on and event_date < claim.stopped_on:
        raise ValidationError(
            {
                "event_date": _("恢复日期不能早于停发日期 %(date)s。")
                % {"date": claim.stopped_on.isoformat()}
            }
        )
    drawn = claim.drawn_months + claim.running_months(event_date)
    figures = {
        "person_id": person.pk,
        "name": person.name,
        "claim_id": claim.pk,
        "kind": kind,
        "reason": reason if kind == ChangeKind.STOP else "",
        "event_date": event_date.isoformat(),
        "entitlement_months": claim.entitlement_months,
        "drawn_months": min(drawn, claim.entitlement_months),
        "remaining_months": max(claim.entitlement_months - drawn, 0),
        "monthly_amount": claim.monthly_amount,
        "parameters": [],
    }
    if kind == ChangeKind.DEATH:
        reader = ParamReader(region=region, on=event_date)
        months = (
            contributions.contribution_months(person, scheme=registration.Scheme.PENSION)
            + person.deemed_months
        )
        survivor = calc.survivor_from_params(reader=reader, contribution_months=months)
        figures.update(
            {
                "pension_contribution_months": months,
                **survivor.as_dict(),
                "parameters": reader.references(),
            }
        )
    return figures
