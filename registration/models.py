"""Registration master data: employers, insured persons, employment spells, per-scheme
enrollment and flexible workers. Written only through registration.services."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from counterhall.models import TimeStampedModel, region_validator
from counterhall.search import pinyin_initials
from registration.validators import (
    mask_resident_id,
    parse_resident_id,
    validate_resident_id,
    validate_uscc,
)


class EmployerStatus(models.TextChoices):
    ACTIVE = "active", _("正常参保")
    DEREGISTERED = "deregistered", _("已注销")


def _keep_initials(obj, kwargs) -> None:
    """The name's pinyin initials, stored for the search box ("zs" finds 张三)."""
    obj.name_initials = pinyin_initials(obj.name)
    if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
        kwargs["update_fields"] = {*kwargs["update_fields"], "name_initials"}


class Employer(TimeStampedModel):
    uscc = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        error_messages={"unique": _("此统一社会信用代码的单位已参保登记，不能重复登记。")},
    )
    name = models.CharField(_("单位名称"), max_length=200)
    name_initials = models.CharField(
        _("名称拼音首字母"), max_length=100, blank=True, editable=False, db_index=True
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=100)
    injury_class = models.PositiveSmallIntegerField(
        _("工伤保险行业风险类别"),
        validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text=_("一类至八类（人社部发〔2015〕71号）。"),
    )
    bank_account = models.CharField(_("银行账号"), max_length=40, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    region = models.CharField(_("参保地行政区划"), max_length=6, validators=[region_validator])
    status = models.CharField(
        _("状态"), max_length=20, choices=EmployerStatus.choices, default=EmployerStatus.ACTIVE
    )
    registered_on = models.DateField(_("参保登记日期"))
    deregistered_on = models.DateField(_("注销日期"), null=True, blank=True)
    registered_by_case = models.ForeignKey(
        "counterhall.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记业务"),
    )
    deregistered_by_case = models.ForeignKey(
        "counterhall.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("注销业务"),
    )

    class Meta:
        ordering = ["name"]
        # the admin's list, by name
        indexes = [models.Index(fields=["name", "id"], name="employer_name_idx")]
        verbose_name = _("参保单位")
        verbose_name_plural = _("参保单位")
        constraints = [
            models.CheckConstraint(
                condition=Q(injury_class__gte=1) & Q(injury_class__lte=8),
                name="employer_injury_class_1_8",
            ),
            models.CheckConstraint(
                condition=Q(status="active", deregistered_on__isnull=True)
                | Q(status="deregistered", deregistered_on__isnull=False),
                name="employer_deregistration_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"

    def save(self, *args, **kwargs):
        _keep_initials(self, kwargs)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == EmployerStatus.ACTIVE

    @property
    def bank_account_masked(self) -> str:
        return ("****" + self.bank_account[-4:]) if self.bank_account else ""


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class RetirementCategory(models.TextChoices):
    """Explicit (rules.md §1.8): never inferred from sex alone."""

    MALE_60 = "male_60", _("男职工（原退休年龄 60 岁）")
    FEMALE_55 = "female_55", _("女干部/管理技术岗（原退休年龄 55 岁）")
    FEMALE_50 = "female_50", _("女工人岗（原退休年龄 50 岁）")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    RETIRED = "retired", _("已退休")
    DECEASED = "deceased", _("已死亡")
    TERMINATED = "terminated", _("关系已终止")
    TRANSFERRED_OUT = "transferred_out", _("已转出")


class InsuredPerson(TimeStampedModel):
    id_number = models.CharField(
        _("公民身份号码"),
        max_length=18,
        unique=True,
        validators=[validate_resident_id],
        error_messages={"unique": _("此身份证号码的人员已登记。")},
    )
    name = models.CharField(_("姓名"), max_length=100)
    name_initials = models.CharField(
        _("姓名拼音首字母"), max_length=100, blank=True, editable=False, db_index=True
    )
    sex = models.CharField(_("性别"), max_length=6, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    file_birth_date = models.DateField(
        _("档案认定出生日期"),
        null=True,
        blank=True,
        help_text=_(
            "身份证与人事档案记载不一致时，以档案最早记载为准；为空时取身份证号码中的日期。"
        ),
    )
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    address = models.CharField(_("联系地址"), max_length=200, blank=True)
    retirement_category = models.CharField(
        _("退休年龄类别"), max_length=12, choices=RetirementCategory.choices
    )
    work_start = models.DateField(_("参加工作日期"), null=True, blank=True)
    deemed_months = models.PositiveIntegerField(
        _("视同缴费月数"), default=0, help_text=_("实行个人缴费前的连续工龄（视同缴费年限）。")
    )
    region = models.CharField(_("参保地行政区划"), max_length=6, validators=[region_validator])
    status = models.CharField(
        _("人员状态"), max_length=20, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("参保人员")
        verbose_name_plural = _("参保人员")
        # the admin's list, by name
        indexes = [models.Index(fields=["name", "id"], name="person_name_idx")]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    def save(self, *args, **kwargs):
        # Sex always comes from the ID number; the birth date too, unless the personnel
        # file's earliest record was found to differ (SPC03: the file governs).
        decoded = parse_resident_id(self.id_number)
        self.id_number, self.sex = decoded.number, decoded.sex
        self.birth_date = self.file_birth_date or decoded.birth_date
        _keep_initials(self, kwargs)
        super().save(*args, **kwargs)

    @property
    def id_masked(self) -> str:
        return mask_resident_id(self.id_number)


class SeparationReason(models.TextChoices):
    CONTRACT_END = "contract_end", _("劳动合同期满终止")
    DISMISSED = "dismissed", _("用人单位解除劳动合同")
    RESIGNED = "resigned", _("本人辞职")
    RETIRED = "retired", _("退休")
    DECEASED = "deceased", _("死亡")
    EMPLOYER_CLOSED = "employer_closed", _("单位注销")
    OTHER = "other", _("其他")


INVOLUNTARY_REASONS = frozenset(
    {SeparationReason.CONTRACT_END, SeparationReason.DISMISSED, SeparationReason.EMPLOYER_CLOSED}
)


class Employment(TimeStampedModel):
    """One employment spell (用工期间)."""

    person = models.ForeignKey(
        InsuredPerson, on_delete=models.PROTECT, related_name="employments", verbose_name=_("人员")
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="employments", verbose_name=_("单位")
    )
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.CharField(
        _("减员原因"), max_length=20, choices=SeparationReason.choices, blank=True
    )
    start_case = models.OneToOneField(
        "counterhall.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("增员业务"),
    )
    end_case = models.OneToOneField(
        "counterhall.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("减员业务"),
    )

    class Meta:
        ordering = ["person", "-start"]
        verbose_name = _("用工期间")
        verbose_name_plural = _("用工期间")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end__isnull=True),
                name="one_open_employment_per_person",
                violation_error_message=_("此人员已在其他单位参保在职，请先办理减员。"),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="employment_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.employer.name} {self.start}–{self.end or ''}"

    @property
    def is_open(self) -> bool:
        return self.end is None


class Scheme(models.TextChoices):
    PENSION = "pension", _("企业职工基本养老保险")
    UNEMPLOYMENT = "unemployment", _("失业保险")
    WORK_INJURY = "work_injury", _("工伤保险")


EMPLOYEE_SCHEMES = (Scheme.PENSION, Scheme.UNEMPLOYMENT, Scheme.WORK_INJURY)
FLEXIBLE_SCHEMES = (Scheme.PENSION,)


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", _("参保缴费")
    SUSPENDED = "suspended", _("暂停缴费")
    ENDED = "ended", _("终止参保")


class Enrollment(TimeStampedModel):
    """A person's enrollment in one scheme: through an employer, or as a flexible worker
    (employer empty). At most one active enrollment per person and scheme."""

    person = models.ForeignKey(
        InsuredPerson, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("人员")
    )
    scheme = models.CharField(_("险种"), max_length=20, choices=Scheme.choices)
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
        verbose_name=_("单位"),
    )
    status = models.CharField(
        _("参保状态"),
        max_length=12,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.ACTIVE,
    )
    start = models.DateField(_("参保日期"))
    end = models.DateField(_("终止日期"), null=True, blank=True)
    reason = models.CharField(_("变动原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["person", "scheme", "-start"]
        verbose_name = _("险种参保")
        verbose_name_plural = _("险种参保")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "scheme"],
                condition=Q(status="active"),
                name="one_active_enrollment_per_scheme",
                violation_error_message=_("此人员已在该险种参保缴费，不能同时重复参保。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_scheme_display()} {self.get_status_display()}"


class FlexibleWorker(TimeStampedModel):
    """A flexible-employment insured (灵活就业人员): no employer, a chosen base level."""

    person = models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        related_name="flexible_spells",
        verbose_name=_("人员"),
    )
    base_ratio = models.DecimalField(
        _("缴费档次"),
        max_digits=4,
        decimal_places=2,
        help_text=_("上年度全口径城镇单位就业人员月平均工资的倍数（0.60–3.00）。"),
    )
    start = models.DateField(_("参保日期"))
    end = models.DateField(_("终止日期"), null=True, blank=True)
    region = models.CharField(_("参保地行政区划"), max_length=6, validators=[region_validator])
    bank_account = models.CharField(_("代扣银行账号"), max_length=40, blank=True)
    case = models.OneToOneField(
        "counterhall.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记业务"),
    )

    class Meta:
        ordering = ["person", "-start"]
        verbose_name = _("灵活就业人员")
        verbose_name_plural = _("灵活就业人员")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end__isnull=True),
                name="one_open_flexible_spell",
                violation_error_message=_("此人员已作为灵活就业人员参保。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.base_ratio:.0%}"
