"""Every calculation preview defaults ``region`` to the caller's hall; a signed-in user without
a hall (a superuser without a staff profile) must give it: 400 at ``region``, never a 500."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.benefits.test_calculation_api import PENSION

PREVIEWS = [
    ("retirement", {"birth_date": "1970-01-01", "sex": "male", "original_retirement_age": 60}),
    ("pension", PENSION),
    ("unemployment", {"contribution_months": 24}),
    ("transfer", {"account_balance": "1000", "yearly_wages": []}),
    ("contribution", {"period": "2026-01", "declared_wage": "5000"}),
]


@pytest.fixture
def root_api(db):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("name", "data"), PREVIEWS)
def test_a_caller_without_a_hall_must_give_the_region(root_api, name, data):
    response = root_api.post(f"/api/v1/calculations/{name}/", data, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["region"] == ["请填写行政区划代码。"]


@pytest.mark.parametrize(("name", "data"), PREVIEWS)
def test_a_caller_without_a_hall_may_give_the_region(root_api, name, data):
    response = root_api.post(
        f"/api/v1/calculations/{name}/", {**data, "region": "222424"}, format="json"
    )
    assert response.status_code == 200
