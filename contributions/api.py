"""Calculation previews for the teller's page and for other systems (DRF).

POST /api/v1/calculations/contribution/ — clamped base and each scheme's shares.
POST /api/v1/calculations/arrears/      — days late and the late fee.

Logged-in hall staff (session or token), decimals as strings, 400 with a message per field;
``region`` defaults to the caller's hall region. Nothing is written.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from contributions import calc
from counterhall.api import IsHallStaff, RegionInput
from counterhall.params import ParameterMissing, ParamReader

MONEY = {"max_digits": 14, "decimal_places": 2}
# What an answer may hold: a sum or product of amounts can exceed what one input may.
MONEY_OUT = {"max_digits": 20, "decimal_places": 2}
DECIMAL_ERRORS = {
    "invalid": _("请输入数字金额，例如 5000.00。"),
    "max_decimal_places": _("金额最多保留两位小数。"),
    "max_digits": _("金额过大。"),
    "required": _("此项必填。"),
    "null": _("此项必填。"),
}


class PeriodField(serializers.CharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return calc.parse_period(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value):
        return f"{value:%Y-%m}"


# --------------------------------------------------------------------------- contribution


class ContributionRequest(RegionInput):
    period = PeriodField()
    declared_wage = serializers.DecimalField(
        **MONEY,
        min_value=Decimal("0"),
        error_messages={**DECIMAL_ERRORS, "min_value": _("申报工资不能为负数。")},
    )
    injury_class = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=8,
        error_messages={
            "invalid": _("工伤保险行业类别应为 1 至 8 的整数。"),
            "min_value": _("工伤保险行业类别应为 1 至 8。"),
            "max_value": _("工伤保险行业类别应为 1 至 8。"),
        },
    )


class SchemeShare(serializers.Serializer):
    employer_rate = serializers.DecimalField(max_digits=8, decimal_places=4)
    individual_rate = serializers.DecimalField(max_digits=8, decimal_places=4)
    employer = serializers.DecimalField(**MONEY_OUT)
    individual = serializers.DecimalField(**MONEY_OUT)


class Totals(serializers.Serializer):
    employer = serializers.DecimalField(**MONEY_OUT)
    individual = serializers.DecimalField(**MONEY_OUT)
    total = serializers.DecimalField(**MONEY_OUT)


class ParameterUsed(serializers.Serializer):
    key = serializers.CharField()
    region = serializers.CharField()
    effective_from = serializers.CharField()
    version = serializers.IntegerField()
    value = serializers.JSONField()


class ContributionResponse(serializers.Serializer):
    region = serializers.CharField()
    period = PeriodField()
    declared_wage = serializers.DecimalField(**MONEY_OUT)
    avg_wage = serializers.DecimalField(**MONEY_OUT)
    floor = serializers.DecimalField(**MONEY_OUT)
    ceiling = serializers.DecimalField(**MONEY_OUT)
    base = serializers.DecimalField(**MONEY_OUT)
    clamped = serializers.CharField(allow_blank=True)
    schemes = serializers.DictField(child=SchemeShare())
    totals = Totals()
    parameters = ParameterUsed(many=True)


class ContributionView(APIView):
    permission_classes = [IsHallStaff]

    @extend_schema(request=ContributionRequest, responses=ContributionResponse)
    def post(self, request):
        req = ContributionRequest(data=request.data, context={"request": request})
        req.is_valid(raise_exception=True)
        data = req.validated_data
        reader = ParamReader(region=data["region"], on=data["period"])
        try:
            out = calc.contribution_preview(
                reader=reader,
                declared_wage=data["declared_wage"],
                injury_class=data.get("injury_class", 1),
            )
        except ParameterMissing as exc:
            raise DrfValidationError({"region": [str(exc)]}) from exc
        body = {**out, "region": data["region"], "period": data["period"]}
        body["parameters"] = reader.references()
        return Response(ContributionResponse(body).data)


# --------------------------------------------------------------------------- arrears


class ArrearsRequest(RegionInput):
    principal = serializers.DecimalField(
        **MONEY,
        min_value=Decimal("0"),
        error_messages={**DECIMAL_ERRORS, "min_value": _("欠缴本金不能为负数。")},
    )
    due_date = serializers.DateField(
        error_messages={"invalid": _("日期格式应为 YYYY-MM-DD。"), "required": _("此项必填。")}
    )
    paid_date = serializers.DateField(
        error_messages={"invalid": _("日期格式应为 YYYY-MM-DD。"), "required": _("此项必填。")}
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs["paid_date"] < attrs["due_date"]:
            raise serializers.ValidationError({"paid_date": [_("缴款日期不能早于缴费期限。")]})
        return attrs


class ArrearsResponse(serializers.Serializer):
    region = serializers.CharField()
    principal = serializers.DecimalField(**MONEY_OUT)
    due_date = serializers.DateField()
    paid_date = serializers.DateField()
    days_late = serializers.IntegerField()
    daily_rate = serializers.DecimalField(max_digits=8, decimal_places=6)
    late_fee = serializers.DecimalField(**MONEY_OUT)
    capped = serializers.BooleanField()
    total = serializers.DecimalField(**MONEY_OUT)
    parameters = ParameterUsed(many=True)


class ArrearsView(APIView):
    permission_classes = [IsHallStaff]

    @extend_schema(request=ArrearsRequest, responses=ArrearsResponse)
    def post(self, request):
        req = ArrearsRequest(data=request.data, context={"request": request})
        req.is_valid(raise_exception=True)
        data = req.validated_data
        reader = ParamReader(region=data["region"], on=data["due_date"])
        try:
            out = calc.late_fee(
                reader=reader,
                principal=data["principal"],
                due=data["due_date"],
                paid=data["paid_date"],
            )
        except ParameterMissing as exc:
            raise DrfValidationError({"region": [str(exc)]}) from exc
        body = {**out, "region": data["region"], "parameters": reader.references()}
        return Response(ArrearsResponse(body).data)
