"""A throw-away business-type handler for the core's tests (the real ones live in the apps)."""

from decimal import Decimal

from django import forms

from counterhall.money import cents
from counterhall.registry import BusinessTypeHandler


class AmountForm(forms.Form):
    amount = forms.DecimalField(label="金额", min_value=Decimal("0"), decimal_places=2)

    def __init__(self, data=None, *, case, **kwargs):
        super().__init__(data, **kwargs)
        self.case = case


def compute(case) -> dict:
    amount = cents(case.payload["amount"])
    return {"amount": amount, "double": cents(amount * 2), "parameters": []}


APPLIED: list[int] = []


def apply(case, actor) -> None:
    APPLIED.append(case.pk)


def handler(code: str) -> BusinessTypeHandler:
    return BusinessTypeHandler(code=code, form_class=AmountForm, compute=compute, apply=apply)
