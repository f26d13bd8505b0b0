"""Writes of special business. Keyword-only, with the acting user, one transaction with the
audit entry. Master data changes go through the owning apps' services (registration,
contributions); this module writes only its own rows (``Payout``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from counterhall import audit
from special_ops.models import Payout


def payouts_record(*, actor, case, person, cause: str, rows: list[dict], on: dt.date) -> list:
    """Record one payout row per payee of a completed case, once: the rows of this case are
    returned when they exist; a payout of the same person and cause by another case is
    refused with that case's number."""
    with transaction.atomic():
        done = list(Payout.objects.filter(case=case).order_by("pk"))
        if done:
            return done
        earlier = (
            Payout.objects.select_related("case")
            .filter(person=person, cause=cause)
            .exclude(case=case)
            .first()
        )
        if earlier is not None:
            raise ValidationError(
                _("此人员的该项待遇已由业务 %(number)s 支付，不能重复支付。")
                % {"number": earlier.case.number}
            )
        created = []
        for row in rows:
            payout = Payout.objects.create(
                case=case,
                person=person,
                cause=cause,
                payee_name=row["name"],
                payee_id_number=row["id_number"],
                relation=row.get("relation", ""),
                share=Decimal(str(row["share"])),
                bank_account=row["bank_account"],
                bank_name=row.get("bank_name", ""),
                funeral_grant=Decimal(str(row.get("funeral_grant", "0"))),
                survivor_payment=Decimal(str(row.get("survivor_payment", "0"))),
                account_amount=Decimal(str(row.get("account_amount", "0"))),
                amount=Decimal(str(row["amount"])),
                paid_on=on,
            )
            audit.record(
                actor=actor,
                action="payout.record",
                target=payout,
                after={
                    "case": case.number,
                    "cause": cause,
                    "payee": payout.payee_name,
                    "amount": payout.amount,
                    "bank_account": payout.bank_account_masked,
                },
                note=case.number,
                hall=case.hall,
            )
            created.append(payout)
    return created


def notice_print(*, actor, case) -> None:
    """Record that the SPC02 written notice (the applicant's right to keep the account and
    what ending the relationship loses) was printed for the applicant (rules.md §1.7)."""
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="abroad.notice_print",
            target=case,
            after={"case": case.number},
            hall=case.hall,
        )
