import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from counterhall.models import PolicyParameter
from counterhall.params import ParameterMissing, ParamReader, param, param_decimal

D = dt.date


@pytest.mark.django_db
def test_county_falls_back_to_province_and_national():
    assert param_decimal("min_wage", region="222424", on=D(2026, 1, 1)) == Decimal("1540.00")
    assert param_decimal(
        "unemployment.benefit_ratio_of_min_wage", region="222424", on=D(2026, 1, 1)
    ) == Decimal("0.90")
    assert param_decimal("pension.employer_rate", region="222424", on=D(2026, 1, 1)) == Decimal(
        "0.16"
    )


@pytest.mark.django_db
def test_value_follows_the_date():
    assert param_decimal("pension.employer_rate", region="222424", on=D(2019, 4, 30)) == Decimal(
        "0.20"
    )
    assert param("retirement.min_contrib_months", region="222424", on=D(2031, 6, 1)).value == 192
    assert param("retirement.min_contrib_months", region="222424", on=D(2045, 1, 1)).value == 240


@pytest.mark.django_db
def test_county_override_wins_over_province():
    PolicyParameter.objects.create(
        region="222424",
        key="pension.transition_coef",
        value="0.013",
        effective_from=D(2020, 1, 1),
        tag="province",
    )
    assert param_decimal("pension.transition_coef", region="222424", on=D(2026, 1, 1)) == Decimal(
        "0.013"
    )
    assert param_decimal("pension.transition_coef", region="220100", on=D(2026, 1, 1)) == Decimal(
        "0.012"
    )


@pytest.mark.django_db
def test_missing_parameter_says_which():
    with pytest.raises(ParameterMissing, match="min_wage"):
        param("min_wage", region="110000", on=D(2026, 1, 1))


@pytest.mark.django_db
def test_reader_records_versions_used():
    reader = ParamReader(region="222424", on=D(2026, 1, 1))
    reader.decimal("pension.employer_rate")
    (ref,) = reader.references()
    assert ref["key"] == "pension.employer_rate" and ref["value"] == "0.16" and ref["version"] > 0


@pytest.mark.django_db
def test_overlapping_periods_refused():
    p = PolicyParameter(
        region="000000",
        key="pension.employer_rate",
        value="0.15",
        effective_from=D(2026, 1, 1),
        tag="national",
    )
    with pytest.raises(ValidationError, match="不能重叠"):
        p.full_clean()
