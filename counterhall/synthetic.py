"""Generated history: a hall's days of visits, cases, ratings and their audit entries.

One deterministic generator (``random.Random(seed)``) for two writers: ``seed_demo``'s month
of the demo hall (``demo.seed_month``: Django ``bulk_create``, any database) and
``manage.py seed_scale`` (``review/management/commands/seed_scale.py``: PostgreSQL COPY, a
province's years). Rows are plain dicts keyed by column (attname), with ids assigned here
from ``ids`` (the next free id per table) so that rows can point at each other before any
is written; writers reset the tables' id sequences afterwards.

The model of a day (hall local time, working days from ``CalendarDay``, 08:30–11:30 and
13:00–17:00): tickets arrive with a morning and an early-afternoon rush and go to the first
free window of their kind (a return visit to its case's window); each is called, started and
ended, or a no-show after three calls, or transferred to another window. A served visit opens
0–2 cases (consultations open none). A case is opened, its documents checked, its
application saved and submitted; immediate types are reviewed and completed while the
applicant waits; time-limited ones wait in the review queue, are approved, signed at the
hall's sign-off time by the roles the catalogue names, and completed. Some lack a document
(one-time notice; most come back on a later visit, linked to the case, some withdraw, some
never return), some are returned by the reviewer and resubmitted (after a second visit or a
phone call), some are rejected at intake or in review, withdrawn, or stall in the queue past
their promised date (overdue). Every step writes the audit entry the real service writes
(action, before/after state), at the step's time; nothing happens after ``now``, so the
last days end with cases in review and waiting for sign-off today. Ratings follow a plausible
distribution; a poor grade opens a rectification (整改), older ones closed by a callback.

The order of time holds in every case: ticket < call < service start < intake < submit <
review < sign-off < completion. ``counterhall`` imports no business app: subjects (employer,
person) come from an optional ``subjects`` callable the caller gives.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings

from counterhall.models import CaseState, DocumentStatus, RatingGrade, VisitCategory, VisitStatus
from counterhall.models.visit import POOR_GRADES, TICKET_PREFIX

PERIODS = ((dt.time(8, 30), dt.time(11, 30)), (dt.time(13, 0), dt.time(17, 0)))
SYSTEM_NAME = "系统"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鑫波斌宇浩凯健俊帆晨阳"
    "欣怡佳琪子轩雨萱梓涵浩然博文思远春燕海燕凤兰秀英建国建华志强"
)

# general business types and their weight among the applicants at the general windows
GENERAL_WEIGHTS = {
    "REG04": 18,
    "REG05": 12,
    "CON01": 8,
    "REG02": 8,
    "BEN03": 8,
    "CON02": 8,
    "BEN01": 7,
    "CON03": 5,
    "REG01": 5,
    "TRF01": 4,
    "TRF02": 4,
    "TRF03": 3,
    "BEN04": 3,
    "BEN02": 3,
    "CON04": 2,
    "REG03": 2,
}
SPECIAL_WEIGHTS = {"SPC01": 4, "SPC02": 1, "SPC03": 5}
RETURN_REASONS = ["要件有误，请重新扫描", "申请表信息与要件不一致", "缴费基数核定有误", "缺少签章"]
REJECT_REASONS = ["不符合受理条件", "已在其他地区办理"]
TRANSFER_REASONS = ["需到特定窗口办理", "系统权限不足，转其他窗口"]
POOR_REASONS = ["等候时间长", "工作人员态度不好", "一次性告知不清楚", "办理时间长"]


@dataclass(frozen=True)
class Person:
    """A member of staff: user id, username (the audit entry's ``actor_name``)."""

    id: int
    username: str


@dataclass(frozen=True)
class Counter:
    """A window and the teller who works at it."""

    window_id: int
    number: int
    special: bool
    teller: Person


@dataclass
class HallSetup:
    id: int
    code: str
    windows: list[Counter]
    reviewers: list[Person]
    signers: dict[str, Person]  # role → who signs it (leader, finance)
    guide: Person  # issues tickets at the entrance
    callback: Person  # calls back after a poor rating
    signoff_time: dt.time = dt.time(16, 0)
    visits_per_window: tuple[int, int] = (8, 14)  # a general window's served tickets a day
    special_per_day: tuple[int, int] = (1, 4)
    region: str = ""


@dataclass(frozen=True)
class TypeInfo:
    id: int
    code: str
    name: str
    special: bool
    immediate: bool
    limit_days: int
    signoff_roles: tuple[str, ...]
    documents: tuple[str, ...]


@dataclass
class Rates:
    """The shares that shape the history (of visits, of cases, of ratings)."""

    no_show: float = 0.04
    transfer: float = 0.02
    consult_only: float = 0.12
    two_cases: float = 0.05
    missing_document: float = 0.12
    missing_returns: float = 0.7  # of those: come back; then half of the rest withdraw
    reject_intake: float = 0.02
    withdraw_intake: float = 0.01
    stall: float = 0.03  # time-limited cases left in the queue (overdue once past the date)
    review_return: float = 0.08
    review_reject: float = 0.02
    return_visit: float = 0.6  # of returned cases: the applicant brings the correction
    return_stall: float = 0.1
    declined_rating: float = 0.15
    poor_rating: float = 0.02
    grades: tuple[tuple[int, float], ...] = (
        (RatingGrade.VERY_SATISFIED, 0.72),
        (RatingGrade.SATISFIED, 0.2),
        (RatingGrade.FAIRLY_SATISFIED, 0.08),
    )


@dataclass
class Batch:
    """Rows ready to write, per table; ``entries`` in time order (ids increasing)."""

    cases: list[dict] = field(default_factory=list)
    visits: list[dict] = field(default_factory=list)
    visit_cases: list[dict] = field(default_factory=list)
    ratings: list[dict] = field(default_factory=list)
    rectifications: list[dict] = field(default_factory=list)
    signatures: list[dict] = field(default_factory=list)
    entries: list[dict] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(len(getattr(self, name)) for name in TABLES)


TABLES = ("cases", "visits", "visit_cases", "ratings", "rectifications", "signatures", "entries")


class Calendar:
    """Working days and working time of the hall, from a set of exceptions read once."""

    def __init__(self, start: dt.date, end: dt.date, exceptions: dict[dt.date, str]):
        from counterhall.calendar import is_working_day

        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.days: list[dt.date] = []
        day = start
        while day <= end:
            if is_working_day(day, exceptions):
                self.days.append(day)
            day += dt.timedelta(days=1)
        self._set = set(self.days)

    def is_working(self, day: dt.date) -> bool:
        return day in self._set

    def add_days(self, day: dt.date, n: int) -> dt.date:
        """``n`` working days after ``day`` (past the end: counted as weekdays)."""
        i = bisect.bisect_right(self.days, day) + n - 1
        if n <= 0:
            return day
        if i < len(self.days):
            return self.days[i]
        last = self.days[-1] if self.days else day
        extra = i - len(self.days) + 1
        while extra:
            last += dt.timedelta(days=1)
            if last.weekday() < 5:
                extra -= 1
        return last

    def at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.tz)

    def local_day(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()

    def work_after(self, moment: dt.datetime, minutes: float) -> dt.datetime:
        """``minutes`` of working time after ``moment`` (evenings, weekends skipped)."""
        left = dt.timedelta(minutes=minutes)
        day = self.local_day(moment)
        for _i in range(400):
            if self.is_working(day) or (day > self.days[-1] and day.weekday() < 5):
                for start_t, end_t in PERIODS:
                    start, end = self.at(day, start_t), self.at(day, end_t)
                    moment = max(moment, start)
                    if moment >= end:
                        continue
                    if moment + left <= end:
                        return moment + left
                    left -= end - moment
                    moment = end
            day += dt.timedelta(days=1)
        return moment + left


def calendar_for(start: dt.date, end: dt.date) -> Calendar:
    from counterhall.models import CalendarDay

    exceptions = dict(
        CalendarDay.objects.filter(date__range=(start, end + dt.timedelta(days=60))).values_list(
            "date", "kind"
        )
    )
    return Calendar(start, end + dt.timedelta(days=60), exceptions)


class Generator:
    """Generate ``days`` of every hall in ``halls``; iterate ``run()`` for the batches."""

    def __init__(
        self,
        *,
        seed: int,
        now: dt.datetime,
        halls: list[HallSetup],
        types: Iterable[TypeInfo],
        ids: dict[str, int],
        calendar: Calendar,
        rectify_days: int = 15,
        rates: Rates | None = None,
        subjects: Callable[[random.Random, int, TypeInfo], tuple[int | None, int | None]]
        | None = None,
        volume: float = 1.0,
    ):
        self.rng = random.Random(seed)  # noqa: S311 (made-up data, reproducible)
        self.now = now
        self.halls = halls
        self.types = {t.code: t for t in types}
        self.ids = ids
        self.cal = calendar
        self.rectify_days = rectify_days
        self.rates = rates or Rates()
        self.subjects = subjects
        self.volume = volume
        general = [(self.types[c], w) for c, w in GENERAL_WEIGHTS.items() if c in self.types]
        special = [(self.types[c], w) for c, w in SPECIAL_WEIGHTS.items() if c in self.types]
        self._general = ([t for t, _w in general], [w for _t, w in general])
        self._special = ([t for t, _w in special], [w for _t, w in special])
        # entries waiting for their day to be flushed: (at, order, entry)
        self._entries: list[tuple[dt.datetime, int, dict]] = []
        self._order = 0
        self._returns: dict[tuple[int, dt.date], list[dict]] = defaultdict(list)
        self._open_cases: dict[int, dict] = {}
        self.case_sequences: dict[tuple[int, dt.date], int] = {}
        self.visit_sequences: dict[tuple[int, dt.date, str], int] = {}
        self._pending_links: list[dict] = []
        self._seen: set[str] = set()
        self._signatures: list[dict] = []

    # ------------------------------------------------------------------ ids and entries

    def _id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def _log(
        self,
        at: dt.datetime,
        actor: Person | None,
        action: str,
        *,
        hall_id: int,
        target_type: str,
        target_id: int,
        label: str,
        before=None,
        after=None,
        note: str = "",
    ) -> bool:
        if at > self.now:
            return False
        entry = {
            "at": at,
            "actor_id": actor.id if actor else None,
            "actor_name": actor.username if actor else SYSTEM_NAME,
            "hall_id": hall_id,
            "action": action,
            "target_type": target_type,
            "target_id": str(target_id),
            "target_label": label[:200],
            "before": before,
            "after": after,
            "note": note,
        }
        self._order += 1
        heapq.heappush(self._entries, (at, self._order, entry))
        return True

    def _flush_entries(self, until: dt.datetime | None) -> list[dict]:
        out = []
        while self._entries and (until is None or self._entries[0][0] < until):
            out.append(heapq.heappop(self._entries)[2])
        for entry in out:
            entry["id"] = self._id("entries")
        return out

    # ------------------------------------------------------------------ the days

    def run(self, days: Iterable[dt.date]) -> Iterator[Batch]:
        """One batch per day (every hall); the last batch also flushes what is left."""
        for day in days:
            batch = Batch()
            if self.cal.is_working(day):
                for hall in self.halls:
                    self._hall_day(hall, day, batch)
            next_day = self.cal.at(day + dt.timedelta(days=1), dt.time(0, 0))
            batch.entries = self._flush_entries(next_day)
            yield batch
        batch = Batch()
        batch.cases = [self._case_row(c) for c in self._open_cases.values()]
        self._open_cases.clear()
        batch.entries = self._flush_entries(None)
        yield batch

    def _names(self) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        return rng.choice(SURNAMES) + given

    def _arrival(self, day: dt.date) -> dt.datetime:
        rng = self.rng
        if rng.random() < 0.15:  # at the door before opening: called from 08:30 on
            return self.cal.at(day, dt.time(8, 10)) + dt.timedelta(minutes=rng.uniform(0, 20))
        if rng.random() < 0.62:
            minutes = rng.triangular(0, 180, 30)  # 08:30–11:30, peak at 09:00
            return self.cal.at(day, dt.time(8, 30)) + dt.timedelta(minutes=minutes)
        minutes = rng.triangular(0, 225, 40)  # 13:00–16:45, peak at 13:40
        return self.cal.at(day, dt.time(13, 0)) + dt.timedelta(minutes=minutes)

    def _scaled(self, n: int) -> int:
        """``n`` × volume, rounded up or down at random (so small volumes keep their mean)."""
        x = n * self.volume
        whole = int(x)
        return whole + (1 if self.rng.random() < x - whole else 0)

    def _hall_day(self, hall: HallSetup, day: dt.date, batch: Batch) -> None:
        rng = self.rng
        general = [w for w in hall.windows if not w.special]
        special = [w for w in hall.windows if w.special]
        arrivals: list[tuple[dt.datetime, int, dict]] = []
        n = 0
        lo, hi = hall.visits_per_window
        for _w in general:
            for _i in range(self._scaled(rng.randint(lo, hi))):
                n += 1
                arrivals.append((self._arrival(day), n, {"category": VisitCategory.GENERAL}))
        if special:
            lo, hi = hall.special_per_day
            for _i in range(self._scaled(rng.randint(lo, hi))):
                n += 1
                arrivals.append((self._arrival(day), n, {"category": VisitCategory.SPECIAL}))
        for ret in self._returns.pop((hall.id, day), []):
            n += 1
            arrivals.append((self._arrival(day), n, ret))
        arrivals.sort(key=lambda a: (a[0], a[1]))
        free = {w.window_id: self.cal.at(day, PERIODS[0][0]) for w in hall.windows}
        for issued, _n, plan in arrivals:
            category = plan["category"]
            pool = special if category == VisitCategory.SPECIAL else general
            if not pool:
                continue
            if "case" in plan:
                window = next(w for w in pool if w.window_id == plan["case"]["window_id"])
            else:
                window = min(pool, key=lambda w: (free[w.window_id], w.number))
            self._visit(hall, day, window, pool, issued, plan, free, batch)

    # ------------------------------------------------------------------ a visit

    def _visit(self, hall, day, window, pool, issued, plan, free, batch) -> None:
        rng, rates = self.rng, self.rates
        category = plan["category"]
        key = (hall.id, day, category)
        number = self.visit_sequences.get(key, 0) + 1
        self.visit_sequences[key] = number
        ticket = f"{TICKET_PREFIX[VisitCategory(category)]}{number:03d}"
        visit = {
            "id": self._id("visits"),
            "hall_id": hall.id,
            "day": day,
            "category": category,
            "number": number,
            "ticket": ticket,
            "priority": "case" in plan,  # returning applicants with an appointment
            "status": VisitStatus.WAITING,
            "calls": 0,
            "issued_at": issued,
            "called_at": None,
            "last_called_at": None,
            "service_started_at": None,
            "service_ended_at": None,
            "window_id": None,
            "teller_id": None,
            "transferred_from_id": None,
            "transfer_reason": "",
            "applicant_name": plan.get("name") or self._names(),
            "employer_id": None,
            "person_id": None,
            "created_at": issued,
            "updated_at": issued,
        }
        label = f"{ticket} {day:%Y-%m-%d}"
        log = self._visit_logger(hall, visit, label)
        log(issued, hall.guide, "visit.issue", None, {"ticket": ticket, "category": category})
        call = self._after_break(max(issued, free[window.window_id])) + dt.timedelta(
            seconds=rng.randint(10, 45)
        )
        if call > self.now:
            return self._keep_visit(visit, batch)
        teller = window.teller
        snap = self._snapshot
        visit.update(
            status=VisitStatus.CALLED,
            calls=1,
            called_at=call,
            last_called_at=call,
            window_id=window.window_id,
            teller_id=teller.id,
            updated_at=call,
        )
        log(call, teller, "visit.call", {"status": "waiting"}, snap(visit, window))
        if "case" not in plan and rng.random() < rates.no_show:
            at = call
            for _i in range(2):
                at += dt.timedelta(seconds=rng.randint(40, 90))
                visit.update(calls=visit["calls"] + 1, last_called_at=at, updated_at=at)
                log(at, teller, "visit.recall", None, snap(visit, window))
            at += dt.timedelta(seconds=rng.randint(40, 90))
            visit.update(status=VisitStatus.NO_SHOW, updated_at=at)
            log(at, teller, "visit.no_show", None, snap(visit, window))
            free[window.window_id] = at
            return self._keep_visit(visit, batch)
        others = [w for w in pool if w.window_id != window.window_id]
        if "case" not in plan and others and rng.random() < rates.transfer:
            at = call + dt.timedelta(seconds=rng.randint(60, 180))
            free[window.window_id] = at
            target = rng.choice(others)
            reason = rng.choice(TRANSFER_REASONS)
            before = snap(visit, window)
            visit.update(
                transferred_from_id=window.window_id,
                window_id=target.window_id,
                teller_id=None,
                status=VisitStatus.WAITING,
                priority=True,
                calls=0,
                transfer_reason=reason,
                updated_at=at,
            )
            log(at, teller, "visit.transfer", before, snap(visit, target), note=reason)
            window, teller = target, target.teller
            call = max(at, free[window.window_id]) + dt.timedelta(seconds=rng.randint(10, 45))
            if call > self.now:
                return self._keep_visit(visit, batch)
            visit.update(
                status=VisitStatus.CALLED,
                calls=1,
                last_called_at=call,
                teller_id=teller.id,
                updated_at=call,
            )
            log(call, teller, "visit.call", {"status": "waiting"}, snap(visit, window))
        start = call + dt.timedelta(seconds=rng.randint(20, 90))
        visit.update(status=VisitStatus.SERVING, service_started_at=start, updated_at=start)
        log(start, teller, "visit.start", None, snap(visit, window))
        at = start
        if "case" in plan:
            at = self._continue_case(plan["case"], visit, label, at)
        elif rng.random() >= rates.consult_only:
            for _i in range(2 if rng.random() < rates.two_cases else 1):
                at = self._new_case(hall, day, window, visit, label, at)
        end = max(at, start) + dt.timedelta(seconds=rng.randint(30, 150))
        if "case" not in plan and at == start:  # a consultation
            end = start + dt.timedelta(minutes=rng.uniform(2, 8))
        # the teller files the papers and enters what is left before calling the next one
        free[window.window_id] = end + dt.timedelta(minutes=rng.uniform(1, 4))
        if end > self.now:
            return self._keep_visit(visit, batch)
        visit.update(status=VisitStatus.SERVED, service_ended_at=end, updated_at=end)
        service = int((end - start).total_seconds())
        log(end, teller, "visit.end", None, {**snap(visit, window), "service_seconds": service})
        self._rate(hall, visit, label, end, teller, batch)
        return self._keep_visit(visit, batch)

    def _after_break(self, moment: dt.datetime) -> dt.datetime:
        """Calls stop over lunch: a ticket waiting at 11:30 is called from 13:00."""
        local = moment.astimezone(self.cal.tz)
        if PERIODS[0][1] <= local.time() < PERIODS[1][0]:
            return self.cal.at(local.date(), PERIODS[1][0])
        return moment

    @staticmethod
    def _snapshot(visit: dict, window: Counter) -> dict:
        return {
            "ticket": visit["ticket"],
            "status": str(visit["status"]),
            "calls": visit["calls"],
            "window": window.number if visit["window_id"] else None,
            "teller": visit["teller_id"],
        }

    def _visit_logger(self, hall, visit, label):
        def log(at, actor, action, before, after, note=""):
            return self._log(
                at,
                actor,
                action,
                hall_id=hall.id,
                target_type="counterhall.visit",
                target_id=visit["id"],
                label=label,
                before=before,
                after=after,
                note=note,
            )

        return log

    @staticmethod
    def _keep_visit(visit: dict, batch: Batch) -> None:
        visit["status"] = str(visit["status"])
        visit["category"] = str(visit["category"])
        batch.visits.append(visit)

    def _rate(self, hall, visit, label, end, teller, batch) -> None:
        rng, rates = self.rng, self.rates
        at = end + dt.timedelta(seconds=rng.randint(5, 60))
        if at > self.now:
            return
        declined = rng.random() < rates.declined_rating
        grade: int | None = None
        reasons: list[str] = []
        if not declined:
            if rng.random() < rates.poor_rating:
                grade = rng.choice((*POOR_GRADES, RatingGrade.DISSATISFIED))
                reasons = [rng.choice(POOR_REASONS)]
            else:
                grade = rng.choices([g for g, _p in rates.grades], [p for _g, p in rates.grades])[0]
        rating = {
            "id": self._id("ratings"),
            "visit_id": visit["id"],
            "teller_id": teller.id,
            "grade": int(grade) if grade is not None else None,
            "declined": declined,
            "reasons": reasons,
            "comment": "",
            "rated_at": at,
        }
        batch.ratings.append(rating)
        after = {"grade": rating["grade"], "declined": declined, "reasons": reasons}
        self._log(
            at,
            None,
            "visit.rate",
            hall_id=hall.id,
            target_type="counterhall.visit",
            target_id=visit["id"],
            label=label,
            after={**after, "teller": teller.id},
        )
        if grade is None or grade not in POOR_GRADES:
            return
        deadline = self.cal.add_days(self.cal.local_day(at), self.rectify_days)
        item = {
            "id": self._id("rectifications"),
            "rating_id": rating["id"],
            "hall_id": hall.id,
            "deadline": deadline,
            "callback_by_id": None,
            "callback_at": None,
            "callback_outcome": "",
            "measures": "",
            "created_at": at,
            "updated_at": at,
        }
        item_label = f"{label} → {deadline:%Y-%m-%d}"
        self._log(
            at,
            None,
            "rectification.open",
            hall_id=hall.id,
            target_type="counterhall.rectification",
            target_id=item["id"],
            label=item_label,
            after={"deadline": deadline.isoformat(), "grade": int(grade)},
        )
        callback = self.cal.work_after(at, rng.uniform(3, 8) * 480)
        if callback <= self.now and rng.random() < 0.6:
            outcome = "已电话回访，申请人表示理解"
            item.update(
                callback_by_id=hall.callback.id,
                callback_at=callback,
                callback_outcome=outcome,
                measures="窗口增开高峰时段，加强一次性告知培训",
                updated_at=callback,
            )
            self._log(
                callback,
                hall.callback,
                "rectification.callback",
                hall_id=hall.id,
                target_type="counterhall.rectification",
                target_id=item["id"],
                label=item_label,
                after={"callback_at": callback.isoformat(), "outcome": outcome},
            )
        batch.rectifications.append(item)

    # ------------------------------------------------------------------ a case

    def _pick_type(self, special: bool) -> TypeInfo:
        """By weight; a type not seen yet now and then, so that even a small history holds
        cases of every type."""
        types, weights = self._special if special else self._general
        unseen = [t for t in types if t.code not in self._seen]
        if unseen and self.rng.random() < 0.2:
            choice = self.rng.choice(unseen)
        else:
            choice = self.rng.choices(types, weights)[0]
        self._seen.add(choice.code)
        return choice

    def _new_case(self, hall, day, window, visit, visit_label, at) -> dt.datetime:
        rng, rates = self.rng, self.rates
        bt = self._pick_type(window.special)
        key = (hall.id, day)
        seq = self.case_sequences.get(key, 0) + 1
        self.case_sequences[key] = seq
        number = f"{hall.code}-{day:%Y%m%d}-{seq:04d}"
        employer_id, person_id = self.subjects(rng, hall.id, bt) if self.subjects else (None, None)
        opened = at + dt.timedelta(seconds=rng.randint(30, 120))
        case = {
            "id": self._id("cases"),
            "number": number,
            "hall_id": hall.id,
            "window_id": window.window_id,
            "business_type_id": bt.id,
            "teller_id": window.teller.id,
            "reviewer_id": None,
            "state": CaseState.DRAFT,
            "applicant_name": visit["applicant_name"],
            "employer_id": employer_id,
            "person_id": person_id,
            "payload": {},
            "figures": {},
            "documents": {code: {"status": DocumentStatus.MISSING} for code in bt.documents},
            "missing_notice": None,
            "documents_due": None,
            "round_trips": 0,
            "is_immediate": False,
            "promised_deadline": None,
            "signoff_roles": [],
            "return_reasons": [],
            "decision_note": "",
            "submitted_at": None,
            "claimed_at": None,
            "decided_at": None,
            "signed_at": None,
            "completed_at": None,
            "closed_at": None,
            "created_at": opened,
            "updated_at": opened,
            "_type": bt,
            "_hall": hall,
            "_teller": window.teller,
            "_label": f"{number} {bt.name}",
            "_stopped": opened > self.now,
        }
        self._open_cases[case["id"]] = case
        if case["_stopped"]:
            return at
        for field_name in ("employer_id", "person_id"):
            if visit[field_name] is None:
                visit[field_name] = case[field_name]
        teller = window.teller
        self._case_log(
            case,
            opened,
            teller,
            "case.open",
            after={
                "state": CaseState.DRAFT,
                "business_type": bt.code,
                "window": window.number,
                "employer": employer_id,
                "person": person_id,
            },
        )
        self._link(case, visit, visit_label, opened, "open")
        at = opened + dt.timedelta(minutes=rng.uniform(1, 4))
        missing = bool(bt.documents) and rng.random() < rates.missing_document
        received = list(bt.documents[:-1] if missing else bt.documents)
        before = case["documents"]
        case["documents"] = {
            code: {"status": DocumentStatus.RECEIVED if code in received else "missing"}
            for code in bt.documents
        }
        self._case_log(case, at, teller, "case.documents", before=before, after=case["documents"])
        if missing:
            at += dt.timedelta(minutes=rng.uniform(1, 3))
            codes = [c for c in bt.documents if c not in received]
            notice = {"issued_at": at.isoformat(), "documents": codes}
            if self._fire(
                case,
                at,
                teller,
                "case.notify_missing",
                CaseState.AWAITING_DOCUMENTS,
                after={"missing": codes},
                missing_notice=notice,
            ):
                self._after_notice(case, at)
            return at
        return self._intake(case, visit, at)

    def _after_notice(self, case: dict, at: dt.datetime) -> None:
        rng, rates = self.rng, self.rates
        back = self.cal.add_days(self.cal.local_day(at), rng.randint(1, 6))
        roll = rng.random()
        if roll < rates.missing_returns:
            self._schedule_return(case, back, "documents")
        elif roll < rates.missing_returns + (1 - rates.missing_returns) / 2:
            when = self.cal.work_after(at, rng.uniform(5, 10) * 480)
            self._fire(
                case,
                when,
                case["_teller"],
                "case.withdraw",
                CaseState.WITHDRAWN,
                note="申请人放弃办理",
                closed_at=when,
            )

    def _schedule_return(self, case: dict, day: dt.date, why: str) -> None:
        category = VisitCategory.SPECIAL if case["_type"].special else VisitCategory.GENERAL
        self._returns[(case["hall_id"], day)].append(
            {"category": category, "case": case, "why": why, "name": case["applicant_name"]}
        )

    def _continue_case(self, case: dict, visit: dict, visit_label: str, at: dt.datetime):
        """A second (or third) visit for a case: the missing documents brought, or the
        correction after a return; the case continues at its window."""
        rng = self.rng
        teller = case["_teller"]
        for field_name in ("employer_id", "person_id"):
            visit[field_name] = visit[field_name] or case[field_name]
        at += dt.timedelta(seconds=rng.randint(30, 120))
        if case["_stopped"] or at > self.now:
            case["_stopped"] = True
            return at
        if case["state"] == CaseState.AWAITING_DOCUMENTS:
            self._fire(case, at, teller, "case.documents_received", CaseState.DRAFT)
            self._link(case, visit, visit_label, at, "documents_received")
            at += dt.timedelta(minutes=rng.uniform(1, 3))
            before = case["documents"]
            case["documents"] = {c: {"status": DocumentStatus.RECEIVED} for c in before}
            self._case_log(
                case, at, teller, "case.documents", before=before, after=case["documents"]
            )
            return self._intake(case, visit, at)
        # returned: the correction brought in person
        self._link(case, visit, visit_label, at, "visit")
        at += dt.timedelta(minutes=rng.uniform(2, 6))
        self._resubmit(case, at)
        return at

    def _link(self, case, visit, visit_label, at, via) -> None:
        if at > self.now:
            return
        self._pending_links.append({"visit_id": visit["id"], "case_id": case["id"]})
        self._log(
            at,
            case["_teller"],
            "visit.case",
            hall_id=case["hall_id"],
            target_type="counterhall.visit",
            target_id=visit["id"],
            label=visit_label,
            after={"case": case["number"], "via": via},
        )

    def _intake(self, case: dict, visit: dict, at: dt.datetime) -> dt.datetime:
        """The application is saved and the case submitted (or refused, or withdrawn)."""
        rng, rates = self.rng, self.rates
        teller, bt = case["_teller"], case["_type"]
        at += dt.timedelta(minutes=rng.uniform(2, 7))
        self._case_log(case, at, teller, "case.application", before={}, after={})
        roll = rng.random()
        at += dt.timedelta(minutes=rng.uniform(1, 3))
        if roll < rates.reject_intake:
            reasons = [rng.choice(REJECT_REASONS)]
            self._fire(
                case,
                at,
                teller,
                "case.reject",
                CaseState.REJECTED,
                after={"reasons": reasons},
                closed_at=at,
                return_reasons=reasons,
            )
            return at
        if roll < rates.reject_intake + rates.withdraw_intake:
            self._fire(
                case,
                at,
                teller,
                "case.withdraw",
                CaseState.WITHDRAWN,
                note="申请人撤回申请",
                closed_at=at,
            )
            return at
        deadline = None
        if not bt.immediate:
            deadline = self.cal.add_days(self.cal.local_day(at), bt.limit_days)
        if not self._fire(
            case,
            at,
            teller,
            "case.submit",
            CaseState.SUBMITTED,
            after={
                "promised_deadline": deadline.isoformat() if deadline else None,
                "immediate": bt.immediate,
                "figures": {},
            },
            submitted_at=at,
            is_immediate=bt.immediate,
            promised_deadline=deadline,
            signoff_roles=list(bt.signoff_roles),
        ):
            return at
        if bt.immediate:
            # reviewed while the applicant waits, completed at the window
            return self._review(case, at, wait=rng.uniform(1, 4), work=rng.uniform(2, 6))
        self._review(case, at, wait=rng.uniform(10, 900), work=rng.uniform(5, 40))
        return at

    def _review(self, case: dict, submitted: dt.datetime, *, wait: float, work: float):
        rng, rates = self.rng, self.rates
        bt, hall = case["_type"], case["_hall"]
        immediate = case["is_immediate"]
        if not immediate and rng.random() < rates.stall:
            case["_stopped"] = True  # left in the queue: overdue once past its date
            return submitted
        reviewer = rng.choice(hall.reviewers)
        if immediate:
            claim = submitted + dt.timedelta(minutes=wait)
        else:
            claim = self.cal.work_after(submitted, wait)
        waited = int((claim - submitted).total_seconds())
        if not self._fire(
            case,
            claim,
            reviewer,
            "case.claim",
            CaseState.IN_REVIEW,
            after={"reviewer": reviewer.username, "waited_seconds": waited},
            reviewer_id=reviewer.id,
            claimed_at=claim,
        ):
            return claim
        decided = claim + dt.timedelta(minutes=work)
        roll = rng.random()
        if not immediate and case["round_trips"] == 0 and roll < rates.review_return:
            reasons = [rng.choice(RETURN_REASONS)]
            if self._fire(
                case,
                decided,
                reviewer,
                "case.return",
                CaseState.RETURNED,
                after={"reasons": reasons},
                decided_at=decided,
                return_reasons=reasons,
            ):
                self._after_return(case, decided)
            return decided
        if not immediate and roll < rates.review_return + rates.review_reject:
            reasons = [rng.choice(REJECT_REASONS)]
            self._fire(
                case,
                decided,
                reviewer,
                "case.reject",
                CaseState.REJECTED,
                after={"reasons": reasons},
                decided_at=decided,
                closed_at=decided,
                return_reasons=reasons,
            )
            return decided
        state = CaseState.AWAITING_SIGNOFF if bt.signoff_roles else CaseState.APPROVED
        if not self._fire(
            case,
            decided,
            reviewer,
            "case.approve",
            state,
            decided_at=decided,
            return_reasons=[],
        ):
            return decided
        at = decided
        if bt.signoff_roles:
            signed = self._sign(case, decided)
            if signed is None:
                return decided
            at = signed
        if immediate:
            done = at + dt.timedelta(minutes=rng.uniform(0.5, 2))
        else:
            done = self.cal.work_after(at, rng.uniform(10, 300))
        self._fire(
            case,
            done,
            case["_teller"],
            "case.complete",
            CaseState.COMPLETED,
            completed_at=done,
            closed_at=done,
        )
        return done

    def _sign(self, case: dict, decided: dt.datetime) -> dt.datetime | None:
        """The daily sign-off: the roles sign at the hall's sign-off time on the day of the
        decision (or the next working day when decided after it), leader before finance."""
        rng, hall = self.rng, case["_hall"]
        day = self.cal.local_day(decided)
        session = self.cal.at(day, hall.signoff_time)
        if not self.cal.is_working(day) or decided >= session:
            day = self.cal.add_days(day, 1)
            session = self.cal.at(day, hall.signoff_time)
        at = session + dt.timedelta(minutes=rng.uniform(1, 20))
        roles = list(case["_type"].signoff_roles)
        for i, role in enumerate(roles):
            signer = hall.signers[role]
            at += dt.timedelta(minutes=rng.uniform(0.2, 3))
            last = i == len(roles) - 1
            state = CaseState.APPROVED if last else CaseState.AWAITING_SIGNOFF
            extra = {"signed_at": at} if last else {}
            if not self._fire(
                case,
                at,
                signer,
                "case.sign",
                state,
                after={"role": role, "signer": signer.username},
                **extra,
            ):
                return None
            self._signatures.append(
                {
                    "id": self._id("signatures"),
                    "case_id": case["id"],
                    "role": role,
                    "signer_id": signer.id,
                    "acting_for_id": None,
                    "signed_at": at,
                }
            )
        return at

    def _after_return(self, case: dict, decided: dt.datetime) -> None:
        rng, rates = self.rng, self.rates
        roll = rng.random()
        if roll < rates.return_visit:
            back = self.cal.add_days(self.cal.local_day(decided), rng.randint(1, 5))
            self._schedule_return(case, back, "correction")
        elif roll < 1 - rates.return_stall:
            self._resubmit(case, self.cal.work_after(decided, rng.uniform(10, 240)))
        else:
            case["_stopped"] = True

    def _resubmit(self, case: dict, at: dt.datetime) -> None:
        trips = case["round_trips"] + 1
        if self._fire(
            case,
            at,
            case["_teller"],
            "case.resubmit",
            CaseState.SUBMITTED,
            after={"round_trips": trips, "figures": {}},
            round_trips=trips,
            submitted_at=at,
            reviewer_id=None,
            claimed_at=None,
            decided_at=None,
        ):
            self._review(case, at, wait=self.rng.uniform(10, 600), work=self.rng.uniform(5, 30))

    # ------------------------------------------------------------------ case entries

    def _case_log(self, case, at, actor, action, *, before=None, after=None, note="") -> bool:
        if case["_stopped"] or at > self.now:
            case["_stopped"] = True
            return False
        case["updated_at"] = at
        return self._log(
            at,
            actor,
            action,
            hall_id=case["hall_id"],
            target_type="counterhall.case",
            target_id=case["id"],
            label=case["_label"],
            before=before,
            after=after,
            note=note,
        )

    def _fire(self, case, at, actor, action, state, *, after=None, note="", **changes) -> bool:
        """One transition: its entry (before/after state) and the case's new fields; False
        (and the case stops) when ``at`` is after now."""
        before = {"state": str(case["state"])}
        if not self._case_log(
            case,
            at,
            actor,
            action,
            before=before,
            after={"state": str(state), **(after or {})},
            note=note,
        ):
            return False
        case["state"] = state
        case.update(changes)
        return True

    def _case_row(self, case: dict) -> dict:
        row = {k: v for k, v in case.items() if not k.startswith("_")}
        row["state"] = str(row["state"])
        row["documents"] = {
            code: {"status": str(entry["status"])} for code, entry in row["documents"].items()
        }
        return row

    def take_rows(self, batch: Batch) -> Batch:
        """Move the finished cases, the visit–case links and the signatures into ``batch``:
        a case is finished when nothing is scheduled for it any more."""
        waiting = {id(plan["case"]) for plans in self._returns.values() for plan in plans}
        done = [c for c in self._open_cases.values() if id(c) not in waiting]
        for case in done:
            del self._open_cases[case["id"]]
            batch.cases.append(self._case_row(case))
        batch.visit_cases.extend(self._pending_links)
        self._pending_links.clear()
        batch.signatures.extend(self._signatures)
        self._signatures.clear()
        return batch


def batches(generator: Generator, days: Iterable[dt.date]) -> Iterator[Batch]:
    """The generator's batches with their cases, links and signatures."""
    for batch in generator.run(days):
        yield generator.take_rows(batch)


def day_range(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def insert_rows(model, rows: list[dict], *, batch: int = 2000) -> None:
    """INSERT generated rows (dicts keyed by attname, the same columns in every row; a
    column left out takes its field's default, an id left out the database's) with one
    prepared statement executed per row: no model instances, no ``auto_now`` stamping (a
    row keeps its ``updated_at``), values prepared by each field for the connection."""
    from django.db import connection

    if not rows:
        return
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk or pk.attname in rows[0]]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
    if defaults:
        rows = [{**defaults, **row} for row in rows]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(row[f.attname], connection) for f in fields]
                    for row in rows[start : start + batch]
                ],
            )
