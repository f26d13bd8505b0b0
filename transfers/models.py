"""Transfer master data: pension transfers out and in, unemployment-insurance transfers.
Written only by transfers.services, on completion. The months a transfer in credits are
contribution history and live in contributions (``CreditedMonth``)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from benefits.selectors import TransferDirection as Direction
from counterhall.models import TimeStampedModel, region_validator

MONEY = {"max_digits": 14, "decimal_places": 2}


class PensionTransferOut(TimeStampedModel):
    """TRF01: the contribution certificate issued and the amounts sent."""

    person = models.ForeignKey(
        "registration.InsuredPerson",
        on_delete=models.PROTECT,
        related_name="pension_transfers_out",
        verbose_name=_("人员"),
    )
    case = models.OneToOneField(
        "counterhall.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("业务")
    )
    receiving_agency = models.CharField(_("转入地经办机构"), max_length=200)
    receiving_region = models.CharField(
        _("转入地行政区划"), max_length=6, validators=[region_validator]
    )
    certificate = models.JSONField(_("参保缴费凭证"), default=dict)
    account_transfer = models.DecimalField(_("个人账户转移额"), **MONEY)
    pooled_transfer = models.DecimalField(_("统筹基金转移额"), **MONEY)
    funds_move = models.BooleanField(_("转移基金"), default=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("养老保险关系转出")
        verbose_name_plural = _("养老保险关系转出")

    def __str__(self) -> str:
        return f"{self.person} → {self.receiving_agency}"

    @property
    def total(self) -> Decimal:
        return self.account_transfer + self.pooled_transfer


class PensionTransferIn(TimeStampedModel):
    """TRF02: the incoming certificate's months and amounts, merged into the person's record."""

    person = models.ForeignKey(
        "registration.InsuredPerson",
        on_delete=models.PROTECT,
        related_name="pension_transfers_in",
        verbose_name=_("人员"),
    )
    case = models.OneToOneField(
        "counterhall.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("业务")
    )
    sending_agency = models.CharField(_("转出地经办机构"), max_length=200)
    sending_region = models.CharField(
        _("转出地行政区划"), max_length=6, validators=[region_validator]
    )
    months = models.PositiveIntegerField(_("转入缴费月数"))
    account_amount = models.DecimalField(_("个人账户转入额"), **MONEY)
    pooled_amount = models.DecimalField(_("统筹基金转入额"), **MONEY)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("养老保险关系转入")
        verbose_name_plural = _("养老保险关系转入")

    def __str__(self) -> str:
        return f"{self.person} ← {self.sending_agency}"


class UnemploymentTransfer(TimeStampedModel):
    """TRF03: remaining entitlement months moved to or from another agency."""

    person = models.ForeignKey(
        "registration.InsuredPerson",
        on_delete=models.PROTECT,
        related_name="unemployment_transfers",
        verbose_name=_("人员"),
    )
    case = models.OneToOneField(
        "counterhall.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("业务")
    )
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    other_agency = models.CharField(_("对方经办机构"), max_length=200)
    months = models.PositiveSmallIntegerField(_("转移领取月数"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("失业保险关系转移")
        verbose_name_plural = _("失业保险关系转移")

    def __str__(self) -> str:
        return f"{self.person} {self.get_direction_display()} {self.months} 个月"
