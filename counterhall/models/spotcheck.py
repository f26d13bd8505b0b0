"""Spot checks (抽查): an auditor draws a reproducible sample of completed cases by rule and
records a finding per case. In counterhall beside the audit log: the sample's rules, seed
and findings are what an auditor reports on, and the case pages show the findings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counterhall.models.case import Case
from counterhall.models.halls import Hall


class SpotCheckSample(models.Model):
    """One draw: the rules (percentages per business type, every case above an amount, a
    monthly cap), the completion date range and the random seed, so the same draw can be
    made again from the record."""

    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="spot_checks", verbose_name=_("大厅")
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="spot_checks_drawn",
        verbose_name=_("抽查人"),
    )
    drawn_at = models.DateTimeField(_("抽取时间"), default=timezone.now)
    date_from = models.DateField(_("办结日期自"))
    date_to = models.DateField(_("办结日期至"))
    rules = models.JSONField(_("抽查规则"), default=dict)
    seed = models.BigIntegerField(_("随机种子"))
    population = models.PositiveIntegerField(_("可抽业务数"), default=0)

    class Meta:
        ordering = ["-drawn_at", "-pk"]
        verbose_name = _("抽查批次")
        verbose_name_plural = _("抽查批次")

    def __str__(self) -> str:
        return f"#{self.pk} {self.date_from}–{self.date_to}"


class FindingVerdict(models.TextChoices):
    PENDING = "pending", _("待检查")
    IN_ORDER = "in_order", _("合规")
    PROBLEM = "problem", _("发现问题")


class SpotCheckFinding(models.Model):
    """One sampled case and the auditor's finding on it (pending until judged)."""

    sample = models.ForeignKey(
        SpotCheckSample,
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name=_("抽查批次"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="spot_check_findings", verbose_name=_("业务")
    )
    reason = models.CharField(_("抽中原因"), max_length=20)
    verdict = models.CharField(
        _("检查结论"), max_length=20, choices=FindingVerdict.choices, default=FindingVerdict.PENDING
    )
    rule_broken = models.CharField(_("违反的规定"), max_length=200, blank=True)
    note = models.TextField(_("检查意见"), blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("检查人"),
    )
    judged_at = models.DateTimeField(_("检查时间"), null=True, blank=True)

    class Meta:
        ordering = ["sample", "case__completed_at", "pk"]
        verbose_name = _("抽查结论")
        verbose_name_plural = _("抽查结论")
        constraints = [
            models.UniqueConstraint(fields=["sample", "case"], name="spotcheck_case_once"),
            models.CheckConstraint(
                condition=~models.Q(verdict="problem") | ~models.Q(rule_broken=""),
                name="spotcheck_problem_names_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sample_id}/{self.case_id} {self.verdict}"
