from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from counterhall.models import BusinessType, CaseState, Window


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
