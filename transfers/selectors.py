"""Reads on a person's contribution history as the hall holds it: the months of the
contribution ledger (contributions app) plus the months credited from other agencies
(transfers in). Used by the transfer handlers and by benefits (months, bases)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import QuerySet

from contributions import selectors as contributions
from counterhall.money import cents
from transfers.models import (
    CreditedMonth,
    PensionTransferIn,
    PensionTransferOut,
    UnemploymentTransfer,
)

PAID = "paid"


def open_unemployment_transfer_out(person):
    """An open TRF03 case moving the person's unemployment months out (those months must not
    be merged into a new claim meanwhile)."""
    from counterhall.models import OPEN_STATES, Case

    return (
        Case.objects.filter(
            person=person,
            state__in=OPEN_STATES,
            business_type__code="TRF03",
            payload__direction="out",
        )
        .order_by("pk")
        .first()
    )


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def credited_months(person, *, scheme: str = "pension") -> QuerySet[CreditedMonth]:
    return CreditedMonth.objects.filter(person=person, scheme=scheme).order_by("period")


def held_months(person, *, scheme: str = "pension") -> set[str]:
    """Every month the hall holds for the person in the scheme (``YYYY-MM``): assessed here
    (paid or owed) or credited from elsewhere."""
    own = contributions.contributions_of(person, scheme=scheme).values_list("period", flat=True)
    other = credited_months(person, scheme=scheme).values_list("period", flat=True)
    return {month_key(p) for p in own} | {month_key(p) for p in other}


def contribution_bases(person, *, scheme: str = "pension", since: dt.date | None = None):
    """(period, base) of every paid or credited month, in order."""
    own = contributions.contributions_of(person, scheme=scheme).filter(status=PAID)
    other = credited_months(person, scheme=scheme)
    if since is not None:
        own, other = own.filter(period__gte=since), other.filter(period__gte=since)
    rows = list(own.values_list("period", "base")) + list(other.values_list("period", "base"))
    return sorted(rows)


def contribution_months(person, *, scheme: str = "pension", since: dt.date | None = None) -> int:
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
    own = contributions.contributions_of(person, scheme="pension").filter(status=PAID)
    for period, base, individual, account in own.values_list(
        "period", "base", "individual_amount", "account_amount"
    ):
        row = years[period.year]
        row["months"] += 1
        row["wage_total"] += base
        row["individual"] += individual
        row["account"] += account
        row["sources"].add("")
    for month in credited_months(person, scheme="pension"):
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


def transfer_out_of(case) -> PensionTransferOut | None:
    return PensionTransferOut.objects.filter(case=case).select_related("person").first()


def transfer_in_of(case) -> PensionTransferIn | None:
    return PensionTransferIn.objects.filter(case=case).first()


def unemployment_transfer_of(case) -> UnemploymentTransfer | None:
    return UnemploymentTransfer.objects.filter(case=case).first()


def compress_months(months) -> list[str]:
    """["2020-01", "2020-02", "2020-03", "2021-05"] → ["2020-01～2020-03", "2021-05"]."""
    ordered = sorted(set(months))
    ranges: list[list[str]] = []

    def index(m: str) -> int:
        y, mo = m.split("-")
        return int(y) * 12 + int(mo)

    for m in ordered:
        if ranges and index(m) == index(ranges[-1][1]) + 1:
            ranges[-1][1] = m
        else:
            ranges.append([m, m])
    return [a if a == b else f"{a}～{b}" for a, b in ranges]
