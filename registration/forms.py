"""The application forms of REG01–REG05 (``counterhall.forms.BusinessForm``): each checks the
master data with a message at the field; the figures are the handlers'."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counterhall.forms import BusinessForm, EmployerSubjectMixin, PersonSubjectMixin
from registration import selectors
from registration.models import RetirementCategory, SeparationReason
from registration.validators import (
    clean_bank_account,
    normalize_resident_id,
    normalize_uscc,
    validate_resident_id,
    validate_uscc,
)

PREVIEW_KEYS = (
    "base.avg_wage",
    "base.floor_ratio",
    "base.ceiling_ratio",
    "pension.employer_rate",
    "pension.individual_rate",
    "unemployment.employer_rate",
    "unemployment.individual_rate",
)
INJURY_CLASS_CHOICES = [(i, _("%(n)d 类") % {"n": i}) for i in range(1, 9)]


class UsccField(forms.CharField):
    default_validators = [validate_uscc]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("统一社会信用代码"))
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def to_python(self, value):
        return normalize_uscc(super().to_python(value))


class ResidentIdField(forms.CharField):
    default_validators = [validate_resident_id]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("公民身份号码"))
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def to_python(self, value):
        return normalize_resident_id(super().to_python(value))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


def active_employer(form, uscc: str):
    """The registered, still active employer of the form's hall's region with this USCC."""
    employer = selectors.employer_by_uscc(uscc)
    if employer is None:
        raise ValidationError(_("本中心没有此统一社会信用代码的参保单位。"))
    form.check_in_hall(employer)
    if not employer.is_active:
        raise ValidationError(_("该单位已于 %(d)s 注销。") % {"d": employer.deregistered_on})
    return employer


def _today():
    return timezone.localdate()


# --------------------------------------------------------------------------- REG01


class EmployerEnrollForm(BusinessForm):
    uscc = UsccField()
    name = forms.CharField(label=_("单位名称"), max_length=200)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=100)
    injury_class = forms.TypedChoiceField(
        label=_("工伤保险行业风险类别"),
        choices=INJURY_CLASS_CHOICES,
        coerce=int,
        help_text=_("如软件业为一类，建筑安装业为五类。"),
    )
    bank_name = forms.CharField(label=_("开户银行"), max_length=100, required=False)
    bank_account = forms.CharField(
        label=_("银行账号"),
        max_length=40,
        required=False,
        help_text=_("银行开户信息可容缺受理，补交后再填写。"),
    )
    registered_on = forms.DateField(label=_("参保登记日期"), widget=DateInput, initial=_today)

    def clean_uscc(self):
        uscc = self.cleaned_data["uscc"]
        existing = selectors.employer_by_uscc(uscc)
        if existing is not None and existing.registered_by_case_id != getattr(
            self.case, "pk", None
        ):
            raise ValidationError(
                _("此统一社会信用代码的单位（%(name)s）已参保登记，不能重复登记。")
                % {"name": existing.name}
            )
        return uscc

    def clean_registered_on(self):
        value = self.cleaned_data["registered_on"]
        if value > _today():
            raise ValidationError(_("参保登记日期不能晚于今天。"))
        return value

    def clean(self):
        cleaned = super().clean()
        on, cls = cleaned.get("registered_on"), cleaned.get("injury_class")
        if on and cls and not self.errors:
            self.probe_parameters("registered_on", on, f"injury.class_base_rate.{cls}")
        return cleaned

    def clean_bank_account(self):
        return clean_bank_account(self.cleaned_data["bank_account"], required=False)


# --------------------------------------------------------------------------- REG02

CHANGE_FIELDS = (
    "name",
    "address",
    "legal_representative",
    "injury_class",
    "bank_name",
    "bank_account",
)


class EmployerChangeForm(EmployerSubjectMixin, BusinessForm):
    uscc = UsccField()
    name = forms.CharField(label=_("新单位名称"), max_length=200, required=False)
    address = forms.CharField(label=_("新地址"), max_length=200, required=False)
    legal_representative = forms.CharField(label=_("新法定代表人"), max_length=100, required=False)
    injury_class = forms.TypedChoiceField(
        label=_("新工伤保险行业风险类别"),
        choices=[("", _("不变")), *INJURY_CLASS_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    bank_name = forms.CharField(label=_("新开户银行"), max_length=100, required=False)
    bank_account = forms.CharField(label=_("新银行账号"), max_length=40, required=False)

    def clean_uscc(self):
        self.employer = active_employer(self, self.cleaned_data["uscc"])
        return self.cleaned_data["uscc"]

    def clean_bank_account(self):
        return clean_bank_account(self.cleaned_data["bank_account"], required=False)

    def changes(self) -> dict:
        out = {}
        for field in CHANGE_FIELDS:
            value = self.cleaned_data.get(field)
            if value in (None, ""):
                continue
            if self.employer is not None and getattr(self.employer, field) == value:
                continue
            out[field] = value
        return out

    def clean(self):
        cleaned = super().clean()
        if self.employer is not None and not self.errors and not self.changes():
            raise ValidationError(_("请至少填写一项与现有登记不同的变更内容。"))
        return cleaned


# --------------------------------------------------------------------------- REG03


class EmployerDeregisterForm(EmployerSubjectMixin, BusinessForm):
    uscc = UsccField()
    deregistered_on = forms.DateField(label=_("注销日期"), widget=DateInput, initial=_today)
    reason = forms.CharField(
        label=_("注销原因"), max_length=200, help_text=_("如：营业执照注销、吊销、清算。")
    )

    def blockers(self, employer) -> list[str]:
        """Why the employer cannot be deregistered (contributions' form adds arrears)."""
        return selectors.deregistration_blockers(employer)

    def clean_uscc(self):
        self.employer = active_employer(self, self.cleaned_data["uscc"])
        blockers = self.blockers(self.employer)
        if blockers:
            raise ValidationError(blockers)
        return self.cleaned_data["uscc"]

    def clean_deregistered_on(self):
        value = self.cleaned_data["deregistered_on"]
        if value > _today():
            raise ValidationError(_("注销日期不能晚于今天。"))
        return value

    def clean(self):
        cleaned = super().clean()
        on = cleaned.get("deregistered_on")
        if self.employer is not None and on and on < self.employer.registered_on:
            self.add_error(
                "deregistered_on",
                _("注销日期不能早于参保登记日期 %(d)s。") % {"d": self.employer.registered_on},
            )
        return cleaned


# --------------------------------------------------------------------------- REG04


class EmployeeEnrollForm(EmployerSubjectMixin, PersonSubjectMixin, BusinessForm):
    uscc = UsccField(label=_("单位统一社会信用代码"))
    id_number = ResidentIdField(label=_("职工身份证号码"))
    name = forms.CharField(label=_("职工姓名"), max_length=100)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    retirement_category = forms.ChoiceField(
        label=_("退休年龄类别"),
        choices=RetirementCategory.choices,
        help_text=_("女职工按岗位确定：工人岗 50 岁，干部或管理技术岗 55 岁。"),
    )
    work_start = forms.DateField(label=_("参加工作日期"), widget=DateInput, required=False)
    deemed_months = forms.IntegerField(
        label=_("视同缴费月数"), min_value=0, max_value=600, initial=0, required=False
    )
    start = forms.DateField(label=_("参保日期"), widget=DateInput, initial=_today)
    starting_wage = forms.DecimalField(
        label=_("起薪（月工资）"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("新参保职工以起薪核定当年缴费基数。"),
        error_messages={
            "invalid": _("请输入数字金额，例如 5000.00。"),
            "min_value": _("起薪不能为负数。"),
        },
    )

    def clean_uscc(self):
        self.employer = active_employer(self, self.cleaned_data["uscc"])
        return self.cleaned_data["uscc"]

    def clean_id_number(self):
        number = self.cleaned_data["id_number"]
        self.person = selectors.person_by_id_number(number)
        if self.person is not None:
            if self.person.status != selectors.PersonStatus.ACTIVE:
                raise ValidationError(
                    _("该人员状态为“%(s)s”，不能参保。") % {"s": self.person.get_status_display()}
                )
            spell = selectors.open_employment(self.person)
            if spell is not None and spell.start_case_id != getattr(self.case, "pk", None):
                raise ValidationError(
                    _("该人员已在“%(employer)s”在职参保（自 %(start)s 起），不能同时重复参保。")
                    % {"employer": spell.employer.name, "start": spell.start}
                )
            active = [e for e in selectors.active_enrollments(self.person) if e.employer_id is None]
            if active:
                raise ValidationError(
                    _("该人员正以灵活就业身份参加%(scheme)s，不能同时重复参保。")
                    % {"scheme": active[0].get_scheme_display()}
                )
        return number

    def clean(self):
        cleaned = super().clean()
        if self.person is not None and cleaned.get("name") and cleaned["name"] != self.person.name:
            self.add_error(
                "name",
                _("此身份证号码已登记，姓名为“%(name)s”，与填写的不一致。")
                % {"name": self.person.name},
            )
        start = cleaned.get("start")
        if self.employer is not None and start and start < self.employer.registered_on:
            self.add_error(
                "start",
                _("参保日期不能早于单位参保登记日期 %(d)s。") % {"d": self.employer.registered_on},
            )
        if start and start > _today():
            self.add_error("start", _("参保日期不能晚于今天。"))
        if start and not self.errors:
            self.probe_parameters("start", start, *PREVIEW_KEYS)
        if cleaned.get("deemed_months") is None:
            cleaned["deemed_months"] = 0
        return cleaned


# --------------------------------------------------------------------------- REG05


class EmployeeSeparateForm(EmployerSubjectMixin, PersonSubjectMixin, BusinessForm):
    uscc = UsccField(label=_("单位统一社会信用代码"))
    id_number = ResidentIdField(label=_("职工身份证号码"))
    end = forms.DateField(label=_("减员（停保）日期"), widget=DateInput, initial=_today)
    reason = forms.ChoiceField(label=_("减员原因"), choices=SeparationReason.choices)

    def clean_uscc(self):
        self.employer = active_employer(self, self.cleaned_data["uscc"])
        return self.cleaned_data["uscc"]

    def clean_id_number(self):
        number = self.cleaned_data["id_number"]
        self.person = selectors.person_by_id_number(number)
        if self.person is None:
            raise ValidationError(_("本中心没有此身份证号码的参保人员，不能减员。"))
        return number

    def clean(self):
        cleaned = super().clean()
        if self.employer is None or self.person is None:
            return cleaned
        spell = selectors.open_employment(self.person)
        if spell is None or spell.employer_id != self.employer.pk:
            self.add_error("id_number", _("该人员不是此单位的在职参保职工，不能减员。"))
            return cleaned
        self.spell = spell
        end = cleaned.get("end")
        if end and end < spell.start:
            self.add_error("end", _("减员日期不能早于参保日期 %(d)s。") % {"d": spell.start})
        return cleaned
