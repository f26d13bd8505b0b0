"""The efficiency pages' reads (服务效能): the period picked, the period compared, the
headline figures with their change and drill-down, the tables per business type, window and
teller, the charts' rows, and the before/after table against the catalogue's baselines.

The figures come from ``counterhall.metrics`` (figures, figures_by, staff_load); this module
only arranges them for the pages and exports, and runs a fixed number of queries whatever the
number of cases (tests/efficiency/test_dashboard_queries.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from counterhall import metrics
from counterhall.models import BusinessType, RatingGrade
from counterhall.months import add_months, first_of_month, last_of_month
from counterhall.templatetags.counterhall import local_name

PERIODS = (
    ("last_month", _("上月")),
    ("this_month", _("本月")),
    ("last_7", _("近7天")),
    ("custom", _("自定义")),
)
COMPARISONS = (("previous", _("上一周期")), ("last_year", _("去年同期")))
DASH = "—"


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"


def days_of(period: Period) -> list[dt.date]:
    return [period.start + dt.timedelta(days=i) for i in range(period.days)]


def period_for(kind: str, *, today: dt.date, start=None, end=None) -> Period:
    """The period a picker choice names (hall dates, both inclusive): last month (the
    default), this month so far, the last 7 days up to today, or a custom range."""
    if kind == "custom" and start and end:
        return Period(min(start, end), max(start, end))
    if kind == "this_month":
        return Period(first_of_month(today), today)
    if kind == "last_7":
        return Period(today - dt.timedelta(days=6), today)
    first = add_months(first_of_month(today), -1)
    return Period(first, last_of_month(first))


def comparison_for(period: Period, compare: str) -> Period:
    """The period compared: the same dates a year before, or the period just before (a
    whole month before a whole month, else the same number of days)."""
    if compare == "last_year":
        return Period(add_months(period.start, -12), add_months(period.end, -12))
    whole_month = period.start == first_of_month(period.start) and period.end == last_of_month(
        period.start
    )
    if whole_month:
        first = add_months(period.start, -1)
        return Period(first, last_of_month(first))
    return Period(
        period.start - dt.timedelta(days=period.days), period.start - dt.timedelta(days=1)
    )


# --------------------------------------------------------------------------- formatting


def _q(value, places: str) -> Decimal:
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def shown(value, kind: str) -> str:
    """A figure as the page prints it: counts as they are, minutes and per-case figures to
    one decimal, shares as percentages to one decimal; None as "—"."""
    if value is None:
        return DASH
    if kind == "count":
        return str(value)
    if kind == "rate":
        return f"{_q(Decimal(value) * 100, '0.1')}%"
    return str(_q(value, "0.1"))


def change_of(value, before, kind: str) -> Decimal | int | None:
    """The change from the period compared: a difference (percentage points for shares)."""
    if value is None or before is None:
        return None
    if kind == "rate":
        return _q((Decimal(value) - Decimal(before)) * 100, "0.1")
    if kind == "count":
        return int(value) - int(before)
    return _q(Decimal(value) - Decimal(before), "0.1")


def shown_change(change, kind: str) -> str:
    if change is None:
        return DASH
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    text = f"{sign}{abs(change)}"
    if kind == "rate":
        return gettext("%(n)s 个百分点") % {"n": text}
    return text


def read(figures, path: str):
    """A figure by its dotted name (``wait.median``)."""
    value: Any = figures
    for part in path.split("."):
        value = getattr(value, part)
    return value


# --------------------------------------------------------------------------- drill-down


def case_list_url(**filters) -> str:
    query = {k: v for k, v in filters.items() if v not in (None, "", False)}
    return reverse("case-list") + ("?" + urlencode(query) if query else "")


def visit_list_url(period: Period, **filters) -> str:
    query = {"from": period.start.isoformat(), "to": period.end.isoformat(), **filters}
    query = {k: v for k, v in query.items() if v not in (None, "", False)}
    return reverse("efficiency-visits") + "?" + urlencode(query)


def _opened(p: Period, f: dict) -> str:
    return case_list_url(date_from=p.start.isoformat(), date_to=p.end.isoformat(), **f)


def _ended(state: str) -> Callable[[Period, dict], str]:
    def url(p: Period, f: dict) -> str:
        return case_list_url(
            state=state, ended_from=p.start.isoformat(), ended_to=p.end.isoformat(), **f
        )

    return url


def _overdue(p: Period, f: dict) -> str:
    return case_list_url(overdue=1, **f)


def _returned(p: Period, f: dict) -> str:
    return case_list_url(returned=1, date_from=p.start.isoformat(), date_to=p.end.isoformat(), **f)


def _visits(status: str = "") -> Callable[[Period, dict], str]:
    def url(p: Period, f: dict) -> str:
        if "business_type" in f:  # a visit is not of one type: no list for a type's row
            return ""
        return visit_list_url(p, status=status, **f)

    return url


def _rectifications(p: Period, f: dict) -> str:
    return reverse("visit-rectifications")


@dataclass(frozen=True)
class Measure:
    """One figure of the dashboard: where it is read in ``Figures``, how it is shown, and
    the list behind it (None: it has no list, e.g. a median)."""

    key: str
    label: Any
    kind: str  # count | rate | minutes | ratio
    drill: Callable[[Period, dict], str] | None = None


MEASURES = (
    Measure("tickets_issued", _("取号数"), "count", _visits()),
    Measure("visits_served", _("接待办事人次"), "count", _visits("served")),
    Measure("no_shows", _("过号"), "count", _visits("no_show")),
    Measure("cases_taken_in", _("受理业务"), "count", _opened),
    Measure("cases_completed", _("办结业务"), "count", _ended("completed")),
    Measure("cases_rejected", _("不予受理"), "count", _ended("rejected")),
    Measure("cases_withdrawn", _("撤回"), "count", _ended("withdrawn")),
    Measure("completed_during_visit_rate", _("即时办结率"), "rate"),
    Measure("deadlines_kept", _("按承诺时限办结"), "count"),
    Measure("deadlines_promised", _("承诺时限办结业务"), "count"),
    Measure("overdue_now", _("当前超期未办结"), "count", _overdue),
    Measure("wait.median", _("等候时间中位数（分钟）"), "minutes"),
    Measure("wait.p90", _("等候时间90百分位（分钟）"), "minutes"),
    Measure("service.median", _("窗口办理时间中位数（分钟）"), "minutes"),
    Measure("service.p90", _("窗口办理时间90百分位（分钟）"), "minutes"),
    Measure("intake_to_completion.median", _("受理至办结中位数（分钟）"), "minutes"),
    Measure("intake_to_completion.p90", _("受理至办结90百分位（分钟）"), "minutes"),
    Measure("review_wait.median", _("复核等候中位数（分钟）"), "minutes"),
    Measure("signoff_wait.median", _("签批等候中位数（分钟）"), "minutes"),
    Measure("cases_returned", _("退回补正业务"), "count", _returned),
    Measure("return_rate", _("退回率"), "rate", _returned),
    Measure("round_trips_per_case", _("每件退回重交次数"), "ratio"),
    Measure("visits_per_case", _("每件到厅次数"), "ratio"),
    Measure("steps_per_case", _("每件经办环节"), "ratio"),
    Measure("satisfied_share", _("满意率"), "rate"),
    Measure("rectifications_open", _("差评整改待回访"), "count", _rectifications),
    Measure("rectifications_overdue", _("差评整改超期"), "count", _rectifications),
    Measure("rectifications_closed", _("差评整改已回访"), "count", _rectifications),
)
MEASURE = {m.key: m for m in MEASURES}

HEADLINE_KEYS = (
    "cases_taken_in",
    "cases_completed",
    "completed_during_visit_rate",
    "overdue_now",
    "visits_served",
    "no_shows",
    "wait.median",
    "service.median",
    "intake_to_completion.median",
    "visits_per_case",
    "steps_per_case",
    "return_rate",
    "satisfied_share",
    "rectifications_open",
    "rectifications_overdue",
)
# The columns of the tables per business type, window and teller.
TABLE_KEYS = (
    "cases_taken_in",
    "cases_completed",
    "completed_during_visit_rate",
    "overdue_now",
    "visits_served",
    "wait.median",
    "service.median",
    "intake_to_completion.median",
    "visits_per_case",
    "steps_per_case",
    "satisfied_share",
)
TIMES = (
    ("wait", _("等候（取号→叫号）")),
    ("service", _("窗口办理（开始→结束）")),
    ("intake_to_completion", _("受理→办结")),
    ("review_wait", _("等候复核")),
    ("signoff_wait", _("等候签批")),
)


@dataclass(frozen=True)
class Cell:
    value: Any
    text: str
    url: str = ""


@dataclass(frozen=True)
class Headline:
    key: str
    label: Any
    now: Cell
    before: str
    change: str


@dataclass
class Table:
    dimension: str
    title: Any
    heads: list
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # per row, where its label leads ("": none)

    @property
    def lines(self) -> list[tuple[str, list[Cell], str]]:
        """(label, cells, link) per row, for the template."""
        links = self.links or [""] * len(self.rows)
        return [(label, cells, link) for (label, cells), link in zip(self.rows, links, strict=True)]


def cell(figures, measure: Measure, period: Period, filters: dict) -> Cell:
    value = read(figures, measure.key)
    url = measure.drill(period, filters) if measure.drill else ""
    return Cell(value, shown(value, measure.kind), url)


def headlines(
    figures, before, period: Period, filters: dict, *, rectifications: bool = True
) -> list[Headline]:
    """The headline figures next to the period compared; ``rectifications``: whether the
    reader may open the 差评整改 page their counts lead to."""
    out = []
    for key in HEADLINE_KEYS:
        m = MEASURE[key]
        now = cell(figures, m, period, filters)
        if m.drill is _rectifications and not rectifications:
            now = Cell(now.value, now.text)
        old = read(before, key)
        out.append(
            Headline(
                key,
                m.label,
                now,
                shown(old, m.kind),
                shown_change(change_of(now.value, old, m.kind), m.kind),
            )
        )
    return out


# The case list's filter for each dimension's key.
DRILL_FILTER = {"business_type": "business_type", "window": "window", "teller": "teller"}


def _key_id(key) -> Any:
    return getattr(key, "pk", key)


def filters_of(dimension: str, key) -> dict:
    return {DRILL_FILTER[dimension]: _key_id(key)} if dimension in DRILL_FILTER else {}


def table(
    dimension: str,
    title,
    rows: Iterable[tuple[Any, str, Any]],
    period: Period,
    base: dict | None = None,
) -> Table:
    """The figures per key of a dimension; ``base``: the filters every list behind them
    shares (the picked hall of a province reader)."""
    t = Table(dimension, title, [MEASURE[k].label for k in TABLE_KEYS])
    for key, label, figures in rows:
        if key is None:  # visits without a case, acts of no teller
            label = gettext("未关联")
        filters = {**(base or {}), **filters_of(dimension, key)}
        cells = [cell(figures, MEASURE[k], period, filters) for k in TABLE_KEYS]
        if dimension not in DRILL_FILTER or key is None:  # the lists are one hall's, by key
            cells = [Cell(c.value, c.text) for c in cells]
        t.rows.append((label, cells))
    return t


def rating_rows(figures) -> list[tuple[str, int]]:
    """The ratings distribution, best grade first, every grade shown (0 when none), then the
    applicants who declined to rate."""
    counts = figures.ratings or {}
    rows = [
        (str(grade.label), counts.get(str(grade.value), 0))
        for grade in sorted(RatingGrade, reverse=True)
    ]
    rows.append((str(_("不作评价")), counts.get(metrics.DECLINED, 0)))
    return rows


# --------------------------------------------------------------------------- before/after


@dataclass(frozen=True)
class BeforeAfterRow:
    code: str
    name: str
    name_en: str
    cases: int
    baseline_steps: int | None
    baseline_trips: str
    baseline_floors: int | None
    baseline_minutes: int | None
    source: str
    steps: Decimal | None
    visits: Decimal | None
    window_minutes: Decimal | None
    hall_minutes: Decimal | None
    steps_change: str
    trips_change: str
    minutes_change: str

    def cells(self) -> list[str]:
        """The row as the exports write it (strings; "—" where no figure)."""
        return [
            self.code,
            local_name(self),
            _text(self.baseline_steps),
            self.baseline_trips or DASH,
            _text(self.baseline_floors),
            _text(self.baseline_minutes),
            str(self.cases),
            shown(self.steps, "ratio"),
            shown(self.visits, "ratio"),
            shown(self.window_minutes, "minutes"),
            shown(self.hall_minutes, "minutes"),
            self.steps_change,
            self.trips_change,
            self.minutes_change,
            self.source,
        ]


def _text(value) -> str:
    return DASH if value is None else str(value)


def before_after_heads() -> list[str]:
    return [
        gettext("业务代码"),
        gettext("业务名称"),
        gettext("原模式经办环节"),
        gettext("原模式往返窗口/科室次数"),
        gettext("原模式奔走楼层"),
        gettext("原模式办事时间（分钟）"),
        gettext("本期办结业务（件）"),
        gettext("现每件经办环节"),
        gettext("现每件到厅次数"),
        gettext("现窗口办理时间中位数（分钟）"),
        gettext("现在厅时间中位数（等候+办理，分钟）"),
        gettext("经办环节变化"),
        gettext("往返次数变化"),
        gettext("办事时间变化（分钟）"),
        gettext("原模式数据来源"),
    ]


def _trips(bt: BusinessType) -> str:
    low, high = bt.baseline_trips_min, bt.baseline_trips_max
    if low is None and high is None:
        return ""
    if low is None or high is None or low == high:
        return str(low if low is not None else high)
    return f"{low}–{high}"


def _diff(now: Decimal | None, then: int | None) -> str:
    if now is None or then is None:
        return DASH
    return shown_change(_q(Decimal(now) - then, "0.1"), "ratio")


def _trips_diff(now: Decimal | None, bt: BusinessType) -> str:
    ends = [v for v in (bt.baseline_trips_min, bt.baseline_trips_max) if v is not None]
    if now is None or not ends:
        return DASH
    changes = sorted({_q(Decimal(now) - v, "0.1") for v in ends}, reverse=True)
    return " ~ ".join(shown_change(c, "ratio") for c in changes)


def _sum(*values: Decimal | None) -> Decimal | None:
    if any(v is None for v in values):
        return None
    return sum((Decimal(v) for v in values if v is not None), Decimal(0))


def before_after(*, halls, period: Period) -> list[BeforeAfterRow]:
    """Per business type with a baseline or with cases in the period: the old path next to
    the hall's measured figures (steps and visits per case, median minutes at the window and
    in the hall — waiting + service) and the difference. Two queries plus ``figures_by``."""
    measured = {}
    for key, _label, figures in metrics.figures_by(
        "business_type", halls=halls, start=period.start, end=period.end
    ):
        measured[_key_id(key)] = figures
    types = [
        bt
        for bt in BusinessType.objects.order_by("position", "code")
        if bt.code in measured
        or bt.pk in measured
        or bt.baseline_steps is not None
        or bt.baseline_trips_min is not None
        or bt.baseline_minutes is not None
    ]
    rows = []
    for bt in types:
        f = measured.get(bt.code, measured.get(bt.pk))
        steps = f.steps_per_case if f else None
        visits = f.visits_per_case if f else None
        window = f.service.median if f else None
        hall = _sum(f.wait.median, f.service.median) if f else None
        rows.append(
            BeforeAfterRow(
                code=bt.code,
                name=bt.name,
                name_en=bt.name_en,
                cases=f.cases_completed if f else 0,
                baseline_steps=bt.baseline_steps,
                baseline_trips=_trips(bt),
                baseline_floors=bt.baseline_floors,
                baseline_minutes=bt.baseline_minutes,
                source=bt.baseline_source,
                steps=steps,
                visits=visits,
                window_minutes=window,
                hall_minutes=hall,
                steps_change=_diff(steps, bt.baseline_steps),
                trips_change=_trips_diff(visits, bt),
                minutes_change=_diff(hall, bt.baseline_minutes),
            )
        )
    return rows


def export_rows(rows: Sequence[BeforeAfterRow]) -> Iterable[list[str]]:
    yield before_after_heads()
    for row in rows:
        yield row.cells()


# --------------------------------------------------------------------------- visits behind


VISIT_PAGE = 50


def visit_list(*, halls, start: dt.date, end: dt.date, filters: dict, after: str = ""):
    """The visits behind a visit figure (tickets, served, no-shows): the halls' visits of
    the hall days start..end, filtered by status, window and teller, newest first, keyset
    paged on (issued_at, id) like the case list. Returns (visits, next cursor or "")."""
    from django.db.models import Q

    from counterhall.models import Visit
    from counterhall.selectors import keyset_cursor, parse_cursor

    qs = Visit.objects.filter(hall__in=halls, day__gte=start, day__lte=end)
    for name in ("status", "window", "teller"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    position = parse_cursor(after) if after else None
    if position is not None:
        at, pk = position
        qs = qs.filter(Q(issued_at__lt=at) | Q(issued_at=at, pk__lt=pk))
    rows = list(
        qs.select_related("window", "teller").order_by("-issued_at", "-pk")[: VISIT_PAGE + 1]
    )
    more = len(rows) > VISIT_PAGE
    rows = rows[:VISIT_PAGE]
    return rows, (keyset_cursor(rows[-1].issued_at, rows[-1].pk) if more and rows else "")
