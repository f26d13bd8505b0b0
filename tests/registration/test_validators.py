"""GB 11643 and GB 32100 validators against the vectors of rules.md §2."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from registration.validators import (
    mask_resident_id,
    parse_resident_id,
    validate_resident_id,
    validate_uscc,
)


@pytest.mark.parametrize(
    ("number", "sex", "birth"),
    [
        ("222424196503151234", "male", dt.date(1965, 3, 15)),
        ("222401197801010042", "female", dt.date(1978, 1, 1)),
        ("22242419880808107X", "male", dt.date(1988, 8, 8)),
        ("22242419880808107x", "male", dt.date(1988, 8, 8)),
        ("220102199006205518", "male", dt.date(1990, 6, 20)),
    ],
)
def test_valid_resident_ids_decode_birth_date_and_sex(number, sex, birth):
    validate_resident_id(number)
    decoded = parse_resident_id(number)
    assert decoded.sex == sex
    assert decoded.birth_date == birth
    assert decoded.number == number.upper()


@pytest.mark.parametrize(
    ("number", "code", "fragment"),
    [
        ("222424196503151235", "id_check", "第 18 位应为 4"),
        ("222424197502301231", "id_birth_date", "1975-02-30"),
        ("22242419650315123", "id_length", "17 位"),
        ("2224241965031512X4", "id_characters", "前 17 位应为数字"),
        ("222424299901011234", "id_birth_future", "晚于今天"),
        ("222424189901011234", "id_birth_absurd", "1899"),
    ],
)
def test_invalid_resident_ids_say_what_is_wrong(number, code, fragment):
    with pytest.raises(ValidationError) as info:
        validate_resident_id(number)
    assert info.value.code == code
    assert fragment in info.value.messages[0]


def test_resident_id_is_masked_to_first_six_and_last_four():
    assert mask_resident_id("222424196503151234") == "222424********1234"


@pytest.mark.parametrize(
    "code", ["91222424MA0Y12340B", "12222424412345670L", "92222424MA12TUWX4G", "91222424ma0y12340b"]
)
def test_valid_uscc(code):
    validate_uscc(code)


@pytest.mark.parametrize(
    ("code", "err", "fragment"),
    [
        ("91222424MA0Y12340C", "uscc_check", "第 18 位应为 B"),
        ("91222424MAOY12340B", "uscc_characters", "O"),
        ("91222424MA0Y1234OB", "uscc_characters", "O"),
        ("91222424MA0Y1234", "uscc_length", "16 位"),
        ("9122A424MA0Y12340B", "uscc_region", "行政区划"),
    ],
)
def test_invalid_uscc_says_what_is_wrong(code, err, fragment):
    with pytest.raises(ValidationError) as info:
        validate_uscc(code)
    assert info.value.code == err
    assert fragment in info.value.messages[0]
