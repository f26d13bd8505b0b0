"""Business-type handlers TRF01–TRF03 (contract: docs/architecture.md)."""

from __future__ import annotations

from decimal import Decimal

from counterhall import registry
from registration import selectors as registration
from transfers import assessments, forms, services


def trf01_figures(case, p: dict, subject) -> dict:
    return assessments.assess_transfer_out(
        person=subject.person,
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


def trf02_figures(case, p: dict, subject) -> dict:
    return assessments.assess_transfer_in(
        person=subject.person,
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


def trf03_figures(case, p: dict, subject) -> dict:
    return assessments.assess_unemployment_transfer(
        person=subject.person,
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


HANDLERS = (
    registry.BusinessTypeHandler(
        code="TRF01",
        form_class=forms.TransferOutForm,
        figures=trf01_figures,
        apply=trf01_apply,
        template="transfers/case_form.html",
        figures_template="transfers/figures_trf01.html",
    ),
    registry.BusinessTypeHandler(
        code="TRF02",
        form_class=forms.TransferInForm,
        figures=trf02_figures,
        apply=trf02_apply,
        template="transfers/case_form.html",
        figures_template="transfers/figures_trf02.html",
    ),
    registry.BusinessTypeHandler(
        code="TRF03",
        form_class=forms.UnemploymentTransferForm,
        figures=trf03_figures,
        apply=trf03_apply,
        template="transfers/case_form.html",
        figures_template="transfers/figures_trf03.html",
    ),
)
