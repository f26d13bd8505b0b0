"""Writes on a case: one function per business act, each owning its transaction.

Every function takes keyword arguments with the acting user, locks the case, compares the
state the user saw (``seen_state``; ``None`` skips the comparison for programmatic callers),
fires the transition through ``counterhall.transitions.fire`` and so writes the audit entry
in the same transaction. Views, the API, management commands and test factories all call
these functions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from counterhall import audit, permissions, registry
from counterhall.calendar import add_working_days, latest_promise_date
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
        case.full_clean(exclude=["state", "number"])
        # The number last: its sequence row stays locked until the commit, and every other
        # intake of the hall waits for it (counterhall.numbering).
        case.number = next_case_number(hall=window.hall)
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


def promise_too_late(name: str, latest: dt.date) -> str:
    return _("“%(name)s”的承诺补交日期不得晚于 %(latest)s。") % {
        "name": name,
        "latest": latest.isoformat(),
    }


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
        latest = (
            latest_promise_date(region=case.hall.region, today=today)
            if set(deferred) - received
            else today
        )
        errors = []
        for code, promised in deferred.items():
            doc = docs[code]
            if code in received:
                continue
            if case.business_type.is_special or not doc.deferrable or doc.proves_payout:
                errors.append(_("“%s”不能容缺受理。") % doc.name)
            elif promised is None or promised < today:
                errors.append(_("“%s”的承诺补交日期须为今天或以后。") % doc.name)
            elif promised > latest:
                errors.append(promise_too_late(doc.name, latest))
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
            _require_pages(case)
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
            # the frozen figures, so the case's timeline shows the figures of each step
            audit_after={
                "promised_deadline": deadline,
                "immediate": immediate,
                "figures": case.figures,
            },
        )
    return case


PAGES_MISSING = _("以下已收要件尚未扫描页面：%(documents)s。")


def _require_pages(case: Case) -> None:
    """Where the hall requires scanned pages (``pages.documents_without_pages``), a received
    document without one blocks submission."""
    from counterhall.pages import documents_without_pages
    from counterhall.templatetags.counterhall import local_name

    missing = documents_without_pages(case)
    if missing:
        names = "、".join(local_name(d) for d in missing)
        raise ValidationError(PAGES_MISSING % {"documents": names})


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
    """The applicant came back with the documents: the case joins their visit (trips are
    counted from visits)."""
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        fire(case.documents_received, actor=actor)
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
            _require_pages(case)
            _reassess(case, handler, _("申请内容不完整或有误，请先修改并保存申请表。"))
        fire(
            case.resubmit,
            actor=actor,
            at=timezone.now(),
            audit_after={"round_trips": case.round_trips + 1, "figures": case.figures},
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


# --------------------------------------------------------------------------- the case file

# The teller adds pages while the case is at the window; after submission only a returned
# case takes pages, each with the reason (a correction, never a removal).
PAGE_ADD_STATES = (CaseState.DRAFT, CaseState.AWAITING_DOCUMENTS, CaseState.RETURNED)
PAGE_NO_FILES = _("请选择要上传的扫描页面。")
PAGE_UNKNOWN_DOCUMENT = _("此业务没有这项要件。")
PAGE_STATE = _("只有受理中、待补正材料或已退回的业务可以添加页面。")
PAGE_REASON_REQUIRED = _("此业务已提交过复核：补充页面须说明原因。")
PAGE_CASE_LIMIT = _("此业务的扫描页面合计不能超过 %(limit)s，未保存。")
PAGE_REMOVE_SUBMITTED = _("业务提交复核后不能删除页面；如需更正，请补充新页面并说明原因。")
PAGE_GONE = _("此页面已不存在。")


def case_pages_add(
    *,
    actor,
    case_id: int,
    document_code: str,
    files: Iterable,
    reason: str = "",
    seen_state: str | None = None,
) -> list:
    """Scan pages into one required document of a case (电子档案): each file is checked
    (``counterhall.pages.check_upload``: type by content, size, image bombs, active PDF
    content) before anything is written; then, under the case's row lock, each page takes
    the document's next number, is written to the ``casefile`` storage and gets its row and
    its ``page.add`` audit entry (with the SHA-256) in one transaction. A refused file
    stores nothing; a storage failure raises ``StorageUnavailable`` and removes what this
    call already wrote, so nothing is half-written. Returns the new ``DocumentPage`` rows."""
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.db.models import Max, Sum

    from counterhall import pages
    from counterhall.exceptions import StorageUnavailable
    from counterhall.models import DocumentPage

    files = list(files)
    if not files:
        raise ValidationError({"files": [PAGE_NO_FILES]})
    try:
        checked = [pages.check_upload(f) for f in files]
    except ValidationError as exc:  # a refused file: its sentence at ``files``
        raise ValidationError({"files": exc.messages}) from None
    reason = (reason or "").strip()[:500]
    store = pages.storage()
    written: list[str] = []
    try:
        with transaction.atomic():
            case = lock_case(case_id, seen_state=seen_state)
            if not permissions.can_change_case(case, actor):
                raise PermissionDenied(permissions.explain_change_case(case, actor))
            if case.state not in PAGE_ADD_STATES:
                raise ValidationError(PAGE_STATE)
            if document_code not in case.documents:
                raise ValidationError({"document_code": [PAGE_UNKNOWN_DOCUMENT]})
            if case.submitted_at is not None and not reason:
                raise ValidationError({"reason": [PAGE_REASON_REQUIRED]})
            existing = DocumentPage.objects.filter(case=case)
            limit = settings.COUNTERHALL_CASE_PAGES_MAX_BYTES
            held = existing.aggregate(total=Sum("size"))["total"] or 0
            if held + sum(c.size for c in checked) > limit:
                raise ValidationError(PAGE_CASE_LIMIT % {"limit": pages.human_size(limit)})
            last = existing.filter(document_code=document_code).aggregate(n=Max("number"))["n"] or 0
            added = []
            for offset, page in enumerate(checked, start=1):
                number = last + offset
                wanted = (
                    f"cases/{case.hall.code}/{case.number}/{document_code}/"
                    f"{number:03d}-{page.sha256[:16]}.{page.suffix}"
                )
                try:
                    name = store.save(wanted, ContentFile(page.content))
                except Exception as exc:
                    raise StorageUnavailable() from exc
                written.append(name)
                row = DocumentPage.objects.create(
                    case=case,
                    document_code=document_code,
                    number=number,
                    file_name=name,
                    original_name=page.original_name,
                    content_type=page.content_type,
                    size=page.size,
                    sha256=page.sha256,
                    added_by=actor,
                    reason=reason,
                )
                audit.record(
                    actor=actor,
                    action="page.add",
                    target=case,
                    after=_page_facts(row),
                    note=reason,
                )
                added.append(row)
    except BaseException:
        for name in written:
            _delete_quietly(store, name)
        raise
    return added


def _page_facts(page) -> dict:
    """What an audit entry keeps of a page: enough to prove the file later."""
    return {
        "page": page.pk,
        "document": page.document_code,
        "number": page.number,
        "sha256": page.sha256,
        "size": page.size,
        "content_type": page.content_type,
        "file": page.file_name,
    }


def _delete_quietly(store, name: str) -> None:
    """Delete a file, ignoring a store that is down (an orphan file holds nothing of
    record: no row and no audit entry names it)."""
    with contextlib.suppress(Exception):
        store.delete(name)


def case_page_remove(*, actor, page_id: int, seen_state: str | None = None) -> None:
    """Remove a page scanned by mistake, before the case was ever submitted; its
    ``page.remove`` audit entry keeps the digest. The file is deleted once the transaction
    has committed (a rollback keeps it)."""
    from counterhall import pages
    from counterhall.models import DocumentPage

    case_id = DocumentPage.objects.filter(pk=page_id).values_list("case_id", flat=True).first()
    if case_id is None:
        raise ValidationError(PAGE_GONE)
    with transaction.atomic():
        case = lock_case(case_id, seen_state=seen_state)
        if not permissions.can_change_case(case, actor):
            raise PermissionDenied(permissions.explain_change_case(case, actor))
        if case.submitted_at is not None or case.state not in PAGE_ADD_STATES:
            raise ValidationError(PAGE_REMOVE_SUBMITTED)
        page = DocumentPage.objects.filter(pk=page_id, case=case).first()
        if page is None:
            raise ValidationError(PAGE_GONE)
        facts = _page_facts(page)
        page.delete()
        audit.record(actor=actor, action="page.remove", target=case, before=facts)
        store = pages.storage()
        transaction.on_commit(lambda: _delete_quietly(store, facts["file"]))


def case_page_open(*, actor, page_id: int, via: str = "page"):
    """A staff member opens a page (``via``: page, thumb, the case file): the page, if the
    case is one they may read (else ``Http404``, like the case), and its ``page.view``
    audit entry, whose target is the page (the case's history stays its acts) — pages
    carry personal data. Returns ``(page, content bytes)``; a storage
    that does not answer raises ``StorageUnavailable`` and records nothing."""
    from django.http import Http404

    from counterhall import pages
    from counterhall.exceptions import StorageUnavailable
    from counterhall.models import DocumentPage

    page = (
        DocumentPage.objects.filter(case__in=permissions.cases_visible_to(actor), pk=page_id)
        .select_related("case__hall")
        .first()
    )
    if page is None:
        raise Http404
    try:
        with pages.storage().open(page.file_name, "rb") as handle:
            content = handle.read()
    except Exception as exc:
        raise StorageUnavailable(_("电子档案存储暂时不可用，无法打开页面。")) from exc
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="page.view",
            target=page,
            hall=page.case.hall,
            after={
                "case": page.case_id,
                "document": page.document_code,
                "number": page.number,
                "sha256": page.sha256,
                "via": via,
            },
        )
    return page, content


def case_file_export(*, actor, case_id: int) -> bytes:
    """The case file as one PDF (application, figures, timeline, every page with its
    digest), for the archive and the auditor; the ``case.casefile`` audit entry lists the
    digests of the pages it holds. ``Http404`` for a case the actor may not read."""
    from django.http import Http404

    from counterhall import casefile_pdf, pages, selectors
    from counterhall.exceptions import StorageUnavailable

    case = permissions.cases_visible_to(actor).filter(pk=case_id).first()
    if case is None:
        raise Http404
    rows = list(selectors.case_pages(case=case))
    store = pages.storage()
    try:
        contents = []
        for page in rows:
            with store.open(page.file_name, "rb") as handle:
                contents.append(handle.read())
    except Exception as exc:
        raise StorageUnavailable(_("电子档案存储暂时不可用，无法生成档案。")) from exc
    pdf = casefile_pdf.build(case=case, pages=list(zip(rows, contents, strict=True)))
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="case.casefile",
            target=case,
            after={"pages": [{"page": p.pk, "sha256": p.sha256} for p in rows]},
        )
    return pdf


# --------------------------------------------------------------------------- personal data


def pii_reveal_record(*, actor, case: Case, page: str = "case") -> None:
    """显示完整号码: a teller on their case or a finance officer on a payee sees the full ID
    and account numbers for one page; the view is recorded (who, whose numbers, which case,
    when), and the auditor's report lists these views per staff member."""
    from counterhall.pii import mask_text

    if not permissions.can_reveal_pii(case, actor):
        raise PermissionDenied(permissions.DENIED_REVEAL)
    subjects = [str(s) for s in (case.person, case.employer) if s is not None]
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="pii.view",
            target=case,
            after={
                "page": page,
                "subjects": [mask_text(s) for s in subjects],
                "applicant": case.applicant_name,
            },
        )


def search_recorded(*, actor, query: str, via: str):
    """The one-hall search (``selectors.search``) with its audit: a search by ID number
    writes a ``person.lookup`` entry per person found (or one with the masked number).
    Returns (groups, the case whose number was typed exactly, or None)."""
    from counterhall import selectors
    from counterhall.pii import RESIDENT_ID, mask_resident_id

    groups, exact, looked_up = selectors.search(user=actor, query=query)
    if RESIDENT_ID.match(query):
        for person in looked_up or [None]:
            person_lookup_record(
                actor=actor, person=person, id_masked=mask_resident_id(query.upper()), via=via
            )
    return groups, exact


def pii_view_record(*, actor, subject, via: str) -> None:
    """Numbers shown whole (``?reveal=1`` of the API) are in the audit log: who saw whose
    (an employer's bank account, a person's ID number) and where."""
    if not permissions.can_reveal_subject_numbers(actor):
        raise PermissionDenied(permissions.DENIED_REVEAL_SUBJECT)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="pii.view",
            target=subject,
            hall=permissions.user_hall(actor),
            after={"via": via},
        )
