"""The finance officer's daily payment list (支付清单): the day's payouts of the hall, masked
accounts, the total; nobody else's business."""

import pytest
from django.utils import timezone

from tests import casework
from tests.special_ops import builders as sb


@pytest.fixture
def paid_case(special_clerk, special_window, reviewer, leader, finance):
    person = sb.deceased(employer_obj=sb.b.employer())
    return casework.complete(
        "SPC01",
        sb.death_data(person),
        teller=special_clerk,
        window=special_window,
        reviewer=reviewer,
        signers=[leader, finance],
    )


def test_finance_prints_the_days_payouts(client, finance, paid_case):
    client.force_login(finance)
    page = client.get("/special/payments/").content.decode()
    table = page[page.index('id="payment-list"') :]
    assert table.count(paid_case.number) == 2  # two heirs
    assert "************0001" in table
    assert "6222000011110001" not in table
    assert "89588.39" in table  # 44,794.20 + 44,794.19
    assert 'class="a4"' in page


def test_another_day_is_empty(client, finance, paid_case):
    client.force_login(finance)
    day = timezone.localdate().replace(year=2020)
    page = client.get(f"/special/payments/?day={day.isoformat()}").content.decode()
    assert paid_case.number not in page
    assert "当日没有支付记录。" in page


def test_general_teller_gets_404(client, teller, paid_case):
    client.force_login(teller)
    assert client.get("/special/payments/").status_code == 404
