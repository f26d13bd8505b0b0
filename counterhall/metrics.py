"""The service-efficiency figures (服务效能, issue #16): definitions in docs/metrics.md.

Everything is counted from timestamps and the audit log, never from clerks' counters:

- ``collect()`` reads the raw rows (Visit, Case, AuditEntry, VisitRating) of some halls
  and hall-local days and returns one ``Acc`` (mergeable counts and whole-minute
  histograms) per day × hall × business type × window × teller;
- ``figures_direct()`` is ``collect()`` over the whole range merged into one ``Acc``: the
  reference the rollups are tested and benched against;
- ``figures()`` / ``figures_by()`` merge the daily rollups (``MetricDay``, written by
  ``rollup_day()``, the task ``counterhall.tasks.rollup_metrics`` and ``manage.py
  metrics_rollup``) for the past days and ``collect()`` live for today and any day not
  rolled up yet, so they always equal the direct computation;
- a few figures are states of now and are read live at every call, never rolled up:
  ``overdue_now`` and the rectifications (open, overdue, closed).

Percentiles are taken over whole minutes (a duration's seconds // 60): the median is the
mean of the two middle values for an even count, the 90th percentile the nearest rank
(the value at position ⌈0.9·n⌉). Both are exact from merged histograms.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from counterhall.models import (
    AuditEntry,
    Case,
    CaseState,
    Hall,
    MetricDay,
    MetricGrain,
    MetricPeriod,
    Rectification,
    Visit,
    VisitRating,
    VisitStatus,
)
from counterhall.models.case import TERMINAL_STATES
from counterhall.months import add_months, first_of_month, last_of_month

CASE_TARGET = "counterhall.case"
DIMENSIONS = ("day", "business_type", "window", "teller", "hall")
# Counted figures (summed across rows) and minute histograms (merged across rows).
COUNTS = (
    "tickets_issued",
    "visits_served",
    "no_shows",
    "cases_taken_in",
    "cases_completed",
    "cases_rejected",
    "cases_withdrawn",
    "completed_during_visit",
    "deadlines_promised",
    "deadlines_kept",
    "cases_returned",
    "returns",
    "visits_of_completed",
    "steps_of_completed",
)
HISTOGRAMS = ("wait", "service", "intake_to_completion", "review_wait", "signoff_wait")
DECLINED = "declined"
SATISFIED_GRADES = ("5", "4", "3")  # 非常满意, 满意, 基本满意 (GB/T 39735: not 差评)
RETURN_ACTIONS = ("case.return", "case.hold")  # back to the teller: a round trip
REVIEW_DECISIONS = ("case.approve", "case.return", "case.reject")  # a reviewer's load
# The queue a stint in each state is waiting in.
STINTS = {"review_wait": CaseState.SUBMITTED, "signoff_wait": CaseState.AWAITING_SIGNOFF}
CHUNK = 2000


# ------------------------------------------------------------------------------ the contract


@dataclass(frozen=True)
class Dist:
    """A distribution of minutes: count, median and 90th percentile (None when empty)."""

    n: int
    median: Decimal | None
    p90: Decimal | None


@dataclass(frozen=True)
class Figures:
    tickets_issued: int
    visits_served: int
    no_shows: int
    cases_taken_in: int
    cases_completed: int
    cases_rejected: int
    cases_withdrawn: int
    completed_during_visit: int
    completed_during_visit_rate: Decimal | None  # 即时办结率 0..1
    deadlines_promised: int
    deadlines_kept: int
    overdue_now: int
    wait: Dist
    service: Dist
    intake_to_completion: Dist
    review_wait: Dist
    signoff_wait: Dist
    cases_returned: int
    return_rate: Decimal | None
    round_trips_per_case: Decimal | None
    visits_per_case: Decimal | None
    steps_per_case: Decimal | None
    ratings: dict[str, int]
    satisfied_share: Decimal | None
    rectifications_open: int
    rectifications_overdue: int
    rectifications_closed: int
    service_minutes: int = 0  # the sum of the served visits' whole minutes (staff load)
    reviews: dict[int, int] = field(default_factory=dict)  # reviewer id → decisions (load)


# ------------------------------------------------------------------------------ accumulator


@dataclass
class Acc:
    """Mergeable figures of some rows: counts, whole-minute histograms, ratings. Stored
    rollups are merged with their histograms' keys as they come (strings: JSON), in
    ``stored``, and turned into minutes once, by ``hist()``."""

    counts: Counter = field(default_factory=Counter)
    hists: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    ratings: Counter = field(default_factory=Counter)
    stored: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    reviews: Counter = field(default_factory=Counter)  # reviewer id → review decisions

    def add(self, other: Acc) -> None:
        self.counts.update(other.counts)
        for name, hist in other.hists.items():
            self.hists[name].update(hist)
        for name, hist in other.stored.items():
            self.stored[name].update(hist)
        self.ratings.update(other.ratings)
        self.reviews.update(other.reviews)

    def add_data(self, data: dict, sign: int = 1) -> None:
        """Merge a stored rollup (``as_data()``); ``sign=-1`` takes it away (a month row
        less the days of it a range leaves out: exact, counts and histograms subtract)."""
        if sign < 0:
            data = {
                "c": {k: -v for k, v in data.get("c", {}).items()},
                "h": {n: {m: -v for m, v in h.items()} for n, h in data.get("h", {}).items()},
                "r": {k: -v for k, v in data.get("r", {}).items()},
                "v": {k: -v for k, v in data.get("v", {}).items()},
            }
        self.counts.update(data.get("c", ()))
        stored = self.stored
        for name, hist in data.get("h", {}).items():
            stored[name].update(hist)
        self.ratings.update(data.get("r", ()))
        if reviews := data.get("v"):
            self.reviews.update({int(k): n for k, n in reviews.items()})

    def hist(self, name: str) -> Counter:
        """One histogram, minute → count, whatever its sources."""
        out = Counter(self.hists.get(name, ()))
        for minute, n in self.stored.get(name, {}).items():
            out[int(minute)] += n
        return +out  # without the minutes a subtraction emptied

    def is_empty(self) -> bool:
        return not (
            any(self.counts.values())
            or any(self.ratings.values())
            or any(self.reviews.values())
            or any(any(h.values()) for h in (*self.hists.values(), *self.stored.values()))
        )

    def as_data(self) -> dict:
        return {
            "c": {k: v for k, v in self.counts.items() if v},
            "h": {
                name: {str(m): n for m, n in sorted(h.items())}
                for name in HISTOGRAMS
                if (h := self.hist(name))
            },
            "r": {k: v for k, v in self.ratings.items() if v},
            "v": {str(k): v for k, v in sorted(self.reviews.items()) if v},
        }


def minutes(start, end) -> int:
    """Whole minutes between two moments (never negative)."""
    return max(0, int((end - start).total_seconds()) // 60)


def dist(hist: Counter) -> Dist:
    n = sum(hist.values())
    if not n:
        return Dist(0, None, None)
    values = sorted(hist.items())

    def at(rank: int) -> int:  # 1-based rank
        seen = 0
        for minute, count in values:
            seen += count
            if seen >= rank:
                return minute
        raise AssertionError("rank beyond the histogram")

    if n % 2:
        median = Decimal(at(n // 2 + 1))
    else:
        median = (Decimal(at(n // 2)) + Decimal(at(n // 2 + 1))) / 2
    return Dist(n, median, Decimal(at(math.ceil(n * 9 / 10))))


def ratio(part: int, whole: int, places: str = "0.0001") -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal(places))


@dataclass(frozen=True)
class Live:
    """The figures of now, never rolled up."""

    overdue_now: int = 0
    rectifications_open: int = 0
    rectifications_overdue: int = 0
    rectifications_closed: int = 0


def to_figures(acc: Acc, live: Live) -> Figures:
    c = acc.counts
    completed = c["cases_completed"]
    rated = sum(n for g, n in acc.ratings.items() if g != DECLINED)
    satisfied = sum(acc.ratings[g] for g in SATISFIED_GRADES)
    ratings = {str(g): acc.ratings[str(g)] for g in (5, 4, 3, 2, 1)}
    ratings[DECLINED] = acc.ratings[DECLINED]
    service = acc.hist("service")
    return Figures(
        tickets_issued=c["tickets_issued"],
        visits_served=c["visits_served"],
        no_shows=c["no_shows"],
        cases_taken_in=c["cases_taken_in"],
        cases_completed=completed,
        cases_rejected=c["cases_rejected"],
        cases_withdrawn=c["cases_withdrawn"],
        completed_during_visit=c["completed_during_visit"],
        completed_during_visit_rate=ratio(c["completed_during_visit"], completed),
        deadlines_promised=c["deadlines_promised"],
        deadlines_kept=c["deadlines_kept"],
        overdue_now=live.overdue_now,
        wait=dist(acc.hist("wait")),
        service=dist(service),
        intake_to_completion=dist(acc.hist("intake_to_completion")),
        review_wait=dist(acc.hist("review_wait")),
        signoff_wait=dist(acc.hist("signoff_wait")),
        cases_returned=c["cases_returned"],
        return_rate=ratio(c["cases_returned"], completed),
        round_trips_per_case=ratio(c["returns"], completed, "0.01"),
        visits_per_case=ratio(c["visits_of_completed"], completed, "0.01"),
        steps_per_case=ratio(c["steps_of_completed"], completed, "0.01"),
        ratings=ratings,
        satisfied_share=ratio(satisfied, rated),
        rectifications_open=live.rectifications_open,
        rectifications_overdue=live.rectifications_overdue,
        rectifications_closed=live.rectifications_closed,
        service_minutes=sum(m * n for m, n in service.items()),
        reviews={k: n for k, n in sorted(acc.reviews.items()) if n},
    )


# ------------------------------------------------------------------------------ raw rows

# A row's key: (day, hall_id, business_type_id, window_id, teller_id).
Key = tuple[dt.date, int, int | None, int | None, int | None]


def hall_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The hall-local midnights opening ``start`` and closing ``end`` (half-open)."""
    tz = hall_tz()
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
    )


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(hall_tz()).date()


def hall_ids(halls) -> list[int]:
    return sorted({getattr(h, "pk", h) for h in halls})


def _chunks(ids: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _case_filters(business_type, window, teller) -> Q:
    q = Q()
    if business_type is not None:
        q &= Q(business_type_id=business_type)
    if window is not None:
        q &= Q(window_id=window)
    if teller is not None:
        q &= Q(teller_id=teller)
    return q


def _visit_links(visit_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    """Per visit, its linked cases as (case id, business type id), lowest case first."""
    through = Visit.cases.through
    links: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for ids in _chunks(visit_ids):
        for visit_id, case_id, bt in (
            through.objects.filter(visit_id__in=ids)
            .order_by("visit_id", "case_id")
            .values_list("visit_id", "case_id", "case__business_type_id")
        ):
            links[visit_id].append((case_id, bt))
    return links


def _case_entries(case_ids: list[int]) -> dict[int, list[tuple]]:
    """Per case, its case.* audit entries oldest first: (at, action, actor, before, after)."""
    entries: dict[int, list[tuple]] = defaultdict(list)
    for ids in _chunks(case_ids):
        rows = (
            AuditEntry.objects.filter(target_type=CASE_TARGET, target_id__in=[str(i) for i in ids])
            .filter(action__startswith="case.")
            .order_by("at", "pk")
            .values_list("target_id", "at", "action", "actor_id", "before", "after")
        )
        for target_id, at, action, actor, before, after in rows:
            entries[int(target_id)].append((at, action, actor, before, after))
    return entries


def _state(payload) -> str | None:
    return payload.get("state") if isinstance(payload, dict) else None


def stints(entries: list[tuple], state: str) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The (entered, left) moments of each stay of a case in ``state``, from its entries."""
    entered = None
    for at, _action, _actor, before, after in entries:
        b, a = _state(before), _state(after)
        if a == state and b != state:
            entered = at
        elif b == state and a != state and entered is not None:
            yield entered, at
            entered = None


def steps(entries: list[tuple]) -> int:
    """The desks a case went through: runs of its entries by one person (a hand-off is a
    change of hands; the first desk counts), system acts (no actor) left out."""
    runs, last = 0, object()
    for _at, _action, actor, _before, _after in entries:
        if actor is None:
            continue
        if actor != last:
            runs += 1
            last = actor
    return runs


def collect(
    *,
    halls,
    start: dt.date,
    end: dt.date,
    business_type: int | None = None,
    window: int | None = None,
    teller: int | None = None,
) -> dict[Key, Acc]:
    """The figures of the raw rows of ``halls`` over the hall-local days ``start``–``end``,
    one ``Acc`` per day × hall × business type × window × teller (docs/metrics.md)."""
    ids = hall_ids(halls)
    lo, hi = day_bounds(start, end)
    accs: dict[Key, Acc] = defaultdict(Acc)
    _collect_visits(accs, ids, start, end, business_type, window, teller)
    _collect_cases(accs, ids, lo, hi, business_type, window, teller)
    _collect_stints(accs, ids, lo, hi, business_type, window, teller)
    _collect_reviews(accs, ids, lo, hi, business_type, window, teller)
    return accs


def _collect_visits(accs, ids, start, end, business_type, window, teller) -> None:
    q = Q(hall_id__in=ids, day__gte=start, day__lte=end)
    if window is not None:
        q &= Q(window_id=window)
    if teller is not None:
        q &= Q(teller_id=teller)
    rows = list(
        Visit.objects.filter(q)
        .order_by()
        .values_list(
            "pk",
            "day",
            "hall_id",
            "window_id",
            "teller_id",
            "status",
            "issued_at",
            "called_at",
            "service_started_at",
            "service_ended_at",
        )
    )
    visit_ids = [r[0] for r in rows]
    links = _visit_links(visit_ids)
    grades: dict[int, str] = {}
    for ids_ in _chunks(visit_ids):
        for visit_id, grade in VisitRating.objects.filter(visit_id__in=ids_).values_list(
            "visit_id", "grade"
        ):
            grades[visit_id] = DECLINED if grade is None else str(grade)
    for pk, day, hall, win, tel, status, issued, called, started, ended in rows:
        linked = links.get(pk)
        bt = linked[0][1] if linked else None  # the visit's type: its first case's
        if business_type is not None and bt != business_type:
            continue
        acc = accs[(day, hall, bt, win, tel)]
        acc.counts["tickets_issued"] += 1
        if status == VisitStatus.SERVED:
            acc.counts["visits_served"] += 1
            if started is not None and ended is not None:
                acc.hists["service"][minutes(started, ended)] += 1
        elif status == VisitStatus.NO_SHOW:
            acc.counts["no_shows"] += 1
        if called is not None:
            acc.hists["wait"][minutes(issued, called)] += 1
        if pk in grades:
            acc.ratings[grades[pk]] += 1


CASE_COLUMNS = (
    "pk",
    "hall_id",
    "business_type_id",
    "window_id",
    "teller_id",
    "state",
    "created_at",
    "completed_at",
    "closed_at",
    "promised_deadline",
)


def _collect_cases(accs, ids, lo, hi, business_type, window, teller) -> None:
    dims = _case_filters(business_type, window, teller)
    base = Case.objects.filter(dims, hall_id__in=ids).order_by()
    for _pk, hall, bt, win, tel, _s, created, *_rest in base.filter(
        created_at__gte=lo, created_at__lt=hi
    ).values_list(*CASE_COLUMNS):
        accs[(local_day(created), hall, bt, win, tel)].counts["cases_taken_in"] += 1
    closed = list(
        base.filter(state__in=TERMINAL_STATES, closed_at__gte=lo, closed_at__lt=hi).values_list(
            *CASE_COLUMNS
        )
    )
    completed_ids = [r[0] for r in closed if r[5] == CaseState.COMPLETED]
    entries = _case_entries(completed_ids)
    served: dict[int, list[tuple]] = defaultdict(list)
    for ids_ in _chunks(completed_ids):
        for case_id, started, ended in Visit.cases.through.objects.filter(
            case_id__in=ids_
        ).values_list("case_id", "visit__service_started_at", "visit__service_ended_at"):
            served[case_id].append((started, ended))
    for pk, hall, bt, win, tel, state, created, completed, closed_at, promised in closed:
        day = local_day(closed_at)
        c = accs[(day, hall, bt, win, tel)]
        if state == CaseState.REJECTED:
            c.counts["cases_rejected"] += 1
            continue
        if state == CaseState.WITHDRAWN:
            c.counts["cases_withdrawn"] += 1
            continue
        c.counts["cases_completed"] += 1
        c.hists["intake_to_completion"][minutes(created, completed)] += 1
        visits = served.get(pk, [])
        c.counts["visits_of_completed"] += len(visits)
        if any(s is not None and e is not None and s <= completed <= e for s, e in visits):
            c.counts["completed_during_visit"] += 1
        if promised is not None:
            c.counts["deadlines_promised"] += 1
            if day <= promised:
                c.counts["deadlines_kept"] += 1
        mine = entries.get(pk, [])
        returns = sum(1 for e in mine if e[1] in RETURN_ACTIONS)
        c.counts["returns"] += returns
        c.counts["cases_returned"] += bool(returns)
        c.counts["steps_of_completed"] += steps(mine)


def _collect_stints(accs, ids, lo, hi, business_type, window, teller) -> None:
    """Each stay in the review queue or awaiting sign-off, on the day it ended."""
    leaving = set(
        AuditEntry.objects.filter(
            hall_id__in=ids,
            at__gte=lo,
            at__lt=hi,
            target_type=CASE_TARGET,
            action__in=("case.claim", "case.sign", "case.hold"),
        )
        .order_by()
        .values_list("target_id", flat=True)
    )
    if not leaving:
        return
    cases = _case_keys(leaving, business_type, window, teller)
    entries = _case_entries(sorted(cases))
    for pk, (hall, bt, win, tel) in cases.items():
        for name, state in STINTS.items():
            for entered, left in stints(entries.get(pk, []), state):
                if lo <= left < hi:
                    key = (local_day(left), hall, bt, win, tel)
                    accs[key].hists[name][minutes(entered, left)] += 1


def _case_keys(target_ids, business_type, window, teller) -> dict[int, tuple]:
    """The cases of some audit entries' ``target_id`` values that pass the filters: case id
    → (hall, business type, window, teller), a query per 2,000 cases."""
    dims = _case_filters(business_type, window, teller)
    cases = {}
    for ids_ in _chunks(sorted({int(i) for i in target_ids})):
        for pk, hall, bt, win, tel in (
            Case.objects.filter(dims, pk__in=ids_)
            .order_by()
            .values_list("pk", "hall_id", "business_type_id", "window_id", "teller_id")
        ):
            cases[pk] = (hall, bt, win, tel)
    return cases


def _collect_reviews(accs, ids, lo, hi, business_type, window, teller) -> None:
    """Each review decision (approve, return, reject from ``in_review``) to its reviewer,
    on the day it was taken, under the case's type, window and teller."""
    decisions = list(
        AuditEntry.objects.filter(
            hall_id__in=ids,
            at__gte=lo,
            at__lt=hi,
            target_type=CASE_TARGET,
            action__in=REVIEW_DECISIONS,
            before__state=CaseState.IN_REVIEW,
        )
        .exclude(actor_id=None)
        .order_by()
        .values_list("target_id", "actor_id", "at")
    )
    if not decisions:
        return
    cases = _case_keys({d[0] for d in decisions}, business_type, window, teller)
    for target, actor, at in decisions:
        if (case := cases.get(int(target))) is not None:
            accs[(local_day(at), *case)].reviews[actor] += 1


# ------------------------------------------------------------------------------ live figures


def live(
    *, halls, start, end, business_type=None, window=None, teller=None, group: str | None = None
) -> dict[object, Live]:
    """The figures of now: open cases past their promised date (whatever the range), and
    the rectifications of the range's ratings (by the visit's day). Keyed by ``group``'s
    value (None: one key, None)."""
    ids = hall_ids(halls)
    today = timezone.localdate()
    open_overdue = Case.objects.filter(
        _case_filters(business_type, window, teller),
        hall_id__in=ids,
        state__in=[s for s in CaseState.values if s not in TERMINAL_STATES],
        promised_deadline__lt=today,
    ).order_by()
    q = Q(hall_id__in=ids, rating__visit__day__gte=start, rating__visit__day__lte=end)
    if window is not None:
        q &= Q(rating__visit__window_id=window)
    if teller is not None:
        q &= Q(rating__visit__teller_id=teller)
    rects = Rectification.objects.filter(q).order_by()
    if business_type is not None or group == "business_type":
        rects = rects.annotate(first_case=_first_case_type())
        if business_type is not None:
            rects = rects.filter(first_case=business_type)
    counts = {
        "closed": Count("pk", filter=Q(callback_at__isnull=False)),
        "open": Count("pk", filter=Q(callback_at__isnull=True)),
        "overdue": Count("pk", filter=Q(callback_at__isnull=True, deadline__lt=today)),
    }
    if group is None:  # one row each: aggregate, never values() (that groups by every field)
        overdue = [open_overdue.aggregate(n=Count("pk"))]
        rows = [rects.aggregate(**counts)]
    else:
        overdue = list(open_overdue.values(_LIVE_FIELD["case"][group]).annotate(n=Count("pk")))
        rows = list(rects.values(_LIVE_FIELD["rect"][group]).annotate(**counts))
    case_key = _LIVE_FIELD["case"][group] if group else ""
    rect_key = _LIVE_FIELD["rect"][group] if group else ""
    out: dict[object, dict] = defaultdict(dict)
    for row in overdue:
        if row["n"]:
            out[row.get(case_key)]["overdue_now"] = row["n"]
    for row in rows:
        if row["open"] or row["closed"]:
            out[row.get(rect_key)].update(
                rectifications_open=row["open"],
                rectifications_overdue=row["overdue"],
                rectifications_closed=row["closed"],
            )
    return {k: Live(**v) for k, v in out.items()}


def _first_case_type():
    from django.db.models import OuterRef, Subquery

    through = Visit.cases.through
    return Subquery(
        through.objects.filter(visit_id=OuterRef("rating__visit_id"))
        .order_by("case_id")
        .values("case__business_type_id")[:1]
    )


_LIVE_FIELD = {
    "case": {
        "day": "promised_deadline",
        "business_type": "business_type_id",
        "window": "window_id",
        "teller": "teller_id",
        "hall": "hall_id",
    },
    "rect": {
        "day": "rating__visit__day",
        "business_type": "first_case",
        "window": "rating__visit__window_id",
        "teller": "rating__visit__teller_id",
        "hall": "hall_id",
    },
}


# ------------------------------------------------------------------------------ direct


def figures_direct(
    *,
    halls,
    start: dt.date,
    end: dt.date,
    business_type: int | None = None,
    window: int | None = None,
    teller: int | None = None,
) -> Figures:
    """The figures computed straight from the raw rows (the reference for the rollups)."""
    filters: dict[str, Any] = {
        "business_type": business_type,
        "window": window,
        "teller": teller,
    }
    total = Acc()
    for acc in collect(halls=halls, start=start, end=end, **filters).values():
        total.add(acc)
    now = live(halls=halls, start=start, end=end, **filters).get(None, Live())
    return to_figures(total, now)


def figures(
    *,
    halls,
    start: dt.date,
    end: dt.date,
    business_type: int | None = None,
    window: int | None = None,
    teller: int | None = None,
) -> Figures:
    """The figures of ``halls`` over the hall-local days ``start``–``end`` (inclusive):
    the rollups of the past days, the raw rows of today and of any day not rolled up."""
    filters: dict[str, Any] = {
        "business_type": business_type,
        "window": window,
        "teller": teller,
    }
    total = Acc()
    for acc in gather(halls=halls, start=start, end=end, group=None, **filters).values():
        total.add(acc)
    now = live(halls=halls, start=start, end=end, **filters).get(None, Live())
    return to_figures(total, now)


# ------------------------------------------------------------------------------ who sees what


def halls_visible_to(user) -> QuerySet[Hall]:
    """The halls whose figures the user reads: a leader's, hall admin's or auditor's own
    hall; every hall for a superuser (the province); none otherwise."""
    from counterhall import permissions

    if not permissions.can_read_metrics(user):
        return Hall.objects.none()
    if user.is_superuser:
        return Hall.objects.all()
    hall_id = permissions.user_hall_id(user)
    return Hall.objects.filter(pk=hall_id) if hall_id is not None else Hall.objects.none()


# ------------------------------------------------------------------------------ grouping

_KEY_INDEX = {"day": 0, "hall": 1, "business_type": 2, "window": 3, "teller": 4}


def check_dimension(dimension: str) -> None:
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; one of {', '.join(DIMENSIONS)}")


def window_label(window) -> str:
    """A window as the figures name it: "3 号窗口"; the special window says so."""
    if window.is_special:
        return str(window)
    return gettext("%(n)s 号窗口") % {"n": window.number}


def labels(dimension: str, keys: Iterable) -> dict[object, str]:
    """Display labels of a dimension's keys (one query)."""
    from counterhall.models import BusinessType, Window
    from counterhall.permissions import staff_name

    keys = [k for k in keys if k is not None]
    if dimension == "day":
        out = {k: k.isoformat() for k in keys}
    elif dimension == "hall":
        out = {h.pk: h.name for h in Hall.objects.filter(pk__in=keys)}
    elif dimension == "business_type":
        out = {b.pk: f"{b.code} {b.name}" for b in BusinessType.objects.filter(pk__in=keys)}
    elif dimension == "window":
        out = {w.pk: window_label(w) for w in Window.objects.filter(pk__in=keys)}
    else:
        from django.contrib.auth import get_user_model

        out = {u.pk: staff_name(u) for u in get_user_model().objects.filter(pk__in=keys)}
    out[None] = "—"
    return out


def _grouped(
    dimension: str, accs: dict[object, Acc], now: dict[object, Live]
) -> list[tuple[object, str, Figures]]:
    keys = sorted(set(accs) | set(now), key=lambda k: (k is None, str(k) if k is not None else ""))
    if dimension == "day":
        days: list[Any] = sorted(k for k in keys if k is not None)
        keys = days + ([None] if None in keys else [])
    names = labels(dimension, keys)
    return [
        (k, names.get(k, str(k)), to_figures(accs.get(k, Acc()), now.get(k, Live()))) for k in keys
    ]


def figures_by_direct(dimension: str, *, halls, start, end, **filters):
    """``figures_by()`` computed straight from the raw rows."""
    check_dimension(dimension)
    index = _KEY_INDEX[dimension]
    grouped: dict[object, Acc] = defaultdict(Acc)
    for key, acc in collect(halls=halls, start=start, end=end, **filters).items():
        grouped[key[index]].add(acc)
    now = live(halls=halls, start=start, end=end, group=dimension, **filters)
    if dimension == "day":
        now = {k: v for k, v in now.items() if k is not None and start <= k <= end}
    return _grouped(dimension, grouped, now)


def figures_by(
    dimension: str, *, halls, start, end, **filters
) -> list[tuple[object, str, Figures]]:
    """The figures per day, business type, window, teller or hall: (key, label, figures),
    in key order (days ascending; "—" last: a visit without a case, a system act)."""
    check_dimension(dimension)
    accs = gather(halls=halls, start=start, end=end, group=dimension, **filters)
    now = live(halls=halls, start=start, end=end, group=dimension, **filters)
    if dimension == "day":
        now = {k: v for k, v in now.items() if k is not None and start <= k <= end}
    return _grouped(dimension, accs, now)


# ------------------------------------------------------------------------------ staff load


@dataclass(frozen=True)
class TellerLoad:
    teller: int
    name: str
    cases_taken_in: int
    cases_completed: int
    visits_served: int
    service_minutes: int


@dataclass(frozen=True)
class ReviewerLoad:
    reviewer: int
    name: str
    reviews: int  # decisions: approve, return, reject in review


@dataclass(frozen=True)
class WindowIdle:
    window: int
    label: str
    days_open: int  # days of the range the hall served anyone
    days_idle: int  # of those, days this window served nobody
    visits_served: int


@dataclass(frozen=True)
class StaffLoad:
    tellers: list[TellerLoad]
    reviewers: list[ReviewerLoad]
    windows: list[WindowIdle]


def staff_load(
    *,
    halls,
    start: dt.date,
    end: dt.date,
    overall: Figures | None = None,
    tellers: list | None = None,
    windows: list | None = None,
) -> StaffLoad:
    """Cases and service minutes per teller, review decisions per reviewer, and idle
    windows (a window that served nobody on a day the hall served someone). From the
    rollups like every figure; ``overall`` (``figures()``), ``tellers`` and ``windows``
    (``figures_by("teller"/"window")``) of the same range are read here unless given (the
    dashboard has them already)."""
    from django.contrib.auth import get_user_model

    from counterhall.models import Window
    from counterhall.permissions import staff_name

    ids = hall_ids(halls)
    if tellers is None:
        tellers = figures_by("teller", halls=ids, start=start, end=end)
    if windows is None:
        windows = figures_by("window", halls=ids, start=start, end=end)
    if overall is None:
        overall = figures(halls=ids, start=start, end=end)
    teller_rows = [
        TellerLoad(
            cast(int, k),
            label,
            f.cases_taken_in,
            f.cases_completed,
            f.visits_served,
            f.service_minutes,
        )
        for k, label, f in tellers
        if k is not None
    ]
    counts = overall.reviews
    users = get_user_model().objects.in_bulk(list(counts))
    reviewer_rows = sorted(
        (ReviewerLoad(pk, staff_name(users[pk]), n) for pk, n in counts.items() if pk in users),
        key=lambda r: (-r.reviews, r.name),
    )
    open_days, served_days = _served_days(ids, start, end)
    by_window = {k: f.visits_served for k, _l, f in windows}
    window_rows = [
        WindowIdle(
            w.pk,
            f"{w.hall.name} {window_label(w)}" if len(ids) > 1 else window_label(w),
            open_days.get(w.hall_id, 0),
            open_days.get(w.hall_id, 0) - served_days.get(w.pk, 0),
            by_window.get(w.pk, 0),
        )
        for w in Window.objects.filter(hall_id__in=ids).select_related("hall")
    ]
    return StaffLoad(teller_rows, reviewer_rows, window_rows)


def _served_days(ids: list[int], start: dt.date, end: dt.date) -> tuple[dict, dict]:
    """The days each hall served anyone and the days each window did, counted: from the
    day rollups (a day row with visits served) for the rolled-up days, from the visits for
    today and any day not rolled up. Four queries, whatever the range."""
    past_end = min(end, timezone.localdate() - dt.timedelta(days=1))
    days = MetricDay.objects.filter(
        period=MetricPeriod.DAY, hall_id__in=ids, day__gte=start, day__lte=past_end
    )
    covered = set(days.filter(grain=MetricGrain.HALL).values_list("hall_id", "day"))
    serving = days.filter(data__c__visits_served__gt=0).order_by()
    open_days: Counter = Counter(
        dict(
            serving.filter(grain=MetricGrain.HALL)
            .values_list("hall_id")
            .annotate(n=Count("pk"))
            .values_list("hall_id", "n")
        )
    )
    served_days: Counter = Counter(
        dict(
            serving.filter(grain=MetricGrain.WINDOW)
            .values_list("window_id")
            .annotate(n=Count("pk"))
            .values_list("window_id", "n")
        )
    )
    expected = {(h, d) for h in ids for d in _days(start, end)}
    uncovered = expected - covered
    if uncovered:
        first = min(d for _h, d in uncovered)
        raw = (
            Visit.objects.filter(
                hall_id__in={h for h, _d in uncovered},
                day__gte=first,
                day__lte=end,
                status=VisitStatus.SERVED,
            )
            .order_by()
            .values_list("hall_id", "day", "window_id")
            .distinct()
        )
        seen_halls: set = set()
        for hall, day, win in raw:
            if (hall, day) in uncovered:
                served_days[win] += 1
                if (hall, day) not in seen_halls:
                    seen_halls.add((hall, day))
                    open_days[hall] += 1
    return open_days, served_days


# ------------------------------------------------------------------------------ rollups

FILTER_DIMENSIONS = ("business_type", "window", "teller")


def grain_for(group: str | None, filters: dict) -> str:
    """The coarsest rollup grain that answers a query: filtered or grouped by none of
    business type, window and teller → HALL; by one → that one; by more → FULL."""
    needed = {d for d in FILTER_DIMENSIONS if filters.get(d) is not None}
    if group in FILTER_DIMENSIONS:
        needed.add(group)
    if not needed:
        return MetricGrain.HALL
    if len(needed) == 1:
        return needed.pop()
    return MetricGrain.FULL


def _grain_key(grain: str, key: Key) -> Key:
    day, hall, bt, win, tel = key
    return (
        day,
        hall,
        bt if grain in (MetricGrain.BUSINESS_TYPE, MetricGrain.FULL) else None,
        win if grain in (MetricGrain.WINDOW, MetricGrain.FULL) else None,
        tel if grain in (MetricGrain.TELLER, MetricGrain.FULL) else None,
    )


def rollup(*, halls, start: dt.date, end: dt.date) -> int:
    """Write the rollups of ``halls`` for the days ``start``–``end`` (each hall's day
    replaced at every grain in one transaction; a HALL row even for a quiet day), then the
    MONTH rows of every complete month touched. Days from today on are not written: they
    are still moving (figures() reads them live). Returns the number of rows written."""
    end = min(end, timezone.localdate() - dt.timedelta(days=1))
    written = 0
    for hall in hall_ids(halls):
        day = start
        while day <= end:  # a month of rows at a time
            last = min(end, last_of_month(day))
            written += _rollup_span(hall, day, last)
            written += _rollup_month(hall, first_of_month(day))
            day = last + dt.timedelta(days=1)
    return written


def _rows(hall: int, period: str, accs: dict[tuple[str, Key], Acc]) -> list[MetricDay]:
    now = timezone.now()
    return [
        MetricDay(
            hall_id=hall,
            day=key[0],
            period=period,
            grain=grain,
            business_type_id=key[2],
            window_id=key[3],
            teller_id=key[4],
            data=acc.as_data(),
            built_at=now,
        )
        for (grain, key), acc in accs.items()
    ]


def _rollup_span(hall: int, start: dt.date, end: dt.date) -> int:
    accs = collect(halls=[hall], start=start, end=end)
    rows: dict[tuple[str, Key], Acc] = defaultdict(Acc)
    day = start
    while day <= end:
        rows[(MetricGrain.HALL, (day, hall, None, None, None))]  # a quiet day too
        day += dt.timedelta(days=1)
    for key, acc in accs.items():
        for grain in MetricGrain.values:
            rows[(grain, _grain_key(grain, key))].add(acc)
    objs = _rows(hall, MetricPeriod.DAY, rows)
    with transaction.atomic():
        MetricDay.objects.filter(
            hall_id=hall, period=MetricPeriod.DAY, day__gte=start, day__lte=end
        ).delete()
        MetricDay.objects.bulk_create(objs, batch_size=1000)
    return len(objs)


def _rollup_month(hall: int, month: dt.date) -> int:
    """The MONTH rows of a hall's month, merged from its day rows, once every day of the
    month is rolled up (else none: the month is read by its days)."""
    last = last_of_month(month)
    days = MetricDay.objects.using("default").filter(  # just written: not a lagging replica
        hall_id=hall, period=MetricPeriod.DAY, day__gte=month, day__lte=last
    )
    objs: list[MetricDay] = []
    if days.filter(grain=MetricGrain.HALL).count() == (last - month).days + 1:
        rows: dict[tuple[str, Key], Acc] = defaultdict(Acc)
        for grain, bt, win, tel, data in days.values_list(
            "grain", "business_type_id", "window_id", "teller_id", "data"
        ):
            rows[(grain, (month, hall, bt, win, tel))].add_data(data)
        objs = _rows(hall, MetricPeriod.MONTH, rows)
    with transaction.atomic():
        MetricDay.objects.filter(hall_id=hall, period=MetricPeriod.MONTH, day=month).delete()
        MetricDay.objects.bulk_create(objs, batch_size=1000)
    return len(objs)


def _full_months(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first days of the months lying wholly within ``start``–``end``."""
    month = first_of_month(start)
    if month < start:
        month = add_months(month, 1)
    months = []
    while last_of_month(month) <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


def _month_len(month: dt.date) -> int:
    return last_of_month(month).day


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


ROW_COLUMNS = ("day", "hall_id", "business_type_id", "window_id", "teller_id", "data")


def gather(*, halls, start: dt.date, end: dt.date, group: str | None, **filters) -> dict:
    """The mergeable figures per ``group`` value (None: one key), from the rollups at the
    coarsest grain that answers: MONTH rows for the complete months of the range, day rows
    for the other past days, and the raw rows for today and any day not rolled up."""
    ids = hall_ids(halls)
    index = _KEY_INDEX[group] if group else None
    out: dict[object, Acc] = defaultdict(Acc)

    def merge(lookups: dict, sign: int = 1) -> None:
        """Add (or with ``sign=-1`` take away) the rollup rows matching ``lookups``."""
        if connections[router.db_for_read(MetricDay)].vendor == "postgresql":
            _merge_in_sql(out, lookups, group, sign)
            return
        rows = MetricDay.objects.filter(**lookups).order_by().values_list(*ROW_COLUMNS)
        for *key, data in rows:
            out[key[index] if index is not None else None].add_data(data, sign)

    today = timezone.localdate()
    past_end = min(end, today - dt.timedelta(days=1))
    missing: dict[int, list[dt.date]] = {}
    if start <= past_end:
        dims: dict[str, Any] = {"grain": grain_for(group, filters)}
        for name in FILTER_DIMENSIONS:
            if filters.get(name) is not None:
                dims[f"{name}_id"] = filters[name]
        # month rows answer every grouping but the day's
        months = _full_months(start, past_end) if group != "day" else []
        # a month cut by the range but mostly inside it: its month row less the days left out
        cut = {m: [d for d in _days(m, last_of_month(m)) if not start <= d <= past_end]
               for m in {first_of_month(start), first_of_month(past_end)}
               if m not in months and last_of_month(m) < today and group != "day"}  # fmt: skip
        cut = {m: out_days for m, out_days in cut.items() if 2 * len(out_days) < _month_len(m)}
        months += list(cut)
        by_month: set[tuple[int, dt.date]] = set()
        if months:
            by_month = set(
                MetricDay.objects.filter(
                    period=MetricPeriod.MONTH,
                    grain=MetricGrain.HALL,
                    hall_id__in=ids,
                    day__in=months,
                ).values_list("hall_id", "day")
            )
            if by_month:
                merge({**dims, "period": MetricPeriod.MONTH, "hall_id__in": ids, "day__in": months})
            for month, out_days in cut.items():
                covering = [h for h in ids if (h, month) in by_month]
                if covering:
                    merge(
                        {**dims, "period": MetricPeriod.DAY, "hall_id__in": covering,
                         "day__in": out_days},
                        sign=-1,
                    )  # fmt: skip
        # the days not read by month, per hall (halls sharing them read together)
        spans: dict[tuple[dt.date, ...], list[int]] = defaultdict(list)
        for hall in ids:
            read = tuple(
                d for d in _days(start, past_end) if (hall, first_of_month(d)) not in by_month
            )
            if read:
                spans[read].append(hall)
        for days, span_halls in spans.items():
            where = {"hall_id__in": span_halls, "period": MetricPeriod.DAY, "day__in": days}
            merge({**dims, **where})
            covered = set(
                MetricDay.objects.filter(**where, grain=MetricGrain.HALL).values_list(
                    "hall_id", "day"
                )
            )
            for hall in span_halls:
                lacking = [d for d in days if (hall, d) not in covered]
                if lacking:
                    missing[hall] = lacking
    if start <= today <= end:
        for hall in ids:
            missing.setdefault(hall, []).append(today)
    live_spans: dict[tuple, list[int]] = defaultdict(list)  # halls missing the same days
    for hall, lacking_days in missing.items():
        live_spans[tuple(lacking_days)].append(hall)
    for live_days, live_halls in live_spans.items():
        wanted = set(live_days)
        accs = _collect_shared(live_halls, min(live_days), max(live_days), filters)
        for key, acc in accs.items():
            if key[0] in wanted:
                out[key[index] if index is not None else None].add(acc)
    return {k: acc for k, acc in out.items() if not acc.is_empty()}  # as collect() gives


_ROW_FILTER_COLUMNS = {
    "grain", "period", "hall_id", "day", "business_type_id", "window_id", "teller_id"
}  # fmt: skip
_GROUP_COLUMN = {
    None: "NULL::bigint",
    "day": "day",
    "hall": "hall_id",
    "business_type": "business_type_id",
    "window": "window_id",
    "teller": "teller_id",
}
_MERGE_SQL = """
WITH m AS (SELECT {group} AS g, data FROM counterhall_metricday WHERE {where})
SELECT g, 'c', e.key, NULL, SUM(e.value::bigint) FROM m, jsonb_each_text(m.data -> 'c') e
 GROUP BY g, e.key
UNION ALL
SELECT g, 'r', e.key, NULL, SUM(e.value::bigint) FROM m, jsonb_each_text(m.data -> 'r') e
 GROUP BY g, e.key
UNION ALL
SELECT g, 'v', e.key, NULL, SUM(e.value::bigint) FROM m, jsonb_each_text(m.data -> 'v') e
 GROUP BY g, e.key
UNION ALL
SELECT g, 'h', h.key, x.key, SUM(x.value::bigint)
  FROM m, jsonb_each(m.data -> 'h') h, jsonb_each_text(h.value) x
 GROUP BY g, h.key, x.key
"""


def _merge_in_sql(out: dict, lookups: dict, group: str | None, sign: int) -> None:
    """Merge the rollup rows matching ``lookups`` (``field`` or ``field__in``) in
    PostgreSQL: their counts, ratings, reviews and histograms summed per group
    (``jsonb_each``), so that a province's thousands of rows arrive as one row per group and
    figure (or minute), not as JSON to decode and add up here."""
    where, params = [], []
    for lookup, value in lookups.items():
        column = lookup.removesuffix("__in")
        if column not in _ROW_FILTER_COLUMNS:  # only our own names reach the SQL
            raise ValueError(f"not a rollup filter: {lookup}")
        where.append(f"{column} = ANY(%s)" if lookup.endswith("__in") else f"{column} = %s")
        params.append(list(value) if lookup.endswith("__in") else value)
    sql = _MERGE_SQL.format(group=_GROUP_COLUMN[group], where=" AND ".join(where))
    # the rollups' database: the read replica when there is one (counterhall.routers)
    with connections[router.db_for_read(MetricDay)].cursor() as cursor:  # jit off: settings
        cursor.execute(sql, params)
        for g, kind, key, minute, n in cursor.fetchall():
            n *= sign
            acc = out[g]
            if kind == "c":
                acc.counts[key] += n
            elif kind == "h":
                acc.stored[key][minute] += n
            elif kind == "r":
                acc.ratings[key] += n
            else:
                acc.reviews[int(key)] += n


# The raw rows of today (and of any day not rolled up) read once for every figure of a
# request that asks for them — inside ``sharing()``: the dashboard asks for the same day's
# rows per business type, window, teller and day.
_SHARED: ContextVar[dict | None] = ContextVar("counterhall_metrics_shared", default=None)


@contextlib.contextmanager
def sharing():
    """Within the block, ``gather()`` collects each set of halls and days of raw rows once
    (unfiltered, at full grain) and takes every filter and grouping from that."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _collect_shared(halls: list[int], start: dt.date, end: dt.date, filters: dict) -> dict:
    shared = _SHARED.get()
    if shared is None:
        return collect(halls=halls, start=start, end=end, **filters)
    memo_key = (tuple(halls), start, end)
    if memo_key not in shared:
        shared[memo_key] = collect(halls=halls, start=start, end=end)
    wanted = [(_KEY_INDEX[name], filters.get(name)) for name in FILTER_DIMENSIONS]
    return {
        key: acc
        for key, acc in shared[memo_key].items()
        if all(value is None or key[i] == value for i, value in wanted)
    }


def day_counts(*, halls, start: dt.date, end: dt.date, names: Iterable[str]) -> dict:
    """A few counts per day, {day: {name: n}} — the dashboard's chart of the days: read
    from the day rollups' counts alone (no histogram is decoded or merged), and from the
    raw rows for today and any day not rolled up."""
    from django.db.models import BigIntegerField, Sum
    from django.db.models.fields.json import KT
    from django.db.models.functions import Cast

    names = list(names)
    ids = hall_ids(halls)
    out: dict[dt.date, Counter] = defaultdict(Counter)
    past_end = min(end, timezone.localdate() - dt.timedelta(days=1))
    covered: set[tuple[int, dt.date]] = set()
    if start <= past_end:
        sums = {n: Sum(Cast(KT(f"data__c__{n}"), BigIntegerField())) for n in names}
        rows = (
            MetricDay.objects.filter(
                period=MetricPeriod.DAY,
                grain=MetricGrain.HALL,
                hall_id__in=ids,
                day__gte=start,
                day__lte=past_end,
            )
            .order_by()
            .values("hall_id", "day")
            .annotate(**sums)
        )
        for row in rows:
            counts: dict[str, Any] = dict(row)  # the annotations: names of our own
            covered.add((counts["hall_id"], counts["day"]))
            out[counts["day"]].update({n: counts[n] or 0 for n in names})
    missing: dict[tuple[dt.date, ...], list[int]] = defaultdict(list)
    for hall in ids:
        days = tuple(d for d in _days(start, end) if (hall, d) not in covered)
        if days:
            missing[days].append(hall)
    for days, live_halls in missing.items():
        wanted = set(days)
        for key, acc in _collect_shared(live_halls, min(days), max(days), {}).items():
            if key[0] in wanted:
                out[key[0]].update({n: acc.counts[n] for n in names})
    return {day: {n: counts[n] for n in names} for day, counts in sorted(out.items())}


# ------------------------------------------------------------------------------ the teller's own


def teller_panel(*, user) -> dict:
    """A teller's own figures of today and of this month so far (their home page): one
    rollup read and one live read of today, whatever the number of rows."""
    from counterhall.permissions import can_read_own_metrics, user_hall_id

    if not can_read_own_metrics(user):
        return {}
    today = timezone.localdate()
    accs = gather(
        halls=[user_hall_id(user)],
        start=first_of_month(today),
        end=today,
        group="day",
        teller=user.pk,
    )
    month = Acc()
    for acc in accs.values():
        month.add(acc)
    return {
        "today": to_figures(accs.get(today, Acc()), Live()),
        "month": to_figures(month, Live()),
    }
