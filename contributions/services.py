"""Writes on contribution master data: bases, bills (monthly and back-payment), payments,
refunds and the personal pension account ledger. Keyword-only, with the acting user (None
for the periodic job), one transaction with its audit entry each. Other apps call these and
contributions.selectors only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from contributions import calc, selectors
from contributions.lock_objects import lock_bill
from contributions.models import (
    AccountEntry,
    AccountEntryKind,
    AssessmentBill,
    BillKind,
    BillStatus,
    Contribution,
    ContributionStatus,
    CreditedMonth,
    DeclaredBase,
    Refund,
)
from counterhall import audit
from counterhall.money import cents
from counterhall.months import last_of_month, month_ranges
from counterhall.params import ParamReader
from registration import selectors as registration_selectors
from registration import services as registration_services
from registration.lock_objects import lock_employer, lock_person
from registration.selectors import Scheme

ZERO = Decimal("0")


def _hall(case):
    return case.hall if case is not None else None


def _bill_sum(schemes_by_person: list[dict]) -> tuple[Decimal, Decimal]:
    employer = sum((s["employer"] for p in schemes_by_person for s in p.values()), ZERO)
    individual = sum((s["individual"] for p in schemes_by_person for s in p.values()), ZERO)
    return cents(employer), cents(individual)


# --------------------------------------------------------------------------- bases


def base_declare(
    *,
    actor,
    person_id: int,
    employer_id: int | None,
    year: int,
    declared_wage,
    region: str,
    base=None,
    case=None,
) -> DeclaredBase:
    """缴费基数申报核定: the year's base is the declared wage clamped to floor and ceiling.

    ``base``: the base already decided (frozen in a case's figures); a case applies it as
    decided, never re-clamped with the parameters in force at completion."""
    wage = cents(declared_wage)
    if wage < 0:
        raise ValidationError({"declared_wage": _("申报工资不能为负数。")})
    if base is None:
        reader = ParamReader(region=region, on=dt.date(year, 1, 1))
        base, _side, _b = calc.clamp_base(wage, reader)
    else:
        base = cents(base)
    with transaction.atomic():
        row = DeclaredBase.objects.filter(
            person_id=person_id, employer_id=employer_id, year=year
        ).first()
        before = {"declared_wage": row.declared_wage, "base": row.base} if row else None
        if row is None:
            row = DeclaredBase(person_id=person_id, employer_id=employer_id, year=year)
        elif row.declared_wage == wage and row.base == base:
            return row  # same declaration again: nothing changes
        row.declared_wage, row.base, row.case = wage, base, case
        row.save()
        audit.record(
            actor=actor,
            action="contribution.base_declare",
            target=row,
            before=before,
            after={"year": year, "declared_wage": wage, "base": base},
            hall=_hall(case),
        )
    return row


# --------------------------------------------------------------------------- monthly bills


def _new_bill(**fields) -> AssessmentBill:
    if fields.get("total", ZERO) == ZERO:
        fields["status"] = BillStatus.PAID  # nothing due (e.g. an employer without staff)
    return AssessmentBill.objects.create(**fields)


def bill_generate_employer(
    *, actor, employer_id: int, period: dt.date
) -> tuple[AssessmentBill, bool]:
    """The monthly 核定单 of an employer: every employee with an active enrollment in the
    month and a base for the year, per scheme. Idempotent per employer and month: returns
    (bill, created)."""
    period = period.replace(day=1)
    last_day = last_of_month(period)
    with transaction.atomic():
        employer = lock_employer(employer_id)
        existing = AssessmentBill.objects.filter(
            kind=BillKind.MONTHLY, employer=employer, period=period
        ).first()
        if existing is not None:
            return existing, False
        reader = ParamReader(region=employer.region, on=period)
        lines, missing = [], []
        for spell in registration_selectors.staff_in_period(employer, period, last_day):
            person = spell.person
            schemes = registration_selectors.enrolled_schemes(person, employer, period, last_day)
            base = selectors.base_for(person=person, employer=employer, year=period.year)
            if base is None:
                missing.append(person.name)
                continue
            shares = calc.employee_shares(base, reader, injury_class=employer.injury_class)
            shares = {k: v for k, v in shares.items() if k in schemes}
            if not shares:
                continue
            lines.append((person, base, shares))
        employer_total, individual_total = _bill_sum([s for _p, _b, s in lines])
        bill = _new_bill(
            kind=BillKind.MONTHLY,
            employer=employer,
            period=period,
            due_date=calc.due_date_of(period),
            employer_total=employer_total,
            individual_total=individual_total,
            principal=cents(employer_total + individual_total),
            total=cents(employer_total + individual_total),
            figures={
                "persons": [
                    {
                        "id_masked": p.id_masked,
                        "name": p.name,
                        "base": str(b),
                        "schemes": {
                            k: {"employer": str(v["employer"]), "individual": str(v["individual"])}
                            for k, v in s.items()
                        },
                    }
                    for p, b, s in lines
                ],
                "missing_base": missing,
                "parameters": reader.references(),
            },
        )
        for person, base, shares in lines:
            _contribution_rows(bill, person, employer, period, base, shares)
        audit.record(
            actor=actor,
            action="contribution.bill",
            target=bill,
            after={"employer": employer.uscc, "period": f"{period:%Y-%m}", "total": bill.total},
        )
    return bill, True


def _contribution_rows(bill, person, employer, period, base, shares) -> None:
    for scheme, share in shares.items():
        Contribution.objects.create(
            person=person,
            employer=employer,
            period=period,
            scheme=scheme,
            base=base,
            employer_amount=share["employer"],
            individual_amount=share["individual"],
            account_amount=share["account"],
            bill=bill,
        )


def bill_generate_flexible(
    *, actor, worker_id: int, period: dt.date
) -> tuple[AssessmentBill, bool]:
    """The monthly 核定单 of a flexible worker at the chosen base level. Idempotent."""
    period = period.replace(day=1)
    with transaction.atomic():
        worker = registration_selectors.flexible_worker_get(worker_id)
        existing = AssessmentBill.objects.filter(
            kind=BillKind.MONTHLY, person=worker.person, period=period
        ).first()
        if existing is not None:
            return existing, False
        reader = ParamReader(region=worker.region, on=period)
        base = selectors.flexible_base(worker=worker, reader=reader)
        shares = calc.flexible_shares(base, reader)
        employer_total, individual_total = _bill_sum([shares])
        bill = _new_bill(
            kind=BillKind.MONTHLY,
            person=worker.person,
            period=period,
            due_date=calc.due_date_of(period),
            employer_total=employer_total,
            individual_total=individual_total,
            principal=cents(employer_total + individual_total),
            total=cents(employer_total + individual_total),
            figures={
                "base_ratio": str(worker.base_ratio),
                "base": str(base),
                "parameters": reader.references(),
            },
        )
        _contribution_rows(bill, worker.person, None, period, base, shares)
        audit.record(
            actor=actor,
            action="contribution.bill",
            target=bill,
            after={
                "person": worker.person.id_masked,
                "period": f"{period:%Y-%m}",
                "total": bill.total,
            },
        )
    return bill, True


def bills_generate_month(*, actor, period: dt.date) -> dict:
    """The periodic job: every active employer and every open flexible spell in the month."""
    period = period.replace(day=1)
    last_day = last_of_month(period)
    created = existing = 0
    employers = registration_selectors.active_employers(registered_by=last_day)
    for employer_id in employers.values_list("pk", flat=True):
        _bill, new = bill_generate_employer(actor=actor, employer_id=employer_id, period=period)
        created, existing = created + new, existing + (not new)
    workers = registration_selectors.open_flexible_workers(started_by=last_day)
    for worker_id in workers.values_list("pk", flat=True):
        _bill, new = bill_generate_flexible(actor=actor, worker_id=worker_id, period=period)
        created, existing = created + new, existing + (not new)
    return {"period": f"{period:%Y-%m}", "created": created, "existing": existing}


# --------------------------------------------------------------------------- payments


def bill_record_payment(*, actor, bill_id: int, amount, paid_on: dt.date) -> AssessmentBill:
    """Record a payment reported by the collector. Once the bill is covered its months are
    paid and the individual share is credited to the personal account (once)."""
    amount = cents(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("缴费金额必须大于 0。")})
    with transaction.atomic():
        bill = lock_bill(bill_id)
        before = {"amount_paid": bill.amount_paid, "status": bill.status}
        bill.amount_paid = cents(bill.amount_paid + amount)
        bill.paid_on = paid_on
        if bill.amount_paid >= bill.total and bill.status == BillStatus.OWED:
            bill.status = BillStatus.PAID
            for contribution in bill.contributions.select_related("person").filter(
                status=ContributionStatus.OWED
            ):
                contribution.status = ContributionStatus.PAID
                contribution.save(update_fields=["status", "updated_at"])
                if contribution.account_amount > 0:
                    AccountEntry.objects.get_or_create(
                        contribution=contribution,
                        defaults={
                            "person": contribution.person,
                            "on": paid_on,
                            "year": paid_on.year,  # credited now; the period is the note
                            "kind": AccountEntryKind.CONTRIBUTION,
                            "amount": contribution.account_amount,
                            "note": f"{contribution.period:%Y-%m}",
                        },
                    )
        bill.save()
        audit.record(
            actor=actor,
            action="contribution.payment",
            target=bill,
            before=before,
            after={"amount_paid": bill.amount_paid, "status": bill.status, "paid_on": paid_on},
        )
    return bill


# --------------------------------------------------------------------------- back-payment


def backpay_assess(*, actor, employer_id: int, person_id: int, figures: dict, case=None):
    """补缴核定: a back-payment bill with its late fee, from the frozen figures of the case
    (contributions.handlers.backpay_figures). Once per case."""
    with transaction.atomic():
        if case is not None:
            done = AssessmentBill.objects.filter(case=case).first()
            if done is not None:
                return done
        employer = registration_selectors.employer_get(employer_id)
        months = [calc.parse_period(m["period"]) for m in figures["months"]]
        taken = Contribution.objects.filter(
            person_id=person_id,
            period__in=months,
            scheme__in=registration_selectors.EMPLOYEE_SCHEMES,
        )
        if taken.exists():
            raise ValidationError(
                {
                    "period_from": _("所选月份中已有核定记录（%s），不能重复补缴。")
                    % "、".join(
                        sorted({f"{p:%Y-%m}" for p in taken.values_list("period", flat=True)})
                    )
                }
            )
        bill = _new_bill(
            kind=BillKind.BACK_PAYMENT,
            employer=employer,
            person_id=person_id,
            period=months[0],
            period_to=months[-1],
            due_date=dt.date.fromisoformat(figures["paid_date"]),
            employer_total=Decimal(figures["employer_total"]),
            individual_total=Decimal(figures["individual_total"]),
            principal=Decimal(figures["principal"]),
            late_fee=Decimal(figures["late_fee"]),
            days_late=max(m["days_late"] for m in figures["months"]),
            total=Decimal(figures["total"]),
            figures=figures,
            case=case,
        )
        person = registration_selectors.person_get(person_id)
        for month in figures["months"]:
            shares = {
                k: {
                    "employer": Decimal(v["employer"]),
                    "individual": Decimal(v["individual"]),
                    "account": Decimal(v["account"]),
                }
                for k, v in month["schemes"].items()
            }
            try:
                with transaction.atomic():
                    _contribution_rows(
                        bill,
                        person,
                        employer,
                        calc.parse_period(month["period"]),
                        Decimal(month["base"]),
                        shares,
                    )
            except IntegrityError:
                raise ValidationError({"period_from": _("所选月份中已有核定记录。")}) from None
        audit.record(
            actor=actor,
            action="contribution.backpay",
            target=bill,
            after={
                "employer": employer.uscc,
                "from": figures["months"][0]["period"],
                "to": figures["months"][-1]["period"],
                "principal": bill.principal,
                "late_fee": bill.late_fee,
            },
            hall=_hall(case),
        )
    return bill


# --------------------------------------------------------------------------- refunds


def refund_record(
    *,
    actor,
    amount,
    reason: str,
    employer_id: int | None = None,
    person_id: int | None = None,
    bank_account: str = "",
    case=None,
) -> Refund:
    """多缴退费: recorded for payment; never more than what was overpaid and not yet refunded."""
    amount = cents(amount)
    with transaction.atomic():
        if case is not None:
            done = Refund.objects.filter(case=case).first()
            if done is not None:
                return done
        # one refund of a subject at a time: lock it before reading what is still refundable
        if employer_id is not None:
            lock_employer(employer_id)
        else:
            lock_person(person_id)
        available = selectors.overpaid_available(employer_id=employer_id, person_id=person_id)
        if amount <= 0:
            raise ValidationError({"amount": _("退费金额必须大于 0。")})
        if amount > available:
            raise ValidationError(
                {
                    "amount": _("退费金额 %(amount)s 元超过可退的多缴金额 %(available)s 元。")
                    % {"amount": amount, "available": available}
                }
            )
        refund = Refund.objects.create(
            employer_id=employer_id,
            person_id=person_id,
            amount=amount,
            reason=reason.strip(),
            bank_account=bank_account.strip(),
            case=case,
        )
        audit.record(
            actor=actor,
            action="contribution.refund",
            target=refund,
            after={"amount": amount, "available": available},
            hall=_hall(case),
        )
    return refund


# --------------------------------------------------------------------------- deregistration


def employer_deregister(*, actor, employer_id: int, on: dt.date, reason: str = "", case=None):
    """单位注销 (REG03): refused while staff are active (registration) or contributions are
    owed (here), both checked with the employer locked; the deregistration itself is
    registration's ``employer_deregister``, in the same transaction."""
    with transaction.atomic():
        employer = lock_employer(employer_id)
        replay = case is not None and employer.deregistered_by_case_id == case.pk
        if employer.is_active and not replay:
            blockers = selectors.deregistration_blockers(employer)
            if blockers:
                raise ValidationError({"uscc": blockers})
        return registration_services.employer_deregister(
            actor=actor, employer_id=employer_id, on=on, reason=reason, case=case
        )


# --------------------------------------------------------------------------- credited months


def credited_months_record(
    *, actor, person, months: list[dict], source_agency: str, case, scheme: str = Scheme.PENSION
) -> list[CreditedMonth]:
    """Months paid elsewhere become held here (TRF02): ``months`` are ``{"month": "YYYY-MM",
    "base": …}``. A month already held (paid, owed or credited) is refused, never merged
    twice. Applied once per case. The transfer's own audit entry (``transfer.pension_in``,
    written by ``actor``'s completion) records the months credited."""
    with transaction.atomic():
        done = list(CreditedMonth.objects.filter(case=case))
        if done:
            return done
        overlap = selectors.held_months(person, scheme=scheme) & {m["month"] for m in months}
        if overlap:
            raise ValidationError(
                _("转入月份与本地已有缴费月份重叠：%(months)s。")
                % {"months": "、".join(month_ranges(overlap))}
            )
        return CreditedMonth.objects.bulk_create(
            [
                CreditedMonth(
                    person=person,
                    scheme=scheme,
                    period=dt.date.fromisoformat(m["month"] + "-01"),
                    base=Decimal(m["base"]),
                    source_agency=source_agency,
                    case=case,
                )
                for m in months
            ]
        )


# --------------------------------------------------------------------------- account


def account_post(
    *, actor, person_id: int, kind: str, amount, on: dt.date, note: str = "", case=None
) -> AccountEntry:
    """A line on the personal account (transfers in/out, payouts, adjustments). Debits are
    negative amounts; the balance may not go below zero."""
    amount = cents(amount)
    if kind in (AccountEntryKind.CONTRIBUTION, AccountEntryKind.INTEREST):
        raise ValueError("contribution and interest lines are posted by their own services")
    with transaction.atomic():
        # one line of an account at a time: lock the person before reading the balance
        lock_person(person_id)
        if amount < 0 and selectors.account_balance(person_id=person_id) + amount < 0:
            raise ValidationError({"amount": _("个人账户余额不足。")})
        entry = AccountEntry.objects.create(
            person_id=person_id, on=on, year=on.year, kind=kind, amount=amount, note=note, case=case
        )
        audit.record(
            actor=actor,
            action="account.post",
            target=entry,
            after={"kind": kind, "amount": amount, "on": on},
            hall=_hall(case),
        )
    return entry


def account_post_interest(*, actor, person_id: int, year: int):
    """The year's interest at ``pension.account_interest_rate``, on one date basis — the day
    money is credited to the account (``on``), whatever month it pays for: the opening
    balance (everything credited before 1 January, earlier interest included) for the whole
    year, plus each line credited during the year for the whole months left after the month
    it was credited (credited in month m earns (12 − m)/12 of the rate). Once per person and
    year. The rate is that of the person's region (``person.region``)."""
    with transaction.atomic():
        existing = AccountEntry.objects.filter(
            person_id=person_id, year=year, kind=AccountEntryKind.INTEREST
        ).first()
        if existing is not None:
            return existing
        year_end = dt.date(year, 12, 31)
        person = registration_selectors.person_get(person_id)
        reader = ParamReader(region=person.region, on=year_end)
        rate = reader.decimal("pension.account_interest_rate")
        opening = selectors.account_balance(person_id=person_id, on=dt.date(year - 1, 12, 31))
        weighted = ZERO
        for entry in AccountEntry.objects.filter(
            person_id=person_id, on__gte=dt.date(year, 1, 1), on__lte=year_end
        ):
            weighted += entry.amount * Decimal(12 - entry.on.month) / Decimal(12)
        interest = cents(opening * rate + weighted * rate)
        entry = AccountEntry.objects.create(
            person_id=person_id,
            on=year_end,
            year=year,
            kind=AccountEntryKind.INTEREST,
            amount=interest,
            note=_("%(year)d 年记账利率 %(rate)s") % {"year": year, "rate": rate},
        )
        audit.record(
            actor=actor,
            action="account.interest",
            target=entry,
            after={
                "year": year,
                "rate": rate,
                "opening": opening,
                "interest": interest,
                "parameters": reader.references(),
            },
        )
    return entry


def account_post_interest_to(*, actor, person_id: int, on: dt.date, case=None):
    """Post the year's interest up to ``on`` (``selectors.account_interest_to``) before the
    account is paid out in one sum (death, settling abroad); once per person and year, so
    nothing is posted when the year's interest is already in. None when there is none."""
    with transaction.atomic():
        person = lock_person(person_id)
        due = selectors.account_interest_to(person_id=person_id, on=on, region=person.region)
        if due.months == 0 or due.interest == ZERO:
            return None
        entry = AccountEntry.objects.create(
            person_id=person_id,
            on=on,
            year=on.year,
            kind=AccountEntryKind.INTEREST,
            amount=due.interest,
            note=_("%(year)d 年 1 至 %(month)d 月记账利息（利率 %(rate)s）")
            % {"year": on.year, "month": due.months, "rate": due.rate},
            case=case,
        )
        audit.record(
            actor=actor,
            action="account.interest",
            target=entry,
            before={"balance": selectors.account_balance(person_id=person_id) - due.interest},
            after={
                "year": on.year,
                "to": on,
                "rate": due.rate,
                "interest": due.interest,
                "parameters": due.parameters,
            },
            hall=_hall(case),
        )
    return entry
