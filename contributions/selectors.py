"""Reads on contribution master data, for pages, handlers and other apps (benefits, transfers:
the contribution history — months paid here or credited from elsewhere, bases, the yearly
certificate rows — and the account balance)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from contributions import calc
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
    RefundStatus,
)
from counterhall.money import cents
from counterhall.months import month_key
from counterhall.params import ParameterMissing, ParamReader
from registration import selectors as people
from registration.selectors import Scheme

# Re-exported for other apps, which import only contributions.services / selectors.
__all__ = [
    "AccountEntryKind",
    "BillKind",
    "BillStatus",
    "ContributionStatus",
    "InterestToDate",
    "RefundStatus",
    "account_balance",
    "account_entries",
    "account_holders",
    "account_interest_to",
    "arrears_total",
    "assessed_months",
    "base_for",
    "bills",
    "contribution_bases",
    "contribution_months",
    "contributions_of",
    "credited_months",
    "declared_bases",
    "deregistration_blockers",
    "employer_summary",
    "flexible_base",
    "held_months",
    "last_paid_month",
    "overpaid_available",
    "paid_months",
    "unpaid_bills",
    "yearly_history",
]

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


def credited_months(person, *, scheme: str = Scheme.PENSION) -> QuerySet[CreditedMonth]:
    return CreditedMonth.objects.filter(person=person, scheme=scheme).order_by("period")


def held_months(person, *, scheme: str = Scheme.PENSION) -> set[str]:
    """Every month the hall holds for the person in the scheme (``YYYY-MM``): assessed here
    (paid or owed) or credited from elsewhere."""
    own = contributions_of(person, scheme=scheme).values_list("period", flat=True)
    other = credited_months(person, scheme=scheme).values_list("period", flat=True)
    return {month_key(p) for p in own} | {month_key(p) for p in other}


def contribution_bases(person, *, scheme: str = Scheme.PENSION, since: dt.date | None = None):
    """(period, base) of every paid or credited month, in order."""
    own = contributions_of(person, scheme=scheme).filter(status=ContributionStatus.PAID)
    other = credited_months(person, scheme=scheme)
    if since is not None:
        own, other = own.filter(period__gte=since), other.filter(period__gte=since)
    rows = list(own.values_list("period", "base")) + list(other.values_list("period", "base"))
    return sorted(rows)


def contribution_months(
    person, *, scheme: str = Scheme.PENSION, since: dt.date | None = None
) -> int:
    """Paid months here plus months credited from elsewhere (deemed months not included)."""
    return len({p for p, _b in contribution_bases(person, scheme=scheme, since=since)})


def yearly_history(person) -> list[dict]:
    """The pension contribution certificate's rows: per year, the months, the contribution
    wage total (sum of monthly bases), the individual contributions and the account credits,
    and where the months were paid."""
    years: dict[int, dict] = defaultdict(
        lambda: {
            "months": 0,
            "wage_total": Decimal("0"),
            "individual": Decimal("0"),
            "account": Decimal("0"),
            "sources": set(),
        }
    )
    own = contributions_of(person, scheme=Scheme.PENSION).filter(status=ContributionStatus.PAID)
    for period, base, individual, account in own.values_list(
        "period", "base", "individual_amount", "account_amount"
    ):
        row = years[period.year]
        row["months"] += 1
        row["wage_total"] += base
        row["individual"] += individual
        row["account"] += account
        row["sources"].add("")
    for month in credited_months(person, scheme=Scheme.PENSION):
        row = years[month.period.year]
        row["months"] += 1
        row["wage_total"] += month.base
        row["sources"].add(month.source_agency)
    return [
        {
            "year": year,
            "months": row["months"],
            "wage_total": cents(row["wage_total"]),
            "average_base": cents(row["wage_total"] / row["months"]),
            "individual": cents(row["individual"]),
            "account": cents(row["account"]),
            "sources": sorted(s for s in row["sources"] if s),
        }
        for year, row in sorted(years.items())
    ]


def paid_months(person, *, scheme: str = Scheme.PENSION) -> int:
    """Months with a paid contribution in a scheme (actual, not deemed)."""
    return (
        Contribution.objects.filter(person=person, scheme=scheme, status=ContributionStatus.PAID)
        .values("period")
        .distinct()
        .count()
    )


def last_paid_month(person, *, scheme: str = Scheme.PENSION) -> dt.date | None:
    """The latest month (its first day) with a paid contribution in the scheme, or None."""
    return (
        Contribution.objects.filter(person=person, scheme=scheme, status=ContributionStatus.PAID)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )


def account_balance(*, person_id: int, on: dt.date | None = None) -> Decimal:
    qs = AccountEntry.objects.filter(person_id=person_id)
    if on is not None:
        qs = qs.filter(on__lte=on)
    return cents(qs.aggregate(s=Sum("amount"))["s"] or ZERO)


@dataclass(frozen=True)
class InterestToDate:
    """The year's interest from 1 January to a date (death, payout), not yet posted."""

    interest: Decimal
    rate: Decimal
    months: int
    parameters: list


def _published_rate(year: int, region: str, *, back: int = 2) -> tuple[ParamReader, Decimal]:
    """The rate of ``year``, else of the latest of the ``back`` years before it."""
    missing = None
    for earlier in range(year, year - back - 1, -1):
        reader = ParamReader(region=region, on=dt.date(earlier, 12, 31))
        try:
            return reader, reader.decimal("pension.account_interest_rate")
        except ParameterMissing as exc:
            missing = missing or exc
    raise missing


def account_interest_to(*, person_id: int, on: dt.date, region: str) -> InterestToDate:
    """The account's interest of ``on``'s year, earned from 1 January to the end of the month
    of ``on``, by the rule of ``contributions.services.account_post_interest`` with ``k`` =
    that month instead of 12: the opening balance for k/12 of the rate, each line credited
    in month m of the year for (k − m)/12 (none when the year's interest is already posted).
    The year's rate is published the next year; until then the latest rate published, of at
    most two years before, is used (its version is in ``parameters``)."""
    year, k = on.year, on.month
    if AccountEntry.objects.filter(
        person_id=person_id, year=year, kind=AccountEntryKind.INTEREST
    ).exists():
        return InterestToDate(ZERO, ZERO, 0, [])
    reader, rate = _published_rate(year, region)
    opening = account_balance(person_id=person_id, on=dt.date(year - 1, 12, 31))
    weighted = opening * Decimal(k)
    for amount, credited in AccountEntry.objects.filter(
        person_id=person_id, on__gte=dt.date(year, 1, 1), on__lte=on
    ).values_list("amount", "on"):
        weighted += amount * Decimal(max(k - credited.month, 0))
    interest = cents(weighted * rate / Decimal(12))
    return InterestToDate(interest, rate, k, reader.references())


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


def deregistration_blockers(employer) -> list[str]:
    """Why this employer cannot be deregistered now (REG03; empty when it can): registration's
    reasons (active staff), then unpaid arrears."""
    reasons = people.deregistration_blockers(employer)
    amount = arrears_total(employer=employer)
    if amount > 0:
        reasons.append(_("该单位尚有欠缴 %(amount)s 元未清缴，不能注销。") % {"amount": amount})
    return reasons


def employer_summary(employer) -> dict:
    """registration's employer card, with every reason a deregistration is blocked."""
    summary = people.employer_summary(employer)
    if employer.is_active:
        summary["blockers"] = deregistration_blockers(employer)
    return summary


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
