"""Reads for pages. Each starts from the permission-filtered queryset and selects what its
template touches, so the number of queries does not grow with the rows."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from counterhall import audit, registry
from counterhall.models import OPEN_STATES, AuditEntry, BusinessType, Case, CaseState, WindowKind
from counterhall.permissions import cases_visible_to, windows_for
from counterhall.pii import mask_value
from counterhall.registry import registered_codes

CASE_RELATED = ("business_type", "window", "hall", "teller", "reviewer")


def case_detail(*, user, case_id: int) -> Case:
    return get_object_or_404(
        cases_visible_to(user).select_related(*CASE_RELATED, "employer", "person"), pk=case_id
    )


def cases_with_overdue_documents(*, user) -> QuerySet[Case]:
    """容缺受理 reminders: the user's cases whose deferred-document promise date has passed
    (Case.documents_overdue checks that the deferred document is still outstanding)."""
    from django.utils import timezone

    return (
        cases_visible_to(user)
        .filter(documents_due__lt=timezone.localdate())
        .exclude(state__in=[CaseState.REJECTED, CaseState.WITHDRAWN])
        .select_related(*CASE_RELATED)
        .order_by("documents_due", "pk")
    )


def case_history(case: Case) -> QuerySet[AuditEntry]:
    return audit.history_for(case)


def teller_open_cases(*, user) -> QuerySet[Case]:
    return (
        cases_visible_to(user)
        .filter(teller=user, state__in=OPEN_STATES)
        .select_related(*CASE_RELATED)
        .order_by("-updated_at", "-pk")
    )


def recent_audit(*, user, limit: int = 20) -> QuerySet[AuditEntry]:
    """The latest audit entries of the user's hall (all halls for a superuser)."""
    from counterhall.permissions import user_hall_id

    entries = AuditEntry.objects.select_related("actor").order_by("-at", "-pk")
    if not user.is_superuser:
        hall_id = user_hall_id(user)
        entries = entries.filter(hall_id=hall_id) if hall_id else entries.none()
    return entries[:limit]


def business_types_served(*, user, window=None) -> QuerySet[BusinessType]:
    """Types a teller can open: active, with a handler, and of the kind of the given window
    — or, without one, of the kinds of the windows the user works at (a special-window
    clerk is offered special business only, a general teller general business only)."""
    qs = BusinessType.objects.filter(active=True, code__in=registered_codes())
    if window is not None:
        return qs.filter(is_special=window.is_special)
    kinds = set(windows_for(user).values_list("kind", flat=True))
    return qs.filter(is_special__in=[kind == WindowKind.SPECIAL for kind in kinds])


def my_windows(*, user):
    return windows_for(user).order_by("hall__code", "number")


def application_rows(case: Case, handler=None, *, reveal: bool = False) -> list[tuple]:
    """The saved application as (label, value) rows, labelled by the type's form fields,
    with ID and bank account numbers masked (rules.md §3), also inside free text (CON01's
    wage lines) — unless ``reveal`` (显示完整号码, a recorded view)."""
    if not case.payload:
        return []
    if handler is None and registry.has_handler(case.business_type.code):
        handler = registry.get_handler(case.business_type.code)
    fields = handler.form_class(case=case).fields if handler else {}
    rows = []
    for key, value in case.payload.items():
        field = fields.get(key)
        if field is None:
            if isinstance(value, list | dict):
                continue  # derived data (e.g. parsed lines), shown in the figures
            rows.append((key, value if reveal else mask_value(key, value)))
            continue
        choices = dict(getattr(field, "choices", None) or [])
        shown = choices.get(value, choices.get(str(value), value))
        if shown in (None, ""):
            shown = "—"
        rows.append((field.label, shown if reveal else mask_value(key, shown)))
    return rows


def figures_template(case: Case) -> str:
    code = case.business_type.code
    if registry.has_handler(code):
        return registry.get_handler(code).figures_template
    return "counterhall/_figures.html"


def hall_tellers(*, user) -> QuerySet:
    """The tellers and special clerks of the hall admin's hall, each with the number of open
    cases they hold (``open_cases``), one query."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q

    from counterhall.permissions import user_hall_id
    from counterhall.roles import Role

    users = get_user_model().objects.filter(
        is_active=True, groups__name__in=[Role.TELLER, Role.SPECIAL_CLERK]
    )
    if not user.is_superuser:
        hall_id = user_hall_id(user)
        users = users.filter(staff__hall_id=hall_id) if hall_id else users.none()
    return (
        users.annotate(
            open_cases=Count(
                "cases_taken", filter=Q(cases_taken__state__in=OPEN_STATES), distinct=True
            )
        )
        .order_by("-open_cases", "username")
        .distinct()
    )


CASE_LIST_PAGE = 50


def day_start(day: dt.date) -> dt.datetime:
    """Midnight of a hall date, aware: a date filter as a range on the timestamp, so it
    uses the (…, at) and (…, created_at) indexes (``__date`` would not)."""
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def keyset_cursor(at, pk: int) -> str:
    """A keyset page's cursor: the last row's time and id (the case list, the audit log)."""
    return f"{at.isoformat()}~{pk}"


def parse_cursor(cursor: str):
    """(time, id) of a cursor, or None when it is not one."""
    import datetime as dt

    try:
        at, pk = cursor.rsplit("~", 1)
        return dt.datetime.fromisoformat(at), int(pk)
    except ValueError:
        return None


def filtered_cases(*, user, filters: dict) -> QuerySet[Case]:
    """Every case the user may read, completed, rejected and withdrawn ones included,
    filtered (hall, state, type, window, teller, local dates opened, open past the promised
    date, immediate, local dates completed or closed, returned at least once): the case
    list's and the API's."""
    from django.utils import timezone

    qs = cases_visible_to(user)
    if filters.get("hall"):
        qs = qs.filter(hall=filters["hall"])
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("business_type"):
        qs = qs.filter(business_type=filters["business_type"])
    if filters.get("window"):
        qs = qs.filter(window=filters["window"])
    if filters.get("teller"):
        qs = qs.filter(teller=filters["teller"])
    if filters.get("date_from"):
        qs = qs.filter(created_at__gte=day_start(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(created_at__lt=day_start(filters["date_to"] + dt.timedelta(days=1)))
    if filters.get("overdue"):
        qs = qs.filter(promised_deadline__lt=timezone.localdate(), state__in=OPEN_STATES)
    if filters.get("immediate"):
        qs = qs.filter(is_immediate=True)
    if filters.get("ended_from"):  # completed, rejected, withdrawn: closed_at is set
        qs = qs.filter(closed_at__date__gte=filters["ended_from"])
    if filters.get("ended_to"):
        qs = qs.filter(closed_at__date__lte=filters["ended_to"])
    if filters.get("returned"):
        qs = qs.filter(round_trips__gt=0)
    return qs


def case_list(*, user, filters: dict, after: str = "", size: int = CASE_LIST_PAGE):
    """``filtered_cases``, newest first, keyset-paginated: ``after`` is the cursor of the
    last row of the previous page (created_at and id; never an OFFSET). Returns (cases,
    next cursor or ""). A fixed number of queries whatever the number of cases."""
    from django.db.models import Q

    qs = filtered_cases(user=user, filters=filters)
    position = parse_cursor(after) if after else None
    if position is not None:
        at, pk = position
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    rows = list(qs.select_related(*CASE_RELATED).order_by("-created_at", "-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (keyset_cursor(rows[-1].created_at, rows[-1].pk) if more and rows else "")


def case_list_choices(*, user) -> dict:
    """What the case list's filters offer: the hall's types, windows and tellers, and
    for a superuser (who reads every hall) the halls."""
    from django.contrib.auth import get_user_model

    from counterhall.models import Hall, Window
    from counterhall.permissions import user_hall_id
    from counterhall.roles import Role

    hall_id = user_hall_id(user)
    windows = Window.objects.select_related("hall")
    tellers = get_user_model().objects.filter(groups__name__in=[Role.TELLER, Role.SPECIAL_CLERK])
    if not user.is_superuser:
        windows = windows.filter(hall_id=hall_id) if hall_id else windows.none()
        tellers = tellers.filter(staff__hall_id=hall_id) if hall_id else tellers.none()
    return {
        "business_types": BusinessType.objects.filter(active=True),
        "windows": windows,
        "tellers": tellers.distinct().order_by("username"),
        "halls": Hall.objects.order_by("code") if user.is_superuser else None,
    }


def search(*, user, query: str):
    """The header search: cases (by number, applicant, and the cases of the persons and
    employers found), persons and employers, each group within what the user may read,
    the exact match first. Returns (groups, exact case or None, persons looked up by ID)."""
    from django.db.models import Q
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from counterhall.search import SEARCH_LIMIT, SearchGroup, SearchHit, providers

    answers = [p(query, user=user, limit=SEARCH_LIMIT) for p in providers()]
    wanted = Q(number__iexact=query) | Q(number__icontains=query)
    wanted |= Q(applicant_name__icontains=query)
    for answer in answers:
        if answer.case_filter is not None:
            wanted |= answer.case_filter
    cases = list(
        cases_visible_to(user)
        .filter(wanted)
        .select_related("business_type")
        .order_by("-created_at", "-pk")[:SEARCH_LIMIT]
    )
    exact = next((c for c in cases if c.number.upper() == query.upper()), None)
    if exact is not None:
        cases = [exact, *[c for c in cases if c.pk != exact.pk]]
    group = SearchGroup(
        "cases",
        _("业务"),
        [
            SearchHit(
                label=c.number,
                detail=f"{c.business_type.name} · {c.get_state_display()}",
                url=reverse("case-detail", args=[c.pk]),
                exact=c is exact,
            )
            for c in cases
        ],
    )
    looked_up = [p for a in answers for p in a.looked_up_by_id]
    return [group, *[a.group for a in answers]], exact, looked_up


def completion_mode(case: Case) -> tuple[bool, int | None]:
    """How the case will be completed: once submitted, as frozen; before, as its handler
    says for the application saved so far (BEN01: immediate while the batch qualifies),
    else as the catalogue says."""
    from counterhall.models import CompletionMode

    if case.submitted_at is not None:
        return case.is_immediate, case.business_type.limit_days
    code = case.business_type.code
    handler = registry.get_handler(code) if registry.has_handler(code) else None
    if handler is not None and handler.completion and case.payload:
        return handler.completion(case)
    bt = case.business_type
    return bt.completion_mode == CompletionMode.IMMEDIATE, bt.limit_days


# --------------------------------------------------------------------------- the case file


def case_pages(*, case: Case):
    """A case's scanned pages, by document in the catalogue's order, then page number (the
    caller has read the case through ``cases_visible_to``)."""
    from counterhall.models import DocumentPage

    order = {code: i for i, code in enumerate(checklist_codes(case))}
    rows = list(DocumentPage.objects.filter(case=case).select_related("added_by"))
    rows.sort(key=lambda p: (order.get(p.document_code, len(order)), p.number))
    return rows


def document_pages(*, case: Case) -> dict[str, list]:
    """``{document code: [pages]}`` for every row of the checklist (empty lists included)."""
    grouped: dict[str, list] = {code: [] for code in checklist_codes(case)}
    for page in case_pages(case=case):
        grouped.setdefault(page.document_code, []).append(page)
    return grouped


def checklist_codes(case: Case) -> list[str]:
    """The case's checklist codes in the catalogue's order (``case.documents`` is JSON,
    whose key order PostgreSQL does not keep)."""
    catalogue = [d.code for d in case.business_type.documents.all()]
    return [c for c in catalogue if c in case.documents] + [
        c for c in case.documents if c not in catalogue
    ]
