"""Transfers acting on a local record (out) need a person of the hall's region; a transfer in
may bring a person registered elsewhere."""

import pytest

from counterhall import permissions
from tests import casework
from tests.benefits import builders as b
from tests.benefits.test_region import person_elsewhere
from tests.transfers.test_transfers import in_data, out_data


def test_transfer_out_of_a_person_of_another_region_is_refused(teller, window):
    person = person_elsewhere()
    errors = casework.application_errors("TRF01", out_data(person), teller=teller, window=window)
    assert errors["id_number"] == [str(permissions.DENIED_OTHER_REGION)]


def test_unemployment_transfer_out_of_a_person_of_another_region_is_refused(teller, window):
    person = person_elsewhere()
    data = {"id_number": person.id_number, "direction": "out", "other_agency": "长春市就业服务局"}
    errors = casework.application_errors("TRF03", data, teller=teller, window=window)
    assert errors["id_number"] == [str(permissions.DENIED_OTHER_REGION)]


@pytest.mark.parametrize(
    ("code", "data"),
    [
        ("TRF02", in_data),
        (
            "TRF03",
            lambda p: {
                "id_number": p.id_number,
                "direction": "in",
                "other_agency": "长春市就业服务局",
                "months": "8",
            },
        ),
    ],
)
def test_a_transfer_in_may_bring_a_person_new_to_the_region(teller, window, code, data):
    person = person_elsewhere()
    case = b.ready(teller=teller, window=window, code=code, data=data(person))
    assert case.figures["person_id"] == person.pk
