"""Application forms of TRF01–TRF03 (see transfers.assessments for the checks)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from counterhall import permissions
from counterhall.params import ParameterMissing
from registration import selectors as registration
from transfers import assessments
from transfers.models import Direction

region_validator = RegexValidator(r"^\d{6}$", _("行政区划代码应为 6 位数字，例如 210200。"))


class TransferForm(forms.Form):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18)

    def __init__(self, data=None, *, case, **kwargs):
        super().__init__(data, **kwargs)
        self.case = case
        if case.person_id:  # the subject identified at intake fills the form in
            self.fields["id_number"].initial = case.person.id_number

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip()
        try:
            registration.validate_resident_id(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        person = registration.find_person(value)
        if person is None:
            raise ValidationError(_("未找到此身份证号码的参保人员，请先办理参保登记。"))
        self.person = person
        return person.id_number

    def assess(self, cleaned) -> None:  # pragma: no cover  (overridden)
        raise NotImplementedError

    def acts_on_local_record(self, cleaned) -> bool:
        """Whether the transfer works on the person's record here (so the person must be of
        this hall's region); a transfer in may bring a person new to the region."""
        return True

    def clean(self):
        cleaned = super().clean()
        if (
            hasattr(self, "person")
            and not self.errors
            and self.acts_on_local_record(cleaned)
            and not permissions.subject_in_hall(self.person, self.case.hall)
        ):
            self.add_error("id_number", permissions.DENIED_OTHER_REGION)
        if hasattr(self, "person") and not self.errors:
            try:
                self.assess(cleaned)
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
            except ParameterMissing as exc:
                self.add_error(None, str(exc))
        return cleaned

    def to_payload(self) -> dict:
        return {
            k: (str(v) if isinstance(v, Decimal) else v)
            for k, v in self.cleaned_data.items()
            if k in self.fields
        }


class TransferOutForm(TransferForm):
    receiving_agency = forms.CharField(label=_("转入地社会保险经办机构"), max_length=200)
    receiving_region = forms.CharField(
        label=_("转入地行政区划代码"), max_length=6, validators=[region_validator]
    )

    def assess(self, cleaned) -> None:
        assessments.assess_transfer_out(
            person=self.person,
            case=self.case,
            receiving_agency=cleaned["receiving_agency"],
            receiving_region=cleaned["receiving_region"],
        )


class TransferInForm(TransferForm):
    sending_agency = forms.CharField(label=_("转出地社会保险经办机构"), max_length=200)
    sending_region = forms.CharField(
        label=_("转出地行政区划代码"), max_length=6, validators=[region_validator]
    )
    periods = forms.CharField(
        label=_("转入缴费期间"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "按参保缴费凭证逐段填写，每行“起始月 截止月 月缴费基数”，例如 2010-01 2019-12 4000.00。"
        ),
    )
    account_amount = forms.DecimalField(
        label=_("个人账户转入额（元）"), max_digits=14, decimal_places=2
    )
    pooled_amount = forms.DecimalField(
        label=_("统筹基金转入额（元）"), max_digits=14, decimal_places=2
    )

    def acts_on_local_record(self, cleaned) -> bool:
        return False

    def assess(self, cleaned) -> None:
        assessments.assess_transfer_in(
            person=self.person,
            case=self.case,
            sending_agency=cleaned["sending_agency"],
            sending_region=cleaned["sending_region"],
            periods=cleaned["periods"],
            account_amount=cleaned["account_amount"],
            pooled_amount=cleaned["pooled_amount"],
        )


class UnemploymentTransferForm(TransferForm):
    direction = forms.ChoiceField(label=_("转移方向"), choices=Direction.choices)
    other_agency = forms.CharField(label=_("对方经办机构"), max_length=200)
    months = forms.IntegerField(
        label=_("转入剩余领取月数"),
        required=False,
        help_text=_("转入时填写；转出时按本地记录计算。"),
    )

    def acts_on_local_record(self, cleaned) -> bool:
        return cleaned.get("direction") != Direction.IN

    def assess(self, cleaned) -> None:
        assessments.assess_unemployment_transfer(
            person=self.person,
            case=self.case,
            direction=cleaned["direction"],
            other_agency=cleaned["other_agency"],
            months=cleaned.get("months"),
        )
