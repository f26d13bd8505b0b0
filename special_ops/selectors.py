"""Reads on special business: payouts already made, the deceased's open cases, the day's
payment list."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from counterhall.models import OPEN_STATES, AuditEntry, Case
from special_ops.models import Payout, PayoutCause

__all__ = [
    "PayoutCause",
    "earlier_payout",
    "notice_printed_on",
    "open_cases_of",
    "payouts_of_case",
    "payouts_on",
]


def earlier_payout(person, cause: str) -> Payout | None:
    """The payout already made for this person and cause (its case names the earlier case)."""
    return (
        Payout.objects.filter(person=person, cause=cause).select_related("case").first()
        if person is not None
        else None
    )


def open_cases_of(person, *, exclude_case=None) -> QuerySet[Case]:
    """The person's cases not yet completed, rejected or withdrawn (any hall), but this one."""
    qs = Case.objects.filter(person=person, state__in=OPEN_STATES).select_related("business_type")
    if exclude_case is not None:
        qs = qs.exclude(pk=exclude_case.pk)
    return qs.order_by("created_at", "pk")


def payouts_of_case(case) -> QuerySet[Payout]:
    return Payout.objects.filter(case=case).order_by("pk")


def payouts_on(day: dt.date, *, hall) -> QuerySet[Payout]:
    """The hall's payouts of the day (支付清单), in case order."""
    return (
        Payout.objects.filter(paid_on=day, case__hall=hall)
        .select_related("case", "person", "case__business_type")
        .order_by("case__number", "pk")
    )


def notice_printed_on(case) -> dt.date | None:
    """The day the SPC02 written notice was first printed for the case (its audit entry)."""
    entry = (
        AuditEntry.objects.filter(
            action="abroad.notice_print",
            target_type=case._meta.label_lower,
            target_id=str(case.pk),
        )
        .order_by("at", "pk")
        .first()
    )
    return timezone.localtime(entry.at).date() if entry is not None else None
