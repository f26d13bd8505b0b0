"""Delegation while away: a leader, finance officer or reviewer hands their role to a
colleague of the same hall for a date range (hall dates). In counterhall because the role
checks read it (``counterhall.roles.user_roles`` counts an active delegation's role, the
sign guard records whom a delegate signs for); review's services write it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counterhall.models.halls import Hall
from counterhall.roles import Role

DELEGABLE_ROLES = (Role.LEADER, Role.FINANCE, Role.REVIEWER)


class DelegationQuerySet(models.QuerySet):
    def active_on(self, day):
        """In force on ``day`` (a hall date): started, not past its end, not ended early."""
        return self.filter(starts_on__lte=day, ends_on__gte=day, ended_at__isnull=True)

    def active(self):
        return self.active_on(timezone.localdate())


class Delegation(models.Model):
    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="delegations", verbose_name=_("大厅")
    )
    role = models.CharField(
        _("委托角色"), max_length=20, choices=[(r.value, r.label) for r in DELEGABLE_ROLES]
    )
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_given",
        verbose_name=_("委托人"),
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_received",
        verbose_name=_("受托人"),
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("设置人"),
    )
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("提前结束时间"), null=True, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("委托代理")
        verbose_name_plural = _("委托代理")
        indexes = [models.Index(fields=["delegate", "starts_on"], name="delegation_delegate_idx")]

    def __str__(self) -> str:
        return f"{self.principal} → {self.delegate} {self.role} {self.starts_on}–{self.ends_on}"
