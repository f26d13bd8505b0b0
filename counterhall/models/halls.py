"""Halls, their windows, and the staff who belong to them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from counterhall.models.base import TimeStampedModel, region_validator


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
