"""Reads of the auditor's desk (read only): the log with filters and keyset pages, a case's
timeline, the CSV export and the report of full-number views. Keyword arguments and
querysets, so the pages and an API share them."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from counterhall import audit
from counterhall.models import AuditEntry, Case, Signature
from counterhall.permissions import can_read_audit, cases_visible_to, user_hall_id
from counterhall.pii import mask_text, masked
from counterhall.selectors import day_start, keyset_cursor, parse_cursor

CASE_TARGET = "counterhall.case"
LOG_PAGE = 50
PII_VIEW = "pii.view"


def entries_visible_to(user) -> QuerySet[AuditEntry]:
    """The entries an auditor or hall admin may read: their hall's, and the hall-less ones
    (logins, logouts) of their hall's staff; every entry for a superuser."""
    if not can_read_audit(user):
        return AuditEntry.objects.none()
    if user.is_superuser:
        return AuditEntry.objects.all()
    hall_id = user_hall_id(user)
    if hall_id is None:
        return AuditEntry.objects.none()
    from counterhall.models import StaffProfile

    staff = StaffProfile.objects.filter(hall_id=hall_id).values("user_id")
    return AuditEntry.objects.filter(Q(hall_id=hall_id) | Q(hall__isnull=True, actor_id__in=staff))


def filter_entries(
    entries: QuerySet[AuditEntry],
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    actor=None,
    window=None,
    business_type=None,
    case_number: str = "",
    case_id: int | None = None,
    action: str = "",
    subject: str = "",
    user=None,
) -> QuerySet[AuditEntry]:
    """The log filtered: hall dates (inclusive), staff member, window / business type /
    number (or id) of the case an entry is on, action kind (``case.submit`` or a prefix such as
    ``case.``), subject (ID number, USCC or name: the subject's entries and its cases')."""
    if date_from:
        entries = entries.filter(at__gte=day_start(date_from))
    if date_to:
        entries = entries.filter(at__lt=day_start(date_to + dt.timedelta(days=1)))
    if actor is not None:
        entries = entries.filter(actor=actor)
    if action:
        entries = (
            entries.filter(action__startswith=action)
            if action.endswith(".")
            else entries.filter(action=action)
        )
    cases = Case.objects.all()
    on_cases = False
    if window is not None:
        cases, on_cases = cases.filter(window=window), True
    if business_type is not None:
        cases, on_cases = cases.filter(business_type=business_type), True
    if case_number:
        cases, on_cases = cases.filter(number=case_number.strip().upper()), True
    if case_id is not None:
        cases, on_cases = cases.filter(pk=case_id), True
    if on_cases:
        # the ids as a list (one query): the planner then knows how many entries match and
        # walks the (at) index newest first, filtering, instead of gathering every entry
        # of the cases and sorting them (see docs/benchmarks.md)
        ids = [str(pk) for pk in cases.values_list("pk", flat=True)]
        entries = entries.filter(target_type=CASE_TARGET, target_id__in=ids)
    if subject:
        entries = entries.filter(_subject_filter(subject.strip(), user=user))
    return entries


def _subject_filter(text: str, *, user) -> Q:
    """Entries on the subject itself (its label) or on its cases, found through the search
    providers the business apps register (ID number, USCC, name)."""
    from counterhall.search import SEARCH_LIMIT, providers

    wanted = Q(target_label__icontains=text)
    case_filter = Q(applicant_name=text)
    for provider in providers():
        answer = provider(text, user=user, limit=SEARCH_LIMIT)
        if answer.case_filter is not None:
            case_filter |= answer.case_filter
    # the ids as a list (one query), as for the window filter: the planner then reads the
    # (target_type, target_id) index and the label's trigram index together (a BitmapOr)
    # instead of walking the whole log backwards to find a rare subject
    ids = [str(pk) for pk in Case.objects.filter(case_filter).values_list("pk", flat=True)]
    return wanted | Q(target_type=CASE_TARGET, target_id__in=ids)


def audit_log(*, user, after: str = "", size: int = LOG_PAGE, **filters):
    """One page of the log, newest first, keyset-paginated on (at, id): ``after`` is the
    cursor of the previous page's last row (never an OFFSET). Returns (entries, next cursor
    or ""); two queries whatever the size of the log."""
    entries = filter_entries(entries_visible_to(user), user=user, **filters)
    position = parse_cursor(after) if after else None
    if position is not None:
        at, pk = position
        entries = entries.filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
    rows = list(entries.select_related("actor").order_by("-at", "-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    _link(rows)
    return rows, (keyset_cursor(rows[-1].at, rows[-1].pk) if more and rows else "")


def _link(rows: list[AuditEntry]) -> None:
    """Give each row the page it links to (``link``): its case, or its subject's page."""
    from django.urls import NoReverseMatch, reverse

    pages = {
        CASE_TARGET: "audit-case",
        "registration.insuredperson": "person-detail",
        "registration.employer": "employer-detail",
    }
    for entry in rows:
        link = ""
        name = pages.get(entry.target_type)
        if name and entry.target_id.isdigit():
            try:
                link = reverse(name, args=[int(entry.target_id)])
            except NoReverseMatch:
                link = ""
        setattr(entry, "link", link)  # noqa: B010  (a display attribute, not a field)


# --------------------------------------------------------------------------- CSV export

CSV_HEADER = (
    "id",
    "时间",
    "操作人",
    "大厅",
    "动作",
    "动作名称",
    "对象类型",
    "对象标识",
    "对象",
    "变更前",
    "变更后",
    "说明",
    "摘要",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: one that starts like a formula (= + - @ tab CR)
    is prefixed with an apostrophe (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(entries: QuerySet[AuditEntry], *, chunk_size: int = 2000) -> Iterator[str]:
    """The entries as CSV lines (UTF-8 with BOM so spreadsheets read Chinese), streamed with
    a server-side cursor: memory does not grow with the number of entries. Numbers inside
    labels, before/after and notes are masked as on screen; before/after are read as the
    database's JSON text (not decoded and encoded again)."""
    from django.db.models import TextField

    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    rows = (
        entries.order_by("-at", "-pk")
        .annotate(before_text=Cast("before", TextField()), after_text=Cast("after", TextField()))
        .values_list(
            "pk",
            "at",
            "actor_name",
            "hall_id",
            "action",
            "target_type",
            "target_id",
            "target_label",
            "before_text",
            "after_text",
            "note",
            "digest",
        )
    )
    labels: dict[str, str] = {}
    zone = timezone.get_current_timezone()
    for (
        pk,
        at,
        actor,
        hall_id,
        action,
        ttype,
        tid,
        label,
        before,
        after,
        note,
        digest,
    ) in rows.iterator(chunk_size=chunk_size):
        if action not in labels:
            labels[action] = audit.action_label(action)
        yield writer.writerow(
            [
                pk,
                at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                csv_cell(actor),
                hall_id or "",
                csv_cell(action),
                csv_cell(labels[action]),
                csv_cell(ttype),
                csv_cell(tid),
                csv_cell(mask_text(label)),
                csv_cell(mask_text(before) if before and before != "null" else ""),
                csv_cell(mask_text(after) if after and after != "null" else ""),
                csv_cell(mask_text(note)),
                digest,
            ]
        )


# --------------------------------------------------------------------------- the case timeline


@dataclass
class TimelineStep:
    entry: AuditEntry
    state_before: str = ""
    state_after: str = ""
    waited: dt.timedelta | None = None  # time in the state the step leaves
    figures: dict | None = None
    payload: dict | None = None
    details: dict = field(default_factory=dict)


@dataclass
class Timeline:
    case: Case
    steps: list[TimelineStep]
    states: list[tuple[str, dt.timedelta]]  # time spent in each state, in order of entry
    signatures: list[Signature]
    findings: list


def case_timeline(*, user, case_id: int, reveal: bool = False) -> Timeline:
    """Every step of a case from its audit entries: who, when, the state it left and how
    long it waited there, the application saved and the figures frozen at each step, the
    signatures and the spot-check findings. Personal numbers masked unless ``reveal``."""
    from django.shortcuts import get_object_or_404

    case = get_object_or_404(
        cases_visible_to(user).select_related(
            "business_type", "window", "hall", "teller", "reviewer"
        ),
        pk=case_id,
    )
    steps: list[TimelineStep] = []
    states: dict[str, dt.timedelta] = {}
    state_since: dt.datetime | None = None
    current = ""
    shown = (lambda v: v) if reveal else masked
    for entry in audit.history_for(case):
        before = entry.before if isinstance(entry.before, dict) else {}
        after = entry.after if isinstance(entry.after, dict) else {}
        step = TimelineStep(entry=entry)
        if entry.action == "case.open":
            current, state_since = "draft", entry.at
        if "state" in before and "state" in after:
            step.state_before, step.state_after = before["state"], after["state"]
            if state_since is not None:
                step.waited = entry.at - state_since
                states[step.state_before] = states.get(step.state_before, dt.timedelta()) + (
                    step.waited
                )
            current, state_since = after["state"], entry.at
        if entry.action == "case.application":
            step.payload = shown(after)
        else:
            if after.get("figures"):
                step.figures = shown(after["figures"])
            step.details = {
                k: _flat(shown(v))
                for k, v in after.items()
                if k not in ("state", "figures") and v not in ("", None, [], {})
            }
        entry.note = shown(entry.note)
        steps.append(step)
    if current and state_since is not None and not case.closed_at and not case.completed_at:
        states[current] = states.get(current, dt.timedelta()) + (timezone.now() - state_since)
    signatures = list(case.signatures.select_related("signer", "acting_for").order_by("signed_at"))
    findings = list(case.spot_check_findings.select_related("sample", "judged_by").order_by("pk"))
    return Timeline(
        case=case,
        steps=steps,
        states=list(states.items()),
        signatures=signatures,
        findings=findings,
    )


def _flat(value) -> str:
    """A detail of an entry as one line: lists joined, dicts as "key: value" pairs."""
    if isinstance(value, dict):
        return "；".join(f"{k}: {_flat(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "；".join(_flat(v) for v in value)
    return str(value)


# --------------------------------------------------------------------------- full-number views


def pii_views(*, user, date_from: dt.date | None = None, date_to: dt.date | None = None):
    """Every view of a full ID or account number (``pii.view`` entries) in the auditor's
    hall, grouped by staff member: [(actor_name, [entries newest first])]."""
    entries = filter_entries(
        entries_visible_to(user), date_from=date_from, date_to=date_to, action=PII_VIEW
    ).order_by("actor_name", "-at", "-pk")
    grouped: dict[str, list[AuditEntry]] = {}
    for entry in entries:
        grouped.setdefault(entry.actor_name, []).append(entry)
    return list(grouped.items())


def iter_chunks(lines: Iterable[str]) -> Iterator[bytes]:
    for line in lines:
        yield line.encode("utf-8")
