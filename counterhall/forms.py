"""Forms of the hall's core, and ``BusinessForm``: the one base of every business type's
application form (the contract is in counterhall.registry)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counterhall.bounds import bound_form_fields
from counterhall.calendar import latest_promise_date
from counterhall.models import BusinessType, CaseState, Window
from counterhall.params import ParameterMissing, ParamReader
from counterhall.permissions import DENIED_OTHER_REGION, subject_in_hall
from counterhall.pii import RESIDENT_ID
from counterhall.registry import Subject

# Where case_open keeps the number typed at intake that found no subject (a dict value:
# never shown as an application row; replaced when the application is saved).
TYPED_SUBJECT_KEY = "_subject"


class SubjectHooks:
    """What an application form says about the case's subject: the initial values it takes
    from it, and the subject it found (None: the type names none). The subject mixins
    extend both."""

    def subject_initial(self, case) -> dict:
        return {}

    def subject(self) -> Subject | None:
        return None


class BusinessForm(SubjectHooks, forms.Form):
    """An application form: ``form_class(data=None, *, case)``.

    ``self.case`` is the case, ``self.region`` its hall's region. Unbound, the form is
    filled in from the subject intake identified (the subject mixins' ``*_prefill``), under
    any ``initial`` given. ``to_payload()`` is the JSON-ready payload (dates as ISO strings,
    Decimals as strings); ``subject()`` names the employer and/or person found (None: this
    type names none). The form validates; it computes no figures (the handler's
    ``figures`` does, once)."""

    def __init__(self, data=None, *, case, **kwargs):
        initial = dict(kwargs.pop("initial", None) or {})
        if data is None:
            prefill = self.subject_initial(case)
            typed = typed_subject(case)
            if typed:  # a subject not yet registered: its number as typed at intake
                prefill.setdefault("id_number" if RESIDENT_ID.match(typed) else "uscc", typed)
            for name, value in prefill.items():
                if name in self.base_fields:
                    initial.setdefault(name, value)
        super().__init__(data, initial=initial, **kwargs)
        bound_form_fields(self.fields)
        self.case = case
        self.region = case.hall.region

    def to_payload(self) -> dict:
        return {
            name: _json_ready(value)
            for name, value in self.cleaned_data.items()
            if name in self.fields
        }

    # ---- checks every business app uses

    def check_in_hall(self, subject) -> None:
        """A hall handles only its own region's employers and persons."""
        if not subject_in_hall(subject, self.case.hall):
            raise ValidationError(DENIED_OTHER_REGION)

    def probe_parameters(self, field: str | None, on: dt.date, *keys: str) -> None:
        """A parameter missing for the date is the teller's message at ``field``, not a
        crash later."""
        reader = ParamReader(region=self.region, on=on)
        try:
            for key in keys:
                reader.get(key)
        except ParameterMissing as exc:
            self.add_error(field, str(exc))


def _json_ready(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _prefill(obj, mapping: dict[str, str]) -> dict:
    return {field: getattr(obj, attr) for field, attr in mapping.items()}


def typed_subject(case) -> str:
    """The USCC or ID number typed at intake when it found no subject (kept by case_open
    until the application is saved), so the form starts from it."""
    typed = (case.payload or {}).get(TYPED_SUBJECT_KEY)
    return typed.get("query", "") if isinstance(typed, dict) else ""


def _typed_into(mapping: dict[str, str], attr: str, typed: str) -> dict:
    return {field: typed for field, a in mapping.items() if a == attr}


class EmployerSubjectMixin(SubjectHooks):
    """For a ``BusinessForm`` whose clean looks up the employer the application is about
    and keeps it in ``self.employer`` (None while not found). ``employer_prefill``: form
    field → attribute of the employer intake identified."""

    employer: Any = None
    employer_prefill: dict[str, str] = {"uscc": "uscc"}

    def subject_initial(self, case) -> dict:
        initial = super().subject_initial(case)
        if case.employer_id:
            initial.update(_prefill(case.employer, self.employer_prefill))
        elif (typed := typed_subject(case)) and not RESIDENT_ID.match(typed):
            initial.update(_typed_into(self.employer_prefill, "uscc", typed))
        return initial

    def subject(self) -> Subject | None:
        return dataclasses.replace(super().subject() or Subject(), employer=self.employer)


class PersonSubjectMixin(SubjectHooks):
    """For a ``BusinessForm`` whose clean looks up the insured person the application is
    about and keeps it in ``self.person`` (None while not found, or not yet registered).
    ``person_prefill``: form field → attribute of the person intake identified."""

    person: Any = None
    person_prefill: dict[str, str] = {"id_number": "id_number", "name": "name"}

    def subject_initial(self, case) -> dict:
        initial = super().subject_initial(case)
        if case.person_id:
            initial.update(_prefill(case.person, self.person_prefill))
        elif (typed := typed_subject(case)) and RESIDENT_ID.match(typed):
            initial.update(_typed_into(self.person_prefill, "id_number", typed))
        return initial

    def subject(self) -> Subject | None:
        return dataclasses.replace(super().subject() or Subject(), person=self.person)


class CaseOpenForm(forms.Form):
    window = forms.ModelChoiceField(label=_("窗口"), queryset=Window.objects.none())
    business_type = forms.ModelChoiceField(
        label=_("业务类型"), queryset=BusinessType.objects.none()
    )
    applicant_name = forms.CharField(label=_("办事人"), max_length=100, required=False)
    subject = forms.CharField(
        label=_("单位统一社会信用代码或个人身份证号码"),
        max_length=24,
        required=False,
        help_text=_("可先查询本中心已有的登记信息。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, windows, business_types, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["window"]).queryset = windows
        cast(forms.ModelChoiceField, self.fields["business_type"]).queryset = business_types
        if windows.count() == 1:
            self.fields["window"].initial = windows.first()


class CaseActionForm(forms.Form):
    """What every state-changing button posts: the state the user saw, and reasons or a note
    where the act needs them."""

    seen_state = forms.ChoiceField(choices=CaseState.choices, widget=forms.HiddenInput)
    reasons = forms.CharField(
        label=_("原因（每行一条）"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    note = forms.CharField(
        label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def reason_list(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data.get("reasons", "").splitlines()
            if line.strip()
        ]


class DocumentsForm(forms.Form):
    """The required-documents checklist of a case: one checkbox per document, and a promised
    date for the deferrable ones (容缺受理)."""

    seen_state = forms.ChoiceField(choices=CaseState.choices, widget=forms.HiddenInput)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.documents = list(case.business_type.documents.all())
        for doc in self.documents:
            entry = case.documents.get(doc.code, {})
            self.fields[f"doc_{doc.code}"] = forms.BooleanField(
                label=doc.name, required=False, initial=entry.get("status") == "received"
            )
            if doc.deferrable and not case.business_type.is_special and not doc.proves_payout:
                self.fields[f"defer_{doc.code}"] = forms.DateField(
                    label=_("承诺补交日期"),
                    required=False,
                    initial=entry.get("promised_by"),
                    widget=forms.DateInput(attrs={"type": "date"}),
                )

        bound_form_fields(self.fields)

    def clean(self):
        cleaned = super().clean() or {}
        promised = {
            d: cleaned[f"defer_{d.code}"]
            for d in self.documents
            if cleaned.get(f"defer_{d.code}") and not cleaned.get(f"doc_{d.code}")
        }
        if promised:
            today = timezone.localdate()
            latest = latest_promise_date(region=self.case.hall.region, today=today)
            for doc, date in promised.items():
                if date > latest:
                    self.add_error(
                        f"defer_{doc.code}",
                        _("承诺补交日期不得晚于 %(latest)s。") % {"latest": latest.isoformat()},
                    )
        return cleaned

    def rows(self):
        for doc in self.documents:
            defer = f"defer_{doc.code}"
            yield doc, self[f"doc_{doc.code}"], self[defer] if defer in self.fields else None

    def received(self) -> set[str]:
        return {d.code for d in self.documents if self.cleaned_data.get(f"doc_{d.code}")}

    def deferred(self) -> dict:
        return {
            d.code: self.cleaned_data[f"defer_{d.code}"]
            for d in self.documents
            if self.cleaned_data.get(f"defer_{d.code}")
            and not self.cleaned_data.get(f"doc_{d.code}")
        }


class TakeOverForm(forms.Form):
    """接续办理: the state and the teller the page showed, and the window to continue at."""

    seen_state = forms.ChoiceField(choices=CaseState.choices, widget=forms.HiddenInput)
    seen_teller = forms.IntegerField(widget=forms.HiddenInput)
    window = forms.ModelChoiceField(
        label=_("接续窗口"), queryset=Window.objects.none(), required=False
    )

    def __init__(self, *args, windows=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["window"])
        field.queryset = Window.objects.filter(pk__in=[w.pk for w in windows])
        if len(windows) <= 1:
            self.fields["window"].widget = forms.HiddenInput()
            if windows:
                self.fields["window"].initial = windows[0].pk


class CaseFindForm(forms.Form):
    """The "scan or type the number" box: a case number as printed on the notice."""

    number = forms.CharField(
        label=_("业务编号"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class StaffChoiceField(forms.ModelChoiceField):
    """A staff member, shown by name and username (the queryset is set by the form)."""

    def __init__(self, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(queryset=get_user_model().objects.none(), **kwargs)

    def label_from_instance(self, obj) -> str:
        return f"{obj.get_full_name() or obj.get_username()}（{obj.get_username()}）"


class ReassignForm(forms.Form):
    """The hall admin moves every open case of one teller to another."""

    from_teller = StaffChoiceField(label=_("原柜员"))
    to_teller = StaffChoiceField(label=_("接收柜员"))

    def __init__(self, *args, tellers, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("from_teller", "to_teller"):
            cast(StaffChoiceField, self.fields[name]).queryset = tellers


class CaseListFilterForm(forms.Form):
    """The case list's filters (GET)."""

    state = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *CaseState.choices], required=False
    )
    business_type = forms.ModelChoiceField(
        label=_("业务类型"), queryset=BusinessType.objects.none(), required=False
    )
    window = forms.ModelChoiceField(label=_("窗口"), queryset=Window.objects.none(), required=False)
    teller = StaffChoiceField(label=_("受理柜员"), required=False)
    date_from = forms.DateField(
        label=_("受理日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=_("超过承诺办结日期"), required=False)
    immediate = forms.BooleanField(label=_("即时办结"), required=False)
    ended_from = forms.DateField(
        label=_("办结或终止日期自"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ended_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    returned = forms.BooleanField(label=_("曾退回补正"), required=False)

    def __init__(self, *args, business_types, windows, tellers, halls=None, **kwargs):
        """``halls``: for a reader of several halls (the province), a hall filter by code."""
        super().__init__(*args, **kwargs)
        if halls is not None:
            self.fields["hall"] = forms.ModelChoiceField(
                label=_("大厅"), queryset=halls, to_field_name="code", required=False
            )
            self.order_fields(["hall"])
        bound_form_fields(self.fields)
        cast(forms.ModelChoiceField, self.fields["business_type"]).queryset = business_types
        cast(forms.ModelChoiceField, self.fields["window"]).queryset = windows
        cast(forms.ModelChoiceField, self.fields["teller"]).queryset = tellers


class EfficiencyPeriodForm(forms.Form):
    """The efficiency pages' period picker (GET): last month by default, this month, the
    last 7 days or a custom range (hall dates, both inclusive), and what to compare with."""

    period = forms.ChoiceField(label=_("统计期间"), required=False)
    start = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    compare = forms.ChoiceField(label=_("对比"), required=False)

    def __init__(self, *args, halls=(), **kwargs):
        """``halls``: the halls the reader may see; with more than one (the province), a
        ``hall`` choice narrows the pages to one of them (by its code)."""
        from counterhall.efficiency import COMPARISONS, PERIODS

        super().__init__(*args, **kwargs)
        if len(halls) > 1:
            self.fields["hall"] = forms.ChoiceField(
                label=_("大厅"),
                required=False,
                choices=[("", _("全部大厅")), *((h.code, h.name) for h in halls)],
            )
            self.order_fields(["hall"])
        bound_form_fields(self.fields)
        cast(forms.ChoiceField, self.fields["period"]).choices = PERIODS
        cast(forms.ChoiceField, self.fields["compare"]).choices = COMPARISONS

    def clean(self):
        data = super().clean() or {}
        if data.get("period") == "custom" and not (data.get("start") and data.get("end")):
            raise forms.ValidationError(_("自定义期间请填写起止日期。"))
        start, end = data.get("start"), data.get("end")
        if start and end and abs((end - start).days) > 3660:
            raise forms.ValidationError(_("统计期间不能超过十年。"))
        return data
