"""Finding by what a clerk types: business types by code, Chinese name or pinyin initials;
and the header search box's groups (cases here, persons and employers from the apps)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def pinyin_initials(name: str) -> str:
    """单位新参保登记 → dwxcbdj (first letters; non-Chinese characters kept, lowercased)."""
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default")
    return "".join(ch for part in letters for ch in part.lower() if ch.isalnum())


def _is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


def match_business_type(code: str, name: str, initials: str, query: str) -> int:
    q = (query or "").strip().lower()
    if not q:
        return 1
    if code.lower() == q:
        return 100
    if code.lower().startswith(q):
        return 90
    if q in name.lower():
        return 80
    if initials.startswith(q):
        return 70
    if q in initials:
        return 60
    if q.isascii() and q.isalpha() and _is_subsequence(q, initials):
        return 50
    return 0


# --------------------------------------------------------------------------- the header search
# One box for every staff role: the core searches cases; the business apps add their groups
# (persons, employers) through ``register_provider``, so the core imports no app.

SEARCH_MIN = 2
SEARCH_MAX = 50
SEARCH_LIMIT = 20


@dataclass(frozen=True)
class SearchHit:
    label: str
    detail: str
    url: str
    exact: bool = False


@dataclass
class SearchGroup:
    key: str
    title: Any
    hits: list[SearchHit] = field(default_factory=list)


@dataclass
class ProviderAnswer:
    """What a provider found: its group, and a filter on Case for the cases of what it found
    (e.g. ``Q(person__in=persons)``), and the persons looked up by ID number (audited)."""

    group: SearchGroup
    case_filter: Any = None
    looked_up_by_id: list = field(default_factory=list)


_providers: list[Callable[..., ProviderAnswer]] = []


def register_provider(provider: Callable[..., ProviderAnswer]) -> None:
    """``provider(query, *, user, limit) -> ProviderAnswer``, answering only within what the
    user may read (``permissions.subjects_visible_to``)."""
    if provider not in _providers:
        _providers.append(provider)


def providers() -> list[Callable[..., ProviderAnswer]]:
    return list(_providers)
