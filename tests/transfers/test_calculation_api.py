"""The transfer preview under /api/v1/calculations/transfer/."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api(teller):
    client = APIClient()
    client.force_login(teller)
    return client


def post(client, name, data):
    return client.post(f"/api/v1/calculations/{name}/", data, format="json")


def test_transfer_preview_reproduces_the_worked_example(api):
    wages = [{"year": y, "wage_total": "48000.00"} for y in range(2010, 2020)]
    response = post(api, "transfer", {"account_balance": "46000", "yearly_wages": wages})
    assert response.status_code == 200
    assert response.json() == {
        "account_transfer": "46000.00",
        "pooled_transfer": "57600.00",
        "total": "103600.00",
    }


def test_transfer_preview_refuses_negative_and_duplicate_input(api):
    response = post(api, "transfer", {"account_balance": "-1", "yearly_wages": []})
    assert response.status_code == 400
    assert "不能为负数" in response.json()["errors"]["account_balance"][0]
    response = post(
        api,
        "transfer",
        {
            "account_balance": "1",
            "yearly_wages": [{"year": 2005, "wage_total": "1"}, {"year": 2005, "wage_total": "1"}],
        },
    )
    assert response.status_code == 400
    assert "重复" in response.json()["errors"]["yearly_wages"][0]
