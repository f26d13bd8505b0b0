"""The case workspace's acts: one registry of ``CaseAction`` that the core fills with its
own acts (intake, submit, complete …, in CounterhallConfig.ready) and the business apps
with theirs (review: claim, approve, return, release, sign, hold, reject in review, in
ReviewConfig.ready). The workspace shows the registered acts whose transition the user may
fire now; ``CaseActionView`` posts to the act's service. Core imports no app for this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied


@dataclass(frozen=True)
class CaseAction:
    """One button of the case workspace and the service it calls.

    ``inputs`` names what the act takes from the form besides the seen state: ``reasons``
    (a list, one per line), ``reason`` (the first line) and ``note``. ``states``: the case
    states the act is offered in (empty: wherever its transition may fire). ``link``: a URL
    name (taking the case's pk) where the act is taken instead of a button posting here —
    e.g. the review screen, for the reviewer's decisions. ``then``: a URL name (taking the
    pk) to go to after the act, instead of the case page. ``refused``: a sentence — the act is
    never offered on the case page and a request posted to it is refused with that
    sentence; its service stays for code that places one case (the demo seed). Review's
    claim is such an act: a reviewer claims only through take-next."""

    slug: str
    transition: str
    label: Any
    service: Any
    inputs: tuple[str, ...] = ()
    style: str = "primary"
    states: tuple[str, ...] = ()
    link: str | None = None
    then: str | None = None
    refused: Any = None

    @property
    def needs_reasons(self) -> bool:
        return "reasons" in self.inputs or "reason" in self.inputs

    def applies_to(self, case) -> bool:
        return self.refused is None and (not self.states or case.state in self.states)

    def call(self, *, actor, case, seen_state: str, reasons: list[str], note: str = ""):
        if self.refused is not None:
            raise PermissionDenied(self.refused)
        kwargs: dict[str, Any] = {"actor": actor, "case_id": case.pk, "seen_state": seen_state}
        if "reasons" in self.inputs:
            kwargs["reasons"] = reasons
        if "reason" in self.inputs:
            kwargs["reason"] = reasons[0] if reasons else ""
        if "note" in self.inputs:
            kwargs["note"] = note
        return self.service(**kwargs)


_actions: dict[str, CaseAction] = {}


def register_action(action: CaseAction) -> None:
    """Add an act to the workspace (in an AppConfig.ready); a slug is registered once."""
    existing = _actions.get(action.slug)
    if existing is not None and existing != action:
        raise ImproperlyConfigured(f"Case action {action.slug!r} is already registered.")
    _actions[action.slug] = action


def get_action(slug: str) -> CaseAction | None:
    return _actions.get(slug)


def all_actions() -> list[CaseAction]:
    """Every registered act, in registration order (the order of the buttons)."""
    return list(_actions.values())


def register_core_actions() -> None:
    """The core's own acts: intake, submit, resubmit, complete, reject at intake, withdraw."""
    from django.utils.translation import gettext_lazy as _

    from counterhall import services
    from counterhall.services import INTAKE_STATES

    for action in (
        CaseAction("submit", "submit", _("提交复核"), services.case_submit),
        CaseAction(
            "notify-missing",
            "notify_missing",
            _("出具一次性告知书"),
            services.case_notify_missing,
            style="secondary",
        ),
        CaseAction(
            "documents-received",
            "documents_received",
            _("材料已补正，继续受理"),
            services.case_documents_received,
        ),
        CaseAction("resubmit", "resubmit", _("重新提交复核"), services.case_resubmit),
        CaseAction("complete", "complete", _("办结"), services.case_complete),
        CaseAction(
            "reject",
            "reject",
            _("不予受理"),
            services.case_reject,
            ("reasons", "note"),
            "danger",
            states=tuple(INTAKE_STATES),
        ),
        CaseAction(
            "withdraw", "withdraw", _("撤回"), services.case_withdraw, ("reason",), "danger"
        ),
    ):
        register_action(action)
