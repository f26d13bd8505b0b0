"""Checks and figures of TRF01–TRF03, shared by the forms (refusal at the field) and the
handlers' ``compute`` (figures frozen on the case)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits import selectors as benefits
from contributions import selectors as contributions
from counterhall import permissions
from counterhall.models import OPEN_STATES, Case
from counterhall.money import cents
from counterhall.months import month_key, month_ranges, months_in_range
from counterhall.params import ParamReader
from registration import selectors as registration
from transfers import calculations as calc
from transfers.models import Direction


def _active(person) -> None:
    if person.status != registration.PersonStatus.ACTIVE:
        raise ValidationError(
            {
                "id_number": _("%(name)s 的人员状态为“%(status)s”，不能办理转移。")
                % {"name": person.name, "status": person.get_status_display()}
            }
        )


def other_open_cases(person, case) -> list[Case]:
    return list(
        Case.objects.filter(person=person, state__in=OPEN_STATES)
        .exclude(pk=case.pk)
        .select_related("business_type")
        .order_by("pk")
    )


def open_cases_sentence(person, case, others: list[Case]) -> str:
    """Why a transfer-out waits: the open cases the case's teller may see by number and type,
    the others (special window, other windows or halls) only as a generic sentence."""
    visible = set(
        permissions.cases_visible_to(case.teller)
        .filter(pk__in=[c.pk for c in others])
        .values_list("pk", flat=True)
    )
    shown = [c for c in others if c.pk in visible]
    parts = []
    if shown:
        parts.append(
            _("%(name)s 有未办结的业务：%(cases)s。")
            % {
                "name": person.name,
                "cases": "、".join(
                    f"{c.number}（{c.business_type.code} {c.business_type.name}）" for c in shown
                ),
            }
        )
    if len(shown) < len(others):
        parts.append(
            (
                _("另有您无权查看的未办结业务。")
                if shown
                else _("%(name)s 有您无权查看的未办结业务。")
            )
            % {"name": person.name}
        )
    parts.append(_("请先办结或撤回后再办理转出。"))
    return "".join(parts)


# --------------------------------------------------------------------------- TRF01


def assess_transfer_out(*, person, case, receiving_agency: str, receiving_region: str) -> dict:
    _active(person)
    others = other_open_cases(person, case)
    if others:
        raise ValidationError({"id_number": open_cases_sentence(person, case, others)})
    spell = registration.open_employment(person)
    if spell is not None or registration.open_flexible_spell(person) is not None:
        where = spell.employer.name if spell is not None else _("灵活就业")
        raise ValidationError(
            {
                "id_number": _("%(name)s 仍在本地参保缴费（%(where)s），请先办理减员或停保。")
                % {"name": person.name, "where": where}
            }
        )
    if receiving_region == case.hall.region:
        raise ValidationError({"receiving_region": _("转入地不能是本地。")})
    years = contributions.yearly_history(person)
    if not years:
        raise ValidationError(
            {"id_number": _("%(name)s 在本地没有缴费记录。") % {"name": person.name}}
        )
    reader = ParamReader(region=case.hall.region, on=timezone.localdate())
    balance = contributions.account_balance(person_id=person.pk)
    amounts = calc.transfer_from_params(
        reader=reader,
        account_balance=balance,
        yearly_wages=[{"year": y["year"], "wage_total": y["wage_total"]} for y in years],
    )
    same_province = receiving_region[:2] == case.hall.region[:2]
    funds_move = not same_province or bool(reader.get("transfer.move_funds_intra_province").value)
    return {
        "person_id": person.pk,
        "name": person.name,
        "id_masked": person.id_masked,
        "receiving_agency": receiving_agency,
        "receiving_region": receiving_region,
        "years": years,
        "totals": {
            "months": sum(y["months"] for y in years),
            "wage_total": cents(sum((y["wage_total"] for y in years), start=Decimal("0"))),
            "individual": cents(sum((y["individual"] for y in years), start=Decimal("0"))),
            "deemed_months": person.deemed_months,
        },
        "amounts": amounts.as_dict(),
        "funds_move": funds_move,
        "parameters": reader.references(),
    }


# --------------------------------------------------------------------------- TRF02

LINE = re.compile(r"^([0-9]{4}-[0-9]{2})\s*[~～至\s]\s*([0-9]{4}-[0-9]{2})\s+([0-9.]+)$")


def parse_periods(text: str) -> list[dict]:
    """Lines ``起始月 截止月 月缴费基数`` (``2010-01 2019-12 4000.00``) → one dict per month."""
    months, errors, seen = [], [], set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFKC", raw).strip()  # an IME's full-width digits
        if not line:
            continue
        match = LINE.match(line)
        try:
            if match is None:
                raise ValueError
            first = dt.date.fromisoformat(match[1] + "-01")
            last = dt.date.fromisoformat(match[2] + "-01")
            base = Decimal(match[3])
        except (ValueError, InvalidOperation):
            errors.append(
                _(
                    "第 %(n)s 行格式有误，应为“起始月 截止月 月缴费基数”，"
                    "例如 2010-01 2019-12 4000.00。"
                )
                % {"n": number}
            )
            continue
        if last < first:
            errors.append(_("第 %(n)s 行截止月早于起始月。") % {"n": number})
            continue
        if base <= 0:
            errors.append(_("第 %(n)s 行缴费基数须大于 0。") % {"n": number})
            continue
        if last > timezone.localdate():
            errors.append(_("第 %(n)s 行截止月晚于本月。") % {"n": number})
            continue
        for month in map(month_key, months_in_range(first, last)):
            if month in seen:
                errors.append(_("第 %(n)s 行的 %(m)s 与前面的行重复。") % {"n": number, "m": month})
                break
            seen.add(month)
            months.append({"month": month, "base": cents(base)})
    if errors:
        raise ValidationError({"periods": errors})
    if not months:
        raise ValidationError({"periods": _("请填写转入的缴费期间。")})
    return sorted(months, key=lambda m: m["month"])


def assess_transfer_in(
    *,
    person,
    case,
    sending_agency: str,
    sending_region: str,
    periods: str,
    account_amount: Decimal,
    pooled_amount: Decimal,
) -> dict:
    _active(person)
    if sending_region == case.hall.region:
        raise ValidationError({"sending_region": _("转出地不能是本地。")})
    if account_amount < 0:
        raise ValidationError({"account_amount": _("个人账户转入额不能为负数。")})
    if pooled_amount < 0:
        raise ValidationError({"pooled_amount": _("统筹基金转入额不能为负数。")})
    months = parse_periods(periods)
    overlap = contributions.held_months(person, scheme=registration.Scheme.PENSION) & {
        m["month"] for m in months
    }
    if overlap:
        ranges = month_ranges(overlap)
        raise ValidationError(
            {
                "periods": _(
                    "转入凭证中以下月份本地已有缴费记录，不能重复计入："
                    "%(months)s（共 %(n)s 个月）。请与转出地核对后重新出具凭证。"
                )
                % {"months": "、".join(ranges), "n": len(overlap)}
            }
        )
    reader = ParamReader(region=case.hall.region, on=timezone.localdate())
    by_year: dict[int, Decimal] = {}
    for m in months:
        year = int(m["month"][:4])
        by_year[year] = by_year.get(year, Decimal("0")) + m["base"]
    expected = calc.transfer_from_params(
        reader=reader,
        account_balance=account_amount,
        yearly_wages=[{"year": y, "wage_total": w} for y, w in sorted(by_year.items())],
    )
    return {
        "person_id": person.pk,
        "name": person.name,
        "sending_agency": sending_agency,
        "sending_region": sending_region,
        "months": months,
        "month_count": len(months),
        "ranges": month_ranges(m["month"] for m in months),
        "account_amount": cents(account_amount),
        "pooled_amount": cents(pooled_amount),
        "expected_pooled": expected.pooled_transfer,
        "pooled_difference": cents(pooled_amount - expected.pooled_transfer),
        "parameters": reader.references(),
    }


# --------------------------------------------------------------------------- TRF03


def assess_unemployment_transfer(
    *, person, case, direction: str, other_agency: str, months: int | None
) -> dict:
    today = timezone.localdate()
    reader = ParamReader(region=case.hall.region, on=today)
    if direction == Direction.OUT:
        claiming = benefits.open_unemployment_claim_cases(person)
        if claiming:
            raise ValidationError({"id_number": open_cases_sentence(person, case, claiming)})
        remaining, claims = benefits.remaining_entitlement(person, on=today)
        if remaining == 0:
            raise ValidationError(
                {
                    "id_number": _("%(name)s 没有可转移的失业保险金剩余领取月数。")
                    % {"name": person.name}
                }
            )
        months = remaining
        claim_ids = [c.pk for c in claims]
    else:
        maximum = int(reader.get("unemployment.entitlement_steps").value["max_months"])
        if not months or months < 1 or months > maximum:
            raise ValidationError(
                {"months": _("转入月数应在 1 至 %(max)s 之间。") % {"max": maximum}}
            )
        if benefits.drawing_claim(person) is not None:
            raise ValidationError(
                {"id_number": _("%(name)s 正在本地领取失业保险金。") % {"name": person.name}}
            )
        claim_ids = []
    return {
        "person_id": person.pk,
        "name": person.name,
        "direction": direction,
        "direction_label": _("转出") if direction == Direction.OUT else _("转入"),
        "other_agency": other_agency,
        "months": months,
        "claims": claim_ids,
        "parameters": reader.references(),
    }
