"""Business-type handlers TRF01–TRF03 (contract: docs/architecture.md)."""

from __future__ import annotations

from decimal import Decimal

from counterhall import registry
from registration import selectors as registration
from transfers import assessments, forms, services


def _person(case):
    return registration.find_person(case.payload["id_number"])


def trf01_compute(case) -> dict:
    p = case.payload
    return assessments.assess_transfer_out(
        person=_person(case),
        case=case,
        receiving_agency=p["receiving_agency"],
        receiving_region=p["receiving_region"],
    )


def trf01_apply(case, actor) -> None:
    services.pension_transfer_out_record(
        actor=actor,
        case=case,
        person=registration.person_get(case.figures["person_id"]),
        figures=case.figures,
    )


def trf02_compute(case) -> dict:
    p = case.payload
    return assessments.assess_transfer_in(
        person=_person(case),
        case=case,
        sending_agency=p["sending_agency"],
        sending_region=p["sending_region"],
        periods=p["periods"],
        account_amount=Decimal(p["account_amount"]),
        pooled_amount=Decimal(p["pooled_amount"]),
    )


def trf02_apply(case, actor) -> None:
    services.pension_transfer_in_record(
        actor=actor,
        case=case,
        person=registration.person_get(case.figures["person_id"]),
        figures=case.figures,
    )


def trf03_compute(case) -> dict:
    p = case.payload
    return assessments.assess_unemployment_transfer(
        person=_person(case),
        case=case,
        direction=p["direction"],
        other_agency=p["other_agency"],
        months=p.get("months"),
    )


def trf03_apply(case, actor) -> None:
    services.unemployment_transfer_record(
        actor=actor,
        case=case,
        person=registration.person_get(case.figures["person_id"]),
        figures=case.figures,
    )


def register() -> None:
    for handler in (
        registry.BusinessTypeHandler(
            code="TRF01",
            form_class=forms.TransferOutForm,
            compute=trf01_compute,
            apply=trf01_apply,
            attach=registry.attach_person,
            template="transfers/case_form.html",
            figures_template="transfers/figures_trf01.html",
        ),
        registry.BusinessTypeHandler(
            code="TRF02",
            form_class=forms.TransferInForm,
            compute=trf02_compute,
            apply=trf02_apply,
            attach=registry.attach_person,
            template="transfers/case_form.html",
            figures_template="transfers/figures_trf02.html",
        ),
        registry.BusinessTypeHandler(
            code="TRF03",
            form_class=forms.UnemploymentTransferForm,
            compute=trf03_compute,
            apply=trf03_apply,
            attach=registry.attach_person,
            template="transfers/case_form.html",
            figures_template="transfers/figures_trf03.html",
        ),
    ):
        registry.register(handler)
