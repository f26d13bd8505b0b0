"""Identity and account numbers take ASCII digits only; what an IME types full-width is
folded to ASCII (NFKC) before it is validated, looked up or stored. Probe: a resident ID with
one full-width digit passed the check digit (``\\d`` and ``int()`` accept any Unicode digit)
and enrolled a second 李四 beside the first."""

import pytest
from django.core.exceptions import ValidationError

from counterhall import services
from counterhall.pii import mask_value
from registration.models import InsuredPerson
from registration.validators import (
    bank_account_digits,
    normalize_resident_id,
    parse_resident_id,
    validate_uscc,
)
from tests import casework
from tests import masterdata as md
from tests.registration.test_handlers import REG04_DATA

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def full_width(text: str, positions=range(18)) -> str:
    return "".join(c.translate(FULL_WIDTH) if i in positions else c for i, c in enumerate(text))


def test_full_width_digits_are_folded_to_ascii():
    number = full_width("222424196503151234", positions={15})
    assert number == "222424196503151２34"
    assert parse_resident_id(number).number == "222424196503151234"
    assert normalize_resident_id(full_width("22242419880808107x")) == "22242419880808107X"
    validate_uscc(full_width(md.USCC_A, positions={3, 17}))
    assert bank_account_digits("６２２２ ０００ １２３４") == "62220001234"


@pytest.mark.parametrize(
    "number",
    [
        "222424196503151٢34",  # an Arabic-Indic digit: a digit to \d, not an ASCII one
        "22242419650315१234",  # a Devanagari digit
        "222424196503151𝟐34",  # a mathematical digit folds (NFKC) and still checks
    ],
)
def test_other_scripts_digits_are_refused_or_folded(number):
    if "𝟐" in number:
        assert parse_resident_id(number).number == "222424196503151234"
        return
    with pytest.raises(ValidationError) as info:
        parse_resident_id(number)
    assert info.value.code == "id_characters"


def test_screens_mask_numbers_whatever_digits_they_were_typed_in():
    # refused as an ID number, but masked on a screen all the same: masking errs on the
    # side of the applicant
    assert "19650315" not in mask_value("id_number", "222424196503151٢34")
    assert mask_value("note", "银行") == "银行"


def test_a_full_width_id_cannot_enrol_the_same_person_twice(teller, window):
    other = md.employer(uscc=md.USCC_B, name="汪清县某事业单位")
    md.employer()
    md.employee(employer_obj=other, person_obj=md.person(id_number=md.ID_FEMALE, name="李四"))
    case = casework.open_case("REG04", teller=teller, window=window)
    data = {**REG04_DATA, "id_number": full_width(md.ID_FEMALE, positions={16})}
    with pytest.raises(ValidationError) as info:
        services.case_save_application(actor=teller, case_id=case.pk, seen_state=None, data=data)
    assert "不能同时重复参保" in info.value.message_dict["id_number"][0]
    assert InsuredPerson.objects.filter(name="李四").count() == 1
