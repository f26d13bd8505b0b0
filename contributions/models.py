"""Contribution master data: declared bases, monthly assessed contributions, assessment bills
(核定单, monthly and back-payment), refunds, the personal pension account ledger and the
months credited from other agencies (the contribution history the hall holds).
Written only through contributions.services."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from counterhall.models import TimeStampedModel
from registration.selectors import Scheme

Employer = "registration.Employer"
InsuredPerson = "registration.InsuredPerson"

MONEY = {"max_digits": 14, "decimal_places": 2}


class DeclaredBase(TimeStampedModel):
    """A person's contribution base for a year (缴费基数), declared by the employer (or chosen
    by a flexible worker), clamped to the year's floor and ceiling."""

    person = models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        related_name="declared_bases",
        verbose_name=_("人员"),
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declared_bases",
        verbose_name=_("单位"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    declared_wage = models.DecimalField(_("申报工资"), **MONEY)
    base = models.DecimalField(_("核定缴费基数"), **MONEY)
    case = models.ForeignKey(
        "counterhall.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("核定业务"),
    )

    class Meta:
        ordering = ["person", "-year"]
        verbose_name = _("缴费基数")
        verbose_name_plural = _("缴费基数")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "employer", "year"],
                name="declared_base_unique_per_employer_year",
            ),
            models.UniqueConstraint(
                fields=["person", "year"],
                condition=Q(employer__isnull=True),
                name="declared_base_unique_flexible_year",
            ),
            models.CheckConstraint(
                condition=Q(declared_wage__gte=0) & Q(base__gte=0), name="declared_base_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year} {self.base}"


class BillKind(models.TextChoices):
    MONTHLY = "monthly", _("月度核定单")
    BACK_PAYMENT = "back_payment", _("补缴核定单")


class BillStatus(models.TextChoices):
    OWED = "owed", _("待缴")
    PAID = "paid", _("已缴")


class AssessmentBill(TimeStampedModel):
    """核定单: per employer and month, per flexible worker and month, or a back-payment
    assessment over a range of months with its late fee."""

    kind = models.CharField(_("类别"), max_length=20, choices=BillKind.choices)
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
        verbose_name=_("单位"),
    )
    person = models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
        verbose_name=_("灵活就业人员"),
    )
    period = models.DateField(_("所属期（起）"), help_text=_("月份的第一天。"))
    period_to = models.DateField(_("所属期（止）"), null=True, blank=True)
    due_date = models.DateField(_("缴费期限"))
    employer_total = models.DecimalField(_("单位缴费合计"), default=Decimal("0"), **MONEY)
    individual_total = models.DecimalField(_("个人缴费合计"), default=Decimal("0"), **MONEY)
    principal = models.DecimalField(_("本金合计"), default=Decimal("0"), **MONEY)
    late_fee = models.DecimalField(_("滞纳金"), default=Decimal("0"), **MONEY)
    days_late = models.PositiveIntegerField(_("滞纳天数"), null=True, blank=True)
    total = models.DecimalField(_("应缴合计"), default=Decimal("0"), **MONEY)
    amount_paid = models.DecimalField(_("实缴金额"), default=Decimal("0"), **MONEY)
    paid_on = models.DateField(_("缴费日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=BillStatus.choices, default=BillStatus.OWED
    )
    figures = models.JSONField(_("核算明细"), default=dict, blank=True)
    case = models.OneToOneField(
        "counterhall.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("核定业务"),
    )

    class Meta:
        ordering = ["-period", "pk"]
        verbose_name = _("核定单")
        verbose_name_plural = _("核定单")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "period"],
                condition=Q(kind="monthly", employer__isnull=False),
                name="monthly_bill_unique_per_employer",
            ),
            models.UniqueConstraint(
                fields=["person", "period"],
                condition=Q(kind="monthly", person__isnull=False),
                name="monthly_bill_unique_per_flexible_worker",
            ),
            models.CheckConstraint(
                condition=Q(employer__isnull=False) | Q(person__isnull=False),
                name="bill_has_subject",
            ),
        ]

    def __str__(self) -> str:
        who = self.employer.name if self.employer_id else str(self.person)
        return f"{self.get_kind_display()} {who} {self.period:%Y-%m}"

    @property
    def overpaid(self) -> Decimal:
        return max(self.amount_paid - self.total, Decimal("0"))


class ContributionStatus(models.TextChoices):
    OWED = "owed", _("欠缴")
    PAID = "paid", _("已缴")


class Contribution(TimeStampedModel):
    """One assessed month of one person in one scheme (per person per scheme, then summed)."""

    person = models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("人员"),
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("单位"),
    )
    period = models.DateField(_("所属期"), help_text=_("月份的第一天。"))
    scheme = models.CharField(_("险种"), max_length=20, choices=Scheme.choices)
    base = models.DecimalField(_("缴费基数"), **MONEY)
    employer_amount = models.DecimalField(_("单位缴费"), **MONEY)
    individual_amount = models.DecimalField(_("个人缴费"), **MONEY)
    account_amount = models.DecimalField(_("记入个人账户"), default=Decimal("0"), **MONEY)
    status = models.CharField(
        _("缴费状态"),
        max_length=10,
        choices=ContributionStatus.choices,
        default=ContributionStatus.OWED,
    )
    bill = models.ForeignKey(
        AssessmentBill,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("核定单"),
    )

    class Meta:
        ordering = ["person", "period", "scheme"]
        verbose_name = _("月度缴费")
        verbose_name_plural = _("月度缴费")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "period", "scheme"],
                name="contribution_unique_per_month_scheme",
                violation_error_message=_("此人员该月该险种已核定。"),
            )
        ]
        indexes = [models.Index(fields=["employer", "status"], name="contribution_arrears_idx")]

    def __str__(self) -> str:
        return f"{self.person} {self.period:%Y-%m} {self.get_scheme_display()}"


class AccountEntryKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("个人缴费记账")
    INTEREST = "interest", _("记账利息")
    TRANSFER_IN = "transfer_in", _("转入")
    TRANSFER_OUT = "transfer_out", _("转出")
    PAYOUT = "payout", _("支付")
    ADJUSTMENT = "adjustment", _("调整")


class AccountEntry(models.Model):
    """The personal pension account ledger (个人账户): append-only lines; the balance is
    their sum."""

    person = models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        related_name="account_entries",
        verbose_name=_("人员"),
    )
    on = models.DateField(_("记账日期"))
    year = models.PositiveSmallIntegerField(_("记账年度"))
    kind = models.CharField(_("类别"), max_length=20, choices=AccountEntryKind.choices)
    amount = models.DecimalField(_("金额"), **MONEY)
    contribution = models.OneToOneField(
        Contribution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_entry",
        verbose_name=_("缴费"),
    )
    case = models.ForeignKey(
        "counterhall.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("业务"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["person", "on", "pk"]
        verbose_name = _("个人账户记账")
        verbose_name_plural = _("个人账户记账")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year"],
                condition=Q(kind="interest"),
                name="account_interest_once_per_year",
                violation_error_message=_("该年度记账利息已计入。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.on} {self.get_kind_display()} {self.amount}"


class RefundStatus(models.TextChoices):
    RECORDED = "recorded", _("待支付")
    PAID = "paid", _("已支付")


class Refund(TimeStampedModel):
    """多缴退费: recorded for payment when its CON04 case completes."""

    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
        verbose_name=_("单位"),
    )
    person = models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
        verbose_name=_("人员"),
    )
    amount = models.DecimalField(_("退费金额"), **MONEY)
    reason = models.CharField(_("退费原因"), max_length=200)
    bank_account = models.CharField(_("收款账号"), max_length=40, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.RECORDED
    )
    case = models.OneToOneField(
        "counterhall.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("退费业务"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("退费")
        verbose_name_plural = _("退费")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive"),
            models.CheckConstraint(
                condition=Q(employer__isnull=False) | Q(person__isnull=False),
                name="refund_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.get_status_display()}"


CREDITED_SCHEMES = [(s.value, s.label) for s in (Scheme.PENSION, Scheme.UNEMPLOYMENT)]


class CreditedMonth(TimeStampedModel):
    """A contribution month held here that was paid elsewhere (transferred in, TRF02). Together
    with the contribution ledger these are the months the hall holds; a month is held once.
    (Moved from transfers; ``contributions`` migration 0004 took the table over.)"""

    person = models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        related_name="credited_months",
        verbose_name=_("人员"),
    )
    scheme = models.CharField(_("险种"), max_length=20, choices=CREDITED_SCHEMES)
    period = models.DateField(_("所属期"), help_text=_("月份的第一天。"))
    base = models.DecimalField(_("缴费基数"), **MONEY)
    source_agency = models.CharField(_("转出地经办机构"), max_length=200)
    case = models.ForeignKey(
        "counterhall.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("业务")
    )

    class Meta:
        ordering = ["person", "scheme", "period"]
        verbose_name = _("转入缴费月")
        verbose_name_plural = _("转入缴费月")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "scheme", "period"],
                name="credited_month_once",
                violation_error_message=_("此人员该月已有缴费记录。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.period:%Y-%m} {self.base}"
