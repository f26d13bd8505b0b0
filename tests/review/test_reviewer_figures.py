"""Per-reviewer figures for today: cases decided, approval rate, median time per case."""

from django.urls import reverse

from counterhall import services
from review import services as review_services
from review.selectors import reviewer_today
from review.services import case_take_next


def _decide(reviewer, clock, minutes, decision):
    case = case_take_next(actor=reviewer)
    clock.advance(minutes=minutes)
    if decision == "approve":
        review_services.case_approve(actor=reviewer, case_id=case.pk, seen_state=None)
    else:
        review_services.case_return(
            actor=reviewer, case_id=case.pk, seen_state=None, reasons=["有误"]
        )


def test_figures_count_only_this_reviewers_decisions_today(
    client, clock, submitted, reviewer, other_reviewer
):
    for _ in range(4):
        submitted()
    _decide(reviewer, clock, 3, "approve")
    _decide(reviewer, clock, 10, "return")
    _decide(reviewer, clock, 5, "approve")
    _decide(other_reviewer, clock, 1, "approve")

    figures = reviewer_today(user=reviewer)

    assert figures.decided == 3
    assert figures.approved == 2 and figures.returned == 1
    assert round(figures.approval_rate, 2) == 0.67
    assert figures.median_time.total_seconds() == 5 * 60
    client.force_login(reviewer)
    html = client.get(reverse("review:queue-live")).content.decode()
    assert 'id="my-approval-rate">67%' in html
    assert 'id="my-median-time">5 分钟' in html


def test_a_reclaimed_case_counts_from_the_latest_claim(clock, submitted, reviewer, teller):
    case = submitted()
    _decide(reviewer, clock, 20, "return")
    services.case_resubmit(actor=teller, case_id=case.pk, seen_state=None)
    clock.advance(minutes=30)
    _decide(reviewer, clock, 2, "approve")

    figures = reviewer_today(user=reviewer)

    assert figures.decided == 2
    assert figures.median_time.total_seconds() == 11 * 60  # median of 20 and 2 minutes


def test_no_decisions_yet(reviewer):
    figures = reviewer_today(user=reviewer)
    assert figures.decided == 0
    assert figures.approval_rate is None
    assert figures.median_time is None
