"""Reads on contribution master data, for pages, handlers and other apps (benefits, transfers:
contribution months, bases, the account balance)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from contributions import calc
from contributions.models import (
    AccountEntry,
    AssessmentBill,
    BillStatus,
    Contribution,
    ContributionStatus,
    DeclaredBase,
    Refund,
)
from counterhall.money import cents
from counterhall.params import ParamReader

ZERO = Decimal("0")


def base_for(*, person, employer, year: int) -> Decimal | None:
    """The base in force for a year: that year's declaration, else the latest earlier one."""
    row = (
        DeclaredBase.objects.filter(person=person, employer=employer, year__lte=year)
        .order_by("-year")
        .first()
    )
    return row.base if row else None


def flexible_base(*, worker, reader: ParamReader) -> Decimal:
    """A flexible worker's base: the chosen level × the average wage, within floor/ceiling."""
    avg = reader.decimal("base.avg_wage")
    base, _side, _b = calc.clamp_base(avg * worker.base_ratio, reader)
    return base


def declared_bases(person) -> QuerySet[DeclaredBase]:
    return DeclaredBase.objects.filter(person=person).select_related("employer").order_by("year")


def contributions_of(person, *, scheme: str | None = None) -> QuerySet[Contribution]:
    qs = Contribution.objects.filter(person=person)
    if scheme:
        qs = qs.filter(scheme=scheme)
    return qs.order_by("period")


def paid_months(person, *, scheme: str = "pension") -> int:
    """Months with a paid contribution in a scheme (actual, not deemed)."""
    return (
        Contribution.objects.filter(person=person, scheme=scheme, status=ContributionStatus.PAID)
        .values("period")
        .distinct()
        .count()
    )


def account_balance(*, person_id: int, on: dt.date | None = None) -> Decimal:
    qs = AccountEntry.objects.filter(person_id=person_id)
    if on is not None:
        qs = qs.filter(on__lte=on)
    return cents(qs.aggregate(s=Sum("amount"))["s"] or ZERO)


def account_entries(person) -> QuerySet[AccountEntry]:
    return AccountEntry.objects.filter(person=person).order_by("on", "pk")


def unpaid_bills(*, employer=None, person=None) -> QuerySet[AssessmentBill]:
    qs = AssessmentBill.objects.filter(status=BillStatus.OWED)
    if employer is not None:
        qs = qs.filter(employer=employer)
    if person is not None:
        qs = qs.filter(person=person, employer__isnull=True)
    return qs.order_by("period")


def arrears_total(*, employer=None, person=None) -> Decimal:
    qs = unpaid_bills(employer=employer, person=person)
    total = qs.aggregate(s=Sum(F("total") - F("amount_paid")))["s"] or ZERO
    return cents(total)


def arrears_blocker(employer) -> str | None:
    """For registration's deregistration check: unpaid arrears block it."""
    amount = arrears_total(employer=employer)
    if amount > 0:
        return _("该单位尚有欠缴 %(amount)s 元未清缴，不能注销。") % {"amount": amount}
    return None


def overpaid_available(*, employer_id: int | None = None, person_id: int | None = None) -> Decimal:
    """Paid beyond what the bills assessed, minus refunds already recorded."""
    bills = AssessmentBill.objects.filter(amount_paid__gt=F("total"))
    refunds = Refund.objects.all()
    if employer_id is not None:
        bills, refunds = (
            bills.filter(employer_id=employer_id),
            refunds.filter(employer_id=employer_id),
        )
    else:
        bills = bills.filter(person_id=person_id, employer__isnull=True)
        refunds = refunds.filter(person_id=person_id, employer__isnull=True)
    over = bills.aggregate(s=Sum(F("amount_paid") - F("total")))["s"] or ZERO
    refunded = refunds.aggregate(s=Sum("amount"))["s"] or ZERO
    return cents(max(over - refunded, ZERO))


def bills(*, employer=None, person=None) -> QuerySet[AssessmentBill]:
    qs = AssessmentBill.objects.select_related("employer", "person")
    if employer is not None:
        qs = qs.filter(employer=employer)
    if person is not None:
        qs = qs.filter(Q(person=person))
    return qs.order_by("-period", "pk")


def assessed_months(*, person, months: list[dt.date]) -> list[str]:
    """Which of these months already have an assessed contribution for the person."""
    taken = (
        Contribution.objects.filter(person=person, period__in=months)
        .values_list("period", flat=True)
        .distinct()
    )
    return sorted({f"{p:%Y-%m}" for p in taken})


def account_holders(*, until_year: int) -> list[int]:
    """Persons with any account entry credited up to the end of a year."""
    return list(
        AccountEntry.objects.filter(on__lte=dt.date(until_year, 12, 31))
        .values_list("person_id", flat=True)
        .distinct()
        .order_by("person_id")
    )
