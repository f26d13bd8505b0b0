"""Correctness under load, on PostgreSQL (row locks and SKIP LOCKED): many reviewers taking
next never share or lose a case; decisions that race produce one outcome and one event."""

from collections import Counter

import pytest

from counterhall.exceptions import StaleCase
from counterhall.models import AuditEntry, Case, CaseState
from counterhall.roles import Role
from review import services as review_services
from review.services import case_take_next
from tests import factories
from tests.review.conftest import bulk_submitted
from tests.threads import in_threads

pytestmark = pytest.mark.django_db(transaction=True)


def test_sixteen_reviewers_take_two_hundred_cases_each_exactly_once(
    postgres_only, reference_data, hall, teller, window, test_types
):
    reviewers = [
        factories.UserFactory(username=f"rv{i}", roles=[Role.REVIEWER], hall=hall)
        for i in range(16)
    ]
    queued = bulk_submitted(n=200, teller=teller, window=window, business_type=test_types.general)

    def take_all(i):
        taken = []
        while (case := case_take_next(actor=reviewers[i])) is not None:
            taken.append(case.pk)
        return taken

    results, errors = in_threads(16, take_all)

    assert errors == []
    claimed = [pk for taken in results for pk in taken]
    assert sorted(claimed) == sorted(c.pk for c in queued)  # none lost, none twice
    assert sum(1 for taken in results if taken) > 1  # the work was actually shared
    assert not Case.objects.filter(state=CaseState.SUBMITTED).exists()
    per_case = Counter(
        AuditEntry.objects.filter(action="case.claim").values_list("target_id", flat=True)
    )
    assert len(per_case) == 200 and set(per_case.values()) == {1}
    owners = dict(Case.objects.values_list("pk", "reviewer__username"))
    for i, taken in enumerate(results):
        assert all(owners[pk] == f"rv{i}" for pk in taken)


def test_approve_racing_release_gives_one_outcome_and_one_event(
    postgres_only, reference_data, teller, window, reviewer, test_types
):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    case_take_next(actor=reviewer)

    def act(i):
        service = review_services.case_approve if i == 0 else review_services.case_release
        return service(actor=reviewer, case_id=case.pk, seen_state=CaseState.IN_REVIEW).state

    results, errors = in_threads(2, act)

    outcomes = [r for r in results if r is not None]
    assert len(outcomes) == 1 and len(errors) == 1
    assert isinstance(errors[0], StaleCase)
    case.refresh_from_db()
    assert case.state == outcomes[0]
    events = AuditEntry.objects.filter(
        target_id=str(case.pk), action__in=["case.approve", "case.release"]
    )
    assert events.count() == 1


def test_double_clicked_approve_writes_one_event(
    postgres_only, reference_data, teller, window, reviewer, test_types
):
    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    case_take_next(actor=reviewer)

    results, errors = in_threads(
        2,
        lambda i: review_services.case_approve(
            actor=reviewer, case_id=case.pk, seen_state=CaseState.IN_REVIEW
        ),
    )

    assert len([r for r in results if r is not None]) == 1
    assert len(errors) == 1 and isinstance(errors[0], StaleCase)
    assert AuditEntry.objects.filter(target_id=str(case.pk), action="case.approve").count() == 1
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED


def test_double_clicked_approve_through_the_page_writes_one_event(
    postgres_only, reference_data, client, teller, window, reviewer, test_types
):
    from django.test import Client
    from django.urls import reverse

    case = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    case_take_next(actor=reviewer)
    clients = [Client(), Client()]
    for c in clients:
        c.force_login(reviewer)
    url = reverse("review:decision", args=[case.pk, "approve"])

    results, errors = in_threads(
        2, lambda i: clients[i].post(url, {"seen_state": CaseState.IN_REVIEW}).status_code
    )

    assert errors == [] and results == [302, 302]
    assert AuditEntry.objects.filter(target_id=str(case.pk), action="case.approve").count() == 1


def test_double_clicked_take_next_in_parallel_claims_once(
    postgres_only, reference_data, hall, teller, window, reviewer, test_types
):
    from django.utils import timezone

    bulk_submitted(n=5, teller=teller, window=window, business_type=test_types.general)
    page_rendered = timezone.now()

    results, errors = in_threads(
        2, lambda i: case_take_next(actor=reviewer, seen_at=page_rendered).pk
    )

    assert errors == []
    assert results[0] == results[1]
    assert Case.objects.filter(state=CaseState.IN_REVIEW).count() == 1
    assert AuditEntry.objects.filter(action="case.claim").count() == 1
