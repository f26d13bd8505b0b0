"""The review queue's own data: the checklist of common return reasons per business type.

The queue itself is the hall's submitted cases (counterhall.Case); a claim is the case's
``reviewer`` and ``claimed_at`` plus the guardian ``decide_case`` grant; decisions and their
times are the case's audit entries. Nothing else is stored here.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from counterhall.models import BusinessType


class ReturnReasonQuerySet(models.QuerySet):
    def for_type(self, business_type) -> "ReturnReasonQuerySet":
        """The active reasons offered when returning a case of this type: the common ones
        (no type) first, then the type's own."""
        return self.filter(
            Q(business_type__isnull=True) | Q(business_type=business_type), active=True
        ).order_by(models.F("business_type").asc(nulls_first=True), "position", "pk")


class ReturnReason(models.Model):
    """One common reason for returning a case to its teller (退回原因), offered as a
    checkbox on the review screen. Without a business type it applies to every type."""

    business_type = models.ForeignKey(
        BusinessType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="return_reasons",
        verbose_name=_("业务类型"),
        help_text=_("留空表示适用于所有业务类型。"),
    )
    code = models.SlugField(_("原因代码"), max_length=40)
    text = models.CharField(_("退回原因"), max_length=200)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    objects = ReturnReasonQuerySet.as_manager()

    class Meta:
        ordering = ["business_type", "position", "pk"]
        verbose_name = _("常见退回原因")
        verbose_name_plural = _("常见退回原因")
        constraints = [
            models.UniqueConstraint(
                fields=["business_type", "code"],
                name="return_reason_code_unique_per_type",
                violation_error_message=_("此业务类型已有同代码的退回原因。"),
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(business_type__isnull=True),
                name="common_return_reason_code_unique",
                violation_error_message=_("已有同代码的通用退回原因。"),
            ),
        ]

    def __str__(self) -> str:
        return self.text
