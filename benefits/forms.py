"""Application forms of BEN01–BEN04 (``counterhall.forms.BusinessForm``). Each finds its
subject in the master data with a clear sentence at the field; ``to_payload()`` keeps the
submitted text (JSON), from which the handlers' figures are assessed (benefits.assessments),
once, refusing at the field what the rules do not allow."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benefits.models import ChangeKind, FlexibleKind, StopReason
from counterhall import permissions
from counterhall.forms import BusinessForm, EmployerSubjectMixin, PersonSubjectMixin
from counterhall.params import ParameterMissing, ParamReader
from registration import selectors as registration


def person_by_id(value: str, hall, *, named: bool = False):
    """The registered person with this ID number, of the hall's region (``named``: a refusal
    names the person, for lists)."""
    value = (value or "").strip()
    try:
        registration.validate_resident_id(value)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from None
    person = registration.find_person(value)
    if person is None:
        raise ValidationError(
            _("未找到身份证号码为 %(id)s 的参保人员，请先办理参保登记。")
            % {"id": registration.mask_resident_id(registration.normalize_resident_id(value))}
        )
    if not permissions.subject_in_hall(person, hall):
        if named:
            raise ValidationError(
                _("%(name)s：%(reason)s")
                % {"name": person.name, "reason": permissions.DENIED_OTHER_REGION}
            )
        raise ValidationError(permissions.DENIED_OTHER_REGION)
    return person


ID_NUMBER_LABEL = _("公民身份号码")
# An error in a list of ID numbers names its line (as the clerk sees it in the box).
LINE_ERROR = _("第 %(line)s 行：%(error)s")


def not_after_today(value: dt.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("日期不能晚于今天。"))


# --------------------------------------------------------------------------- BEN01


class RetirementApplicationForm(EmployerSubjectMixin, BusinessForm):
    employer_prefill = {"employer_uscc": "uscc"}

    employer_uscc = forms.CharField(label=_("单位统一社会信用代码"), max_length=18)
    retiree_ids = forms.CharField(
        label=_("退休人员身份证号码"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一个。"),
    )

    def __init__(self, data=None, *, case, **kwargs):
        super().__init__(data, case=case, **kwargs)
        try:
            maximum = ParamReader(region=self.region, on=timezone.localdate()).get(
                "hall.retiree_batch_on_spot_max"
            )
        except ParameterMissing:
            return
        self.fields["retiree_ids"].help_text = _(
            "每行一个。%(max)s 人及以下即时办结；超过 %(max)s 人为限时办结。"
        ) % {"max": maximum.value}

    def clean_employer_uscc(self):
        employer = registration.find_employer(self.cleaned_data["employer_uscc"])
        if employer is None:
            raise ValidationError(_("未找到此统一社会信用代码的参保单位。"))
        self.check_in_hall(employer)
        self.employer = employer
        return employer.uscc

    def clean_retiree_ids(self):
        lines = [
            (number, line.strip())
            for number, line in enumerate(self.cleaned_data["retiree_ids"].splitlines(), 1)
            if line.strip()
        ]
        persons, errors, seen = [], [], set()
        for number, line in lines:
            try:
                person = person_by_id(line, self.case.hall, named=True)
            except ValidationError as exc:
                errors.extend(LINE_ERROR % {"line": number, "error": m} for m in exc.messages)
                continue
            if person.pk in seen:
                errors.append(
                    LINE_ERROR
                    % {"line": number, "error": _("%(name)s 重复填写。") % {"name": person.name}}
                )
                continue
            seen.add(person.pk)
            persons.append(person)
        if errors:
            raise ValidationError(errors)
        if not persons:
            raise ValidationError(_("请至少填写一名退休人员。"))
        self.persons = persons
        return "\n".join(p.id_number for p in persons)

    def subject(self):
        """The employer; the person too when the application is for one retiree."""
        persons = getattr(self, "persons", [])
        return replace(super().subject(), person=persons[0] if len(persons) == 1 else None)


# --------------------------------------------------------------------------- BEN02


class FlexibleRetirementForm(PersonSubjectMixin, BusinessForm):
    id_number = forms.CharField(label=ID_NUMBER_LABEL, max_length=18)
    kind = forms.ChoiceField(label=_("申请类别"), choices=FlexibleKind.choices)
    requested_date = forms.DateField(
        label=_("申请退休日期"), help_text=_("格式 YYYY-MM-DD。"), widget=forms.DateInput()
    )
    employer_agreed = forms.BooleanField(
        label=_("单位与职工已书面协商一致（延迟退休必填）"), required=False
    )

    def clean_id_number(self):
        self.person = person_by_id(self.cleaned_data["id_number"], self.case.hall)
        return self.person.id_number


# --------------------------------------------------------------------------- BEN03


class UnemploymentClaimForm(PersonSubjectMixin, BusinessForm):
    id_number = forms.CharField(label=ID_NUMBER_LABEL, max_length=18)
    registration_date = forms.DateField(
        label=_("失业登记日期"),
        help_text=_("格式 YYYY-MM-DD；自登记当月起发放。"),
        validators=[not_after_today],
    )

    def clean_id_number(self):
        self.person = person_by_id(self.cleaned_data["id_number"], self.case.hall)
        return self.person.id_number


# --------------------------------------------------------------------------- BEN04

STOP_CHOICES = [
    (r.value, r.label)
    for r in (
        StopReason.REEMPLOYED,
        StopReason.ENLISTED,
        StopReason.EMIGRATED,
        StopReason.PENSION,
        StopReason.REFUSED_WORK,
    )
]


class UnemploymentChangeForm(PersonSubjectMixin, BusinessForm):
    id_number = forms.CharField(label=ID_NUMBER_LABEL, max_length=18)
    kind = forms.ChoiceField(label=_("变更类别"), choices=ChangeKind.choices)
    reason = forms.ChoiceField(
        label=_("停发原因"),
        choices=[("", "—"), *STOP_CHOICES],
        required=False,
        help_text=_("停发时必填。"),
    )
    event_date = forms.DateField(
        label=_("事由发生日期"), help_text=_("格式 YYYY-MM-DD。"), validators=[not_after_today]
    )

    def clean_id_number(self):
        self.person = person_by_id(self.cleaned_data["id_number"], self.case.hall)
        return self.person.id_number
