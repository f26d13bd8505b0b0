"""Reads on transfer records. The contribution history a transfer certifies or merges into
(paid and credited months, the yearly certificate rows) is read from contributions.selectors."""

from __future__ import annotations

from transfers.models import PensionTransferIn, PensionTransferOut, UnemploymentTransfer


def transfer_out_of(case) -> PensionTransferOut | None:
    return PensionTransferOut.objects.filter(case=case).select_related("person").first()


def transfer_in_of(case) -> PensionTransferIn | None:
    return PensionTransferIn.objects.filter(case=case).first()


def unemployment_transfer_of(case) -> UnemploymentTransfer | None:
    return UnemploymentTransfer.objects.filter(case=case).first()
