"""A throw-away business-type handler for the core's tests (the real ones live in the apps)."""

from decimal import Decimal

from django import forms

from counterhall.forms import BusinessForm
from counterhall.money import cents
from counterhall.registry import BusinessTypeHandler


class AmountForm(BusinessForm):
    amount = forms.DecimalField(label="金额", min_value=Decimal("0"), decimal_places=2)


def figures(case, payload, subject) -> dict:
    amount = cents(payload["amount"])
    return {"amount": amount, "double": cents(amount * 2), "parameters": []}


def handler(code: str, *, applied: list[int] | None = None) -> BusinessTypeHandler:
    """The test handler for ``code``; its ``apply`` adds the case's id to ``applied``."""

    def apply(case, actor) -> None:
        if applied is not None:
            applied.append(case.pk)

    return BusinessTypeHandler(code=code, form_class=AmountForm, figures=figures, apply=apply)
