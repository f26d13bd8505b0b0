"""The applicant's visit: tickets, the window's call, linking cases, the rating and the
rectification it opens."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from counterhall import visit_services as visits
from counterhall.calendar import add_working_days
from counterhall.exceptions import StaleVisit
from counterhall.models import (
    AuditEntry,
    PolicyParameter,
    RatingGrade,
    Rectification,
    Visit,
    VisitCategory,
    VisitRating,
    VisitStatus,
)
from counterhall.roles import Role
from tests import casework, factories
from tests.threads import in_threads

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(hall):
    return factories.UserFactory(username="g1", roles=[Role.HALL_ADMIN], hall=hall)


def issue(guide, hall, category=VisitCategory.GENERAL, **kwargs):
    return visits.visit_issue(actor=guide, hall=hall, category=category, **kwargs)


def test_tickets_run_per_category_gap_free(guide, hall):
    tickets = [issue(guide, hall).ticket for _ in range(3)]
    special = issue(guide, hall, VisitCategory.SPECIAL)
    assert tickets == ["A001", "A002", "A003"]
    assert special.ticket == "T001"
    assert AuditEntry.objects.filter(action="visit.issue").count() == 4


def test_ticket_refused_to_a_reviewer(hall, reviewer):
    with pytest.raises(PermissionDenied):
        issue(reviewer, hall)


def test_call_takes_priority_then_oldest(guide, hall, window, teller):
    first = issue(guide, hall)
    issue(guide, hall)
    urgent = issue(guide, hall, priority=True)
    called = visits.visit_call(actor=teller, window=window)
    assert called.pk == urgent.pk
    assert (called.status, called.calls, called.window, called.teller) == (
        VisitStatus.CALLED,
        1,
        window,
        teller,
    )
    visits.visit_start(actor=teller, visit_id=called.pk)
    visits.visit_end(actor=teller, visit_id=called.pk)
    assert visits.visit_call(actor=teller, window=window).pk == first.pk


def test_call_on_an_empty_queue_says_nobody_waits(window, teller):
    with pytest.raises(ValidationError) as exc:
        visits.visit_call(actor=teller, window=window)
    assert exc.value.messages == [str(visits.QUEUE_EMPTY)]


def test_second_call_while_serving_is_refused(guide, hall, window, teller):
    issue(guide, hall)
    issue(guide, hall)
    current = visits.visit_call(actor=teller, window=window)
    with pytest.raises(ValidationError, match=current.ticket):
        visits.visit_call(actor=teller, window=window)
    visits.visit_start(actor=teller, visit_id=current.pk)
    with pytest.raises(ValidationError):
        visits.visit_call(actor=teller, window=window)


def test_special_queue_goes_to_the_special_window_only(
    guide, hall, window, teller, special_window, special_clerk
):
    special = issue(guide, hall, VisitCategory.SPECIAL)
    with pytest.raises(ValidationError):
        visits.visit_call(actor=teller, window=window)
    assert visits.visit_call(actor=special_clerk, window=special_window).pk == special.pk


def test_call_refused_at_a_window_not_granted(guide, hall, other_window, teller):
    issue(guide, hall)
    with pytest.raises(PermissionDenied):
        visits.visit_call(actor=teller, window=other_window)


def test_no_show_only_after_the_parameters_number_of_calls(guide, hall, window, teller):
    issue(guide, hall)
    visit = visits.visit_call(actor=teller, window=window)
    with pytest.raises(ValidationError):
        visits.visit_no_show(actor=teller, visit_id=visit.pk)
    visits.visit_recall(actor=teller, visit_id=visit.pk, seen_calls=1)
    with pytest.raises(StaleVisit):  # the double click of the first recall
        visits.visit_recall(actor=teller, visit_id=visit.pk, seen_calls=1)
    visits.visit_recall(actor=teller, visit_id=visit.pk, seen_calls=2)
    visit = visits.visit_no_show(actor=teller, visit_id=visit.pk)
    assert (visit.status, visit.calls) == (VisitStatus.NO_SHOW, 3)
    assert visits.current_visit(teller) is None


def test_no_show_calls_is_a_dated_parameter(guide, hall, window, teller):
    PolicyParameter.objects.create(
        region=hall.region,
        key=visits.NO_SHOW_CALLS,
        value=1,
        effective_from=timezone.localdate() - dt.timedelta(days=1),
        tag="practice",
    )
    issue(guide, hall)
    visit = visits.visit_call(actor=teller, window=window)
    assert visits.visit_no_show(actor=teller, visit_id=visit.pk).status == VisitStatus.NO_SHOW


def test_recall_by_another_teller_is_refused(guide, hall, window, teller, other_teller):
    issue(guide, hall)
    visit = visits.visit_call(actor=teller, window=window)
    with pytest.raises(PermissionDenied):
        visits.visit_recall(actor=other_teller, visit_id=visit.pk)


def test_transfer_needs_a_reason_and_goes_to_the_head_of_the_other_window(
    guide, hall, window, teller, other_window, other_teller
):
    issue(guide, hall)
    visit = visits.visit_call(actor=teller, window=window)
    later = issue(guide, hall)
    with pytest.raises(ValidationError):
        visits.visit_transfer(
            actor=teller, visit_id=visit.pk, seen_status="called", to_window=other_window, reason=""
        )
    visits.visit_transfer(
        actor=teller,
        visit_id=visit.pk,
        seen_status="called",
        to_window=other_window,
        reason="需查询历史档案",
    )
    # the transferring teller is free and does not get the transferred ticket back
    assert visits.visit_call(actor=teller, window=window).pk == later.pk
    moved = visits.visit_call(actor=other_teller, window=other_window)
    assert moved.pk == visit.pk
    assert (moved.transferred_from, moved.transfer_reason) == (window, "需查询历史档案")


def test_transfer_to_the_special_window_of_a_general_ticket_is_refused(
    guide, hall, window, teller, special_window
):
    issue(guide, hall)
    visit = visits.visit_call(actor=teller, window=window)
    with pytest.raises(ValidationError):
        visits.visit_transfer(
            actor=teller,
            visit_id=visit.pk,
            seen_status="called",
            to_window=special_window,
            reason="x",
        )


def test_case_opened_during_a_visit_belongs_to_it(guide, hall, window, teller, test_types):
    issue(guide, hall)
    visit = visits.visit_call(actor=teller, window=window)
    case = casework.open_case(test_types.general, teller=teller, window=window)
    visit.refresh_from_db()
    assert list(visit.cases.all()) == [case]
    assert visit.status == VisitStatus.SERVING
    assert visit.service_started_at is not None
    assert case.visits.count() == 1


def test_case_opened_without_a_visit_has_none(teller, window, test_types):
    case = casework.open_case(test_types.general, teller=teller, window=window)
    assert case.visits.count() == 0


def test_continued_case_links_to_the_second_visit(
    guide, hall, window, teller, other_window, other_teller, test_types
):
    issue(guide, hall)
    first = visits.visit_call(actor=teller, window=window)
    case = casework.open_case(test_types.general, teller=teller, window=window)
    visits.visit_end(actor=teller, visit_id=first.pk)
    issue(guide, hall)
    second = visits.visit_call(actor=other_teller, window=other_window)
    from counterhall import services

    services.case_take_over(
        actor=other_teller, case_id=case.pk, seen_state="draft", window=other_window
    )
    assert set(case.visits.values_list("pk", flat=True)) == {first.pk, second.pk}


def served(guide, hall, window, teller):
    issue(guide, hall)
    visit = visits.visit_call(actor=teller, window=window)
    visits.visit_start(actor=teller, visit_id=visit.pk)
    return visits.visit_end(actor=teller, visit_id=visit.pk)


def test_poor_rating_opens_a_rectification_due_in_fifteen_working_days(guide, hall, window, teller):
    visit = served(guide, hall, window, teller)
    rating = visits.visit_rate(
        visit_id=visit.pk, grade=RatingGrade.DISSATISFIED, reasons=["等候时间长"], comment="慢"
    )
    item = rating.rectification
    assert rating.teller == teller
    assert item.deadline == add_working_days(timezone.localdate(), 15)
    assert not item.is_closed


def test_good_rating_and_declining_open_nothing(guide, hall, window, teller):
    visits.visit_rate(
        visit_id=served(guide, hall, window, teller).pk, grade=RatingGrade.FAIRLY_SATISFIED
    )
    visits.visit_rate(visit_id=served(guide, hall, window, teller).pk, declined=True)
    assert VisitRating.objects.count() == 2
    assert Rectification.objects.count() == 0


def test_rating_twice_or_before_service_ends_is_refused(guide, hall, window, teller):
    issue(guide, hall)
    open_visit = visits.visit_call(actor=teller, window=window)
    with pytest.raises(ValidationError, match=str(visits.RATING_NOT_SERVED)):
        visits.visit_rate(visit_id=open_visit.pk, grade=RatingGrade.SATISFIED)
    visits.visit_start(actor=teller, visit_id=open_visit.pk)
    visits.visit_end(actor=teller, visit_id=open_visit.pk)
    rating = visits.visit_rate(visit_id=open_visit.pk, grade=RatingGrade.SATISFIED)
    with pytest.raises(ValidationError, match=str(visits.RATING_TWICE)):
        visits.visit_rate(visit_id=open_visit.pk, grade=RatingGrade.VERY_SATISFIED)
    rating.grade = RatingGrade.VERY_SATISFIED
    with pytest.raises(ValidationError):
        rating.save()
    with pytest.raises(ValidationError):
        rating.delete()


def test_rating_without_grade_is_refused(guide, hall, window, teller):
    with pytest.raises(ValidationError):
        visits.visit_rate(visit_id=served(guide, hall, window, teller).pk)


def test_callback_closes_the_item_once_by_admin_or_leader(guide, hall, window, teller, leader):
    visit = served(guide, hall, window, teller)
    item = visits.visit_rate(visit_id=visit.pk, grade=RatingGrade.VERY_DISSATISFIED).rectification
    with pytest.raises(PermissionDenied):
        visits.rectification_callback(actor=teller, rectification_id=item.pk, outcome="已致歉")
    with pytest.raises(ValidationError):
        visits.rectification_callback(actor=leader, rectification_id=item.pk, outcome="")
    item = visits.rectification_callback(
        actor=leader, rectification_id=item.pk, outcome="已致歉，办事人表示理解"
    )
    assert (item.callback_by, item.is_closed) == (leader, True)
    with pytest.raises(ValidationError):
        visits.rectification_callback(actor=guide, rectification_id=item.pk, outcome="再次")


@pytest.mark.django_db(transaction=True)
def test_eight_windows_calling_at_once_never_share_a_ticket(postgres_only, reference_data):
    # given: eight tellers at eight windows and twenty waiting tickets
    hall = factories.HallFactory(code="CC")
    guide = factories.UserFactory(username="gc", roles=[Role.HALL_ADMIN], hall=hall)
    tellers = []
    for n in range(8):
        w = factories.WindowFactory(hall=hall, number=n + 1)
        tellers.append(
            (
                factories.UserFactory(
                    username=f"tc{n}", roles=[Role.TELLER], hall=hall, windows=[w]
                ),
                w,
            )
        )
    for _ in range(20):
        issue(guide, hall)

    def call_until_empty(i):
        teller, w = tellers[i]
        got = []
        while True:
            try:
                v = visits.visit_call(actor=teller, window=w)
            except ValidationError:
                return got
            got.append(v.pk)
            visits.visit_start(actor=teller, visit_id=v.pk)
            visits.visit_end(actor=teller, visit_id=v.pk)

    # when
    results, errors = in_threads(8, call_until_empty)
    # then
    assert errors == []
    called = [pk for got in results for pk in got]
    assert len(called) == len(set(called)) == 20
    assert connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
def test_concurrent_tickets_are_gap_free(postgres_only, reference_data):
    hall = factories.HallFactory(code="CT")
    guide = factories.UserFactory(username="gt", roles=[Role.HALL_ADMIN], hall=hall)
    results, errors = in_threads(8, lambda i: issue(guide, hall).number)
    assert errors == []
    assert sorted(results) == list(range(1, 9))
    assert Visit.objects.filter(hall=hall).count() == 8
