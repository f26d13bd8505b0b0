"""Take-next claims the head of the queue: applicant-waiting cases first, then the nearest
promised date, then the oldest submission; never the reviewer's own intake; special
business only with the authorisation."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from counterhall import permissions
from counterhall.models import AuditEntry, Case, CaseState
from counterhall.roles import Role
from review import services as review_services
from review.services import case_take_next
from tests import factories


def test_take_next_claims_in_queue_order(clock, teller, window, reviewer, test_types):
    limited = test_types.limited  # time-limited: 5 working days
    late = factories.submitted_case(teller=teller, window=window, business_type=limited)
    clock.advance(minutes=1)
    first_immediate = factories.submitted_case(
        teller=teller, window=window, business_type=test_types.general
    )
    clock.advance(minutes=1)
    second_immediate = factories.submitted_case(
        teller=teller, window=window, business_type=test_types.general
    )
    # A time-limited case with a nearer promised date than ``late``.
    soon = factories.submitted_case(teller=teller, window=window, business_type=limited)
    Case.objects.filter(pk=soon.pk).update(
        promised_deadline=late.promised_deadline - dt.timedelta(days=1)
    )

    taken = [case_take_next(actor=reviewer).pk for _ in range(4)]

    assert taken == [first_immediate.pk, second_immediate.pk, soon.pk, late.pk]
    assert case_take_next(actor=reviewer) is None


def test_claim_locks_case_to_reviewer_with_audit(submitted, reviewer, clock):
    case = submitted()
    clock.advance(minutes=7)

    taken = case_take_next(actor=reviewer)

    taken.refresh_from_db()
    assert taken.pk == case.pk
    assert taken.state == CaseState.IN_REVIEW
    assert taken.reviewer == reviewer
    assert reviewer.has_perm(permissions.DECIDE_CASE, taken)
    entry = AuditEntry.objects.get(action="case.claim", target_id=str(case.pk))
    assert entry.actor == reviewer
    assert entry.after["waited_seconds"] == 7 * 60


def test_never_own_intake(hall, window, test_types, reviewer):
    both = factories.UserFactory(
        username="tr", roles=[Role.TELLER, Role.REVIEWER], hall=hall, windows=[window]
    )
    own = factories.submitted_case(teller=both, window=window, business_type=test_types.general)

    assert case_take_next(actor=both) is None
    assert case_take_next(actor=reviewer).pk == own.pk


def test_special_business_only_to_authorised_reviewers(
    special_clerk, special_window, reviewer, other_reviewer, test_types
):
    special = factories.submitted_case(
        teller=special_clerk, window=special_window, business_type=test_types.special
    )

    assert case_take_next(actor=other_reviewer) is None  # no review_special_business
    assert case_take_next(actor=reviewer).pk == special.pk


def test_only_reviewers_take_next(teller, submitted):
    submitted()
    with pytest.raises(PermissionDenied):
        case_take_next(actor=teller)


def test_claim_in_progress_is_skipped_not_stolen(submitted, reviewer, other_reviewer):
    first, second = submitted(), submitted()
    review_services.case_claim(actor=other_reviewer, case_id=first.pk, seen_state=None)

    assert case_take_next(actor=reviewer).pk == second.pk
    first.refresh_from_db()
    assert first.reviewer == other_reviewer


def test_other_halls_queue_is_not_taken(submitted, test_types):
    submitted()
    elsewhere = factories.HallFactory(code="ZZ")
    stranger = factories.UserFactory(username="rz", roles=[Role.REVIEWER], hall=elsewhere)

    assert case_take_next(actor=stranger) is None


def test_each_reviewer_gets_the_head_of_their_own_queue(
    hall, teller, window, special_window, special_clerk, reviewer, test_types
):
    """Reviewers taking turns each get what their own queue puts first: the special case
    only for the authorised one, never a case they took in themselves."""
    # given: a time-limited special case, then two immediate ones, the first taken in by
    # ``both`` (teller and reviewer)
    both = factories.UserFactory(
        username="tr", roles=[Role.TELLER, Role.REVIEWER], hall=hall, windows=[window]
    )
    special = factories.submitted_case(
        teller=special_clerk, window=special_window, business_type=test_types.special
    )
    own = factories.submitted_case(teller=both, window=window, business_type=test_types.general)
    plain = factories.submitted_case(teller=teller, window=window, business_type=test_types.general)

    # when they take next in turns
    taken = [case_take_next(actor=actor) for actor in (both, reviewer, both, reviewer)]

    # then
    assert [c.pk if c else None for c in taken] == [plain.pk, own.pk, None, special.pk]


def test_double_clicked_take_next_claims_one_case(clock, teller, window, reviewer, test_types):
    from django.utils import timezone

    for _ in range(2):
        factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
        clock.advance(minutes=1)
    page_rendered = timezone.now()
    clock.advance(seconds=5)

    first = case_take_next(actor=reviewer, seen_at=page_rendered)
    second = case_take_next(actor=reviewer, seen_at=page_rendered)

    assert first.pk == second.pk
    assert Case.objects.filter(state=CaseState.IN_REVIEW, reviewer=reviewer).count() == 1
    assert AuditEntry.objects.filter(action="case.claim").count() == 1
    # a fresh page (rendered after that claim) takes the next case
    clock.advance(seconds=5)
    assert case_take_next(actor=reviewer, seen_at=timezone.now()).pk != first.pk


def test_take_next_page_posts_its_render_time(client, teller, window, reviewer, test_types):
    from django.urls import reverse

    factories.submitted_case(teller=teller, window=window, business_type=test_types.general)
    client.force_login(reviewer)
    body = client.get(reverse("review:queue")).content.decode()
    assert 'name="seen_at"' in body

    client.post(reverse("review:take-next"), {"seen_at": "2000-01-01T00:00:00+00:00"})
    client.post(reverse("review:take-next"), {"seen_at": "not a date"})
    assert Case.objects.filter(state=CaseState.IN_REVIEW, reviewer=reviewer).count() == 1
