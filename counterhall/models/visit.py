"""The applicant's visit: a queue ticket from the entrance to the end of service, its
rating (好差评, GB/T 39735-2020) and the rectification a poor rating opens (整改)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counterhall.models.base import TimeStampedModel
from counterhall.models.case import Case
from counterhall.models.halls import Hall, Window


class VisitCategory(models.TextChoices):
    """The business category chosen at the entrance; the special queue goes to the special
    window only."""

    GENERAL = "general", _("一般业务")
    SPECIAL = "special", _("特殊业务")


TICKET_PREFIX = {VisitCategory.GENERAL: "A", VisitCategory.SPECIAL: "T"}


class VisitStatus(models.TextChoices):
    WAITING = "waiting", _("等候中")
    CALLED = "called", _("已叫号")
    SERVING = "serving", _("办理中")
    SERVED = "served", _("已办结")
    NO_SHOW = "no_show", _("过号")


OPEN_VISIT_STATUSES = (VisitStatus.CALLED, VisitStatus.SERVING)


class VisitSequence(models.Model):
    """The last ticket number given per hall, day and category (see counterhall.numbering)."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE)
    day = models.DateField()
    category = models.CharField(max_length=10, choices=VisitCategory.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["hall", "day", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "day", "category"], name="visit_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.day} {self.category} {self.last}"


class Visit(TimeStampedModel):
    """One applicant's presence in the hall, from the ticket to the end of service."""

    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="visits", verbose_name=_("大厅")
    )
    day = models.DateField(_("日期"))
    category = models.CharField(_("业务类别"), max_length=10, choices=VisitCategory.choices)
    number = models.PositiveIntegerField(_("序号"))
    ticket = models.CharField(_("票号"), max_length=10)
    priority = models.BooleanField(
        _("优先"), default=False, help_text=_("预约或老弱病残孕等优先办理。")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.WAITING
    )
    calls = models.PositiveSmallIntegerField(_("叫号次数"), default=0)
    issued_at = models.DateTimeField(_("取号时间"), default=timezone.now)
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("最近叫号时间"), null=True, blank=True)
    service_started_at = models.DateTimeField(_("开始办理时间"), null=True, blank=True)
    service_ended_at = models.DateTimeField(_("结束办理时间"), null=True, blank=True)
    window = models.ForeignKey(
        Window,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("窗口"),
        help_text=_("叫号或办理的窗口；转窗后为接收窗口。"),
    )
    teller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits_served",
        verbose_name=_("柜员"),
    )
    transferred_from = models.ForeignKey(
        Window,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits_transferred",
        verbose_name=_("转出窗口"),
    )
    transfer_reason = models.CharField(_("转窗原因"), max_length=200, blank=True)
    applicant_name = models.CharField(_("办事人"), max_length=100, blank=True)
    employer = models.ForeignKey(
        "registration.Employer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("参保单位"),
    )
    person = models.ForeignKey(
        "registration.InsuredPerson",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("参保人员"),
    )
    cases = models.ManyToManyField(
        Case, related_name="visits", blank=True, verbose_name=_("办理的业务")
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("到厅办事")
        verbose_name_plural = _("到厅办事")
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "day", "category", "number"], name="visit_ticket_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["hall", "status", "category", "issued_at"], name="visit_queue_idx"
            ),
            models.Index(fields=["teller", "status"], name="visit_teller_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} {self.day:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_VISIT_STATUSES

    @property
    def wait_seconds(self) -> int | None:
        if self.called_at is None:
            return None
        return int((self.called_at - self.issued_at).total_seconds())

    @property
    def service_seconds(self) -> int | None:
        if self.service_started_at is None or self.service_ended_at is None:
            return None
        return int((self.service_ended_at - self.service_started_at).total_seconds())


class RatingGrade(models.IntegerChoices):
    """GB/T 39735-2020's five grades."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    FAIRLY_SATISFIED = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


POOR_GRADES = (RatingGrade.DISSATISFIED, RatingGrade.VERY_DISSATISFIED)
RATING_IMMUTABLE = _("评价一经提交不可更改。")


class VisitRating(models.Model):
    """The applicant's rating of one visit, for its teller; written once, never changed.
    ``grade`` is empty when the applicant declined to rate."""

    visit = models.OneToOneField(
        Visit, on_delete=models.PROTECT, related_name="rating", verbose_name=_("到厅办事")
    )
    teller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("柜员"),
    )
    grade = models.PositiveSmallIntegerField(
        _("评价"), choices=RatingGrade.choices, null=True, blank=True
    )
    declined = models.BooleanField(_("不评价"), default=False)
    reasons = models.JSONField(_("原因"), default=list, blank=True)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), default=timezone.now)

    class Meta:
        ordering = ["-rated_at", "-pk"]
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        constraints = [
            models.CheckConstraint(
                condition=Q(declined=True, grade__isnull=True)
                | Q(declined=False, grade__isnull=False),
                name="rating_grade_or_declined",
            )
        ]

    def __str__(self) -> str:
        return f"{self.visit} {self.get_grade_display() or _('不评价')}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(RATING_IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(RATING_IMMUTABLE)

    @property
    def is_poor(self) -> bool:
        return self.grade in POOR_GRADES


class Rectification(TimeStampedModel):
    """整改: opened by a poor rating, due within a number of working days; closed by the
    callback to the applicant (回访: who called, when, with what outcome)."""

    rating = models.OneToOneField(
        VisitRating,
        on_delete=models.PROTECT,
        related_name="rectification",
        verbose_name=_("评价"),
    )
    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="rectifications", verbose_name=_("大厅")
    )
    deadline = models.DateField(_("整改期限"))
    callback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callbacks",
        verbose_name=_("回访人"),
    )
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    callback_outcome = models.TextField(_("回访结果"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")

    def __str__(self) -> str:
        return f"{self.rating.visit} → {self.deadline:%Y-%m-%d}"

    @property
    def is_closed(self) -> bool:
        return self.callback_at is not None

    @property
    def is_overdue(self) -> bool:
        return not self.is_closed and self.deadline < timezone.localdate()
