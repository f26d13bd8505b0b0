"""Dated policy parameters per region and the working-day calendar."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from counterhall.models.base import TimeStampedModel, region_validator


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
