"""Writes on a case: one function per business act, each owning its transaction.

Every function takes keyword arguments with the acting user, locks the case, compares the
state the user saw (``seen_state``; ``None`` skips the comparison for programmatic callers),
fires the transition through ``counterhall.transitions.fire`` and so writes the audit entry
in the same transaction. Views, the API, management commands and test factories all call
these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from counterhall import audit, permissions, registry
from counterhall.calendar import add_working_days
from counterhall.exceptions import StaleCase, TransitionNotPossible
from counterhall.lock_objects import lock_case
from counterhall.models import (
    OPEN_STATES,
    BusinessType,
    Case,
    CaseState,
    CompletionMode,
    DocumentStatus,
    Window,
)
from counterhall.numbering import next_case_number
from counterhall.registry import Assessment, InvalidApplication, Subject, as_json
from counterhall.transitions import fire
from counterhall.visit_services import visit_link_case

REASONS_REQUIRED = _("请填写原因。")
# Where the teller may still reject (不予受理); in review it is the reviewer's decision.
INTAKE_STATES = (CaseState.DRAFT, CaseState.AWAITING_DOCUMENTS)


def clean_reasons(reasons: Iterable[str]) -> list[str]:
    """The reasons given, stripped; at least one is required (ValidationError)."""
    cleaned = [r.strip() for r in reasons if r and r.strip()]
    if not cleaned:
        raise ValidationError({"reasons": [REASONS_REQUIRED]})
    return cleaned


# --------------------------------------------------------------------------- intake


def case_open(
    *,
    actor,
    window: Window,
    business_type: BusinessType,
    applicant_name: str = "",
    employer=None,
    person=None,
    subject_query: str = "",
) -> Case:
    """Open a case at a window (受理). The teller must work at the window; special business
    only at the special window, general business only at general windows. ``employer`` /
    ``person``: the subject identified at intake (registry.lookup_subject), if known;
    ``subject_query``: the USCC or ID number typed, kept for the application form when it
    found no subject (e.g. REG01's employer not yet registered)."""
    registry.get_handler(business_type.code)  # raises HandlerMissing for a type not yet served
    if not permissions.works_at(actor, window):
        raise PermissionDenied(permissions.DENIED_WINDOW)
    if not business_type.active:
        raise ValidationError(_("此业务类型已停办。"))
    if business_type.is_special != window.is_special:
        raise ValidationError(
            _("特殊性业务只能在特殊业务窗口受理，一般性业务只能在综合柜员窗口受理。")
        )
    with transaction.atomic():
        case = Case(
            hall=window.hall,
            window=window,
            business_type=business_type,
            teller=actor,
            applicant_name=applicant_name.strip(),
            employer=employer,
            person=person,
            documents={
                d.code: {"status": DocumentStatus.MISSING} for d in business_type.documents.all()
            },
        )
        if subject_query and employer is None and person is None:
            from counterhall.forms import TYPED_SUBJECT_KEY

            case.payload = {TYPED_SUBJECT_KEY: {"query": subject_query}}
        case.number = next_case_number(hall=window.hall)
        case.full_clean(exclude=["state"])
        case.save()
        audit.record(
            actor=actor,
            action="case.open",
            target=case,
            after={
                "state": case.state,
                "business_type": business_type.code,
                "window": window.number,
                "employer": getattr(employer, "pk", None),
                "person": getattr(person, "pk", None),
            },
        )
        visit_link_case(actor=actor, case=case, via="open")
    return case


def case_set_documents(
    *,
    actor,
    case_id: int,
    seen_state: str | None,
    received: Iterable[str],
    deferred: Mapping[str, dt.date] | None = None,
) -> Case:
    """Record which required documents the applicant brought (要件核对). A deferrable document
    may be accepted missing against a signed promise with a date (容缺受理), never for special
    business. After a one-time notice no new requirement may be added."""
    deferred = dict(deferred or {})
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        if case.state != CaseState.DRAFT:
            raise ValidationError(_("只有受理中的业务可以修改要件清单。"))
        if not permissions.can_change_case(case, actor):
            raise PermissionDenied(permissions.explain_change_case(case, actor))
        docs = {d.code: d for d in case.business_type.documents.all()}
        received = set(received)
        unknown = (received | set(deferred)) - set(docs)
        if unknown:
            raise ValidationError(_("未知的要件：%s") % "、".join(sorted(unknown)))
        today = timezone.localdate()
        errors = []
        for code, promised in deferred.items():
            doc = docs[code]
            if code in received:
                continue
            if case.business_type.is_special or not doc.deferrable or doc.proves_payout:
                errors.append(_("“%s”不能容缺受理。") % doc.name)
            elif promised is None or promised < today:
                errors.append(_("“%s”的承诺补交日期须为今天或以后。") % doc.name)
        if errors:
            raise ValidationError({"deferred": errors})
        before = case.documents
        documents: dict[str, dict] = {}
        for code in docs:
            if code in received:
                documents[code] = {"status": DocumentStatus.RECEIVED}
            elif code in deferred:
                documents[code] = {"status": DocumentStatus.DEFERRED, "promised_by": deferred[code]}
            else:
                documents[code] = {"status": DocumentStatus.MISSING}
        if case.missing_notice:
            noticed = set(case.missing_notice.get("documents", []))
            new = [
                docs[c].name
                for c, e in documents.items()
                if e["status"] == DocumentStatus.MISSING and c not in noticed
            ]
            if new:
                raise ValidationError(_("一次性告知后不得新增补正要求：%s。") % "、".join(new))
        case.documents = as_json(documents)
        dues = [deferred[c] for c, e in documents.items() if e["status"] == DocumentStatus.DEFERRED]
        case.documents_due = min(dues) if dues else None
        case.save(update_fields=["documents", "documents_due", "updated_at"])
        audit.record(
            actor=actor, action="case.documents", target=case, before=before, after=case.documents
        )
    return case


def case_receive_deferred(*, actor, case_id: int, codes: Iterable[str]) -> Case:
    """The applicant brings a document accepted missing against a promise (容缺受理), in any
    state after intake: it is marked received and the reminder moves to the next promise."""
    with transaction.atomic():
        case = lock_case(case_id)
        if not permissions.can_change_case(case, actor):
            raise PermissionDenied(permissions.explain_change_case(case, actor))
        codes = set(codes)
        deferred = set(case.deferred_document_codes())
        if not codes or not codes <= deferred:
            raise ValidationError(_("只能补交容缺受理的要件。"))
        before = case.documents
        documents = {
            code: ({"status": DocumentStatus.RECEIVED} if code in codes else entry)
            for code, entry in case.documents.items()
        }
        case.documents = as_json(documents)
        dues = [
            dt.date.fromisoformat(str(e["promised_by"]))
            for e in documents.values()
            if e.get("status") == DocumentStatus.DEFERRED and e.get("promised_by")
        ]
        case.documents_due = min(dues) if dues else None
        case.save(update_fields=["documents", "documents_due", "updated_at"])
        audit.record(
            actor=actor, action="case.documents", target=case, before=before, after=case.documents
        )
    return case


def case_save_application(*, actor, case_id: int, seen_state: str | None, data) -> Case:
    """Validate the application with the type's form and keep it with its live figures.
    Raises ValidationError with the form's field errors; nothing is saved then."""
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        if case.state not in (CaseState.DRAFT, CaseState.RETURNED):
            raise ValidationError(_("只有受理中或已退回的业务可以修改申请内容。"))
        if not permissions.can_change_case(case, actor):
            raise PermissionDenied(permissions.explain_change_case(case, actor))
        handler = registry.get_handler(case.business_type.code)
        assessment = handler.assess(case, data)
        before = case.payload
        case.payload = assessment.payload
        _record_assessment(case, assessment)
        case.save()
        audit.record(
            actor=actor, action="case.application", target=case, before=before, after=case.payload
        )
    return case


def _record_assessment(case: Case, assessment: Assessment) -> None:
    """Keep the figures and the subject an assessment found on the case (fields only; the
    caller saves)."""
    case.figures = assessment.figures
    _record_subject(case, assessment.subject)


def _record_subject(case: Case, subject: Subject | None) -> dict:
    """Point the case at its subject (None: leave it as it is); the changed FKs, for the
    audit entry."""
    changed: dict[str, int | None] = {}
    if subject is None:
        return changed
    for field in ("employer", "person"):
        value = getattr(subject, field)
        if getattr(case, f"{field}_id") != getattr(value, "pk", None):
            setattr(case, field, value)
            changed[field] = getattr(value, "pk", None)
    return changed


def _reassess(case: Case, handler, sentence: str) -> None:
    """Submit and resubmit assess the stored application again (the master data may have
    moved since it was saved) and freeze the figures."""
    try:
        assessment = handler.assess(case, case.payload)
    except InvalidApplication as exc:
        raise ValidationError([sentence, *_error_sentences(exc)]) from exc
    _record_assessment(case, assessment)


def _error_sentences(exc: ValidationError) -> list[str]:
    return [str(m) for errors in exc.error_dict.values() for e in errors for m in e.messages]


def _completion(case: Case, handler) -> tuple[bool, int | None]:
    if handler.completion:
        return handler.completion(case)
    bt = case.business_type
    if bt.completion_mode == CompletionMode.IMMEDIATE:
        return True, None
    return False, bt.limit_days


def case_submit(*, actor, case_id: int, seen_state: str | None) -> Case:
    """Pass the case internally to review (内部传递复核). Guards: all required documents present
    or validly deferred; the type at its kind of window; the actor is the case's teller. The
    figures are recomputed and frozen; a time-limited case gets its promised date."""
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        handler = registry.get_handler(case.business_type.code)
        if case.state == CaseState.DRAFT:
            _reassess(case, handler, _("申请内容不完整或有误，请先填写并保存申请表。"))
        now = timezone.now()
        immediate, limit_days = _completion(case, handler)
        deadline = None if immediate else add_working_days(timezone.localdate(now), limit_days or 0)
        roles = (
            handler.signoff_roles(case)
            if handler.signoff_roles
            else case.business_type.signoff_roles
        )
        fire(
            case.submit,
            actor=actor,
            at=now,
            immediate=immediate,
            deadline=deadline,
            signoff_roles=roles,
            audit_after={"promised_deadline": deadline, "immediate": immediate},
        )
    return case


def case_notify_missing(*, actor, case_id: int, seen_state: str | None) -> Case:
    """Issue the one-time notice (一次性告知书) listing every missing document at once."""
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        if case.missing_notice:
            raise ValidationError(_("此业务已出具过一次性告知书，不能再次告知。"))
        fire(
            case.notify_missing,
            actor=actor,
            at=timezone.now(),
            audit_after={"missing": case.missing_document_codes()},
        )
    return case


def case_documents_received(*, actor, case_id: int, seen_state: str | None) -> Case:
    """The applicant came back with the documents: the visit is counted."""
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        fire(
            case.documents_received, actor=actor, audit_after={"visits": case.applicant_visits + 1}
        )
        visit_link_case(actor=actor, case=case, via="documents_received")
    return case


def case_withdraw(*, actor, case_id: int, seen_state: str | None, reason: str) -> Case:
    reasons = clean_reasons([reason])
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        fire(case.withdraw, actor=actor, note=reasons[0], at=timezone.now())
    return case


def case_reject(
    *, actor, case_id: int, seen_state: str | None, reasons: Iterable[str], note: str = ""
) -> Case:
    """不予受理 by the teller at intake (draft or awaiting documents), reasons required. The
    claiming reviewer rejects through ``review.services.case_reject``; both call
    ``case_reject_locked``."""
    reasons = clean_reasons(reasons)
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        if case.state not in INTAKE_STATES:
            raise TransitionNotPossible()
        case_reject_locked(actor=actor, case=case, reasons=reasons, note=note)
    return case


def case_reject_locked(*, actor, case: Case, reasons: Iterable[str], note: str = "") -> Case:
    """The rejection itself, for a caller holding the case's row lock in its transaction:
    the ``reject`` transition (its permission depends on the state: the teller at intake,
    the claiming reviewer in review) with the reasons on the case and in the audit entry."""
    reasons = clean_reasons(reasons)
    fire(
        case.reject,
        actor=actor,
        note=note,
        at=timezone.now(),
        reasons=reasons,
        audit_after={"reasons": reasons},
    )
    return case


def case_resubmit(*, actor, case_id: int, seen_state: str | None) -> Case:
    """After correction the teller sends a returned case back to the queue; the round trip
    is counted and the figures are recomputed and frozen again."""
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        handler = registry.get_handler(case.business_type.code)
        if case.state == CaseState.RETURNED:
            _reassess(case, handler, _("申请内容不完整或有误，请先修改并保存申请表。"))
        fire(
            case.resubmit,
            actor=actor,
            at=timezone.now(),
            audit_after={"round_trips": case.round_trips + 1},
        )
    return case


# --------------------------------------------------------------------------- completion


def case_complete(*, actor, case_id: int, seen_state: str | None) -> Case:
    """The teller completes an approved case (办结): only now does the business take effect,
    through the type's ``apply``, in the same transaction, exactly once. ``apply`` runs once
    the transition's guard and permission pass; the subject it returns (e.g. the employer
    REG01 registered) is saved on the case by the transition and named in its audit entry."""
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        handler = registry.get_handler(case.business_type.code)
        complete = case.complete
        if not (can_proceed(complete) and has_transition_perm(complete, actor)):
            fire(complete, actor=actor, at=timezone.now())  # raises the reason it may not
        effect = handler.apply(case, actor)
        fire(complete, actor=actor, at=timezone.now(), audit_after=_record_subject(case, effect))
    return case


# --------------------------------------------------------------------------- one hall, any window

REASSIGN_SAME_TELLER = _("请选择另一名柜员。")
REASSIGN_OTHER_HALL = _("只能在本大厅的柜员之间移交业务。")
REASSIGN_NO_WINDOW = _("%(teller)s没有可办理%(kind)s的窗口授权，不能接收这些业务。")
REASSIGN_REVIEWER = _("%(number)s 由%(teller)s复核，不能移交给他本人。")


def _holder(case: Case) -> dict:
    """Who holds a case and where, for the audit entries of take-over and reassignment."""
    return {
        "teller": case.teller_id,
        "teller_name": permissions.staff_name(case.teller),
        "window": case.window.number,
    }


def _move(case: Case, *, teller, window: Window) -> tuple[dict, dict]:
    before = _holder(case)
    case.teller = teller
    case.window = window
    case.full_clean(exclude=["state"])
    case.save(update_fields=["teller", "window", "updated_at"])
    return before, _holder(case)


def _move_note(before: dict, after: dict) -> str:
    return _("%(from)s（%(from_window)s 号窗口）→ %(to)s（%(to_window)s 号窗口）") % {
        "from": before["teller_name"],
        "from_window": before["window"],
        "to": after["teller_name"],
        "to_window": after["window"],
    }


def case_take_over(
    *, actor, case_id: int, seen_state: str | None, seen_teller: int | None = None, window=None
) -> Case:
    """接续办理: a teller of the hall continues another teller's case at their own window
    (the applicant came back with the notice number). Allowed before review and back from
    it (draft, awaiting documents, returned); the case moves to the actor and their window
    in one audited step naming both tellers and both windows. ``seen_teller``: the teller
    the page showed — if the case moved meanwhile (state or holder), StaleCase. ``window``:
    the actor's window (None: their only window of the case's kind)."""
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        if seen_teller is not None and case.teller_id != seen_teller:
            raise StaleCase(case)
        if window is None:
            fitting = permissions.take_over_windows(actor, case)
            window = fitting[0] if len(fitting) == 1 else None
        reason = (
            permissions.explain_take_over_case(case, actor, window)
            if window is not None
            else permissions.explain_take_over_case(case, actor) or permissions.DENIED_WINDOW
        )
        if reason:
            if case.state not in permissions.TAKE_OVER_STATES:
                raise TransitionNotPossible(reason)
            raise PermissionDenied(reason)
        before, after = _move(case, teller=actor, window=window)
        audit.record(
            actor=actor,
            action="case.take_over",
            target=case,
            before=before,
            after=after,
            note=_move_note(before, after),
        )
        visit_link_case(actor=actor, case=case, via="take_over")
    return case


def teller_windows(teller, *, hall) -> dict[bool, Window]:
    """The teller's first window of each kind in the hall ({is_special: window})."""
    windows: dict[bool, Window] = {}
    for w in permissions.windows_for(teller).filter(hall=hall).order_by("number"):
        windows.setdefault(w.is_special, w)
    return windows


def cases_reassign(*, actor, from_teller, to_teller) -> list[Case]:
    """The hall admin moves every open case of a teller who left or fell ill to another
    teller of the hall, each to the new teller's window of the case's kind, each case with
    its own audit entry; all or nothing."""
    if not permissions.can_manage_hall(actor):
        raise PermissionDenied(_("只有大厅管理员可以移交柜员的业务。"))
    hall = permissions.user_hall(actor)
    if from_teller.pk == to_teller.pk:
        raise ValidationError({"to_teller": [REASSIGN_SAME_TELLER]})
    if hall is not None and permissions.user_hall_id(to_teller) != hall.pk:
        raise ValidationError({"to_teller": [REASSIGN_OTHER_HALL]})
    with transaction.atomic():
        qs = Case.objects.filter(teller=from_teller, state__in=OPEN_STATES)
        if hall is not None:
            qs = qs.filter(hall=hall)
        cases = list(
            qs.select_for_update(of=("self",))
            .select_related("business_type", "window", "hall", "teller")
            .order_by("pk")
        )
        windows = {case.hall_id: teller_windows(to_teller, hall=case.hall) for case in cases}
        errors = []
        for case in cases:
            if case.business_type.is_special not in windows[case.hall_id]:
                kind = _("特殊性业务") if case.business_type.is_special else _("一般性业务")
                errors.append(
                    REASSIGN_NO_WINDOW % {"teller": permissions.staff_name(to_teller), "kind": kind}
                )
            elif case.reviewer_id == to_teller.pk:
                errors.append(
                    REASSIGN_REVIEWER
                    % {"number": case.number, "teller": permissions.staff_name(to_teller)}
                )
        if errors:
            raise ValidationError({"to_teller": sorted(set(errors))})
        for case in cases:
            window = windows[case.hall_id][case.business_type.is_special]
            before, after = _move(case, teller=to_teller, window=window)
            audit.record(
                actor=actor,
                action="case.reassign",
                target=case,
                before=before,
                after=after,
                note=_move_note(before, after),
            )
    return cases


# --------------------------------------------------------------------------- lookups


def person_lookup_record(*, actor, person, id_masked: str, via: str) -> None:
    """Every lookup of a person by ID number is in the audit log: who looked up whom (the
    person found, or the masked number when none is registered) and where (``via``: the
    intake lookup, the search box)."""
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="person.lookup",
            target=person,
            hall=permissions.user_hall(actor),
            after={"via": via, "found": person is not None, "id": id_masked},
        )


def subject_lookup_record(*, actor, subject, via: str) -> None:
    """``person_lookup_record`` for the intake's subject lookup (registry.SubjectInfo)."""
    context = getattr(subject, "context", None) or {}
    if subject is not None and context.get("kind") == "person":
        person_lookup_record(
            actor=actor, person=subject.person, id_masked=context.get("masked", ""), via=via
        )
