"""Calculation previews under /api/v1/calculations/: retirement age, pension, unemployment.

Thin DRF views: an InputSerializer parses, benefits.calculations computes from the dated
parameters, an OutputSerializer renders every money figure as a decimal string in cents.
``region`` is optional and defaults to the region of the caller's hall.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from benefits import calculations as calc
from counterhall.api import IsHallStaff, RegionInput, region_or_caller
from counterhall.bounds import month_in_range
from counterhall.months import month_key
from counterhall.params import ParameterMissing, ParamReader


def money_field(**kwargs):
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, rounding=ROUND_HALF_UP, coerce_to_string=True, **kwargs
    )


def caller_region(request, data: dict) -> str:
    return region_or_caller(request, data.get("region"))


def reader_for(*, region: str, on: dt.date) -> ParamReader:
    return ParamReader(region=region, on=on)


def parameter_missing(exc: ParameterMissing):
    return DrfValidationError({"non_field_errors": [str(exc)]})


class MonthField(serializers.CharField):
    default_error_messages = {"invalid": _("月份格式应为 YYYY-MM，例如 2025-04。")}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            year, month = (int(p) for p in value.split("-"))
            month_start = dt.date(year, month, 1)
        except ValueError:
            self.fail("invalid")
        try:
            return month_in_range(month_start)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


class RetirementPreviewApi(APIView):
    """POST birth date, sex, original age → the statutory retirement age and month under the
    2025 reform and the minimum contribution period of that year."""

    permission_classes = [IsHallStaff]

    @extend_schema_serializer(component_name="RetirementRequest")
    class InputSerializer(RegionInput):
        birth_date = serializers.DateField(
            error_messages={"invalid": _("出生日期格式应为 YYYY-MM-DD。")}
        )
        sex = serializers.ChoiceField(
            choices=[calc.MALE, calc.FEMALE],
            error_messages={"invalid_choice": _("性别应为 male 或 female。")},
        )
        original_retirement_age = serializers.ChoiceField(
            choices=[60, 55, 50],
            error_messages={"invalid_choice": _("原法定退休年龄应为 60、55 或 50。")},
        )

        def validate_birth_date(self, value):
            if value > timezone.localdate():
                raise serializers.ValidationError(_("出生日期不能晚于今天。"))
            return value

    @extend_schema_serializer(component_name="RetirementAnswer")
    class OutputSerializer(serializers.Serializer):
        class AgeSerializer(serializers.Serializer):
            years = serializers.IntegerField()
            months = serializers.IntegerField()

        retirement_age = AgeSerializer()
        retirement_month = serializers.CharField()
        minimum_contribution_months = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request):
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        region = caller_region(request, data)
        try:
            age = calc.statutory_retirement_from_params(
                birth_date=data["birth_date"],
                sex=data["sex"],
                original_years=int(data["original_retirement_age"]),
                reader=reader_for(region=region, on=timezone.localdate()),
            )
            minimum, _ref = calc.minimum_contribution_months(
                year=age.retirement_month.year, region=region
            )
        except ParameterMissing as exc:
            raise parameter_missing(exc) from exc
        out = self.OutputSerializer(
            {
                "retirement_age": {"years": age.years, "months": age.months},
                "retirement_month": month_key(age.retirement_month),
                "minimum_contribution_months": minimum,
            }
        )
        return Response(out.data)


class PensionPreviewApi(APIView):
    """POST the retirement month and age, index, months and balance → the monthly pension."""

    permission_classes = [IsHallStaff]

    @extend_schema_serializer(component_name="PensionRequest")
    class InputSerializer(RegionInput):
        class AgeSerializer(serializers.Serializer):
            years = serializers.IntegerField(
                min_value=40,
                max_value=70,
                error_messages={
                    "min_value": _("退休年龄应在 40 至 70 岁之间。"),
                    "max_value": _("退休年龄应在 40 至 70 岁之间。"),
                },
            )
            months = serializers.IntegerField(
                min_value=0,
                max_value=11,
                error_messages={
                    "min_value": _("月数应在 0 至 11 之间。"),
                    "max_value": _("月数应在 0 至 11 之间。"),
                },
            )

        retirement_month = MonthField()
        retirement_age = AgeSerializer()
        average_contribution_index = serializers.DecimalField(max_digits=8, decimal_places=4)
        contribution_months = serializers.IntegerField(
            min_value=0, error_messages={"min_value": _("缴费月数不能为负数。")}
        )
        deemed_months = serializers.IntegerField(
            min_value=0, default=0, error_messages={"min_value": _("视同缴费月数不能为负数。")}
        )
        account_balance = serializers.DecimalField(
            max_digits=14,
            decimal_places=2,
            min_value=0,
            error_messages={"min_value": _("个人账户余额不能为负数。")},
        )
        average_wage = serializers.DecimalField(
            max_digits=14,
            decimal_places=2,
            min_value=0,
            required=False,
            error_messages={"min_value": _("计发基数不能为负数。")},
        )

    @extend_schema_serializer(component_name="PensionAnswer")
    class OutputSerializer(serializers.Serializer):
        basic_pension = money_field()
        account_pension = money_field()
        transitional_pension = money_field()
        total = money_field()
        months_divisor = money_field()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request):
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reader = reader_for(region=caller_region(request, data), on=data["retirement_month"])
        try:
            result = calc.pension_from_params(
                reader=reader,
                age_years=data["retirement_age"]["years"],
                age_months=data["retirement_age"]["months"],
                index=data["average_contribution_index"],
                contribution_months=data["contribution_months"],
                deemed_months=data["deemed_months"],
                account_balance=data["account_balance"],
                average_wage=data.get("average_wage"),
            )
        except ParameterMissing as exc:
            raise parameter_missing(exc) from exc
        return Response(self.OutputSerializer(result.as_dict()).data)


class UnemploymentPreviewApi(APIView):
    """POST contribution months and unused months of an earlier spell → entitlement, monthly
    amount and total."""

    permission_classes = [IsHallStaff]

    @extend_schema_serializer(component_name="UnemploymentRequest")
    class InputSerializer(RegionInput):
        contribution_months = serializers.IntegerField(
            min_value=0, error_messages={"min_value": _("缴费月数不能为负数。")}
        )
        unused_months_from_earlier_spell = serializers.IntegerField(
            min_value=0, default=0, error_messages={"min_value": _("月数不能为负数。")}
        )

    @extend_schema_serializer(component_name="UnemploymentAnswer")
    class OutputSerializer(serializers.Serializer):
        entitlement_months = serializers.IntegerField()
        monthly_amount = money_field()
        total = money_field()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request):
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reader = reader_for(region=caller_region(request, data), on=timezone.localdate())
        try:
            result = calc.unemployment_from_params(
                reader=reader,
                contribution_months=data["contribution_months"],
                unused_months=data["unused_months_from_earlier_spell"],
            )
        except ParameterMissing as exc:
            raise parameter_missing(exc) from exc
        return Response(self.OutputSerializer(result.as_dict()).data)
