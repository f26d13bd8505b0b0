"""The probe's own examples, each refused at its field with the bounds' sentence."""

import pytest

from counterhall.bounds import DATE_MAX, DATE_MIN, bound_form_fields
from tests.badinput.test_api import BODIES, CALC, problem_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_as, teller):
    return api_as(teller)


@pytest.mark.parametrize(
    ("name", "field", "value", "fragment"),
    [
        ("arrears", "paid_date", "9999-01-01", "2099-12-31"),  # arrears paid in 9999
        ("arrears", "due_date", "1899-12-31", "1900-01-01"),
        ("pension", "retirement_month", "9999-12", "2099-12-31"),  # a retirement month 9999-12
        ("pension", "contribution_months", 10**18, "9999"),  # 10^18 contribution months
        ("unemployment", "contribution_months", 10**18, "9999"),
        ("pension", "average_contribution_index", "-1", "负数"),
        ("contribution", "period", "0001-01", "1900-01-01"),
    ],
)
def test_the_probes_examples_are_field_messages(api, name, field, value, fragment):
    r = api.post(f"{CALC}{name}/", {**BODIES[name], field: value}, format="json")
    assert any(fragment in m for m in problem_at(r, field)), r.json()


def test_a_form_field_keeps_its_own_bounds_first():
    from django import forms

    class F(forms.Form):
        year = forms.IntegerField(min_value=1998, max_value=2100)
        months = forms.IntegerField()
        amount = forms.DecimalField(max_digits=14, decimal_places=2)
        day = forms.DateField()

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            bound_form_fields(self.fields)

    form = F({"year": "1000", "months": "10000", "amount": "-5", "day": "9999-12-31"})
    assert not form.is_valid()
    assert "1998" in form.errors["year"][0]
    assert "9999" in form.errors["months"][0]
    assert "负数" in form.errors["amount"][0]
    assert str(DATE_MIN) in form.errors["day"][0] and str(DATE_MAX) in form.errors["day"][0]
    assert F({"year": "2000", "months": "600", "amount": "5", "day": "2026-01-01"}).is_valid()
