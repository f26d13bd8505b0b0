"""Writes on a visit: the ticket at the entrance, the window's call (叫号, 重呼, 过号, 转窗),
the service's start and end, the applicant's rating (好差评) and the rectification callback.

Every function takes keyword arguments with the acting user, owns its transaction, locks
the rows it reads to write (``counterhall.lock_objects``) and writes its audit entry in the
same transaction. Double clicks and stale pages: each act on a called visit carries the
status (and for a recall the number of calls) the page showed; a visit that moved meanwhile
is ``StaleVisit``. Views, the demo seed and tests call these functions.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counterhall import audit, permissions
from counterhall.calendar import add_working_days
from counterhall.exceptions import StaleVisit
from counterhall.lock_objects import (
    lock_first_free_visit,
    lock_rectification,
    lock_staff_profile,
    lock_visit,
)
from counterhall.models import (
    OPEN_VISIT_STATUSES,
    TICKET_PREFIX,
    Case,
    Hall,
    RatingGrade,
    Rectification,
    Visit,
    VisitCategory,
    VisitRating,
    VisitStatus,
    Window,
)
from counterhall.numbering import next_ticket_number
from counterhall.params import param

NO_SHOW_CALLS = "visit.no_show_calls"
RECTIFY_DAYS = "rating.rectify_working_days"

QUEUE_EMPTY = _("当前无人等候。")
ALREADY_SERVING = _("您正在办理 %(ticket)s 号，请先结束办理、过号或转窗，再叫下一位。")
NOT_YOUR_VISIT = _("此号不在您的窗口办理。")
NO_SHOW_TOO_EARLY = _("叫号满 %(n)s 次仍未到窗口才能过号（已叫 %(calls)s 次）。")
TRANSFER_REASON_REQUIRED = _("请填写转窗原因。")
TRANSFER_SAME_WINDOW = _("请选择另一个窗口。")
TRANSFER_WRONG_KIND = _("特殊性业务只能转到特殊业务窗口，一般性业务只能转到综合柜员窗口。")
RATING_NOT_SERVED = _("办理结束后才能评价。")
RATING_TWICE = _("此次办事已评价，不能重复评价。")
RATING_GRADE_REQUIRED = _("请选择评价等级，或选择不评价。")
CALLBACK_DONE = _("此整改事项已登记回访。")
CALLBACK_OUTCOME_REQUIRED = _("请填写回访结果。")


def window_category(window: Window) -> str:
    """The queue a window serves: the special window the special queue, the others the
    general queue."""
    return VisitCategory.SPECIAL if window.is_special else VisitCategory.GENERAL


def waiting_for(window: Window) -> QuerySet[Visit]:
    """Today's waiting tickets a window may call, head first: priority (appointment,
    transferred) first, then the oldest ticket. A ticket transferred to a window waits for
    that window only."""
    return (
        Visit.objects.filter(
            hall_id=window.hall_id,
            day=timezone.localdate(),
            status=VisitStatus.WAITING,
            category=window_category(window),
        )
        .filter(Q(window__isnull=True) | Q(window=window))
        .order_by("-priority", "issued_at", "pk")
    )


def current_visit(user) -> Visit | None:
    """The visit a teller has called or is serving (at most one)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Visit.objects.filter(teller=user, status__in=OPEN_VISIT_STATUSES)
        .select_related("window", "hall")
        .order_by("-last_called_at", "-pk")
        .first()
    )


def _param_int(key: str, hall: Hall) -> int:
    return int(str(param(key, region=hall.region, on=timezone.localdate()).value))


def no_show_calls(hall: Hall) -> int:
    return _param_int(NO_SHOW_CALLS, hall)


def _snapshot(visit: Visit) -> dict:
    return {
        "ticket": visit.ticket,
        "status": visit.status,
        "calls": visit.calls,
        "window": visit.window.number if visit.window is not None else None,
        "teller": visit.teller_id,
    }


# --------------------------------------------------------------------------- the entrance


def visit_issue(
    *,
    actor,
    hall: Hall,
    category: str,
    priority: bool = False,
    applicant_name: str = "",
) -> Visit:
    """取号: a ticket at the entrance (the guide's desk or a kiosk signed in as the desk).
    The number runs per hall, day and category, gap-free (``numbering.next_ticket_number``)."""
    if not permissions.can_issue_ticket(actor, hall):
        raise PermissionDenied(permissions.DENIED_TICKETS)
    if category not in VisitCategory.values:
        raise ValidationError({"category": [_("请选择业务类别。")]})
    with transaction.atomic():
        today = timezone.localdate()
        number = next_ticket_number(hall=hall, category=category, day=today)
        visit = Visit(
            hall=hall,
            day=today,
            category=category,
            number=number,
            ticket=f"{TICKET_PREFIX[VisitCategory(category)]}{number:03d}",
            priority=priority,
            applicant_name=applicant_name.strip(),
            issued_at=timezone.now(),
        )
        visit.full_clean()
        visit.save()
        audit.record(
            actor=actor,
            action="visit.issue",
            target=visit,
            after={"ticket": visit.ticket, "category": category, "priority": priority},
        )
    return visit


# --------------------------------------------------------------------------- the window


def _own_called(actor, visit_id: int, seen_status: str | None) -> Visit:
    visit = lock_visit(visit_id, seen_status=seen_status)
    if visit.teller_id != actor.pk or visit.status not in OPEN_VISIT_STATUSES:
        if visit.status not in OPEN_VISIT_STATUSES:
            raise StaleVisit(visit)
        raise PermissionDenied(NOT_YOUR_VISIT)
    return visit


def visit_call(*, actor, window: Window) -> Visit:
    """叫号: the head of the queues the window serves goes to this window and teller. One
    visit at a time: a teller who has called or is serving a ticket must end, mark no-show
    or transfer it first. Concurrent windows never get the same ticket (SKIP LOCKED on
    PostgreSQL; SQLite's IMMEDIATE transactions serialise); a double click finds the first
    call open and is refused."""
    if not permissions.works_at(actor, window):
        raise PermissionDenied(permissions.DENIED_WINDOW)
    with transaction.atomic():
        lock_staff_profile(actor)
        current = current_visit(actor)
        if current is not None:
            raise ValidationError(ALREADY_SERVING % {"ticket": current.ticket})
        visit = lock_first_free_visit(waiting_for(window))
        if visit is None:
            raise ValidationError(QUEUE_EMPTY)
        before = _snapshot(visit)
        now = timezone.now()
        visit.status = VisitStatus.CALLED
        visit.calls = 1
        visit.called_at = visit.called_at or now
        visit.last_called_at = now
        visit.window = window
        visit.teller = actor
        visit.save()
        audit.record(
            actor=actor,
            action="visit.call",
            target=visit,
            before=before,
            after={**_snapshot(visit), "waited_seconds": visit.wait_seconds},
        )
    return visit


def visit_recall(*, actor, visit_id: int, seen_calls: int | None = None) -> Visit:
    """重呼: call the same ticket again (the display shows it anew). ``seen_calls``: the
    number of calls the page showed, so a double click calls once."""
    with transaction.atomic():
        visit = _own_called(actor, visit_id, VisitStatus.CALLED)
        if seen_calls is not None and visit.calls != seen_calls:
            raise StaleVisit(visit)
        visit.calls += 1
        visit.last_called_at = timezone.now()
        visit.save(update_fields=["calls", "last_called_at", "updated_at"])
        audit.record(actor=actor, action="visit.recall", target=visit, after=_snapshot(visit))
    return visit


def visit_no_show(*, actor, visit_id: int) -> Visit:
    """过号: the applicant did not come after the hall's number of calls (a dated policy
    parameter, ``visit.no_show_calls``); the visit ends as a no-show."""
    with transaction.atomic():
        visit = _own_called(actor, visit_id, VisitStatus.CALLED)
        needed = no_show_calls(visit.hall)
        if visit.calls < needed:
            raise ValidationError(NO_SHOW_TOO_EARLY % {"n": needed, "calls": visit.calls})
        before = _snapshot(visit)
        visit.status = VisitStatus.NO_SHOW
        visit.service_ended_at = timezone.now()
        visit.save(update_fields=["status", "service_ended_at", "updated_at"])
        audit.record(
            actor=actor, action="visit.no_show", target=visit, before=before, after=_snapshot(visit)
        )
    return visit


def _start(visit: Visit, now) -> None:
    visit.status = VisitStatus.SERVING
    visit.service_started_at = visit.service_started_at or now


def visit_start(*, actor, visit_id: int) -> Visit:
    """The applicant is at the window: service starts (opening a case starts it too)."""
    with transaction.atomic():
        visit = _own_called(actor, visit_id, VisitStatus.CALLED)
        _start(visit, timezone.now())
        visit.save(update_fields=["status", "service_started_at", "updated_at"])
        audit.record(actor=actor, action="visit.start", target=visit, after=_snapshot(visit))
    return visit


def visit_end(*, actor, visit_id: int) -> Visit:
    """办理结束: the visit is served; the applicant may now rate it."""
    with transaction.atomic():
        visit = _own_called(actor, visit_id, VisitStatus.SERVING)
        visit.status = VisitStatus.SERVED
        visit.service_ended_at = timezone.now()
        visit.save(update_fields=["status", "service_ended_at", "updated_at"])
        audit.record(
            actor=actor,
            action="visit.end",
            target=visit,
            after={**_snapshot(visit), "service_seconds": visit.service_seconds},
        )
    return visit


def visit_transfer(
    *, actor, visit_id: int, seen_status: str | None, to_window: Window, reason: str
) -> Visit:
    """转窗: the ticket waits for another window of its kind, at the head of that window's
    queue, with the reason; the teller is free to call the next ticket."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [TRANSFER_REASON_REQUIRED]})
    with transaction.atomic():
        visit = _own_called(actor, visit_id, seen_status)
        if to_window.hall_id != visit.hall_id or to_window.pk == visit.window_id:
            raise ValidationError({"to_window": [TRANSFER_SAME_WINDOW]})
        if window_category(to_window) != visit.category:
            raise ValidationError({"to_window": [TRANSFER_WRONG_KIND]})
        before = _snapshot(visit)
        visit.transferred_from = visit.window
        visit.window = to_window
        visit.teller = None
        visit.status = VisitStatus.WAITING
        visit.priority = True
        visit.calls = 0
        visit.transfer_reason = reason[:200]
        visit.save()
        audit.record(
            actor=actor,
            action="visit.transfer",
            target=visit,
            before=before,
            after=_snapshot(visit),
            note=reason,
        )
    return visit


def visit_link_case(*, actor, case: Case, via: str) -> Visit | None:
    """Inside a case service's transaction: the case opened, continued or brought back by
    ``actor`` belongs to the visit they have called or are serving (None when there is
    none); the visit learns the applicant's name and subject when it did not know them.
    A called visit starts its service here."""
    visit = current_visit(actor)
    if visit is None:
        return None
    visit = lock_visit(visit.pk)
    if visit.status not in OPEN_VISIT_STATUSES or visit.teller_id != actor.pk:
        return None
    now = timezone.now()
    _start(visit, now)
    if not visit.applicant_name and case.applicant_name:
        visit.applicant_name = case.applicant_name
    for field in ("employer", "person"):
        if getattr(visit, f"{field}_id") is None and getattr(case, f"{field}_id") is not None:
            setattr(visit, f"{field}_id", getattr(case, f"{field}_id"))
    visit.save()
    visit.cases.add(case)
    audit.record(
        actor=actor,
        action="visit.case",
        target=visit,
        after={"case": case.number, "via": via},
    )
    return visit


# --------------------------------------------------------------------------- the rating


def visit_rate(
    *,
    actor=None,
    visit_id: int,
    grade: int | None = None,
    declined: bool = False,
    reasons: Iterable[str] = (),
    comment: str = "",
) -> VisitRating:
    """好差评: the applicant rates the served visit on the window's tablet (five grades,
    optional reasons and comment) or declines; once per visit, never changed. The two lowest
    grades open a rectification item due in ``rating.rectify_working_days`` working days.
    ``actor``: None for the tablet (the applicant is not a user)."""
    if not declined and grade not in RatingGrade.values:
        raise ValidationError({"grade": [RATING_GRADE_REQUIRED]})
    with transaction.atomic():
        visit = lock_visit(visit_id)
        if visit.status != VisitStatus.SERVED or visit.teller_id is None:
            raise ValidationError(RATING_NOT_SERVED)
        if VisitRating.objects.filter(visit=visit).exists():
            raise ValidationError(RATING_TWICE)
        rating = VisitRating(
            visit=visit,
            teller_id=visit.teller_id,
            grade=None if declined else grade,
            declined=declined,
            reasons=[r.strip() for r in reasons if r and r.strip()][:10],
            comment=(comment or "").strip()[:500],
            rated_at=timezone.now(),
        )
        rating.full_clean()
        rating.save()
        audit.record(
            actor=actor,
            action="visit.rate",
            target=visit,
            after={
                "grade": rating.grade,
                "declined": declined,
                "reasons": rating.reasons,
                "teller": visit.teller_id,
            },
            note=rating.comment,
        )
        if rating.is_poor:
            today = timezone.localdate()
            item = Rectification(
                rating=rating,
                hall=visit.hall,
                deadline=add_working_days(today, _param_int(RECTIFY_DAYS, visit.hall)),
            )
            item.full_clean()
            item.save()
            audit.record(
                actor=actor,
                action="rectification.open",
                target=item,
                hall=visit.hall,
                after={"deadline": item.deadline, "grade": rating.grade},
            )
    return rating


def rectification_callback(
    *, actor, rectification_id: int, outcome: str, measures: str = "", called_at=None
) -> Rectification:
    """回访: the hall admin or leader records the callback to the applicant (who called,
    when, the outcome) and the measures taken; the item is then closed."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": [CALLBACK_OUTCOME_REQUIRED]})
    with transaction.atomic():
        item = lock_rectification(rectification_id)
        if not permissions.can_handle_rectification(actor, item.hall):
            raise PermissionDenied(permissions.DENIED_RECTIFICATION)
        if item.is_closed:
            raise ValidationError(CALLBACK_DONE)
        item.callback_by = actor
        item.callback_at = called_at or timezone.now()
        item.callback_outcome = outcome
        item.measures = (measures or "").strip()
        item.full_clean()
        item.save()
        audit.record(
            actor=actor,
            action="rectification.callback",
            target=item,
            hall=item.hall,
            after={"callback_at": item.callback_at, "outcome": outcome},
        )
    return item
