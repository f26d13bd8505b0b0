"""Reads on benefit data, for the handlers, pages and other apps (transfers: the remaining
unemployment entitlement)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits import calculations as calc
from benefits.models import (
    FINAL_STOPS,
    ClaimStatus,
    FlexibleRetirement,
    PensionAward,
    TransferDirection,
    UnemploymentChange,
    UnemploymentClaim,
)
from contributions import selectors as contributions
from counterhall.months import add_months, first_of_month
from counterhall.params import ParamReader
from registration import selectors as registration

# Re-exported for other apps, which import only benefits.services / selectors.
__all__ = [
    "PensionRecord",
    "Retirement",
    "TransferDirection",
    "active_flexible_retirement",
    "awards_of_case",
    "change_of_case",
    "claim_of_case",
    "drawing_claim",
    "flexible_of_case",
    "last_separation",
    "latest_claim",
    "mergeable_claims",
    "open_unemployment_claim_cases",
    "open_unemployment_transfer_out",
    "original_years",
    "pension_award",
    "pension_record",
    "remaining_entitlement",
    "resumable_claim",
    "retirement_of",
    "statutory_retirement_for",
    "survivor_benefits",
    "unemployment_months_since_last_claim",
    "unused_months",
]


def original_years(person) -> tuple[str, int]:
    """(sex, original retirement age) from the person's explicit retirement category."""
    sex, years = person.retirement_category.split("_")
    return sex, int(years)


def active_flexible_retirement(person) -> FlexibleRetirement | None:
    return FlexibleRetirement.objects.filter(person=person, active=True).first()


@dataclass(frozen=True)
class Retirement:
    statutory: calc.RetirementAge
    date: dt.date  # the approved flexible date, else the statutory date
    age_years: int
    age_months: int
    flexible: FlexibleRetirement | None

    @property
    def start_month(self) -> dt.date:
        """Pension is paid from the month after retirement (次月起发)."""
        return add_months(first_of_month(self.date), 1)


def retirement_of(person, *, reader: ParamReader) -> Retirement:
    sex, years = original_years(person)
    statutory = calc.statutory_retirement_from_params(
        birth_date=person.birth_date, sex=sex, original_years=years, reader=reader
    )
    flexible = active_flexible_retirement(person)
    if flexible is not None:
        age_years, age_months = calc.age_at(person.birth_date, flexible.approved_date)
        return Retirement(statutory, flexible.approved_date, age_years, age_months, flexible)
    return Retirement(statutory, statutory.retirement_date, statutory.years, statutory.months, None)


@dataclass(frozen=True)
class PensionRecord:
    actual_months: int
    deemed_months: int
    index: Decimal
    account_balance: Decimal

    @property
    def total_months(self) -> int:
        return self.actual_months + self.deemed_months


def pension_record(person, *, region: str) -> PensionRecord:
    """What the hall holds for a pension: paid and credited months, deemed months, the
    average contribution index (each month's base over that year's average wage, clamped to
    the base bounds; deemed months at ``pension.deemed_index``) and the account balance."""
    bases = contributions.contribution_bases(person, scheme=registration.Scheme.PENSION)
    ratios: list[Decimal] = []
    wages: dict[int, Decimal] = {}
    floor = ceiling = None
    for period, base in bases:
        if period.year not in wages:
            reader = ParamReader(region=region, on=dt.date(period.year, 1, 1))
            wages[period.year] = reader.decimal("base.avg_wage")
            floor, ceiling = (
                reader.decimal("base.floor_ratio"),
                reader.decimal("base.ceiling_ratio"),
            )
        ratios.append(base / wages[period.year])
    today = ParamReader(region=region, on=timezone.localdate())
    if floor is None:
        floor, ceiling = today.decimal("base.floor_ratio"), today.decimal("base.ceiling_ratio")
    ratios += [today.decimal("pension.deemed_index")] * person.deemed_months
    if not ratios:
        raise ValidationError(_("%(name)s 没有缴费记录。") % {"name": person.name})
    index = calc.average_contribution_index(ratios, floor=floor, ceiling=ceiling)
    return PensionRecord(
        actual_months=len({p for p, _b in bases}),
        deemed_months=person.deemed_months,
        index=index,
        account_balance=contributions.account_balance(person_id=person.pk),
    )


def pension_award(person) -> PensionAward | None:
    return PensionAward.objects.filter(person=person).first()


def awards_of_case(case):
    return PensionAward.objects.filter(case=case).select_related("person").order_by("pk")


def flexible_of_case(case) -> FlexibleRetirement | None:
    return FlexibleRetirement.objects.filter(case=case).first()


# --------------------------------------------------------------------------- unemployment


def drawing_claim(person) -> UnemploymentClaim | None:
    return UnemploymentClaim.objects.filter(person=person, status=ClaimStatus.DRAWING).first()


def latest_claim(person) -> UnemploymentClaim | None:
    return (
        UnemploymentClaim.objects.filter(person=person)
        .exclude(status=ClaimStatus.TRANSFERRED_IN)
        .order_by("-created_at", "-pk")
        .first()
    )


def resumable_claim(person) -> UnemploymentClaim | None:
    """The latest claim if it is stopped for a reason that allows payment to resume."""
    claim = latest_claim(person)
    if (
        claim is not None
        and claim.status == ClaimStatus.STOPPED
        and claim.stop_reason not in FINAL_STOPS
        and claim.merged_into_id is None
    ):
        return claim
    return None


def mergeable_claims(person, *, on: dt.date) -> list[UnemploymentClaim]:
    """Earlier spells with unused months that a new claim may merge (once)."""
    claims = UnemploymentClaim.objects.filter(
        person=person,
        status__in=[ClaimStatus.STOPPED, ClaimStatus.TRANSFERRED_IN],
        merged_into__isnull=True,
    ).exclude(stop_reason__in=FINAL_STOPS)
    return [c for c in claims if c.remaining_months(on) > 0]


def unused_months(person, *, on: dt.date) -> int:
    return sum(c.remaining_months(on) for c in mergeable_claims(person, on=on))


def unemployment_months_since_last_claim(person) -> int:
    """Unemployment contribution months, counted afresh after the start of the last claim
    (rules.md §1.2: after re-employment contribution time counts anew)."""
    last = latest_claim(person)
    since = None
    if last is not None and last.start_month is not None:
        since = last.start_month
    return contributions.contribution_months(
        person, scheme=registration.Scheme.UNEMPLOYMENT, since=since
    )


def last_separation(person):
    spells = [e for e in registration.employment_history(person) if e.end is not None]
    return max(spells, key=lambda e: e.end) if spells else None


def claim_of_case(case) -> UnemploymentClaim | None:
    return UnemploymentClaim.objects.filter(case=case).first()


def change_of_case(case) -> UnemploymentChange | None:
    return UnemploymentChange.objects.filter(case=case).select_related("claim").first()


def open_unemployment_claim_cases(person) -> list:
    """Open BEN03 cases of the person (their frozen figures may merge unused months)."""
    from counterhall.models import OPEN_STATES, Case

    return list(
        Case.objects.filter(person=person, state__in=OPEN_STATES, business_type__code="BEN03")
        .select_related("business_type")
        .order_by("pk")
    )


def open_unemployment_transfer_out(person):
    """An open TRF03 case moving the person's unemployment months out (those months must not
    be merged into a new claim meanwhile)."""
    from counterhall.models import OPEN_STATES, Case

    return (
        Case.objects.filter(
            person=person,
            state__in=OPEN_STATES,
            business_type__code="TRF03",
            payload__direction=TransferDirection.OUT,
        )
        .order_by("pk")
        .first()
    )


def remaining_entitlement(person, *, on: dt.date) -> tuple[int, list[UnemploymentClaim]]:
    """Months still to be drawn here: the drawing claim's remainder plus mergeable unused
    months (what an unemployment-insurance transfer out moves)."""
    claims = [c for c in [drawing_claim(person)] if c] + mergeable_claims(person, on=on)
    return sum(c.remaining_months(on) for c in claims), claims


def survivor_benefits(*, reader: ParamReader, contribution_months: int) -> calc.Survivor:
    """The funeral grant and survivor payment of rules.md §1.6 (death in service, SPC01; death
    while drawing, BEN04) from the parameters in force on the date of death."""
    return calc.survivor_from_params(reader=reader, contribution_months=contribution_months)


def statutory_retirement_for(
    *, birth_date: dt.date, retirement_category: str, reader: ParamReader
) -> calc.RetirementAge:
    """The statutory retirement age and date (rules.md §1.8) of a birth date and explicit
    retirement category — for core data not yet saved (SPC03's before and after)."""
    sex, years = retirement_category.split("_")
    return calc.statutory_retirement_from_params(
        birth_date=birth_date, sex=sex, original_years=int(years), reader=reader
    )
