"""The application forms of CON01–CON04."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contributions import calc, selectors
from counterhall.forms import BusinessForm, EmployerSubjectMixin, PersonSubjectMixin
from counterhall.money import cents
from counterhall.months import add_months, last_of_month, months_in_range
from counterhall.params import ParameterMissing, ParamReader
from registration import forms as registration_forms
from registration import selectors as people

MAX_BACKPAY_MONTHS_KEY = "backpay.max_months"  # months one case may cover [PRACTICE]
BASE_KEYS = ("base.avg_wage", "base.floor_ratio", "base.ceiling_ratio")
EMPLOYEE_KEYS = (
    *BASE_KEYS,
    "pension.employer_rate",
    "pension.individual_rate",
    "unemployment.employer_rate",
    "unemployment.individual_rate",
)
FLEXIBLE_KEYS = (*BASE_KEYS, "pension.flexible_rate", "pension.flexible_account_rate")
LATE_FEE_KEYS = ("late_fee.daily_rate", "late_fee.cap_at_principal")
_SPLIT = re.compile(r"[\s,，;；、]+")


def _today() -> dt.date:
    return timezone.localdate()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


class MonthInput(forms.TextInput):
    input_type = "month"


class UsccField(forms.CharField):
    default_validators = [people.validate_uscc]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("单位统一社会信用代码"))
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def to_python(self, value):
        return people.normalize_uscc(super().to_python(value))


class ResidentIdField(forms.CharField):
    default_validators = [people.validate_resident_id]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("公民身份号码"))
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def to_python(self, value):
        return people.normalize_resident_id(super().to_python(value))


class PeriodField(forms.CharField):
    widget = MonthInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("help_text", _("格式 YYYY-MM，例如 2025-03。"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return value
        try:
            return f"{calc.parse_period(value):%Y-%m}"
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


MONEY_ERRORS = {
    "invalid": _("请输入数字金额，例如 5000.00。"),
    "min_value": _("金额不能为负数。"),
}


def active_employer(form, uscc: str):
    """The registered, still active employer of the form's hall's region with this USCC."""
    employer = people.employer_by_uscc(uscc)
    if employer is None:
        raise ValidationError(_("本中心没有此统一社会信用代码的参保单位。"))
    form.check_in_hall(employer)
    if not employer.is_active:
        raise ValidationError(_("该单位已于 %(d)s 注销。") % {"d": employer.deregistered_on})
    return employer


def known_person(form, number: str):
    """The registered person of the form's hall's region with this ID number."""
    person = people.person_by_id_number(number)
    if person is None:
        raise ValidationError(_("本中心没有此身份证号码的参保人员。"))
    form.check_in_hall(person)
    return person


# --------------------------------------------------------------------------- CON01


class BaseDeclarationForm(EmployerSubjectMixin, BusinessForm):
    """缴费基数申报: one line per employee, "身份证号码 月平均工资"."""

    uscc = UsccField()
    year = forms.IntegerField(label=_("申报年度"), min_value=1998, max_value=2100)
    wages = forms.CharField(
        label=_("职工工资明细"),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            "每行一人：身份证号码、上年度月平均工资（新参保职工填起薪），用空格或逗号分隔。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = _today().year
        self.lines: list[dict] = []

    def clean_uscc(self):
        self.employer = active_employer(self, self.cleaned_data["uscc"])
        return self.cleaned_data["uscc"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > _today().year + 1:
            raise ValidationError(_("申报年度不能晚于明年。"))
        return year

    def clean(self):
        cleaned = super().clean()
        text, year = cleaned.get("wages"), cleaned.get("year")
        if self.employer is None or not text or not year:
            return cleaned
        errors, seen, lines = [], set(), []
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        staff = {
            s.person.id_number: s.person for s in people.staff_in_period(self.employer, first, last)
        }
        for n, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            parts = [p for p in _SPLIT.split(raw.strip()) if p]
            if len(parts) != 2:
                errors.append(_("第 %(n)d 行：应为“身份证号码 工资”两项。") % {"n": n})
                continue
            number, wage_text = people.normalize_resident_id(parts[0]), parts[1]
            try:
                people.validate_resident_id(number)
            except ValidationError as exc:
                errors.append(_("第 %(n)d 行：%(e)s") % {"n": n, "e": exc.messages[0]})
                continue
            try:
                wage = Decimal(wage_text)
                if not wage.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(
                    _("第 %(n)d 行：申报工资“%(w)s”不是数字。") % {"n": n, "w": wage_text}
                )
                continue
            if wage < 0:
                errors.append(_("第 %(n)d 行：申报工资不能为负数。") % {"n": n})
                continue
            if number in seen:
                errors.append(_("第 %(n)d 行：此职工已在前面申报。") % {"n": n})
                continue
            person = staff.get(number)
            if person is None:
                errors.append(
                    _("第 %(n)d 行：%(id)s 不是此单位 %(y)d 年度的参保职工。")
                    % {"n": n, "id": people.mask_resident_id(number), "y": year}
                )
                continue
            seen.add(number)
            lines.append({"id_number": number, "declared_wage": str(cents(wage))})
        if errors:
            self.add_error("wages", errors)
        elif not lines:
            self.add_error("wages", _("请至少填写一名职工的工资。"))
        self.lines = lines
        if not self.errors:
            self.probe_parameters("year", first, *EMPLOYEE_KEYS)
        return cleaned

    def to_payload(self) -> dict:
        return {**super().to_payload(), "lines": self.lines}


# --------------------------------------------------------------------------- CON02


class FlexibleEnrollForm(PersonSubjectMixin, BusinessForm):
    id_number = ResidentIdField(label=_("申请人身份证号码"))
    name = forms.CharField(label=_("姓名"), max_length=100)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    retirement_category = forms.ChoiceField(
        label=_("退休年龄类别"),
        choices=people.RetirementCategory.choices,
        help_text=_("灵活就业女性一般按 55 岁类别。"),
    )
    work_start = forms.DateField(label=_("参加工作日期"), widget=DateInput, required=False)
    base_ratio = forms.ChoiceField(label=_("缴费档次"), choices=())
    start = forms.DateField(label=_("参保日期"), widget=DateInput, initial=_today)
    bank_account = forms.CharField(label=_("代扣银行账号"), max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reader = ParamReader(region=self.region, on=_today())
        try:
            levels = reader.get("flexible.base_levels").value
        except ParameterMissing as exc:
            levels = []
            self.fields["base_ratio"].help_text = str(exc)
        self.fields["base_ratio"].choices = [
            (str(v), _("%(pct)s%% 档") % {"pct": f"{Decimal(str(v)) * 100:.0f}"}) for v in levels
        ]

    def clean_id_number(self):
        number = self.cleaned_data["id_number"]
        self.person = people.person_by_id_number(number)
        if self.person is not None:
            if self.person.status != people.PersonStatus.ACTIVE:
                raise ValidationError(
                    _("该人员状态为“%(s)s”，不能参保。") % {"s": self.person.get_status_display()}
                )
            for e in people.active_enrollments(self.person):
                if e.scheme == people.Scheme.PENSION:
                    raise ValidationError(
                        _("该人员已在%(scheme)s参保缴费（%(where)s），不能同时重复参保。")
                        % {
                            "scheme": e.get_scheme_display(),
                            "where": e.employer.name if e.employer_id else _("灵活就业"),
                        }
                    )
        return number

    def clean_bank_account(self):
        return people.clean_bank_account(self.cleaned_data["bank_account"])

    def clean(self):
        cleaned = super().clean()
        if self.person is not None and cleaned.get("name") and cleaned["name"] != self.person.name:
            self.add_error(
                "name",
                _("此身份证号码已登记，姓名为“%(name)s”，与填写的不一致。")
                % {"name": self.person.name},
            )
        start = cleaned.get("start")
        if start and start > _today() + dt.timedelta(days=31):
            self.add_error("start", _("参保日期不能晚于下月。"))
        if start and not self.errors:
            self.probe_parameters("start", start, *FLEXIBLE_KEYS)
        return cleaned


# --------------------------------------------------------------------------- CON03


class BackPaymentForm(EmployerSubjectMixin, PersonSubjectMixin, BusinessForm):
    uscc = UsccField()
    id_number = ResidentIdField(label=_("职工身份证号码"))
    period_from = PeriodField(label=_("补缴所属期（起）"))
    period_to = PeriodField(label=_("补缴所属期（止）"))
    monthly_wage = forms.DecimalField(
        label=_("补缴月份月工资"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages=MONEY_ERRORS,
    )
    paid_date = forms.DateField(
        label=_("预计缴款日期"),
        widget=DateInput,
        initial=_today,
        help_text=_("滞纳金计算至此日（含当日）。"),
    )

    def clean_uscc(self):
        self.employer = active_employer(self, self.cleaned_data["uscc"])
        return self.cleaned_data["uscc"]

    def clean_id_number(self):
        self.person = known_person(self, self.cleaned_data["id_number"])
        return self.cleaned_data["id_number"]

    def _check_month_count(self, first: dt.date, last: dt.date) -> None:
        try:
            limit = int(
                ParamReader(region=self.region, on=_today()).get(MAX_BACKPAY_MONTHS_KEY).value
            )
        except ParameterMissing as exc:
            self.add_error("period_from", str(exc))
            return
        if len(months_in_range(first, last)) > limit:
            self.add_error("period_from", _("一次最多补缴 %(n)d 个月。") % {"n": limit})

    def clean(self):
        cleaned = super().clean()
        first_text, last_text = cleaned.get("period_from"), cleaned.get("period_to")
        if not first_text or not last_text:
            return cleaned
        first, last = calc.parse_period(first_text), calc.parse_period(last_text)
        this_month = _today().replace(day=1)
        if last >= this_month:
            self.add_error(
                "period_to",
                _("补缴所属期不能是本月或以后的月份（%(m)s）。") % {"m": f"{this_month:%Y-%m}"},
            )
        if first > last:
            self.add_error("period_from", _("所属期（起）不能晚于所属期（止）。"))
            return cleaned
        self._check_month_count(first, last)
        if self.employer is not None:
            opened = self.employer.registered_on.replace(day=1)
            if first < opened:
                self.add_error(
                    "period_from",
                    _("补缴所属期不能早于单位参保登记的月份（%(m)s）。") % {"m": f"{opened:%Y-%m}"},
                )
        if self.employer is not None and self.person is not None and not self.errors:
            spells = people.staff_in_period(self.employer, first, add_months(last, 1))
            if not any(s.person_id == self.person.pk for s in spells):
                self.add_error(
                    "id_number", _("该人员在所选月份不是此单位登记的职工，请先办理增员登记。")
                )
            taken = selectors.assessed_months(
                person=self.person, months=months_in_range(first, last)
            )
            if taken:
                self.add_error(
                    "period_from",
                    _("所选月份中已有核定记录（%(m)s），不能重复补缴。") % {"m": "、".join(taken)},
                )
        paid = cleaned.get("paid_date")
        if paid and last and paid <= last_of_month(last):
            self.add_error("paid_date", _("缴款日期应在补缴所属期之后。"))
        if not self.errors:
            self.probe_parameters("period_from", first, *EMPLOYEE_KEYS, *LATE_FEE_KEYS)
            self.probe_parameters("period_to", last, *EMPLOYEE_KEYS, *LATE_FEE_KEYS)
        return cleaned


# --------------------------------------------------------------------------- CON04


class RefundForm(EmployerSubjectMixin, PersonSubjectMixin, BusinessForm):
    uscc = UsccField(required=False, help_text=_("单位退费填写；个人退费留空。"))
    id_number = ResidentIdField(
        label=_("个人身份证号码"), required=False, help_text=_("灵活就业人员退费填写。")
    )
    amount = forms.DecimalField(
        label=_("退费金额"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        error_messages={**MONEY_ERRORS, "min_value": _("退费金额必须大于 0。")},
    )
    reason = forms.CharField(label=_("退费原因"), max_length=200)
    bank_account = forms.CharField(label=_("收款银行账号"), max_length=40)

    def clean_uscc(self):
        uscc = self.cleaned_data["uscc"]
        if uscc:
            self.employer = people.employer_by_uscc(uscc)
            if self.employer is None:
                raise ValidationError(_("本中心没有此统一社会信用代码的参保单位。"))
            self.check_in_hall(self.employer)
        return uscc

    def clean_id_number(self):
        number = self.cleaned_data["id_number"]
        if number:
            self.person = known_person(self, number)
        return number

    def clean_bank_account(self):
        return people.clean_bank_account(self.cleaned_data["bank_account"])

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if bool(cleaned.get("uscc")) == bool(cleaned.get("id_number")):
            self.add_error("uscc", _("请填写单位统一社会信用代码或个人身份证号码（二选一）。"))
        return cleaned

    def subject(self):
        """An employer's refund is the employer's; a flexible worker's, the person's. (The
        amount against what was overpaid is checked with the figures.)"""
        subject = super().subject()
        return subject if self.employer is None else replace(subject, person=None)


# --------------------------------------------------------------------------- REG03


class EmployerDeregisterForm(registration_forms.EmployerDeregisterForm):
    """单位注销登记 with what contributions knows: unpaid arrears block it too."""

    def blockers(self, employer) -> list[str]:
        return selectors.deregistration_blockers(employer)
