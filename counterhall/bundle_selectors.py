"""Reads of bundles (一件事一次办): the bundles a window may take in, and one bundle taken in
with its merged checklist, its one application and each case's state."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404

from counterhall import registry
from counterhall.bundle_services import bundle_fits_window
from counterhall.models import Bundle, BundleIntake, BundleItem, Case, CaseState, DocumentStatus
from counterhall.permissions import cases_visible_to, windows_for
from counterhall.registry import registered_codes

APPLICATION_STATES = (CaseState.DRAFT, CaseState.RETURNED)


def bundles_offered(*, user, window=None, windows=None) -> list[Bundle]:
    """Active bundles whose every type has a handler and whose required types the given
    window (or, without one, one of the user's ``windows``, read when not given) may take
    in. Three queries at most, however many bundles."""
    if window is not None:
        windows = [window]
    elif windows is None:
        windows = list(windows_for(user))
    codes = set(registered_codes())
    items = BundleItem.objects.select_related("business_type").order_by("position", "pk")
    bundles = Bundle.objects.filter(active=True).prefetch_related(Prefetch("items", queryset=items))
    return [
        b
        for b in bundles
        if all(i.business_type.code in codes for i in b.items.all())
        and any(bundle_fits_window(b, w) for w in windows)
    ]


def intake_detail(*, user, intake_id: int) -> BundleIntake:
    """A bundle taken in, to a user who may read its cases (404 otherwise)."""
    intake = (
        BundleIntake.objects.select_related("bundle", "hall", "window", "teller", "visit")
        .filter(pk=intake_id)
        .first()
    )
    if intake is None or not cases_visible_to(user).filter(bundle_intakes=intake).exists():
        raise Http404
    return intake


@dataclass
class ChecklistRow:
    """One document of the merged checklist: listed once, with the cases that need it."""

    code: str
    document: object
    cases: list[Case] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)

    @property
    def received(self) -> bool:
        return bool(self.statuses) and all(s == DocumentStatus.RECEIVED for s in self.statuses)

    @property
    def missing(self) -> bool:
        return any(s == DocumentStatus.MISSING for s in self.statuses)


def merged_checklist(cases: list[Case]) -> list[ChecklistRow]:
    """The bundle's documents, each code once (in the order of the cases and their
    checklists), with the cases that require it and its status on each."""
    rows: dict[str, ChecklistRow] = {}
    for case in cases:
        docs = {d.code: d for d in case.business_type.documents.all()}
        for code, doc in docs.items():
            row = rows.setdefault(code, ChecklistRow(code=code, document=doc))
            row.cases.append(case)
            row.statuses.append(case.documents.get(code, {}).get("status", DocumentStatus.MISSING))
    return list(rows.values())


@dataclass
class ApplicationPart:
    case: Case
    form: object
    own_fields: list = field(default_factory=list)


def application_parts(intake: BundleIntake, cases: list[Case], data=None):
    """The one application: the shared fields (each typed once, with every case's error on
    it), then each case's own fields under its prefix. ``data``: the merged form posted
    (bound forms show each type's own field errors)."""
    from counterhall.bundle_services import case_data

    shared_names = list(intake.bundle.shared_fields or [])
    shared: dict[str, dict] = {}
    parts = []
    for case in cases:
        if case.state not in APPLICATION_STATES or not registry.has_handler(
            case.business_type.code
        ):
            continue
        handler = registry.get_handler(case.business_type.code)
        if data is not None:
            own = handler.form_class(
                {f"c{case.pk}-{k}": v for k, v in case_data(intake.bundle, case, data).items()},
                case=case,
                prefix=f"c{case.pk}",
            )
            plain = handler.form_class(case_data(intake.bundle, case, data), case=case)
            plain.is_valid()
        else:
            own = handler.form_class(initial=case.payload or None, case=case, prefix=f"c{case.pk}")
            plain = handler.form_class(initial=case.payload or None, case=case)
        for name in shared_names:
            if name not in plain.fields:
                continue
            entry = shared.setdefault(name, {"field": plain[name], "errors": []})
            if data is not None:
                entry["errors"] += [(case, e) for e in plain.errors.get(name, [])]
        part = ApplicationPart(case=case, form=own)
        part.own_fields = [own[n] for n in own.fields if n not in shared_names]
        parts.append(part)
    return list(shared.values()), parts
