"""Panels of the home page that business apps add (review: the queue counts for reviewers,
today's sign-off batch for leaders and finance), so the core's home page imports no app.
Each panel renders its own template with what ``context(user)`` returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from counterhall.roles import user_roles


@dataclass(frozen=True)
class HomePanel:
    name: str
    roles: frozenset[str]
    template: str
    context: Callable[[Any], dict]


_panels: dict[str, HomePanel] = {}


def register_panel(panel: HomePanel) -> None:
    _panels[panel.name] = panel


def panels_for(user) -> list[tuple[HomePanel, dict]]:
    """The panels for the user's roles, each with its context, in registration order."""
    roles = user_roles(user)
    return [(p, p.context(user)) for p in _panels.values() if roles & p.roles]
