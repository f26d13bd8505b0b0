"""Special business records: the payouts of SPC01 (death in service) and SPC02 (settling
abroad), one row per payee, written once, when the case completes after every signature."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from counterhall.models import TimeStampedModel
from counterhall.pii import mask_account, mask_resident_id

MONEY = {"max_digits": 14, "decimal_places": 2}


class PayoutCause(models.TextChoices):
    DEATH = "death", _("在职死亡")
    ABROAD = "abroad", _("出国定居")


class Payout(TimeStampedModel):
    """One sum paid out of the fund to one payee (支付), for one person and cause."""

    case = models.ForeignKey(
        "counterhall.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("业务")
    )
    person = models.ForeignKey(
        "registration.InsuredPerson",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("参保人员"),
    )
    cause = models.CharField(_("支付事由"), max_length=10, choices=PayoutCause.choices)
    payee_name = models.CharField(_("领取人"), max_length=100)
    payee_id_number = models.CharField(_("领取人身份证号码"), max_length=18)
    relation = models.CharField(_("与参保人关系"), max_length=40, blank=True)
    share = models.DecimalField(_("份额（%）"), max_digits=7, decimal_places=4)
    bank_account = models.CharField(_("收款账号"), max_length=40)
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    funeral_grant = models.DecimalField(_("丧葬补助金"), default=0, **MONEY)
    survivor_payment = models.DecimalField(_("抚恤金"), default=0, **MONEY)
    account_amount = models.DecimalField(_("个人账户余额"), default=0, **MONEY)
    amount = models.DecimalField(_("支付金额"), **MONEY)
    paid_on = models.DateField(_("支付日期"))

    class Meta:
        ordering = ["paid_on", "case", "pk"]
        verbose_name = _("支付记录")
        verbose_name_plural = _("支付记录")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "cause", "payee_id_number"],
                name="payout_once_per_person_cause_payee",
                violation_error_message=_("此人员此事由的待遇已支付。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.payee_name} {self.amount}"

    @property
    def bank_account_masked(self) -> str:
        return mask_account(self.bank_account)

    @property
    def payee_id_masked(self) -> str:
        return mask_resident_id(self.payee_id_number)
