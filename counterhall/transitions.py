"""The one way a Case changes state: guard, permit, transition, save, audit.

django-fsm-2 does not enforce ``permission=`` when a transition method is called, so no code
calls a transition directly; services call ``fire()`` inside their transaction.
"""

from __future__ import annotations

import functools
import inspect

from django.core.exceptions import PermissionDenied
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from counterhall import audit, permissions
from counterhall.exceptions import StaleCase, TransitionNotPossible

# Which explain_* tells a refused actor what was missing, per permission callable.
_EXPLAIN = {
    permissions.can_change_case: permissions.explain_change_case,
    permissions.can_claim_case: permissions.explain_claim_case,
    permissions.can_decide_case: permissions.explain_decide_case,
    permissions.can_sign_case: permissions.explain_sign_case,
    permissions.can_release_case: permissions.explain_release_case,
}


def _transition(method):
    """The django-fsm ``Transition`` this bound method runs from the case's current state
    (its conditions and permission), through the public ``get_all_state_transitions()``;
    an exact source first, then the wildcards, as django-fsm picks it. None if none."""
    case = method.__self__
    by_source = {t.source: t for t in case.get_all_state_transitions() if t.name == method.__name__}
    return next((by_source[s] for s in (case.state, "*", "+") if s in by_source), None)


def blocking_condition(method) -> str | None:
    """The sentence of the first case condition that blocks this transition, if any."""
    case = method.__self__
    transition = _transition(method)
    if transition is None:
        return None
    for condition in transition.conditions:
        if not condition(case):
            return str(getattr(condition, "message", condition.__name__))
    return None


def permission_reason(method, actor) -> str | None:
    case = method.__self__
    transition = _transition(method)
    if transition is None or transition.permission is None:
        return None
    explain = _EXPLAIN.get(transition.permission)
    if explain is not None:
        reason = explain(case, actor)
        return None if reason is None else str(reason)
    return None if transition.has_perm(case, actor) else str(permissions.DENIED_NOT_OWN_CASE)


def action_name(method) -> str:
    return "case." + method.__name__.rstrip("_")


@functools.cache
def _takes_note(func) -> bool:
    return "note" in inspect.signature(func).parameters


def _save(case) -> None:
    """``case.save()``: django-fsm's ConcurrentTransitionMixin writes the UPDATE with
    ``WHERE state = <state the case was loaded in>`` (the state field is protected, so only a
    saved transition changes it). A row moved since, or gone (``force_update``: never
    inserted again), raises StaleCase; ``save()`` has marked the transaction for rollback."""
    try:
        case.save(force_update=True)
    except (ConcurrentTransition, type(case).NotUpdated) as exc:
        raise StaleCase(case) from exc


def refusal(method, actor) -> str | None:
    """Why ``fire(method, actor=actor)`` would refuse now (not from this state, a blocking
    condition, the permission), or None if it would run: a batch sorts its cases with it."""
    if not can_proceed(method, check_conditions=False):
        return str(TransitionNotPossible().message)
    reason = blocking_condition(method)
    if reason:
        return reason
    if not has_transition_perm(method, actor):
        return permission_reason(method, actor) or str(permissions.DENIED_NOT_OWN_CASE)
    return None


def fire_batch(
    cases, name: str, *, actor, fields: tuple[str, ...], kwargs, audit_after, note: str = ""
) -> None:
    """``fire()`` for many cases at once, in a number of queries that does not grow with
    the batch (the daily sign-off): each case's transition ``name`` is checked and run in
    memory as ``fire()`` does it, then one bulk UPDATE writes ``state``, ``updated_at`` and
    ``fields``, and one INSERT their audit entries (``audit.record_many``).

    The caller holds every case's row lock in its transaction (``lock_objects.lock_cases``):
    the lock takes the place of ``fire()``'s ``WHERE state = …`` guard. ``kwargs`` and
    ``audit_after`` are callables ``case -> dict``. A refused case raises as in ``fire()``
    and the caller's transaction rolls back: check ``refusal()`` first."""
    from django.utils import timezone

    entries = []
    now = timezone.now()
    for case in cases:
        method = getattr(case, name)
        reason = refusal(method, actor)
        if reason:
            if not can_proceed(method, check_conditions=False) or blocking_condition(method):
                raise TransitionNotPossible(reason)
            raise PermissionDenied(reason)
        before = case.state
        method(**kwargs(case))
        case.updated_at = now
        entries.append(
            {
                "actor": actor,
                "action": action_name(method),
                "target": case,
                "before": {"state": before},
                "after": {"state": case.state, **(audit_after(case) or {})},
                "note": note,
            }
        )
    if not entries:
        return
    type(cases[0]).objects.bulk_update(cases, ["state", "updated_at", *fields])
    audit.record_many(entries)


def fire(method, *, actor, note: str = "", system: bool = False, audit_after=None, **kwargs):
    """Run one transition of a locked case for ``actor`` and write its audit entry.

    ``system=True`` is for the hall's own timers (e.g. an idle claim returning to the queue):
    the permission check is skipped and the entry is written with no actor.
    """
    case = method.__self__
    if not can_proceed(method, check_conditions=False):
        raise TransitionNotPossible()
    reason = blocking_condition(method)
    if reason:
        raise TransitionNotPossible(reason)
    if not system and not has_transition_perm(method, actor):
        raise PermissionDenied(permission_reason(method, actor) or permissions.DENIED_NOT_OWN_CASE)
    if _takes_note(method.__func__):
        kwargs.setdefault("note", note)  # approve / return_ keep it as the decision note
    before = case.state
    result = method(**kwargs)
    _save(case)
    after = {"state": case.state, **(audit_after or {})}
    audit.record(
        actor=None if system else actor,
        action=action_name(method),
        target=case,
        before={"state": before},
        after=after,
        note=note,
    )
    return result
