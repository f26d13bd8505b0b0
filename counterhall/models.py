"""The hall's core: halls and windows, staff, the business-type catalogue, policy parameters,
the working-day calendar, the case and its state machine, and the audit log."""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import (
    RETURN_VALUE,
    ConcurrentTransitionMixin,
    FSMField,
    FSMFieldMixin,
    transition,
)

from counterhall import permissions
from counterhall.roles import SIGNOFF_ROLES

region_validator = RegexValidator(r"^\d{6}$", _("行政区划代码应为 6 位数字，例如 222424。"))
NATIONAL_REGION = "000000"


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


# --------------------------------------------------------------------------- halls


class Hall(TimeStampedModel):
    code = models.CharField(
        _("大厅代码"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,8}$", _("大厅代码为 2 至 8 个大写字母。"))],
        help_text=_("用于业务编号，例如 WQ。"),
    )
    name = models.CharField(_("名称"), max_length=100)
    region = models.CharField(
        _("行政区划代码"),
        max_length=6,
        validators=[region_validator],
        help_text=_("例如 222424（汪清县）。"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    claim_idle_minutes = models.PositiveSmallIntegerField(
        _("复核认领闲置时限（分钟）"),
        default=15,
        help_text=_("复核员认领后超过此时间未处理，业务自动退回队列。"),
    )
    signoff_time = models.TimeField(_("每日集中签批时间"), default=dt.time(16, 0))

    class Meta:
        ordering = ["code"]
        verbose_name = _("服务大厅")
        verbose_name_plural = _("服务大厅")

    def __str__(self) -> str:
        return self.name


class WindowKind(models.TextChoices):
    GENERAL = "general", _("综合柜员窗口")
    SPECIAL = "special", _("特殊业务窗口")


ONE_SPECIAL_WINDOW_MESSAGE = _("每个大厅只能设一个特殊业务窗口。")


class Window(TimeStampedModel):
    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="windows", verbose_name=_("大厅")
    )
    number = models.PositiveSmallIntegerField(_("窗口号"))
    kind = models.CharField(
        _("类别"), max_length=10, choices=WindowKind.choices, default=WindowKind.GENERAL
    )

    class Meta:
        ordering = ["hall", "number"]
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        permissions = [("work_at_window", _("可在此窗口办理业务"))]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "number"],
                name="window_number_unique_per_hall",
                violation_error_message=_("此大厅已有同号窗口。"),
            ),
            models.UniqueConstraint(
                fields=["hall"],
                condition=Q(kind="special"),
                name="one_special_window_per_hall",
                violation_error_message=ONE_SPECIAL_WINDOW_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return _("%(number)s 号窗口（%(kind)s）") % {
            "number": self.number,
            "kind": self.get_kind_display(),
        }

    @property
    def is_special(self) -> bool:
        return self.kind == WindowKind.SPECIAL


class StaffProfile(TimeStampedModel):
    """Which hall a staff member belongs to. Roles are groups; windows are object grants."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff",
        verbose_name=_("用户"),
    )
    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="staff", verbose_name=_("大厅")
    )

    class Meta:
        ordering = ["hall", "user"]
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return f"{self.user} @ {self.hall.code}"


# --------------------------------------------------------------------------- catalogue


class BusinessCategory(models.TextChoices):
    REGISTRATION = "registration", _("参保登记类")
    CONTRIBUTION = "contribution", _("征缴核定类")
    BENEFIT = "benefit", _("养老失业待遇计算类")
    TRANSFER = "transfer", _("社会保险关系转移类")
    ACCOUNT = "account", _("个人账户管理类")
    BASIC_INFO = "basic_info", _("参保人员基本信息维护类")


class CompletionMode(models.TextChoices):
    IMMEDIATE = "immediate", _("即时办结")
    TIME_LIMITED = "time_limited", _("限时办结")


class BusinessType(TimeStampedModel):
    """One sub-type of the hall's service list. Data, editable by a hall admin."""

    code = models.CharField(_("业务代码"), max_length=8, unique=True)
    name = models.CharField(_("业务名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=150)
    category = models.CharField(_("业务类别"), max_length=20, choices=BusinessCategory.choices)
    is_special = models.BooleanField(_("特殊性业务"), default=False)
    completion_mode = models.CharField(
        _("办结方式"),
        max_length=20,
        choices=CompletionMode.choices,
        default=CompletionMode.IMMEDIATE,
    )
    limit_days = models.PositiveSmallIntegerField(
        _("承诺时限（工作日）"), null=True, blank=True, help_text=_("限时办结业务必填。")
    )
    signoff_roles = models.JSONField(
        _("集中签批角色"), default=list, blank=True, help_text=_("需要在每日集中签批中签字的角色。")
    )
    active = models.BooleanField(_("开通"), default=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    baseline_steps = models.PositiveSmallIntegerField(_("原模式经办环节"), null=True, blank=True)
    baseline_trips = models.CharField(_("原模式往返窗口/科室次数"), max_length=20, blank=True)
    baseline_floors = models.PositiveSmallIntegerField(_("原模式奔走楼层"), null=True, blank=True)
    baseline_minutes = models.PositiveSmallIntegerField(
        _("原模式办事时间（分钟）"), null=True, blank=True
    )
    pinyin_initials = models.CharField(
        _("拼音首字母"),
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("由业务名称生成，用于按拼音首字母查找业务（如 dwcb）。"),
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("业务类型")
        verbose_name_plural = _("业务类型")
        constraints = [
            models.CheckConstraint(
                condition=Q(completion_mode="immediate") | Q(limit_days__gt=0),
                name="time_limited_type_has_limit",
                violation_error_message=_("限时办结业务必须填写承诺时限。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.pinyin_initials = pinyin_initials(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "pinyin_initials"}
        super().save(*args, **kwargs)

    def matches(self, query: str) -> int:
        """How well a search text fits this type (0 = not at all): by code, Chinese name or
        pinyin initials, the initials also as a subsequence ("dwcb" → 单位新参保登记)."""
        return match_business_type(self.code, self.name, self.pinyin_initials, query)

    def clean(self) -> None:
        unknown = set(self.signoff_roles or []) - {r.value for r in SIGNOFF_ROLES}
        if unknown:
            raise ValidationError(
                {"signoff_roles": _("签批角色只能是主管局长（leader）或财务人员（finance）。")}
            )


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


class RequiredDocument(models.Model):
    business_type = models.ForeignKey(
        BusinessType, on_delete=models.CASCADE, related_name="documents", verbose_name=_("业务类型")
    )
    code = models.SlugField(_("要件代码"), max_length=40)
    name = models.CharField(_("要件名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    deferrable = models.BooleanField(_("可容缺受理"), default=False)
    proves_payout = models.BooleanField(_("支付凭据"), default=False)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["business_type", "position", "pk"]
        verbose_name = _("要件")
        verbose_name_plural = _("要件")
        constraints = [
            models.UniqueConstraint(
                fields=["business_type", "code"], name="document_code_unique_per_type"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.deferrable and (self.proves_payout or self.business_type.is_special):
            raise ValidationError({"deferrable": _("特殊性业务的要件和支付凭据不能容缺受理。")})


# --------------------------------------------------------------------------- parameters


class ParameterTag(models.TextChoices):
    NATIONAL = "national", _("国家规定")
    PROVINCE = "province", _("省级规定")
    PRACTICE = "practice", _("经办惯例")


class PolicyParameter(TimeStampedModel):
    """A dated policy figure for a region. Lookup falls back county → prefecture → province →
    national (000000). Decimals are stored as strings so no float ever appears."""

    region = models.CharField(_("行政区划代码"), max_length=6, validators=[region_validator])
    key = models.CharField(_("参数"), max_length=80)
    value = models.JSONField(_("取值"), encoder=DjangoJSONEncoder)
    effective_from = models.DateField(_("起始日期"))
    effective_to = models.DateField(
        _("截止日期"), null=True, blank=True, help_text=_("含当日；空表示长期有效。")
    )
    tag = models.CharField(_("依据层级"), max_length=10, choices=ParameterTag.choices)
    note = models.CharField(_("依据与说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["key", "region", "effective_from"]
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "key", "effective_from"], name="parameter_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="parameter_period_ordered",
                violation_error_message=_("截止日期不能早于起始日期。"),
            ),
        ]
        indexes = [models.Index(fields=["key", "region", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.key}@{self.region} {self.effective_from}"

    def clean(self) -> None:
        overlapping = PolicyParameter.objects.filter(region=self.region, key=self.key).exclude(
            pk=self.pk
        )
        if self.effective_to:
            overlapping = overlapping.filter(effective_from__lte=self.effective_to)
        overlapping = overlapping.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from)
        )
        if overlapping.exists():
            raise ValidationError(_("同一地区同一参数的有效期不能重叠，请先结束原有参数。"))


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班日")


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a public holiday or a make-up working day."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类别"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


# --------------------------------------------------------------------------- the case


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


@functools.cache
def _fsm_fields(model) -> tuple:
    return tuple(f for f in model._meta.fields if isinstance(f, FSMFieldMixin))


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
    # The case's subject, set by the business-type handler's attach() (string references:
    # counterhall imports no business app).
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

    applicant_visits = models.PositiveSmallIntegerField(_("办事人到厅次数"), default=1)
    round_trips = models.PositiveSmallIntegerField(_("退回重交次数"), default=0)
    is_immediate = models.BooleanField(_("即时办结"), default=False)
    promised_deadline = models.DateField(_("承诺办结日期"), null=True, blank=True)
    signoff_roles = models.JSONField(_("需签批角色"), default=list, blank=True)
    signoffs = models.JSONField(_("签批记录"), default=dict, blank=True, encoder=DjangoJSONEncoder)
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
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.business_type.name}"

    @property
    def state_fields(self):
        # ConcurrentTransitionMixin filters every field of the model for FSM fields each
        # time a case is loaded or saved; the answer never changes for a class.
        return _fsm_fields(type(self))

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

    def pending_signoff_roles(self) -> list[str]:
        return [role for role in self.signoff_roles if role not in self.signoffs]

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
        self.applicant_visits += 1

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
        permission=permissions.can_decide_case,
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
        self.signoffs = {}

    @transition(
        field=state,
        source=CaseState.AWAITING_SIGNOFF,
        target=RETURN_VALUE(CaseState.AWAITING_SIGNOFF, CaseState.APPROVED),
        permission=permissions.can_sign_case,
    )
    def sign(self, *, role: str, signer, at) -> str:
        self.signoffs = {
            **self.signoffs,
            role: {"user": signer.pk, "name": str(signer), "at": at.isoformat()},
        }
        if self.pending_signoff_roles():
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


# --------------------------------------------------------------------------- audit


class AuditEntry(models.Model):
    """One line of the append-only audit log. Written only by counterhall.audit.record()."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150)
    hall = models.ForeignKey(
        Hall,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("大厅"),
    )
    action = models.CharField(_("动作"), max_length=60, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    target_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    target_label = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("变更后"), null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(_("说明"), blank=True)
    digest = models.CharField(_("摘要"), max_length=64, editable=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        indexes = [models.Index(fields=["target_type", "target_id", "at"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        # audit.record() inserts through counterhall.rowwrites, which does not call this:
        # keep it to refusing updates.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("审计日志只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("审计日志只能追加，不能删除。"))


class AuditSeal(models.Model):
    """A sealed digest over a run of audit entries, chained to the previous seal."""

    first_entry_id = models.BigIntegerField()
    last_entry_id = models.BigIntegerField(unique=True)
    entry_count = models.PositiveIntegerField()
    previous_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_entry_id"]
        verbose_name = _("审计封存")
        verbose_name_plural = _("审计封存")

    def __str__(self) -> str:
        return f"#{self.first_entry_id}–#{self.last_entry_id} {self.digest[:12]}"
