"""A hall handles only its own region's insured: benefits looked up by USCC or ID number in
another region are refused at the field."""

import datetime as dt

import pytest

from counterhall import permissions
from registration import services as registration
from tests import casework
from tests.benefits import builders as b

D = dt.date
ELSEWHERE = "222401"


def person_elsewhere(name="外地"):
    birth = D(1965, 3, 15)
    return registration.person_register(
        actor=None,
        id_number=b.make_id(birth),
        name=name,
        retirement_category="male_60",
        work_start=D(1985, 7, 1),
        region=ELSEWHERE,
    )


def employer_elsewhere():
    return registration.employer_register(
        actor=None,
        uscc="91222401MA0Y123401",
        name="外地单位",
        legal_representative="李法人",
        injury_class=1,
        registered_on=D(2020, 1, 1),
        region=ELSEWHERE,
    )


@pytest.mark.parametrize(
    ("code", "extra"),
    [
        ("BEN02", {"kind": "early", "requested_date": "2025-01-01"}),
        ("BEN03", {"registration_date": "2025-02-05"}),
        ("BEN04", {"kind": "stop", "reason": "reemployed", "event_date": "2025-02-05"}),
    ],
)
def test_a_person_of_another_region_is_refused(teller, window, code, extra):
    person = person_elsewhere()
    errors = casework.application_errors(
        code, {"id_number": person.id_number, **extra}, teller=teller, window=window
    )
    assert errors["id_number"] == [str(permissions.DENIED_OTHER_REGION)]


def test_retirement_for_an_employer_of_another_region_is_refused(teller, window):
    employer = employer_elsewhere()
    retiree = b.person(birth=D(1965, 3, 15), name="本地")
    errors = casework.application_errors(
        "BEN01",
        {"employer_uscc": employer.uscc, "retiree_ids": retiree.id_number},
        teller=teller,
        window=window,
    )
    assert errors["employer_uscc"] == [str(permissions.DENIED_OTHER_REGION)]


def test_retirement_of_a_person_of_another_region_is_refused(teller, window):
    employer = b.employer()
    retiree = person_elsewhere(name="外地退休")
    errors = casework.application_errors(
        "BEN01",
        {"employer_uscc": employer.uscc, "retiree_ids": retiree.id_number},
        teller=teller,
        window=window,
    )
    assert any("外地退休" in m and "参保地" in m for m in errors["retiree_ids"])
