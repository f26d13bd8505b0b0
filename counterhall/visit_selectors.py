"""Reads of the visits for pages: the slip, the window's call panel, the hall display, the
rating tablet and the rectification list. Each runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from counterhall import permissions
from counterhall.models import (
    OPEN_VISIT_STATUSES,
    Hall,
    Rectification,
    Visit,
    VisitStatus,
    Window,
)
from counterhall.visit_services import current_visit, no_show_calls, waiting_for

DISPLAY_LAST_CALLS = 8
RATING_WINDOW = dt.timedelta(minutes=30)


def waiting_ahead(visit: Visit) -> int:
    """Tickets of the same queue still waiting that will be called before this one."""
    return (
        Visit.objects.filter(
            hall_id=visit.hall_id,
            day=visit.day,
            category=visit.category,
            status=VisitStatus.WAITING,
        )
        .filter(
            Q(priority__gt=visit.priority)
            | Q(priority=visit.priority, issued_at__lt=visit.issued_at)
            | Q(priority=visit.priority, issued_at=visit.issued_at, pk__lt=visit.pk)
        )
        .count()
    )


def waiting_counts(hall: Hall) -> dict[str, int]:
    """Today's waiting tickets per category."""
    rows = (
        Visit.objects.filter(hall=hall, day=timezone.localdate(), status=VisitStatus.WAITING)
        .values("category")
        .annotate(n=Count("pk"))
    )
    return {row["category"]: row["n"] for row in rows}


def call_queue(*, user) -> list[tuple[Window, int]]:
    """The polled part of the call panel: the teller's windows with the queue length each
    may call (1 + one count per window)."""
    windows = permissions.windows_for(user).order_by("number")
    return [(w, waiting_for(w).count()) for w in windows]


def call_panel(*, user) -> dict:
    """The teller's call panel on the home page: their windows with the queue length each
    may call, the visit they have called or are serving, the windows it may go to."""
    current = current_visit(user)
    rows = call_queue(user=user)
    transfer_to: list[Window] = []
    if current is not None and current.window is not None:
        transfer_to = list(
            Window.objects.filter(hall_id=current.hall_id, kind=current.window.kind)
            .exclude(pk=current.window.pk)
            .order_by("number")
        )
    return {
        "windows": rows,
        "current": current,
        "no_show_calls": no_show_calls(current.hall) if current else None,
        "transfer_to": transfer_to,
    }


def display_board(hall: Hall) -> dict:
    """The hall display: the last calls of today and each window's current ticket."""
    today = timezone.localdate()
    open_visits = (
        Visit.objects.filter(hall=hall, day=today, status__in=OPEN_VISIT_STATUSES)
        .select_related("window")
        .order_by("-last_called_at", "-pk")
    )
    current: dict[int | None, Visit] = {}
    for v in open_visits:
        current.setdefault(v.window_id, v)
    last_calls = list(
        Visit.objects.filter(hall=hall, day=today, last_called_at__isnull=False)
        .exclude(status=VisitStatus.WAITING)
        .select_related("window")
        .order_by("-last_called_at", "-pk")[:DISPLAY_LAST_CALLS]
    )
    windows = list(hall.windows.order_by("number"))
    return {
        "hall": hall,
        "last_calls": last_calls,
        "windows": [(w, current.get(w.pk)) for w in windows],
        "waiting": waiting_counts(hall),
    }


def visit_to_rate(window: Window) -> Visit | None:
    """The visit the window's tablet asks the applicant to rate: the last one served at
    this window in the past half hour, not yet rated."""
    since = timezone.now() - RATING_WINDOW
    return (
        Visit.objects.filter(
            window=window,
            status=VisitStatus.SERVED,
            service_ended_at__gte=since,
            rating__isnull=True,
        )
        .select_related("teller", "window")
        .order_by("-service_ended_at", "-pk")
        .first()
    )


def rectifications(*, user, open_only: bool = False) -> QuerySet[Rectification]:
    """The hall's rectification items (hall admin, leader), nearest deadline first."""
    hall_id = permissions.user_hall_id(user)
    if hall_id is None:
        return Rectification.objects.none()
    qs = Rectification.objects.filter(hall_id=hall_id).select_related(
        "rating__visit__window", "rating__teller", "callback_by"
    )
    if open_only:
        qs = qs.filter(callback_at__isnull=True)
    return qs.order_by(F("callback_at").asc(nulls_first=True), "deadline", "pk")


def overdue_rectifications(*, user) -> list[Rectification]:
    return list(rectifications(user=user, open_only=True).filter(deadline__lt=timezone.localdate()))


def rectification_panel(*, user) -> dict:
    """The home page's rectification panel: the overdue items and how many are open."""
    hall = permissions.user_hall(user)
    return {
        "overdue": overdue_rectifications(user=user),
        "open": rectifications(user=user, open_only=True).count(),
        "figures": today_figures(hall) if hall is not None else None,
    }


def today_figures(hall: Hall) -> dict:
    """Today's visit figures from the timestamps (one query): tickets, served, no-shows,
    median wait (ticket to first call) and median service minutes, ratings and the share
    satisfied (基本满意 or better) of those who rated."""
    from statistics import median

    rows = list(
        Visit.objects.filter(hall=hall, day=timezone.localdate())
        .select_related("rating")
        .only(
            "status",
            "issued_at",
            "called_at",
            "service_started_at",
            "service_ended_at",
            "rating__grade",
            "rating__declined",
        )
    )
    waits = [v.wait_seconds for v in rows if v.wait_seconds is not None]
    services = [v.service_seconds for v in rows if v.service_seconds is not None]
    grades = [
        v.rating.grade
        for v in rows
        if hasattr(v, "rating") and v.rating.grade is not None  # declined: no grade
    ]
    return {
        "tickets": len(rows),
        "served": sum(v.status == VisitStatus.SERVED for v in rows),
        "no_show": sum(v.status == VisitStatus.NO_SHOW for v in rows),
        "median_wait_minutes": round(median(waits) / 60, 1) if waits else None,
        "median_service_minutes": round(median(services) / 60, 1) if services else None,
        "rated": len(grades),
        "satisfied_percent": round(100 * sum(g >= 3 for g in grades) / len(grades))
        if grades
        else None,
    }
