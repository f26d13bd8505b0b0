"""Benefit master data: flexible-retirement decisions, pension awards, unemployment claims and
their changes. Written only by benefits.services, on completion of a case."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from counterhall.models import TimeStampedModel
from counterhall.months import months_apart

MONEY = {"max_digits": 14, "decimal_places": 2}


class FlexibleKind(models.TextChoices):
    EARLY = "early", _("弹性提前退休")
    DEFERRED = "deferred", _("弹性延迟退休")


class FlexibleRetirement(TimeStampedModel):
    """BEN02: the approved retirement date chosen by the worker; BEN01 uses it."""

    person = models.ForeignKey(
        "registration.InsuredPerson",
        on_delete=models.PROTECT,
        related_name="flexible_retirements",
        verbose_name=_("人员"),
    )
    kind = models.CharField(_("类别"), max_length=10, choices=FlexibleKind.choices)
    statutory_date = models.DateField(_("法定退休日期"))
    approved_date = models.DateField(_("核准退休日期"))
    employer_agreed = models.BooleanField(_("单位书面同意"), default=False)
    case = models.OneToOneField(
        "counterhall.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("业务")
    )
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["person", "-created_at"]
        verbose_name = _("弹性退休核准")
        verbose_name_plural = _("弹性退休核准")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(active=True),
                name="one_active_flexible_retirement",
                violation_error_message=_("此人员已有有效的弹性退休核准。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.approved_date}"


class PensionAward(TimeStampedModel):
    """BEN01: a retiree's monthly basic pension with its breakdown (frozen figures)."""

    person = models.OneToOneField(
        "registration.InsuredPerson",
        on_delete=models.PROTECT,
        related_name="pension_award",
        verbose_name=_("人员"),
        error_messages={"unique": _("此人员已核定退休待遇。")},
    )
    employer = models.ForeignKey(
        "registration.Employer",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("单位"),
    )
    case = models.ForeignKey(
        "counterhall.Case",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("业务"),
    )
    retirement_date = models.DateField(_("退休日期"))
    start_month = models.DateField(_("起发月份"), help_text=_("月份的第一天。"))
    monthly_amount = models.DecimalField(_("月基本养老金"), **MONEY)
    basic_pension = models.DecimalField(_("基础养老金"), **MONEY)
    account_pension = models.DecimalField(_("个人账户养老金"), **MONEY)
    transitional_pension = models.DecimalField(_("过渡性养老金"), **MONEY)
    breakdown = models.JSONField(_("计算明细"), default=dict)

    class Meta:
        ordering = ["-start_month", "person"]
        verbose_name = _("退休待遇")
        verbose_name_plural = _("退休待遇")

    def __str__(self) -> str:
        return f"{self.person} {self.monthly_amount}/月 自 {self.start_month:%Y-%m}"


class ClaimStatus(models.TextChoices):
    DRAWING = "drawing", _("领取中")
    STOPPED = "stopped", _("已停发")
    ENDED = "ended", _("已终止")
    TRANSFERRED_OUT = "transferred_out", _("已转出")
    TRANSFERRED_IN = "transferred_in", _("转入待领")


class StopReason(models.TextChoices):
    REEMPLOYED = "reemployed", _("重新就业")
    ENLISTED = "enlisted", _("应征服兵役")
    EMIGRATED = "emigrated", _("移居境外")
    PENSION = "pension", _("享受基本养老保险待遇")
    REFUSED_WORK = "refused_work", _("无正当理由拒不接受推荐的工作或培训")
    DEATH = "death", _("死亡")
    EXHAUSTED = "exhausted", _("领取期满")


#: Stops after which the months can never be drawn again here.
FINAL_STOPS = (StopReason.DEATH, StopReason.EMIGRATED, StopReason.PENSION)


class UnemploymentClaim(TimeStampedModel):
    """BEN03: one spell of unemployment benefit. ``drawn_months`` counts months already paid
    up to the last stop; while drawing, months since ``current_since`` are added. Unused
    months of a stopped spell may be merged into a later one once (``merged_into``)."""

    person = models.ForeignKey(
        "registration.InsuredPerson",
        on_delete=models.PROTECT,
        related_name="unemployment_claims",
        verbose_name=_("人员"),
    )
    case = models.OneToOneField(
        "counterhall.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("业务")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAWING
    )
    separation_date = models.DateField(_("失业日期"), null=True, blank=True)
    start_month = models.DateField(_("起领月份"), null=True, blank=True)
    current_since = models.DateField(_("本次领取起始月"), null=True, blank=True)
    contribution_months = models.PositiveIntegerField(_("累计缴费月数"), default=0)
    base_months = models.PositiveSmallIntegerField(_("本次核定月数"), default=0)
    merged_months = models.PositiveSmallIntegerField(_("合并以前未领月数"), default=0)
    entitlement_months = models.PositiveSmallIntegerField(_("领取期限（月）"))
    monthly_amount = models.DecimalField(_("月失业保险金"), default=Decimal("0"), **MONEY)
    drawn_months = models.PositiveSmallIntegerField(_("已领月数"), default=0)
    stop_reason = models.CharField(
        _("停发原因"), max_length=20, choices=StopReason.choices, blank=True
    )
    stopped_on = models.DateField(_("停发日期"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("已并入"),
    )
    other_agency = models.CharField(_("转入地/转出地经办机构"), max_length=200, blank=True)

    class Meta:
        ordering = ["person", "-created_at"]
        verbose_name = _("失业保险金领取")
        verbose_name_plural = _("失业保险金领取")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="drawing"),
                name="one_drawing_claim_per_person",
                violation_error_message=_("此人员正在领取失业保险金。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_status_display()} {self.entitlement_months} 个月"

    def running_months(self, on) -> int:
        if self.status != ClaimStatus.DRAWING or self.current_since is None:
            return 0
        return max(months_apart(self.current_since, on), 0)

    def remaining_months(self, on) -> int:
        return max(self.entitlement_months - self.drawn_months - self.running_months(on), 0)


class TransferDirection(models.TextChoices):
    """Which way an unemployment-insurance transfer (TRF03) moves the entitlement months."""

    OUT = "out", _("转出")
    IN = "in", _("转入")


class ChangeKind(models.TextChoices):
    STOP = "stop", _("停发")
    RESUME = "resume", _("恢复发放")
    DEATH = "death", _("领取期间死亡")


class UnemploymentChange(TimeStampedModel):
    """BEN04: a stop, resumption or death while drawing, with the survivor figures."""

    claim = models.ForeignKey(
        UnemploymentClaim,
        on_delete=models.PROTECT,
        related_name="changes",
        verbose_name=_("失业保险金领取"),
    )
    case = models.OneToOneField(
        "counterhall.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("业务")
    )
    kind = models.CharField(_("变更类别"), max_length=10, choices=ChangeKind.choices)
    reason = models.CharField(_("原因"), max_length=20, choices=StopReason.choices, blank=True)
    event_date = models.DateField(_("事由发生日期"))
    remaining_months = models.PositiveSmallIntegerField(_("剩余月数"), default=0)
    funeral_grant = models.DecimalField(_("丧葬补助金"), default=Decimal("0"), **MONEY)
    survivor_payment = models.DecimalField(_("抚恤金"), default=Decimal("0"), **MONEY)
    figures = models.JSONField(_("核算明细"), default=dict)

    class Meta:
        ordering = ["claim", "-created_at"]
        verbose_name = _("失业保险待遇变更")
        verbose_name_plural = _("失业保险待遇变更")

    def __str__(self) -> str:
        return f"{self.claim.person} {self.get_kind_display()} {self.event_date}"
