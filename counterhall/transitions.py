"""The one way a Case changes state: guard, permit, transition, save, audit.

django-fsm-2 does not enforce ``permission=`` when a transition method is called, so no code
calls a transition directly; services call ``fire()`` inside their transaction.
"""

from __future__ import annotations

import functools
import inspect

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from counterhall import audit, permissions, rowwrites
from counterhall.exceptions import StaleCase, TransitionNotPossible

# Which explain_* tells a refused actor what was missing, per permission callable.
_EXPLAIN = {
    permissions.can_change_case: permissions.explain_change_case,
    permissions.can_claim_case: permissions.explain_claim_case,
    permissions.can_decide_case: permissions.explain_decide_case,
    permissions.can_sign_case: permissions.explain_sign_case,
}


def blocking_condition(method) -> str | None:
    """The sentence of the first case condition that blocks this transition, if any."""
    meta = method._django_fsm
    case = method.__self__
    transition = meta.get_transition(meta.field.get_state(case))
    if transition is None:
        return None
    for condition in transition.conditions:
        if not condition(case):
            return str(getattr(condition, "message", condition.__name__))
    return None


def permission_reason(method, actor) -> str | None:
    meta = method._django_fsm
    case = method.__self__
    transition = meta.get_transition(meta.field.get_state(case))
    if transition is None or transition.permission is None:
        return None
    explain = _EXPLAIN.get(transition.permission)
    if explain is not None:
        return explain(case, actor)
    return None if transition.has_perm(case, actor) else str(permissions.DENIED_NOT_OWN_CASE)


def action_name(method) -> str:
    return "case." + method.__name__.rstrip("_")


@functools.cache
def _takes_note(func) -> bool:
    return "note" in inspect.signature(func).parameters


def _save(case, before: str) -> None:
    """``case.save()`` with ConcurrentTransitionMixin's check that the row is still in the
    state the case was loaded in (``before``: the state field is protected, so only a saved
    transition changes it); a row changed or gone since raises StaleCase. The UPDATE is
    compiled once per set of loaded columns (counterhall.rowwrites)."""
    with transaction.mark_for_rollback_on_error(case._state.db):
        written = rowwrites.update_loaded(case, where={"state": before})
        if written == 0:
            raise StaleCase(case)
    if written is None:  # this write needs Model.save()
        try:
            case.save()
        except ConcurrentTransition as exc:
            raise StaleCase(case) from exc
        return
    case._update_initial_state()


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
    _save(case, before)
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
