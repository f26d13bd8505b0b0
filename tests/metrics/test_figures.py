"""The figures of a scenario with known answers (tests/metrics/scenario.py), counted by
hand from docs/metrics.md's definitions."""

from decimal import Decimal

from counterhall import metrics
from counterhall.metrics import Dist
from tests.metrics.scenario import D1, D2


def test_direct_figures_are_the_hand_counted_ones(scene):
    f = metrics.figures_direct(halls=[scene.hall], start=D1, end=D2)
    assert (f.tickets_issued, f.visits_served, f.no_shows) == (5, 4, 1)
    assert (f.cases_taken_in, f.cases_completed, f.cases_rejected, f.cases_withdrawn) == (
        5,
        2,
        1,
        1,
    )
    assert f.completed_during_visit == 1
    assert f.completed_during_visit_rate == Decimal("0.5")
    assert (f.deadlines_promised, f.deadlines_kept, f.overdue_now) == (1, 1, 1)
    assert f.wait == Dist(5, Decimal(10), Decimal(30))  # 2 4 10 15 30
    assert f.service == Dist(4, Decimal("16.5"), Decimal(20))  # 7 15 18 20
    assert f.intake_to_completion == Dist(2, Decimal(716), Decimal(1419))  # 13, 23 h 39
    assert f.review_wait == Dist(4, Decimal(11), Decimal(24))  # 1 2 20 24
    assert f.signoff_wait == Dist(1, Decimal(20), Decimal(20))
    assert (f.cases_returned, f.return_rate) == (1, Decimal("0.5"))
    assert f.round_trips_per_case == Decimal("0.50")
    assert f.visits_per_case == Decimal("1.50")  # C1 one visit, C2 two
    assert f.steps_per_case == Decimal("4.50")  # C1: teller, reviewer, teller; C2: 6 desks
    assert f.ratings == {"5": 1, "4": 1, "3": 0, "2": 1, "1": 0, "declined": 1}
    assert f.satisfied_share == Decimal("0.6667")
    assert (f.rectifications_open, f.rectifications_overdue, f.rectifications_closed) == (1, 1, 0)
    assert f.service_minutes == 7 + 15 + 18 + 20


def test_one_day(scene):
    f = metrics.figures_direct(halls=[scene.hall], start=D1, end=D1)
    assert (f.tickets_issued, f.cases_taken_in, f.cases_completed) == (3, 2, 1)
    assert f.review_wait == Dist(2, Decimal(11), Decimal(20))  # 2, 20
    assert f.signoff_wait == Dist(0, None, None)
    assert f.completed_during_visit_rate == Decimal(1)
    assert f.overdue_now == 1  # a state of now, whatever the range


def test_filters(scene):
    t1 = metrics.figures_direct(halls=[scene.hall], start=D1, end=D2, teller=scene.t1.pk)
    assert (t1.tickets_issued, t1.cases_taken_in, t1.cases_completed) == (2, 3, 1)
    assert (t1.cases_withdrawn, t1.cases_rejected, t1.overdue_now) == (1, 1, 0)
    assert t1.ratings["5"] == 1 and t1.ratings["4"] == 1
    b = metrics.figures_direct(halls=[scene.hall], start=D1, end=D2, business_type=scene.type_b.pk)
    assert (b.tickets_issued, b.visits_served) == (2, 2)  # V3, V4 (first case C2)
    assert (b.cases_taken_in, b.cases_completed, b.overdue_now) == (2, 1, 1)
    assert b.review_wait == Dist(3, Decimal(20), Decimal(24))  # 1 20 24
    assert b.rectifications_open == 1
    w1 = metrics.figures_direct(halls=[scene.hall], start=D1, end=D2, window=scene.w1.pk)
    assert (w1.tickets_issued, w1.rectifications_open, w1.steps_per_case) == (2, 0, Decimal(3))


def test_no_rows_no_figures(hall):
    f = metrics.figures_direct(halls=[hall], start=D1, end=D2)
    assert f.tickets_issued == 0 and f.wait == Dist(0, None, None)
    assert f.completed_during_visit_rate is None and f.satisfied_share is None


def test_figures_by_dimension(scene):
    by_day = metrics.figures_by("day", halls=[scene.hall], start=D1, end=D2)
    assert [(k, label, f.tickets_issued) for k, label, f in by_day] == [
        (D1, D1.isoformat(), 3),
        (D2, D2.isoformat(), 2),
    ]
    by_type = {
        k: f
        for k, _l, f in metrics.figures_by("business_type", halls=[scene.hall], start=D1, end=D2)
    }
    assert by_type[None].tickets_issued == 1  # the no-show, no case
    assert by_type[scene.type_a.pk].cases_taken_in == 3
    assert by_type[scene.type_b.pk].overdue_now == 1
    by_teller = {
        k: f for k, _l, f in metrics.figures_by("teller", halls=[scene.hall], start=D1, end=D2)
    }
    assert by_teller[scene.t2.pk].rectifications_open == 1
    assert by_teller[scene.t1.pk].service_minutes == 20 + 18


def test_staff_load(scene, reviewer):
    load = metrics.staff_load(halls=[scene.hall], start=D1, end=D2)
    t = {row.teller: row for row in load.tellers}
    assert (t[scene.t1.pk].cases_taken_in, t[scene.t1.pk].service_minutes) == (3, 38)
    assert [(r.reviewer, r.reviews) for r in load.reviewers] == [(reviewer.pk, 3)]
    w = {row.window: row for row in load.windows}
    assert (w[scene.w1.pk].days_open, w[scene.w1.pk].days_idle) == (2, 0)
    assert (w[scene.w2.pk].days_idle, w[scene.w2.pk].visits_served) == (0, 2)


def test_live_figures_count_every_row(scene, reviewer):
    """Overdue cases and rectifications are counted, not read off one row."""
    from counterhall.models import Rectification, VisitRating, VisitStatus
    from tests.metrics import scenario

    scenario._case(scene.hall, 6, bt=scene.type_a, window=scene.w1, teller=scene.t1,
                   state="submitted", created=scenario.at(D1, "16:00"),
                   promised_deadline=D2)  # fmt: skip
    v6 = scenario._visit(scene.hall, D2, 3, issued="15:00", called="15:01", start="15:02",
                         end="15:05", status=VisitStatus.SERVED, window=scene.w1,
                         teller=scene.t1)  # fmt: skip
    poor = VisitRating.objects.create(visit=v6, teller=scene.t1, grade=1)
    Rectification.objects.create(
        rating=poor, hall=scene.hall, deadline=D2, callback_at=scenario.at(D2, "17:00")
    )
    f = metrics.figures_direct(halls=[scene.hall], start=D1, end=D2)
    assert f.overdue_now == 2
    assert (f.rectifications_open, f.rectifications_overdue, f.rectifications_closed) == (1, 1, 1)
    assert metrics.figures(halls=[scene.hall], start=D1, end=D2) == f
    by_teller = {
        k: f for k, _l, f in metrics.figures_by("teller", halls=[scene.hall], start=D1, end=D2)
    }
    assert (by_teller[scene.t1.pk].overdue_now, by_teller[scene.t2.pk].overdue_now) == (1, 1)
    assert by_teller[scene.t1.pk].rectifications_closed == 1
