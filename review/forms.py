from django import forms
from django.utils.translation import gettext_lazy as _

from counterhall.models import CaseState
from counterhall.selectors import checklist_codes
from counterhall.templatetags.counterhall import local_name
from review.models import ReturnReason

WRONG_DOCUMENT = _("要件有误，请重新扫描：%(document)s")
NO_REASON = _("请至少勾选一项退回原因，或在“其他原因”中填写。")


class DecisionForm(forms.Form):
    """Approve or release: the state the reviewer saw, and an optional note."""

    seen_state = forms.ChoiceField(choices=CaseState.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("复核意见"), max_length=500, required=False)


class ReturnForm(forms.Form):
    """Return to the teller with structured reasons: the type's checklist plus free text."""

    seen_state = forms.ChoiceField(choices=CaseState.choices, widget=forms.HiddenInput)
    reasons = forms.ModelMultipleChoiceField(
        label=_("退回原因"),
        queryset=ReturnReason.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other = forms.CharField(
        label=_("其他原因（每行一条）"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )
    documents = forms.MultipleChoiceField(
        label=_("有误的要件（须重新扫描）"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(label=_("补充说明"), max_length=500, required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reasons"].queryset = ReturnReason.objects.for_type(case.business_type)
        names = {d.code: local_name(d) for d in case.business_type.documents.all()}
        self.document_names = names
        self.fields["documents"].choices = [
            (code, names[code]) for code in checklist_codes(case) if code in names
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.reason_list():
            self.add_error("reasons", NO_REASON)
        return cleaned

    def reason_list(self) -> list[str]:
        chosen = [r.text for r in self.cleaned_data.get("reasons") or []]
        other = [
            line.strip() for line in self.cleaned_data.get("other", "").splitlines() if line.strip()
        ]
        wrong = [
            WRONG_DOCUMENT % {"document": self.document_names[code]}
            for code in self.cleaned_data.get("documents") or []
        ]
        return wrong + chosen + other


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DelegationForm(forms.Form):
    """A delegation while away: the principal (the hall admin chooses; others delegate
    their own role), the colleague, the role and the dates (hall dates)."""

    principal = forms.ModelChoiceField(label=_("委托人"), queryset=None)
    delegate = forms.ModelChoiceField(label=_("受托人"), queryset=None)
    role = forms.ChoiceField(label=_("委托角色"), choices=())
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)

    def __init__(self, *args, user, staff, roles, is_admin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["principal"].queryset = staff
        self.fields["delegate"].queryset = staff
        self.fields["principal"].label_from_instance = person_label
        self.fields["delegate"].label_from_instance = person_label
        self.fields["role"].choices = roles
        if not is_admin:
            self.fields["principal"].initial = user.pk
            self.fields["principal"].widget = forms.HiddenInput()


def person_label(user) -> str:
    return f"{user.get_full_name() or user.get_username()}（{user.get_username()}）"
