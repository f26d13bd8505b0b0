"""One visit for one matter (一件事一次办): a bundle of business types one life event needs
(catalogue data the hall admin edits), and a bundle taken in at a window (its cases, opened
together in one visit)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from counterhall.models.base import TimeStampedModel
from counterhall.models.case import Case, CaseState
from counterhall.models.catalogue import BusinessType
from counterhall.models.halls import Hall, Window

# Application fields that name the same thing in every type's form: typed once for a
# bundle and fed to each case's form.
DEFAULT_SHARED_FIELDS = ["uscc", "id_number"]


def default_shared_fields() -> list[str]:
    return list(DEFAULT_SHARED_FIELDS)


class Bundle(TimeStampedModel):
    """一件事: the business types one life event needs, in order. Data, editable by a hall
    admin (Django admin)."""

    code = models.CharField(_("一件事代码"), max_length=12, unique=True)
    name = models.CharField(_("一件事名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=150)
    active = models.BooleanField(_("开通"), default=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    shared_fields = models.JSONField(
        _("共用申请字段"),
        default=default_shared_fields,
        blank=True,
        help_text=_("各业务申请表中含义相同、只需填写一次的字段名，如 uscc、id_number。"),
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BundleItem(models.Model):
    """One business type of a bundle; an optional one is taken in only where it applies
    (its condition, e.g. "where an outstanding back-payment exists")."""

    bundle = models.ForeignKey(
        Bundle, on_delete=models.CASCADE, related_name="items", verbose_name=_("一件事")
    )
    business_type = models.ForeignKey(
        BusinessType,
        on_delete=models.PROTECT,
        related_name="bundle_items",
        verbose_name=_("业务类型"),
    )
    optional = models.BooleanField(_("视情形办理"), default=False)
    condition = models.CharField(_("办理情形"), max_length=200, blank=True)
    condition_en = models.CharField(_("办理情形（英文）"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["bundle", "position", "pk"]
        verbose_name = _("一件事所含业务")
        verbose_name_plural = _("一件事所含业务")
        constraints = [
            models.UniqueConstraint(
                fields=["bundle", "business_type"], name="bundle_item_unique_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bundle.code} {self.business_type.code}"


class BundleIntake(TimeStampedModel):
    """A bundle taken in at a window: its cases, opened together in the applicant's visit.
    Complete when every case is."""

    bundle = models.ForeignKey(
        Bundle, on_delete=models.PROTECT, related_name="intakes", verbose_name=_("一件事")
    )
    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="bundle_intakes", verbose_name=_("大厅")
    )
    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, related_name="bundle_intakes", verbose_name=_("窗口")
    )
    teller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bundle_intakes",
        verbose_name=_("柜员"),
    )
    visit = models.ForeignKey(
        "counterhall.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bundle_intakes",
        verbose_name=_("到厅办事"),
    )
    applicant_name = models.CharField(_("办事人"), max_length=100, blank=True)
    cases = models.ManyToManyField(Case, related_name="bundle_intakes", verbose_name=_("业务"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("一件事受理")
        verbose_name_plural = _("一件事受理")

    def __str__(self) -> str:
        return f"{self.bundle.code} #{self.pk}"

    def ordered_cases(self) -> list[Case]:
        return list(self.cases.select_related("business_type", "window").order_by("pk"))

    @property
    def is_complete(self) -> bool:
        states = [c.state for c in self.cases.all()]
        return bool(states) and all(s == CaseState.COMPLETED for s in states)
