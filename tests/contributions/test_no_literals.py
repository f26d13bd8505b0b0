"""Regions come from the subject or the case's hall, policy figures from dated parameters."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from contributions import services as con
from contributions.models import AccountEntry, AccountEntryKind, AssessmentBill
from counterhall.models import PolicyParameter
from counterhall.params import param
from registration import services as reg
from registration.models import Employer, FlexibleWorker, InsuredPerson
from tests import casework
from tests import masterdata as md

pytestmark = pytest.mark.django_db
D = Decimal


def _rate(region, year, value):
    PolicyParameter.objects.create(
        region=region,
        key="pension.account_interest_rate",
        value=value,
        effective_from=dt.date(year, 1, 1),
        effective_to=dt.date(year, 12, 31),
        tag="province",
        note="测试：延吉的记账利率",
    )


def _yanji_account():
    person = reg.person_register(
        actor=None,
        id_number=md.ID_FEMALE,
        name="李四",
        retirement_category="female_55",
        region="222401",
    )
    con.account_post(
        actor=None,
        person_id=person.pk,
        kind=AccountEntryKind.TRANSFER_IN,
        amount="1000",
        on=dt.date(2023, 6, 1),
    )
    _rate("222401", 2024, "0.05")
    return person


def test_interest_at_the_rate_of_the_persons_region():
    person = _yanji_account()
    entry = con.account_post_interest(actor=None, person_id=person.pk, year=2024)
    assert entry.amount == D("50.00")  # 1,000 × 5 %, not Wangqing's 2.62 %


def test_interest_command_uses_each_persons_region():
    person = _yanji_account()
    call_command("post_account_interest", year=2024, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert AccountEntry.objects.get(person=person, kind="interest").amount == D("50.00")


@pytest.mark.parametrize("model", [Employer, InsuredPerson, FlexibleWorker])
def test_region_has_no_default(model):
    assert not model._meta.get_field("region").has_default()


def test_services_require_the_region():
    with pytest.raises(TypeError):
        reg.person_register(
            actor=None, id_number=md.ID_MALE, name="张三", retirement_category="male_60"
        )


def test_backpay_limit_is_a_dated_parameter(teller, window):
    assert param("backpay.max_months", region="222424", on=dt.date(2026, 1, 1)).value == 120
    employer = md.employer()
    md.employee(employer_obj=employer, person_obj=md.person(), start=dt.date(2024, 1, 1))
    PolicyParameter.objects.create(
        region="222424",
        key="backpay.max_months",
        value=2,
        effective_from=dt.date(2024, 1, 1),
        tag="practice",
        note="测试：一次最多补缴 2 个月",
    )
    data = {
        "uscc": md.USCC_A,
        "id_number": md.ID_MALE,
        "period_from": "2024-01",
        "period_to": "2024-03",
        "monthly_wage": "5000",
        "paid_date": "2026-04-29",
    }
    with pytest.raises(ValidationError) as info:
        casework.intake("CON03", data, teller=teller, window=window)
    assert "一次最多补缴 2 个月" in info.value.message_dict["period_from"][0]
    assert not AssessmentBill.objects.exists()
