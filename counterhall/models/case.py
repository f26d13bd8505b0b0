"""The case, its state machine and its guards, and the per-hall day sequence of case numbers."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from counterhall import permissions
from counterhall.models.base import TimeStampedModel
from counterhall.models.catalogue import BusinessType
from counterhall.models.halls import Hall, Window


class CaseState(models.TextChoices):
    DRAFT = "draft", _("受理中")
    AWAITING_DOCUMENTS = "awaiting_documents", _("待补正材料")
    SUBMITTED = "submitted", _("待复核")
    IN_REVIEW = "in_review", _("复核中")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已核准")
    AWAITING_SIGNOFF = "awaiting_signoff", _("待签批")
    COMPLETED = "completed", _("已办结")
    REJECTED = "rejected", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


TERMINAL_STATES = (CaseState.COMPLETED, CaseState.REJECTED, CaseState.WITHDRAWN)
OPEN_STATES = tuple(s for s in CaseState.values if s not in TERMINAL_STATES)


class DocumentStatus(models.TextChoices):
    MISSING = "missing", _("未提交")
    RECEIVED = "received", _("已收")
    DEFERRED = "deferred", _("容缺（承诺补交）")


def _guard(message):
    """Name a case predicate with the sentence that explains why it blocks an act."""

    def decorate(func):
        func.message = message
        return func

    return decorate


@_guard(_("要件不齐：请收齐全部要件，或对可容缺的要件登记承诺补交日期。"))
def documents_complete(case: Case) -> bool:
    return not case.missing_document_codes()


@_guard(_("没有缺少的要件，无需出具一次性告知书。"))
def has_missing_documents(case: Case) -> bool:
    return bool(case.missing_document_codes())


@_guard(_("特殊性业务只能在特殊业务窗口受理，一般性业务只能在综合柜员窗口受理。"))
def window_fits_type(case: Case) -> bool:
    return case.window.is_special == case.business_type.is_special


@_guard(_("此业务尚未被复核员认领。"))
def is_claimed(case: Case) -> bool:
    return case.reviewer_id is not None


class Case(ConcurrentTransitionMixin, TimeStampedModel):
    """One application, whatever its business type. The workflow lives here; the business
    (form, figures, effect) lives with the type's handler in its app."""

    number = models.CharField(_("业务编号"), max_length=32, unique=True, editable=False)
    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="cases", verbose_name=_("大厅")
    )
    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, related_name="cases", verbose_name=_("窗口")
    )
    business_type = models.ForeignKey(
        BusinessType, on_delete=models.PROTECT, related_name="cases", verbose_name=_("业务类型")
    )
    teller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases_taken",
        verbose_name=_("受理柜员"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases_reviewed",
        null=True,
        blank=True,
        verbose_name=_("复核员"),
    )
    state = FSMField(_("状态"), choices=CaseState.choices, default=CaseState.DRAFT, protected=True)

    applicant_name = models.CharField(_("办事人"), max_length=100, blank=True)
    # The case's subject, recorded from the handler's assessment and completion
    # (registry.Subject; string references: counterhall imports no business app).
    employer = models.ForeignKey(
        "registration.Employer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("参保单位"),
    )
    person = models.ForeignKey(
        "registration.InsuredPerson",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("参保人员"),
    )
    payload = models.JSONField(_("申请内容"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    figures = models.JSONField(_("核算结果"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    documents = models.JSONField(_("要件清单"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    missing_notice = models.JSONField(
        _("一次性告知"), null=True, blank=True, encoder=DjangoJSONEncoder
    )
    documents_due = models.DateField(_("容缺要件承诺补交日期"), null=True, blank=True)

    round_trips = models.PositiveSmallIntegerField(_("退回重交次数"), default=0)
    is_immediate = models.BooleanField(_("即时办结"), default=False)
    promised_deadline = models.DateField(_("承诺办结日期"), null=True, blank=True)
    signoff_roles = models.JSONField(_("需签批角色"), default=list, blank=True)
    return_reasons = models.JSONField(_("退回原因"), default=list, blank=True)
    decision_note = models.TextField(_("处理意见"), blank=True)

    submitted_at = models.DateTimeField(_("提交复核时间"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("复核决定时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签批完成时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("终止时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("业务")
        verbose_name_plural = _("业务")
        permissions = [
            ("decide_case", _("可对此业务作出复核决定")),
            ("review_special_business", _("可复核特殊性业务")),
        ]
        indexes = [
            models.Index(fields=["hall", "state", "submitted_at"], name="case_queue_idx"),
            models.Index(fields=["teller", "state"], name="case_teller_state_idx"),
            # the case list (one hall, newest first, keyset on (created_at, id)) and the
            # admin's case list (every hall)
            models.Index(fields=["hall", "-created_at", "-id"], name="case_hall_created_idx"),
            models.Index(fields=["-created_at", "-id"], name="case_created_idx"),
            # the efficiency figures: cases closed per hall and day (taken in: the above)
            models.Index(fields=["hall", "closed_at"], name="case_hall_closed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.business_type.name}"

    # ---- documents

    def missing_document_codes(self) -> list[str]:
        return [
            code
            for code, entry in self.documents.items()
            if entry.get("status", DocumentStatus.MISSING) == DocumentStatus.MISSING
        ]

    def deferred_document_codes(self) -> list[str]:
        return [
            code
            for code, entry in self.documents.items()
            if entry.get("status") == DocumentStatus.DEFERRED
        ]

    @property
    def documents_overdue(self) -> bool:
        """容缺受理 reminder: a deferred document is still outstanding after its promised date."""
        return (
            self.documents_due is not None
            and self.documents_due < timezone.localdate()
            and bool(self.deferred_document_codes())
            and self.state not in (CaseState.REJECTED, CaseState.WITHDRAWN)
        )

    @property
    def is_open(self) -> bool:
        return self.state not in TERMINAL_STATES

    def signed_roles(self) -> list[str]:
        """The sign-off roles signed so far (``Signature`` rows; prefetch ``signatures`` to
        read many cases without a query each)."""
        return [s.role for s in self.signatures.all()]

    def pending_signoff_roles(self) -> list[str]:
        signed = self.signed_roles()
        return [role for role in self.signoff_roles if role not in signed]

    # ---- transitions: field changes only, no I/O (see counterhall.transitions.fire)

    @transition(
        field=state,
        source=CaseState.DRAFT,
        target=CaseState.SUBMITTED,
        conditions=[documents_complete, window_fits_type],
        permission=permissions.can_change_case,
    )
    def submit(self, *, at, immediate: bool, deadline, signoff_roles: list[str]) -> None:
        self.submitted_at = at
        self.is_immediate = immediate
        self.promised_deadline = deadline
        self.signoff_roles = list(signoff_roles)

    @transition(
        field=state,
        source=CaseState.DRAFT,
        target=CaseState.AWAITING_DOCUMENTS,
        conditions=[has_missing_documents],
        permission=permissions.can_change_case,
    )
    def notify_missing(self, *, at) -> None:
        self.missing_notice = {
            "issued_at": at.isoformat(),
            "documents": self.missing_document_codes(),
        }

    @transition(
        field=state,
        source=CaseState.AWAITING_DOCUMENTS,
        target=CaseState.DRAFT,
        permission=permissions.can_change_case,
    )
    def documents_received(self) -> None:
        """The applicant brought the missing documents back; the return visit is a Visit
        linked by the service (``visit_services.visit_link_case``): trips are counted from
        visits, not by a counter."""

    @transition(
        field=state,
        source=[CaseState.DRAFT, CaseState.AWAITING_DOCUMENTS, CaseState.RETURNED],
        target=CaseState.WITHDRAWN,
        permission=permissions.can_change_case,
    )
    def withdraw(self, *, at) -> None:
        self.closed_at = at

    @transition(
        field=state,
        source=[CaseState.DRAFT, CaseState.AWAITING_DOCUMENTS],
        target=CaseState.REJECTED,
        permission=permissions.can_change_case,
    )
    @transition(
        field=state,
        source=CaseState.IN_REVIEW,
        target=CaseState.REJECTED,
        conditions=[is_claimed],
        permission=permissions.can_decide_case,
    )
    def reject(self, *, at, reasons: list[str]) -> None:
        self.closed_at = at
        self.return_reasons = list(reasons)
        if self.reviewer_id:
            self.decided_at = at

    @transition(
        field=state,
        source=CaseState.SUBMITTED,
        target=CaseState.IN_REVIEW,
        permission=permissions.can_claim_case,
    )
    def claim(self, *, reviewer, at) -> None:
        self.reviewer = reviewer
        self.claimed_at = at

    @transition(
        field=state,
        source=CaseState.IN_REVIEW,
        target=CaseState.SUBMITTED,
        conditions=[is_claimed],
        permission=permissions.can_release_case,
    )
    def release(self) -> None:
        self.reviewer = None
        self.claimed_at = None

    @transition(
        field=state,
        source=CaseState.IN_REVIEW,
        target=RETURN_VALUE(CaseState.APPROVED, CaseState.AWAITING_SIGNOFF),
        conditions=[is_claimed],
        permission=permissions.can_decide_case,
    )
    def approve(self, *, at, note: str = "") -> str:
        self.decided_at = at
        self.decision_note = note
        self.return_reasons = []
        return CaseState.AWAITING_SIGNOFF if self.signoff_roles else CaseState.APPROVED

    @transition(
        field=state,
        source=CaseState.IN_REVIEW,
        target=CaseState.RETURNED,
        conditions=[is_claimed],
        permission=permissions.can_decide_case,
    )
    def return_(self, *, at, reasons: list[str], note: str = "") -> None:
        self.decided_at = at
        self.return_reasons = list(reasons)
        self.decision_note = note

    @transition(
        field=state,
        source=CaseState.RETURNED,
        target=CaseState.SUBMITTED,
        conditions=[documents_complete],
        permission=permissions.can_change_case,
    )
    def resubmit(self, *, at) -> None:
        self.round_trips += 1
        self.submitted_at = at
        self.reviewer = None
        self.claimed_at = None
        self.decided_at = None

    @transition(
        field=state,
        source=CaseState.AWAITING_SIGNOFF,
        target=RETURN_VALUE(CaseState.AWAITING_SIGNOFF, CaseState.APPROVED),
        permission=permissions.can_sign_case,
    )
    def sign(self, *, role: str, at) -> str:
        """One role signs (its ``Signature`` row is written by the signing service in the
        same transaction); the case is approved once no role is left, in whatever order."""
        if [r for r in self.pending_signoff_roles() if r != role]:
            return CaseState.AWAITING_SIGNOFF
        self.signed_at = at
        return CaseState.APPROVED

    @transition(
        field=state,
        source=CaseState.AWAITING_SIGNOFF,
        target=CaseState.RETURNED,
        permission=permissions.can_sign_case,
    )
    def hold(self, *, at, reasons: list[str]) -> None:
        """Back to the teller; the holding service clears the signatures given so far."""
        self.return_reasons = list(reasons)
        self.decided_at = at

    @transition(
        field=state,
        source=CaseState.APPROVED,
        target=CaseState.COMPLETED,
        permission=permissions.can_change_case,
    )
    def complete(self, *, at) -> None:
        self.completed_at = at
        self.closed_at = at


class Signature(models.Model):
    """One signature of the daily sign-off (集中签批): which role of a case who signed, when,
    and for whom when acting through a delegation (``acting_for``: the absent holder of the
    role). Written by the signing service in the transaction of the case's move and its
    audit entry; a hold clears the case's signatures (the hold's audit entry keeps them).
    In counterhall because the sign transition's guard reads it (who signed, what is left)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("业务")
    )
    role = models.CharField(_("签批角色"), max_length=20)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("签批人"),
    )
    acting_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signatures_by_delegate",
        null=True,
        blank=True,
        verbose_name=_("代签对象"),
    )
    signed_at = models.DateTimeField(_("签批时间"))

    class Meta:
        ordering = ["signed_at", "pk"]
        verbose_name = _("签批记录")
        verbose_name_plural = _("签批记录")
        constraints = [
            models.UniqueConstraint(fields=["case", "role"], name="signature_one_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.role} {self.signed_by}"

    @property
    def signed_by(self) -> str:
        """The signer, and whom they acted for: "张三 代 王局长"."""
        if self.acting_for_id is None:
            return permissions.staff_name(self.signer)
        return _("%(signer)s 代 %(principal)s") % {
            "signer": permissions.staff_name(self.signer),
            "principal": permissions.staff_name(self.acting_for),
        }

    def as_record(self) -> dict:
        """The signature as the hold's audit entry keeps it once cleared."""
        return {
            "role": self.role,
            "signer": self.signer_id,
            "acting_for": self.acting_for_id,
            "signed_by": str(self.signed_by),
            "at": self.signed_at.isoformat(),
        }


class CaseSequence(models.Model):
    """The last case number handed out per hall and day (gap-free, see counterhall.numbering)."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["hall", "day"]
        constraints = [models.UniqueConstraint(fields=["hall", "day"], name="case_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.day} #{self.last}"
