"""A plausible month in the demo hall, written as raw rows (until seed_demo carries one): per
working day six REG01 and REG04 applicants served at windows 1–3, each case completed during
the visit after its internal review, a no-show, ratings (one poor: a rectification), and two
time-limited REG03 cases left in review past their promised date (overdue now)."""

from __future__ import annotations

import datetime as dt
import itertools

from counterhall.models import (
    BusinessType,
    CaseState,
    Rectification,
    VisitRating,
    VisitStatus,
)
from tests.metrics import scenario

S = CaseState


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def build(*, hall, users, windows, first: dt.date, last: dt.date) -> dict:
    reg01, reg03, reg04 = (BusinessType.objects.get(code=c) for c in ("REG01", "REG03", "REG04"))
    tellers = [(windows[n], users[f"teller{n}"]) for n in (1, 2, 3)]
    reviewer = users["reviewer1"]
    numbers = itertools.count(1)
    overdue = []
    day = first
    while day <= last:
        if day.weekday() < 5:
            ticket = itertools.count(1)
            for slot in range(6):
                window, teller = tellers[slot % 3]
                bt = reg01 if slot % 2 == 0 else reg04
                issued = 8 * 60 + 40 + slot * 35
                called, start, end = issued + 6 + slot, issued + 7 + slot, issued + 19 + slot
                visit = scenario._visit(
                    hall, day, next(ticket), issued=_hhmm(issued), called=_hhmm(called),
                    start=_hhmm(start), end=_hhmm(end), status=VisitStatus.SERVED,
                    window=window, teller=teller,
                )  # fmt: skip
                case = scenario._case(
                    hall, 9000 + next(numbers), bt=bt, window=window, teller=teller,
                    state=S.COMPLETED, created=scenario.at(day, _hhmm(start + 1)),
                    completed=scenario.at(day, _hhmm(end - 1)), is_immediate=True,
                    applicant_name="示例单位",
                )  # fmt: skip
                scenario._entries(case, [
                    (scenario.at(day, _hhmm(start + 1)), "case.open", teller, None, S.DRAFT),
                    (scenario.at(day, _hhmm(start + 4)), "case.submit", teller, S.DRAFT,
                     S.SUBMITTED),
                    (scenario.at(day, _hhmm(start + 6)), "case.claim", reviewer, S.SUBMITTED,
                     S.IN_REVIEW),
                    (scenario.at(day, _hhmm(start + 9)), "case.approve", reviewer, S.IN_REVIEW,
                     S.APPROVED),
                    (scenario.at(day, _hhmm(end - 1)), "case.complete", teller, S.APPROVED,
                     S.COMPLETED),
                ])  # fmt: skip
                visit.cases.add(case)
                grade = 2 if (day.day == first.day + 2 and slot == 1) else (5 if slot % 3 else 4)
                rating = VisitRating.objects.create(
                    visit=visit, teller=teller, grade=grade,
                    rated_at=scenario.at(day, _hhmm(end + 1)),
                )  # fmt: skip
                if grade == 2:
                    Rectification.objects.create(
                        rating=rating, hall=hall, deadline=day + dt.timedelta(days=21)
                    )
            # a no-show after three calls
            scenario._visit(
                hall, day, next(ticket), issued="14:00", called="14:10", end="14:16",
                status=VisitStatus.NO_SHOW, window=windows[2], teller=users["teller2"],
            )  # fmt: skip
        day += dt.timedelta(days=1)
    # two time-limited deregistrations still in review after their promised date
    for i, (window, teller) in enumerate(tellers[:2]):
        opened = first + dt.timedelta(days=3 + i)
        case = scenario._case(
            hall, 9800 + i, bt=reg03, window=window, teller=teller, state=S.IN_REVIEW,
            created=scenario.at(opened, "10:00"), promised_deadline=opened + dt.timedelta(days=7),
            reviewer=reviewer, applicant_name="示例注销单位",
        )  # fmt: skip
        scenario._entries(case, [
            (scenario.at(opened, "10:00"), "case.open", teller, None, S.DRAFT),
            (scenario.at(opened, "10:10"), "case.submit", teller, S.DRAFT, S.SUBMITTED),
            (scenario.at(opened, "11:00"), "case.claim", reviewer, S.SUBMITTED, S.IN_REVIEW),
        ])  # fmt: skip
        overdue.append(case)
    return {"overdue": overdue}
