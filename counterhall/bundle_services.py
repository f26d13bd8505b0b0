"""Writes on a bundle (一件事一次办): taking one in at a window opens all its cases in the
applicant's visit; then one merged documents checklist, one application where fields repeat,
one one-time notice and one submission act on every case through the case services
(``counterhall.services``), so each case is still checked by its own type's rules and goes
its own way through review and sign-off.

Every function takes keyword arguments with the acting user, owns its transaction (the case
services' transactions nest in it as savepoints) and writes its ``bundle.*`` audit entry in
it. Cases are acted on in pk order (the lock order of several cases).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from counterhall import audit, permissions, services
from counterhall.exceptions import DomainError
from counterhall.models import Bundle, BundleIntake, Case, CaseState, Window
from counterhall.registry import InvalidApplication
from counterhall.visit_services import current_visit

BUNDLE_NOT_HERE = _("此一件事含有本窗口不能受理的业务，不能在本窗口受理。")
BUNDLE_INACTIVE = _("此一件事已停办。")
NO_WINDOW_FOR = _("您没有可受理“%(type)s”的窗口授权，请勿勾选此项。")
NOTHING_MISSING = _("所有业务的要件均已齐全，无需出具一次性告知书。")
NOT_YOUR_BUNDLE = _("只有受理此一件事的柜员可以办理。")


def bundle_fits_window(bundle: Bundle, window: Window) -> bool:
    """A bundle is taken in at the kind of window its required types belong to: a bundle
    with special business only at the special window, the others only at general windows
    (and every required type must be of that kind)."""
    required = [i.business_type for i in bundle.items.all() if not i.optional]
    if not required:
        return False
    return all(bt.is_special == window.is_special and bt.active for bt in required)


def bundle_open(
    *,
    actor,
    window: Window,
    bundle: Bundle,
    applicant_name: str = "",
    employer=None,
    person=None,
    subject_query: str = "",
    optional_codes: Iterable[str] = (),
) -> BundleIntake:
    """受理一件事: open a case for each required type of the bundle and for each optional
    type chosen (``optional_codes``), in the applicant's open visit, with one ``bundle.open``
    entry naming the cases. A type of the other kind of window (an optional general type of
    a special bundle) is opened at the teller's window of that kind."""
    if not bundle.active:
        raise ValidationError(BUNDLE_INACTIVE)
    if not permissions.works_at(actor, window):
        raise PermissionDenied(permissions.DENIED_WINDOW)
    if not bundle_fits_window(bundle, window):
        raise ValidationError(BUNDLE_NOT_HERE)
    chosen = set(optional_codes)
    items = [
        i
        for i in bundle.items.select_related("business_type").order_by("position", "pk")
        if not i.optional or i.business_type.code in chosen
    ]
    windows = services.teller_windows(actor, hall=window.hall)
    windows[window.is_special] = window
    for item in items:
        if item.business_type.is_special not in windows:
            raise ValidationError({"optional": [NO_WINDOW_FOR % {"type": item.business_type.name}]})
    with transaction.atomic():
        cases = [
            services.case_open(
                actor=actor,
                window=windows[item.business_type.is_special],
                business_type=item.business_type,
                applicant_name=applicant_name,
                employer=employer,
                person=person,
                subject_query=subject_query,
            )
            for item in items
        ]
        intake = BundleIntake.objects.create(
            bundle=bundle,
            hall=window.hall,
            window=window,
            teller=actor,
            visit=current_visit(actor),
            applicant_name=applicant_name.strip(),
        )
        intake.cases.set(cases)
        audit.record(
            actor=actor,
            action="bundle.open",
            target=intake,
            hall=window.hall,
            after={
                "bundle": bundle.code,
                "cases": [c.number for c in cases],
                "types": [c.business_type.code for c in cases],
                "visit": intake.visit_id,
            },
        )
    return intake


def _intake(actor, intake_id: int) -> tuple[BundleIntake, list[Case]]:
    intake = BundleIntake.objects.select_related("bundle", "hall").get(pk=intake_id)
    if intake.teller_id != actor.pk and not permissions.can_manage_hall(actor):
        raise PermissionDenied(NOT_YOUR_BUNDLE)
    return intake, intake.ordered_cases()


def bundle_set_documents(
    *,
    actor,
    intake_id: int,
    received: Iterable[str],
    deferred: Mapping[str, dt.date] | None = None,
) -> BundleIntake:
    """The merged checklist: a document code received once is recorded on every case of
    the bundle (still in intake) that requires it, each through ``case_set_documents``."""
    received = set(received)
    deferred = dict(deferred or {})
    with transaction.atomic():
        intake, cases = _intake(actor, intake_id)
        changed = {}
        for case in cases:
            if case.state != CaseState.DRAFT:
                continue
            codes = set(case.documents)
            services.case_set_documents(
                actor=actor,
                case_id=case.pk,
                seen_state=CaseState.DRAFT,
                received=received & codes,
                deferred={c: d for c, d in deferred.items() if c in codes},
            )
            changed[case.number] = sorted(received & codes)
        audit.record(
            actor=actor,
            action="bundle.documents",
            target=intake,
            hall=intake.hall,
            after={"received": sorted(received), "cases": changed},
        )
    return intake


def case_data(bundle: Bundle, case: Case, data) -> MultiValueDict:
    """The application data one case's form reads out of the bundle's merged form: the
    shared fields as typed once, the case's own fields under its prefix ``c<pk>-``."""
    prefix = f"c{case.pk}-"
    out: MultiValueDict = MultiValueDict()
    shared = set(bundle.shared_fields or [])
    for key in data:
        values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
        if key in shared:
            out.setlist(key, values)
        elif key.startswith(prefix):
            out.setlist(key[len(prefix) :], values)
    return out


def bundle_save_application(*, actor, intake_id: int, data) -> dict[int, InvalidApplication]:
    """One application for the bundle: each case still in intake (or returned) saves what
    its own type's form validates (``case_save_application``); a case whose form refuses
    keeps its previous application. Returns the refusals by case pk (the bound forms with
    the field errors)."""
    errors: dict[int, InvalidApplication] = {}
    with transaction.atomic():
        intake, cases = _intake(actor, intake_id)
        saved = []
        for case in cases:
            if case.state not in (CaseState.DRAFT, CaseState.RETURNED):
                continue
            try:
                services.case_save_application(
                    actor=actor,
                    case_id=case.pk,
                    seen_state=case.state,
                    data=case_data(intake.bundle, case, data),
                )
            except InvalidApplication as exc:
                errors[case.pk] = exc
            else:
                saved.append(case.number)
        audit.record(
            actor=actor,
            action="bundle.application",
            target=intake,
            hall=intake.hall,
            after={
                "saved": saved,
                "refused": [c.number for c in cases if c.pk in errors],
            },
        )
    return errors


def bundle_notify_missing(*, actor, intake_id: int) -> BundleIntake:
    """One one-time notice (一次性告知书) for everything missing across the bundle's cases:
    each case in intake with a missing document is notified (``case_notify_missing``)."""
    with transaction.atomic():
        intake, cases = _intake(actor, intake_id)
        missing = {
            c.number: c.missing_document_codes()
            for c in cases
            if c.state == CaseState.DRAFT and c.missing_document_codes()
        }
        if not missing:
            raise ValidationError(NOTHING_MISSING)
        for case in cases:
            if case.number in missing:
                services.case_notify_missing(
                    actor=actor, case_id=case.pk, seen_state=CaseState.DRAFT
                )
        audit.record(
            actor=actor,
            action="bundle.notify_missing",
            target=intake,
            hall=intake.hall,
            after={"missing": missing},
        )
    return intake


def bundle_submit(*, actor, intake_id: int) -> dict[str, list[str]]:
    """Submit every case of the bundle still in intake (each through ``case_submit``, each
    on its own: a case whose documents or application are not ready stays in intake with
    the reason). Returns the reasons by case number (empty: all submitted)."""
    refused: dict[str, list[str]] = {}
    with transaction.atomic():
        intake, cases = _intake(actor, intake_id)
        submitted = []
        for case in cases:
            if case.state != CaseState.DRAFT:
                continue
            try:
                with transaction.atomic():
                    services.case_submit(actor=actor, case_id=case.pk, seen_state=CaseState.DRAFT)
            except ValidationError as exc:
                refused[case.number] = [str(m) for m in exc.messages]
            except (DomainError, PermissionDenied) as exc:
                refused[case.number] = [str(getattr(exc, "message", exc))]
            else:
                submitted.append(case.number)
        audit.record(
            actor=actor,
            action="bundle.submit",
            target=intake,
            hall=intake.hall,
            after={"submitted": submitted, "refused": refused},
        )
    return refused
