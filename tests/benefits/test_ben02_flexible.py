"""BEN02: flexible early or deferred retirement; BEN01 uses the approved date."""

import pytest
from django.utils import timezone

from benefits import calculations as calc
from benefits.models import FlexibleRetirement, PensionAward
from counterhall.months import add_months
from counterhall.params import ParamReader
from tests import casework
from tests.benefits import builders as b


def statutory(person):
    return calc.statutory_retirement_from_params(
        birth_date=person.birth_date,
        sex="male",
        original_years=60,
        reader=ParamReader(region="222424", on=timezone.localdate()),
    )


@pytest.fixture
def employer(db):
    return b.employer()


def test_early_retirement_today_is_recorded_and_used_by_ben01(teller, window, reviewer, employer):
    # given a man past 60 but before his new statutory age (60 y 6 m for births ~1966-09)
    person = b.retiree(employer_obj=employer, birth=b.years_ago(60, 2), name="提前")
    today = timezone.localdate()
    assert statutory(person).retirement_date > today
    # when BEN02 records an early retirement from today
    case = b.completed(
        teller=teller,
        window=window,
        reviewer=reviewer,
        code="BEN02",
        data={"id_number": person.id_number, "kind": "early", "requested_date": today.isoformat()},
    )
    record = FlexibleRetirement.objects.get(case=case)
    assert record.approved_date == today
    assert record.statutory_date == statutory(person).retirement_date
    # then BEN01 accepts him today with his age at the approved date
    award_case = b.completed(
        teller=teller,
        window=window,
        reviewer=reviewer,
        code="BEN01",
        data={"employer_uscc": employer.uscc, "retiree_ids": person.id_number},
    )
    row = award_case.figures["retirees"][0]
    assert row["retirement_date"] == today.isoformat()
    assert row["retirement_age"] == {"years": 60, "months": 2}
    assert row["flexible"] == "early"
    assert PensionAward.objects.get(person=person).retirement_date == today


def test_early_retirement_below_the_original_age_is_refused(teller, window, employer):
    person = b.retiree(employer_obj=employer, birth=b.years_ago(58), name="过早")
    original = add_months(person.birth_date, 60 * 12)
    errors = casework.application_errors(
        "BEN02",
        {
            "id_number": person.id_number,
            "kind": "early",
            "requested_date": add_months(original, -1).isoformat(),
        },
        teller=teller,
        window=window,
    )
    assert f"最早只能于 {original.isoformat()} 退休" in errors["requested_date"][0]


def test_early_retirement_needs_the_minimum_contributions(teller, window, employer):
    person = b.retiree(
        employer_obj=employer, birth=b.years_ago(58), deemed_months=150, name="缴费少"
    )
    original = add_months(person.birth_date, 60 * 12)
    errors = casework.application_errors(
        "BEN02",
        {
            "id_number": person.id_number,
            "kind": "early",
            "requested_date": original.isoformat(),
        },
        teller=teller,
        window=window,
    )
    assert "还差" in errors["id_number"][0]


def test_deferral_needs_the_employer_agreement_and_at_most_three_years(teller, window, employer):
    person = b.retiree(employer_obj=employer, birth=b.years_ago(59), name="延迟")
    due = statutory(person).retirement_date
    payload = {
        "id_number": person.id_number,
        "kind": "deferred",
        "requested_date": add_months(due, 12).isoformat(),
    }
    errors = casework.application_errors("BEN02", payload, teller=teller, window=window)
    assert "书面协议" in errors["employer_agreed"][0]
    errors = casework.application_errors(
        "BEN02",
        {
            **payload,
            "employer_agreed": "on",
            "requested_date": add_months(due, 37).isoformat(),
        },
        teller=teller,
        window=window,
    )
    assert "最晚只能延迟至" in errors["requested_date"][0]


def test_deferral_with_agreement_is_recorded(teller, window, reviewer, employer):
    person = b.retiree(employer_obj=employer, birth=b.years_ago(59), name="延迟")
    due = statutory(person).retirement_date
    case = b.completed(
        teller=teller,
        window=window,
        reviewer=reviewer,
        code="BEN02",
        data={
            "id_number": person.id_number,
            "kind": "deferred",
            "employer_agreed": "on",
            "requested_date": add_months(due, 36).isoformat(),
        },
    )
    assert case.is_immediate is True
    record = FlexibleRetirement.objects.get(person=person)
    assert record.kind == "deferred"
    assert record.approved_date == add_months(due, 36)
