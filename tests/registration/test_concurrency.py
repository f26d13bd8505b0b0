"""PostgreSQL: two tellers complete the same enrollment at once — exactly one effect."""

import pytest
from django.core.exceptions import ValidationError

from counterhall import services
from counterhall.models import CaseState
from registration.models import Employer
from tests import casework
from tests.registration.test_handlers import REG01_DATA
from tests.threads import in_threads


@pytest.mark.django_db(transaction=True)
def test_two_completions_of_one_employer_one_wins(
    postgres_only, reference_data, teller, window, other_teller, other_window, reviewer
):
    cases = [
        casework.intake("REG01", REG01_DATA, teller=t, window=w)
        for t, w in ((teller, window), (other_teller, other_window))
    ]
    for case, t in zip(cases, (teller, other_teller), strict=True):
        casework.approve(case, teller=t, reviewer=reviewer)
    tellers = [teller, other_teller]

    results, errors = in_threads(
        2,
        lambda i: services.case_complete(
            actor=tellers[i], case_id=cases[i].pk, seen_state=CaseState.APPROVED
        ),
    )

    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert "不能重复登记" in str(errors[0])
    assert Employer.objects.count() == 1
    for case in cases:
        case.refresh_from_db()
    assert sorted(c.state for c in cases) == [CaseState.APPROVED, CaseState.COMPLETED]
