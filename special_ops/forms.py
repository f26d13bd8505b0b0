"""Application forms of the special window (``counterhall.forms.BusinessForm``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contributions import selectors as contributions
from counterhall import permissions
from counterhall.forms import BusinessForm, PersonSubjectMixin
from counterhall.months import first_of_month, month_key
from registration import selectors as registration
from special_ops import heirs as heir_lines
from special_ops import selectors
from special_ops.models import PayoutCause

ID_NUMBER_LABEL = _("公民身份号码")


DEATH_CAUSES = [
    ("illness", _("因病死亡")),
    ("non_work", _("非因工死亡（意外等）")),
    ("work_injury", _("因工死亡")),
]

INHERITANCE_DOCUMENTS = [
    ("kinship", _("亲属关系证明")),
    ("notarial", _("公证书")),
    ("court", _("人民法院判决书或调解书")),
]
RESOLVING_DOCUMENTS = {"notarial", "court"}


def person_by_id(value: str, hall):
    value = (value or "").strip()
    try:
        registration.validate_resident_id(value)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from None
    person = registration.find_person(value)
    if person is None:
        raise ValidationError(
            _("未找到身份证号码为 %(id)s 的参保人员。")
            % {"id": registration.mask_resident_id(registration.normalize_resident_id(value))}
        )
    if not permissions.subject_in_hall(person, hall):
        raise ValidationError(permissions.DENIED_OTHER_REGION)
    return person


def refuse_paid_or_pending(person, case, cause: str) -> None:
    """A second payout for one person and cause is refused with the earlier case's number,
    and so is a second case for it while the first is still open."""
    earlier = selectors.earlier_payout(person, cause)
    if earlier is not None:
        raise ValidationError(
            _("此人员的该项待遇已由业务 %(number)s 支付，不能重复办理。")
            % {"number": earlier.case.number}
        )
    pending = (
        selectors.open_cases_of(person, exclude_case=case)
        .filter(business_type__code=case.business_type.code)
        .first()
    )
    if pending is not None:
        raise ValidationError(
            _("此人员已有在办的同类业务 %(number)s，不能重复受理。") % {"number": pending.number}
        )


class DeathInServiceForm(PersonSubjectMixin, BusinessForm):
    """SPC01 在职死亡: the deceased, the date and cause of death, the heirs with their shares."""

    id_number = forms.CharField(label=_("死者公民身份号码"), max_length=18)
    death_date = forms.DateField(label=_("死亡日期"), help_text=_("格式 YYYY-MM-DD。"))
    death_cause = forms.ChoiceField(label=_("死亡原因"), choices=DEATH_CAUSES)
    heirs = forms.CharField(
        label=_("继承人（领取人）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "每行一人：姓名 身份证号码 关系 份额 银行账号，以空格或逗号分隔；"
            "份额为百分比（如 50）或分数（如 1/2），合计应为 100%。"
        ),
    )
    dispute = forms.BooleanField(label=_("继承人对分配有争议"), required=False)
    inheritance_document = forms.ChoiceField(
        label=_("继承关系证明材料"), choices=INHERITANCE_DOCUMENTS
    )

    def clean_id_number(self):
        person = person_by_id(self.cleaned_data["id_number"], self.case.hall)
        if person.status != registration.PersonStatus.ACTIVE:
            raise ValidationError(
                _("该人员状态为“%(status)s”，不能办理在职死亡。")
                % {"status": person.get_status_display()}
            )
        refuse_paid_or_pending(person, self.case, PayoutCause.DEATH)
        self.person = person
        return person.id_number

    def clean_death_date(self):
        day = self.cleaned_data["death_date"]
        if day > timezone.localdate():
            raise ValidationError(_("死亡日期不能晚于今天。"))
        return day

    def clean_death_cause(self):
        cause = self.cleaned_data["death_cause"]
        if cause == "work_injury":
            raise ValidationError(
                _(
                    "因工死亡的，由工伤保险支付丧葬补助金和供养亲属抚恤金，"
                    "养老保险的丧葬补助金和抚恤金不能同时享受。"
                )
            )
        return cause

    def clean_heirs(self):
        rows, errors, seen = [], [], set()
        for number, line in enumerate(self.cleaned_data["heirs"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p for p in heir_lines.SEPARATORS.split(line.strip()) if p]
            if len(parts) != 5:
                errors.append(
                    _("第 %(n)d 行应为：姓名 身份证号码 关系 份额 银行账号。") % {"n": number}
                )
                continue
            name, id_number, relation, share_text, account = parts
            try:
                registration.validate_resident_id(id_number)
                share = heir_lines.parse_share(share_text)
            except ValidationError as exc:
                errors.extend(
                    _("第 %(n)d 行：%(msg)s") % {"n": number, "msg": m} for m in exc.messages
                )
                continue
            id_number = registration.normalize_resident_id(id_number)
            if id_number in seen:
                errors.append(_("第 %(n)d 行：继承人重复填写。") % {"n": number})
                continue
            account = registration.bank_account_digits(account) or ""
            if not 8 <= len(account) <= 30:
                errors.append(_("第 %(n)d 行：银行账号应为 8 至 30 位数字。") % {"n": number})
                continue
            seen.add(id_number)
            rows.append(heir_lines.Heir(name, id_number, relation, share, account))
        if errors:
            raise ValidationError(errors)
        if not rows:
            raise ValidationError(_("请至少填写一名继承人。"))
        total = sum((h.share for h in rows), start=heir_lines.Fraction(0))
        if total != 1:
            raise ValidationError(
                _("各继承人份额合计应为 100%%，现为 %(sum)s%%。")
                % {"sum": heir_lines.percent(total)}
            )
        self.heir_rows = rows
        return "\n".join(
            f"{h.name} {h.id_number} {h.relation} {heir_lines.share_text(h.share)} {h.bank_account}"
            for h in rows
        )

    def clean(self):
        data = super().clean()
        person, day = self.person, data.get("death_date")
        if person is not None and day is not None:
            if person.id_number in {h.id_number for h in getattr(self, "heir_rows", [])}:
                self.add_error("heirs", _("死者本人不能列为继承人。"))
            last = contributions.last_paid_month(person)
            if last is not None and last > first_of_month(day):
                self.add_error(
                    "death_date",
                    _("%(month)s 的养老保险费已缴纳，死亡日期不能早于该月（自死亡次月起停保）。")
                    % {"month": month_key(last)},
                )
        if data.get("dispute") and data.get("inheritance_document") not in RESOLVING_DOCUMENTS:
            self.add_error(
                "inheritance_document",
                _("继承人对分配有争议的，须提供公证书或人民法院的判决书、调解书。"),
            )
        return data


# --------------------------------------------------------------------------- SPC03

CORRECTION_FIELDS = (
    "new_name",
    "new_id_number",
    "file_birth_date",
    "new_retirement_category",
    "new_work_start",
    "new_deemed_months",
)


class CoreDataForm(PersonSubjectMixin, BusinessForm):
    """SPC03 在职基本信息维护: the corrections, each optional, at least one."""

    id_number = forms.CharField(label=_("现公民身份号码"), max_length=18)
    new_name = forms.CharField(label=_("更正后姓名"), max_length=100, required=False)
    new_id_number = forms.CharField(
        label=_("更正后公民身份号码"),
        max_length=18,
        required=False,
        help_text=_("凭公安机关出具的更正证明；出生日期和性别随号码更正。"),
    )
    file_birth_date = forms.DateField(
        label=_("档案认定出生日期"),
        required=False,
        help_text=_(
            "身份证与人事档案记载的出生日期不一致时，以档案最早记载为准。格式 YYYY-MM-DD。"
        ),
    )
    new_retirement_category = forms.ChoiceField(
        label=_("更正后退休年龄类别"),
        choices=[("", "—"), *registration.RetirementCategory.choices],
        required=False,
    )
    new_work_start = forms.DateField(label=_("更正后参加工作日期"), required=False)
    new_deemed_months = forms.IntegerField(
        label=_("更正后视同缴费月数"), min_value=0, max_value=600, required=False
    )

    def clean_id_number(self):
        person = person_by_id(self.cleaned_data["id_number"], self.case.hall)
        if person.status != registration.PersonStatus.ACTIVE:
            raise ValidationError(
                _("该人员状态为“%(status)s”，在职基本信息维护只适用于在职人员。")
                % {"status": person.get_status_display()}
            )
        self.person = person
        return person.id_number

    def clean_new_id_number(self):
        value = (self.cleaned_data["new_id_number"] or "").strip()
        if not value:
            return ""
        try:
            registration.validate_resident_id(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        value = registration.normalize_resident_id(value)
        holder = registration.find_person(value)
        if holder is not None and holder.pk != getattr(self.person, "pk", None):
            raise ValidationError(
                _("此身份证号码已由其他参保人员（%(name)s）使用。") % {"name": holder.name}
            )
        return value

    def clean_file_birth_date(self):
        day = self.cleaned_data["file_birth_date"]
        if day is not None and day > timezone.localdate():
            raise ValidationError(_("日期不能晚于今天。"))
        return day

    def clean(self):
        data = super().clean()
        person = self.person
        if person is None:
            return data
        current = {
            "new_name": person.name,
            "new_id_number": person.id_number,
            "file_birth_date": person.birth_date,
            "new_retirement_category": person.retirement_category,
            "new_work_start": person.work_start,
            "new_deemed_months": person.deemed_months,
        }
        changed = [
            f
            for f in CORRECTION_FIELDS
            if data.get(f) not in (None, "") and data.get(f) != current[f]
        ]
        if not changed and not self.errors:
            raise ValidationError(_("请至少填写一项与现有信息不同的更正内容。"))
        return data


# --------------------------------------------------------------------------- SPC02


class SettlingAbroadForm(PersonSubjectMixin, BusinessForm):
    """SPC02 出国定居: only on loss of Chinese nationality, after the written notice was
    printed and the applicant signed the confirmation (rules.md §1.7)."""

    id_number = forms.CharField(label=ID_NUMBER_LABEL, max_length=18)
    country = forms.CharField(label=_("定居国家（地区）"), max_length=100)
    nationality_lost = forms.BooleanField(label=_("申请人已丧失中国国籍"), required=False)
    nationality_proof = forms.CharField(
        label=_("丧失中国国籍的证明"),
        max_length=200,
        required=False,
        help_text=_("证明文件的名称和编号，如外国护照或入籍证书、公安机关注销户口证明。"),
    )
    confirmation_signed_on = forms.DateField(
        label=_("申请人签署书面确认日期"),
        help_text=_("先打印《出国定居终止基本养老保险关系告知书》，申请人阅读并签字后填写。"),
    )
    bank_account = forms.CharField(label=_("收款银行账号"), max_length=30)
    bank_name = forms.CharField(label=_("开户银行"), max_length=100)

    def clean_id_number(self):
        person = person_by_id(self.cleaned_data["id_number"], self.case.hall)
        if person.status != registration.PersonStatus.ACTIVE:
            raise ValidationError(
                _("该人员状态为“%(status)s”，不能办理出国定居。")
                % {"status": person.get_status_display()}
            )
        refuse_paid_or_pending(person, self.case, PayoutCause.ABROAD)
        self.person = person
        return person.id_number

    def clean_bank_account(self):
        value = registration.bank_account_digits(self.cleaned_data["bank_account"]) or ""
        if not 8 <= len(value) <= 30:
            raise ValidationError(_("银行账号应为 8 至 30 位数字。"))
        return value

    def clean_confirmation_signed_on(self):
        day = self.cleaned_data["confirmation_signed_on"]
        if day > timezone.localdate():
            raise ValidationError(_("日期不能晚于今天。"))
        printed = selectors.notice_printed_on(self.case)
        if printed is None:
            raise ValidationError(_("请先打印书面告知书，交申请人阅读并签字确认。"))
        if day < printed:
            raise ValidationError(
                _("签署确认的日期不能早于告知书打印日期 %(date)s。") % {"date": printed}
            )
        return day

    def clean(self):
        data = super().clean()
        if not data.get("nationality_lost") or not (data.get("nationality_proof") or "").strip():
            self.add_error(
                "nationality_proof",
                _(
                    "未提供丧失中国国籍的证明，不能一次性支付个人账户储存额："
                    "个人账户予以保留，达到待遇领取条件时按规定领取基本养老金。"
                ),
            )
        return data
