"""The business-type catalogue and each type's required documents (data, editable by a hall
admin; behaviour lives with the handlers in counterhall.registry)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from counterhall.models.base import TimeStampedModel
from counterhall.roles import SIGNOFF_ROLES
from counterhall.search import match_business_type, pinyin_initials


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
    # The old dedicated-officer path (专管员制) per applicant, for the before/after table;
    # blank where no source gives a figure (shown as "—", never invented).
    baseline_steps = models.PositiveSmallIntegerField(_("原模式经办环节"), null=True, blank=True)
    baseline_trips_min = models.PositiveSmallIntegerField(
        _("原模式往返窗口/科室次数（最少）"), null=True, blank=True
    )
    baseline_trips_max = models.PositiveSmallIntegerField(
        _("原模式往返窗口/科室次数（最多）"),
        null=True,
        blank=True,
        help_text=_("只有一个数时与最少次数相同或留空。"),
    )
    baseline_floors = models.PositiveSmallIntegerField(_("原模式奔走楼层"), null=True, blank=True)
    baseline_minutes = models.PositiveSmallIntegerField(
        _("原模式办事时间（分钟）"), null=True, blank=True
    )
    baseline_source = models.TextField(
        _("原模式数据来源"),
        blank=True,
        help_text=_("写明数据出处（如调研报告、经办规程），没有出处的数字不要填写。"),
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
        if (
            self.baseline_trips_min is not None
            and self.baseline_trips_max is not None
            and self.baseline_trips_max < self.baseline_trips_min
        ):
            raise ValidationError({"baseline_trips_max": _("最多次数不能小于最少次数。")})
        unknown = set(self.signoff_roles or []) - {r.value for r in SIGNOFF_ROLES}
        if unknown:
            raise ValidationError(
                {"signoff_roles": _("签批角色只能是主管局长（leader）或财务人员（finance）。")}
            )


class RequiredDocument(models.Model):
    business_type = models.ForeignKey(
        BusinessType, on_delete=models.CASCADE, related_name="documents", verbose_name=_("业务类型")
    )
    code = models.SlugField(_("要件代码"), max_length=40)
    name = models.CharField(_("要件名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    deferrable = models.BooleanField(_("可容缺受理"), default=False)
    proves_payout = models.BooleanField(_("支付凭据"), default=False)
    page_optional = models.BooleanField(
        _("可无扫描页"),
        default=False,
        help_text=_("收到此要件时可以不扫描页面（仅在参数 casefile.pages_required 生效时适用）。"),
    )
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
