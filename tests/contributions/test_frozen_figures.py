"""A later parameter change never alters a decided case: completion applies the figures
frozen on the case, not figures recomputed from the parameters in force at completion."""

import datetime as dt
from decimal import Decimal

import pytest

from contributions.models import DeclaredBase
from counterhall import services
from counterhall.models import PolicyParameter
from tests import casework
from tests import masterdata as md

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def people(teller, window, reviewer, leader, finance):
    return {"teller": teller, "window": window, "reviewer": reviewer, "signers": (leader, finance)}


def _raise_avg_wage():
    """A newer county figure (8,000: floor 4,800) in force for all of 2026."""
    PolicyParameter.objects.create(
        region="222424",
        key="base.avg_wage",
        value="8000.00",
        effective_from=dt.date(2026, 1, 1),
        tag="province",
        note="测试：较新的社平工资",
    )


def _approve_then_complete(code, data, people):
    case = casework.intake(code, data, teller=people["teller"], window=people["window"])
    casework.approve(
        case, teller=people["teller"], reviewer=people["reviewer"], signers=people["signers"]
    )
    _raise_avg_wage()
    return services.case_complete(actor=people["teller"], case_id=case.pk, seen_state=None)


def test_con01_base_stays_as_decided(people):
    employer = md.employer()
    person = md.person(id_number=md.ID_X, name="王五")
    md.employee(employer_obj=employer, person_obj=person)
    case = _approve_then_complete(
        "CON01", {"uscc": md.USCC_A, "year": "2026", "wages": f"{md.ID_X} 3000"}, people
    )
    assert case.figures["lines"][0]["base"] == "3900.00"
    assert DeclaredBase.objects.get(person=person, year=2026).base == D("3900.00")


def test_con02_base_stays_as_decided(people):
    data = {
        "id_number": md.ID_FEMALE,
        "name": "李四",
        "retirement_category": "female_55",
        "base_ratio": "1.00",
        "start": "2026-01-01",
        "bank_account": "6222000033334444",
    }
    case = _approve_then_complete("CON02", data, people)
    assert dict(case.figures["summary"])["base"] == "6500.00"
    assert DeclaredBase.objects.get(year=2026, employer=None).base == D("6500.00")


def test_reg04_base_stays_as_decided(people):
    md.employer()
    data = {
        "uscc": md.USCC_A,
        "id_number": md.ID_FEMALE,
        "name": "李四",
        "retirement_category": "female_55",
        "deemed_months": "0",
        "start": "2026-01-01",
        "starting_wage": "3000",
    }
    case = _approve_then_complete("REG04", data, people)
    assert dict(case.figures["summary"])["base"] == "3900.00"
    assert DeclaredBase.objects.get(year=2026).base == D("3900.00")
