"""The case acts of the API: ``POST /api/v1/cases/{id}/{act}/``, one per act, each the
registered ``counterhall.actions.CaseAction`` the case page posts to (the core's and those
review registers), so the API and the pages call the same services with the same checks.

``reject`` is the teller's rejection at intake or the claiming reviewer's in review,
whichever the case's state offers; ``continue`` is the one-hall take-over
(``services.case_take_over``)."""

from __future__ import annotations

from django_fsm import has_transition_perm

from counterhall import permissions
from counterhall.actions import CaseAction, get_action

# API act → the registered acts it may be (the first that applies to the case's state).
ACTS: dict[str, tuple[str, ...]] = {
    "submit": ("submit",),
    "notify-missing": ("notify-missing",),
    "documents-received": ("documents-received",),
    "resubmit": ("resubmit",),
    "complete": ("complete",),
    "withdraw": ("withdraw",),
    "reject": ("reject", "reject-in-review"),
    "approve": ("approve",),
    "return": ("return",),
    "release": ("release",),
}
CONTINUE = "continue"
ALL_ACTS = (*ACTS, CONTINUE)


def registered_act(name: str, case) -> CaseAction | None:
    """The registered act behind the API act ``name`` for this case's state."""
    candidates = [a for a in (get_action(slug) for slug in ACTS.get(name, ())) if a is not None]
    for act in candidates:
        if act.applies_to(case):
            return act
    return candidates[0] if candidates else None


def available_acts(case, user) -> list[str]:
    """The API acts this user may take on this case now: those whose transition may fire
    for them from the case's state (as the case page's buttons), and ``continue`` when they
    may take the case over."""
    names = []
    for name in ACTS:
        act = registered_act(name, case)
        if (
            act is not None
            and act.applies_to(case)
            and has_transition_perm(getattr(case, act.transition), user)
        ):
            names.append(name)
    if permissions.can_take_over_case(case, user):
        names.append(CONTINUE)
    return names
