"""Daily rollups of the service-efficiency figures (counterhall.metrics, docs/metrics.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counterhall.models.catalogue import BusinessType
from counterhall.models.halls import Hall, Window


class MetricGrain(models.TextChoices):
    """How finely a rollup row is cut: the hall's whole day, one dimension of it, or the
    full cut (business type × window × teller)."""

    HALL = "hall", _("大厅")
    BUSINESS_TYPE = "business_type", _("业务类型")
    WINDOW = "window", _("窗口")
    TELLER = "teller", _("柜员")
    FULL = "full", _("全维度")


class MetricPeriod(models.TextChoices):
    DAY = "day", _("日")
    MONTH = "month", _("月")


class MetricDay(models.Model):
    """The figures of one hall's day at one grain: counts, whole-minute histograms and
    ratings (``data``, see ``metrics.Acc.as_data``). Derived data: ``metrics.rollup_day``
    replaces a hall's day at every grain at once; the HALL row is written even for a day
    without activity, so its presence says the day is rolled up. A MONTH row (``day`` the
    month's first) merges a complete month's day rows, written once all its days are."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    period = models.CharField(max_length=8, choices=MetricPeriod.choices, default="day")
    grain = models.CharField(max_length=16, choices=MetricGrain.choices)
    business_type = models.ForeignKey(
        BusinessType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    window = models.ForeignKey(
        Window, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    teller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField(default=dict)
    built_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["hall", "day", "grain", "pk"]
        verbose_name = _("效能日汇总")
        verbose_name_plural = _("效能日汇总")
        indexes = [
            models.Index(
                fields=["period", "grain", "hall", "day"], name="metricday_grain_hall_idx"
            ),
            models.Index(fields=["hall", "day"], name="metricday_hall_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.day} {self.grain}"
