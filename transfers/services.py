"""Writes on transfer data, keyword-only with the acting user, one transaction each with its
audit entry; called by the handlers' ``apply`` inside the ``complete`` transaction. Effects
keyed by their case are applied once."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits import services as benefits
from contributions import services as contributions
from contributions.selectors import AccountEntryKind
from counterhall import audit
from counterhall.months import month_ranges
from registration import services as registration
from registration.selectors import PersonStatus, Scheme
from transfers.models import (
    Direction,
    PensionTransferIn,
    PensionTransferOut,
    UnemploymentTransfer,
)


def pension_transfer_out_record(*, actor, case, person, figures: dict) -> PensionTransferOut:
    """TRF01: the certificate and amounts from the frozen figures; the account is debited
    when funds move; the person's relationship here ends (status transferred out)."""
    with transaction.atomic():
        done = PensionTransferOut.objects.filter(case=case).first()
        if done is not None:
            return done
        amounts = figures["amounts"]
        record = PensionTransferOut.objects.create(
            person=person,
            case=case,
            receiving_agency=figures["receiving_agency"],
            receiving_region=figures["receiving_region"],
            certificate={"years": figures["years"], "totals": figures["totals"]},
            account_transfer=Decimal(amounts["account_transfer"]),
            pooled_transfer=Decimal(amounts["pooled_transfer"]),
            funds_move=figures["funds_move"],
        )
        today = timezone.localdate()
        if record.funds_move and record.account_transfer > 0:
            contributions.account_post(
                actor=actor,
                person_id=person.pk,
                kind=AccountEntryKind.TRANSFER_OUT,
                amount=-record.account_transfer,
                on=today,
                note=_("转出至 %(agency)s") % {"agency": record.receiving_agency},
                case=case,
            )
        audit.record(
            actor=actor,
            action="transfer.pension_out",
            target=record,
            after={
                "receiving_agency": record.receiving_agency,
                "account_transfer": record.account_transfer,
                "pooled_transfer": record.pooled_transfer,
                "funds_move": record.funds_move,
            },
            note=case.number,
            hall=case.hall,
        )
        registration.person_close_enrollments(
            actor=actor,
            person_id=person.pk,
            on=today,
            reason=_("养老保险关系转出"),
            status=PersonStatus.TRANSFERRED_OUT,
            case=case,
        )
    return record


def pension_transfer_in_record(*, actor, case, person, figures: dict) -> PensionTransferIn:
    """TRF02: the incoming months are credited (a month already held here is refused, never
    merged twice) and the account balance is booked."""
    with transaction.atomic():
        done = PensionTransferIn.objects.filter(case=case).first()
        if done is not None:
            return done
        months = figures["months"]
        contributions.credited_months_record(
            actor=actor,
            person=person,
            months=months,
            source_agency=figures["sending_agency"],
            case=case,
            scheme=Scheme.PENSION,
        )
        record = PensionTransferIn.objects.create(
            person=person,
            case=case,
            sending_agency=figures["sending_agency"],
            sending_region=figures["sending_region"],
            months=len(months),
            account_amount=Decimal(figures["account_amount"]),
            pooled_amount=Decimal(figures["pooled_amount"]),
        )
        if record.account_amount > 0:
            contributions.account_post(
                actor=actor,
                person_id=person.pk,
                kind=AccountEntryKind.TRANSFER_IN,
                amount=record.account_amount,
                on=timezone.localdate(),
                note=_("自 %(agency)s 转入") % {"agency": record.sending_agency},
                case=case,
            )
        audit.record(
            actor=actor,
            action="transfer.pension_in",
            target=record,
            after={
                "sending_agency": record.sending_agency,
                "months": record.months,
                "ranges": month_ranges(m["month"] for m in months),
                "account_amount": record.account_amount,
                "pooled_amount": record.pooled_amount,
            },
            note=case.number,
            hall=case.hall,
        )
    return record


def unemployment_transfer_record(*, actor, case, person, figures: dict) -> UnemploymentTransfer:
    """TRF03: the remaining entitlement months frozen on the case move out (ended here) or in
    (kept for merging)."""
    with transaction.atomic():
        done = UnemploymentTransfer.objects.filter(case=case).first()
        if done is not None:
            return done
        agency = figures["other_agency"]
        if figures["direction"] == Direction.OUT:
            months = benefits.unemployment_transfer_out(
                actor=actor,
                case=case,
                person=person,
                on=timezone.localdate(),
                agency=agency,
                claim_ids=figures["claims"],
                months=figures["months"],
            )
        else:
            months = figures["months"]
            benefits.unemployment_transfer_in(
                actor=actor, case=case, person=person, months=months, agency=agency
            )
        record = UnemploymentTransfer.objects.create(
            person=person,
            case=case,
            direction=figures["direction"],
            other_agency=agency,
            months=months,
        )
        audit.record(
            actor=actor,
            action="transfer.unemployment",
            target=record,
            after={"direction": record.direction, "months": months, "agency": agency},
            note=case.number,
            hall=case.hall,
        )
    return record
