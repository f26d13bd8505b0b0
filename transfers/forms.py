"""Application forms of TRF01–TRF03 (``counterhall.forms.BusinessForm``). The forms find the
person; the transfer's own checks and figures are the handlers' (transfers.assessments),
assessed once."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from counterhall.forms import BusinessForm, PersonSubjectMixin
from registration import selectors as registration
from transfers.models import Direction

region_validator = RegexValidator(r"^[0-9]{6}$", _("行政区划代码应为 6 位数字，例如 210200。"))


ID_NUMBER_LABEL = _("公民身份号码")


def registered_person(value: str):
    """The registered person with this ID number (of any region: a transfer in may bring a
    person new to this region)."""
    value = value.strip()
    try:
        registration.validate_resident_id(value)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from None
    person = registration.find_person(value)
    if person is None:
        raise ValidationError(_("未找到此身份证号码的参保人员，请先办理参保登记。"))
    return person


class TransferOutForm(PersonSubjectMixin, BusinessForm):
    id_number = forms.CharField(label=ID_NUMBER_LABEL, max_length=18)
    receiving_agency = forms.CharField(label=_("转入地社会保险经办机构"), max_length=200)
    receiving_region = forms.CharField(
        label=_("转入地行政区划代码"), max_length=6, validators=[region_validator]
    )

    def clean_id_number(self):
        self.person = registered_person(self.cleaned_data["id_number"])
        self.check_in_hall(self.person)  # the record transferred out is this hall's
        return self.person.id_number


class TransferInForm(PersonSubjectMixin, BusinessForm):
    id_number = forms.CharField(label=ID_NUMBER_LABEL, max_length=18)
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

    def clean_id_number(self):
        # a transfer in may bring a person of another region here
        self.person = registered_person(self.cleaned_data["id_number"])
        return self.person.id_number


class UnemploymentTransferForm(PersonSubjectMixin, BusinessForm):
    id_number = forms.CharField(label=ID_NUMBER_LABEL, max_length=18)
    direction = forms.ChoiceField(label=_("转移方向"), choices=Direction.choices)
    other_agency = forms.CharField(label=_("对方经办机构"), max_length=200)
    months = forms.IntegerField(
        label=_("转入剩余领取月数"),
        required=False,
        help_text=_("转入时填写；转出时按本地记录计算。"),
    )

    def clean_id_number(self):
        self.person = registered_person(self.cleaned_data["id_number"])
        return self.person.id_number

    def clean(self):
        cleaned = super().clean()
        # a transfer out works on this hall's record; a transfer in may bring a new person
        if self.person is not None and cleaned.get("direction") != Direction.IN:
            try:
                self.check_in_hall(self.person)
            except ValidationError as exc:
                self.add_error("id_number", exc)
        return cleaned
