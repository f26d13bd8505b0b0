"""Application forms of BEN01–BEN04. Each validates against the master data and the rules and
puts a clear sentence at the field; ``to_payload()`` keeps the submitted text (JSON), from
which ``compute`` derives the figures."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benefits import assessments
from benefits.models import ChangeKind, FlexibleKind, StopReason
from counterhall import permissions
from counterhall.params import ParameterMissing, ParamReader
from registration import selectors as registration


class CaseForm(forms.Form):
    def __init__(self, data=None, *, case, **kwargs):
        super().__init__(data, **kwargs)
        self.case = case
        # The subject identified at intake fills the form in.
        if case.person_id and "id_number" in self.fields:
            self.fields["id_number"].initial = case.person.id_number
        if case.employer_id and "employer_uscc" in self.fields:
            self.fields["employer_uscc"].initial = case.employer.uscc

    @property
    def region(self) -> str:
        return self.case.hall.region

    def to_payload(self) -> dict:
        return {
            name: (value.isoformat() if isinstance(value, dt.date) else value)
            for name, value in self.cleaned_data.items()
            if name in self.fields
        }


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


class IdNumberMixin(forms.Form):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18)

    def clean_id_number(self):
        self.person = person_by_id(self.cleaned_data["id_number"], self.case.hall)
        return self.person.id_number


def not_after_today(value: dt.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("日期不能晚于今天。"))


# --------------------------------------------------------------------------- BEN01


class RetirementApplicationForm(CaseForm):
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
        if not permissions.subject_in_hall(employer, self.case.hall):
            raise ValidationError(permissions.DENIED_OTHER_REGION)
        self.employer = employer
        return employer.uscc

    def clean_retiree_ids(self):
        lines = [
            line.strip() for line in self.cleaned_data["retiree_ids"].splitlines() if line.strip()
        ]
        persons, errors, seen = [], [], set()
        for line in lines:
            try:
                person = person_by_id(line, self.case.hall, named=True)
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            if person.pk in seen:
                errors.append(_("%(name)s 重复填写。") % {"name": person.name})
                continue
            seen.add(person.pk)
            persons.append(person)
        if errors:
            raise ValidationError(errors)
        if not persons:
            raise ValidationError(_("请至少填写一名退休人员。"))
        self.persons = persons
        return "\n".join(p.id_number for p in persons)

    def clean(self):
        cleaned = super().clean()
        if hasattr(self, "employer") and hasattr(self, "persons"):
            _rows, errors, _refs = assessments.assess_retirees(
                employer=self.employer, persons=self.persons, region=self.region
            )
            if errors:
                self.add_error("retiree_ids", errors)
        return cleaned


# --------------------------------------------------------------------------- BEN02


class FlexibleRetirementForm(IdNumberMixin, CaseForm):
    kind = forms.ChoiceField(label=_("申请类别"), choices=FlexibleKind.choices)
    requested_date = forms.DateField(
        label=_("申请退休日期"), help_text=_("格式 YYYY-MM-DD。"), widget=forms.DateInput()
    )
    employer_agreed = forms.BooleanField(
        label=_("单位与职工已书面协商一致（延迟退休必填）"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if not hasattr(self, "person") or self.errors:
            return cleaned
        try:
            assessments.assess_flexible(
                person=self.person,
                kind=cleaned["kind"],
                requested=cleaned["requested_date"],
                employer_agreed=cleaned.get("employer_agreed", False),
                region=self.region,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        except ParameterMissing as exc:
            self.add_error(None, str(exc))
        return cleaned


# --------------------------------------------------------------------------- BEN03


class UnemploymentClaimForm(IdNumberMixin, CaseForm):
    registration_date = forms.DateField(
        label=_("失业登记日期"),
        help_text=_("格式 YYYY-MM-DD；自登记当月起发放。"),
        validators=[not_after_today],
    )

    def clean(self):
        cleaned = super().clean()
        if not hasattr(self, "person") or self.errors:
            return cleaned
        try:
            assessments.assess_unemployment_claim(
                person=self.person,
                registration_date=cleaned["registration_date"],
                region=self.region,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        except ParameterMissing as exc:
            self.add_error(None, str(exc))
        return cleaned


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


class UnemploymentChangeForm(IdNumberMixin, CaseForm):
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

    def clean(self):
        cleaned = super().clean()
        if not hasattr(self, "person") or self.errors:
            return cleaned
        try:
            assessments.assess_unemployment_change(
                person=self.person,
                kind=cleaned["kind"],
                reason=cleaned.get("reason", ""),
                event_date=cleaned["event_date"],
                region=self.region,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        except ParameterMissing as exc:
            self.add_error(None, str(exc))
        return cleaned
