"""The header search's persons and employers (registered with counterhall.search): by ID
number or USCC (exact), name or pinyin initials, within what the user may read
(``permissions.subjects_visible_to``), the exact match first, ID numbers masked."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from counterhall.permissions import subjects_visible_to
from counterhall.pii import RESIDENT_ID
from counterhall.search import ProviderAnswer, SearchGroup, SearchHit
from registration import selectors as people


def _ranked(rows, exact) -> list:
    return sorted(rows, key=lambda r: (not exact(r), r.name, r.pk))


def persons(query: str, *, user, limit: int) -> ProviderAnswer:
    text = query.strip()
    by_id = bool(RESIDENT_ID.match(text))
    wanted = Q(id_number=text.upper()) if by_id else Q(name__icontains=text)
    if not by_id and text.isascii() and text.isalpha():
        wanted |= Q(name_initials__startswith=text.lower())
    visible = subjects_visible_to(user, people.all_persons())
    found = list(visible.filter(wanted).order_by("name", "pk")[:limit])

    def exact(p):
        return p.id_number == text.upper() or p.name == text

    found = _ranked(found, exact)
    group = SearchGroup(
        "persons",
        _("参保人员"),
        [
            SearchHit(
                label=p.name,
                detail=p.id_masked,
                url=reverse("person-detail", args=[p.pk]),
                exact=exact(p),
            )
            for p in found
        ],
    )
    return ProviderAnswer(
        group=group,
        case_filter=Q(person__in=[p.pk for p in found]) if found else None,
        looked_up_by_id=found if by_id else [],
    )


def employers(query: str, *, user, limit: int) -> ProviderAnswer:
    text = query.strip()
    wanted = Q(uscc=text.upper()) | Q(name__icontains=text)
    if text.isascii() and text.isalpha():
        wanted |= Q(name_initials__startswith=text.lower())
    visible = subjects_visible_to(user, people.all_employers())
    found = list(visible.filter(wanted).order_by("name", "pk")[:limit])

    def exact(e):
        return e.uscc == text.upper() or e.name == text

    found = _ranked(found, exact)
    group = SearchGroup(
        "employers",
        _("参保单位"),
        [
            SearchHit(
                label=e.name,
                detail=e.uscc,
                url=reverse("employer-detail", args=[e.pk]),
                exact=exact(e),
            )
            for e in found
        ],
    )
    return ProviderAnswer(
        group=group, case_filter=Q(employer__in=[e.pk for e in found]) if found else None
    )
