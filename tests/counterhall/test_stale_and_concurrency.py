"""A transition that lost a race gives a clear message, never a 500; on PostgreSQL real
threads prove one winner, one audit entry, and gap-free numbers."""

import pytest
from django.urls import reverse

from counterhall import services
from counterhall.exceptions import STALE_CASE_MESSAGE, StaleCase
from counterhall.models import AuditEntry, Case, CaseState
from review import services as review_services
from tests import casework, factories
from tests.threads import in_threads


def test_stale_seen_state_raises_and_writes_nothing(teller, window, reviewer, test_types):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=CaseState.SUBMITTED)
    before = AuditEntry.objects.count()

    with pytest.raises(StaleCase):
        review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=CaseState.SUBMITTED)
    assert AuditEntry.objects.count() == before


def test_stale_in_memory_object_raises_stale_case(teller, window, test_types):
    from counterhall.transitions import fire

    case = factories.ready_case(teller=teller, window=window, business_type=test_types.general)
    stale = Case.objects.get(pk=case.pk)
    services.case_withdraw(actor=teller, case_id=case.pk, seen_state=None, reason="撤回")

    with pytest.raises(StaleCase):
        fire(stale.reject, actor=teller, at=stale.created_at, reasons=["x"])


def test_stale_button_shows_message_not_500(client, teller, window, reviewer, test_types):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    review_services.case_claim(actor=reviewer, case_id=case.pk, seen_state=None)
    review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    client.force_login(teller)

    response = client.post(  # the page still showed the case as in review
        reverse("case-action", args=[case.pk, "complete"]),
        {"seen_state": CaseState.IN_REVIEW},
        follow=True,
    )
    assert response.status_code == 200
    assert str(STALE_CASE_MESSAGE) in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_threads_one_transition_exactly_one_wins(
    postgres_only, reference_data, teller, window, reviewer, other_reviewer, test_types
):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    reviewers = [reviewer, other_reviewer]

    results, errors = in_threads(
        2,
        lambda i: review_services.case_claim(
            actor=reviewers[i], case_id=case.pk, seen_state=CaseState.SUBMITTED
        ),
    )

    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], StaleCase)
    assert AuditEntry.objects.filter(action="case.claim", target_id=str(case.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_threads_without_seen_state_still_one_wins(
    postgres_only, reference_data, teller, window, reviewer, test_types
):
    case = factories.in_review_case(
        teller=teller, window=window, business_type=test_types.general, reviewer=reviewer
    )

    def act(i):
        if i == 0:
            return review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
        return review_services.case_release(actor=reviewer, case_id=case.pk, seen_state=None)

    results, errors = in_threads(2, act)

    assert len(results) == 1 and len(errors) == 1
    decided = AuditEntry.objects.filter(
        target_id=str(case.pk), action__in=["case.approve", "case.release"]
    )
    assert decided.count() == 1


@pytest.mark.django_db(transaction=True)
def test_eight_threads_open_cases_numbers_unique_and_gap_free(
    postgres_only, reference_data, teller, window, test_types
):
    results, errors = in_threads(
        8,
        lambda i: (
            casework.open_case(
                teller=teller, window=window, business_type=test_types.general
            ).number
        ),
    )

    assert errors == []
    sequences = sorted(int(n.rsplit("-", 1)[1]) for n in results)
    assert sequences == list(range(1, 9))
    assert len(set(results)) == 8
