"""Transfer preview under /api/v1/calculations/transfer/ (rules.md §1.5)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from counterhall.api import IsHallStaff, RegionInput, region_or_caller
from counterhall.params import ParameterMissing, ParamReader
from transfers import calculations as calc


def money_field():
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, rounding=ROUND_HALF_UP, coerce_to_string=True
    )


class TransferPreviewApi(APIView):
    """POST the account balance and the yearly contribution wages → the amounts to transfer:
    the balance in full and the pooled portion of the wages since 1998."""

    permission_classes = [IsHallStaff]

    @extend_schema_serializer(component_name="TransferRequest")
    class InputSerializer(RegionInput):
        class YearSerializer(serializers.Serializer):
            year = serializers.IntegerField(
                min_value=1950,
                max_value=2100,
                error_messages={
                    "min_value": _("年度应在 1950 至 2100 之间。"),
                    "max_value": _("年度应在 1950 至 2100 之间。"),
                },
            )
            wage_total = serializers.DecimalField(
                max_digits=14,
                decimal_places=2,
                min_value=0,
                error_messages={"min_value": _("缴费工资总额不能为负数。")},
            )

        account_balance = serializers.DecimalField(
            max_digits=14,
            decimal_places=2,
            min_value=0,
            error_messages={"min_value": _("个人账户余额不能为负数。")},
        )
        yearly_wages = YearSerializer(many=True, allow_empty=True)

    @extend_schema_serializer(component_name="TransferAnswer")
    class OutputSerializer(serializers.Serializer):
        account_transfer = money_field()
        pooled_transfer = money_field()
        total = money_field()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request):
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        region = region_or_caller(request, data.get("region"))
        reader = ParamReader(region=region, on=timezone.localdate())
        try:
            result = calc.transfer_from_params(
                reader=reader,
                account_balance=data["account_balance"],
                yearly_wages=data["yearly_wages"],
            )
        except ParameterMissing as exc:
            raise DrfValidationError({"non_field_errors": [str(exc)]}) from exc
        return Response(self.OutputSerializer(result.as_dict()).data)
