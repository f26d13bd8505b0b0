"""Calculation preview of the special window under /api/v1/calculations/: the survivor
benefits of a death in service (rules.md §1.6). Thin DRF view: the serializer parses,
benefits computes from the parameters in force on the date of death."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from benefits import selectors as benefits
from counterhall import permissions
from counterhall.api import IsHallStaff, RegionInput
from counterhall.params import ParameterMissing, ParamReader
from counterhall.roles import has_role


def sees_special_business(user) -> bool:
    """Staff who work with special business: a grant at a special window, a reviewer with
    the special authorisation, or a role that reads the whole hall (leader, finance,
    auditor, hall admin). Everyone else — general tellers — is told it does not exist."""
    if user.is_superuser or has_role(user, *permissions.READ_ALL_ROLES):
        return True
    if user.has_perm(permissions.REVIEW_SPECIAL):
        return True
    return any(w.is_special for w in permissions.windows_for(user))


class SeesSpecialBusiness(IsHallStaff):
    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if not sees_special_business(request.user):
            raise NotFound()
        return True


def money_field():
    return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)


class SurvivorPreviewApi(APIView):
    """POST contribution months (deemed months counted) and the date of death → the base B,
    the funeral grant, the survivor months and payment, and the parameter versions used."""

    permission_classes = [SeesSpecialBusiness]

    @extend_schema_serializer(component_name="SurvivorRequest")
    class InputSerializer(RegionInput):
        contribution_months = serializers.IntegerField(
            min_value=0, error_messages={"min_value": _("缴费月数不能为负数。")}
        )
        death_date = serializers.DateField(
            error_messages={"invalid": _("死亡日期格式应为 YYYY-MM-DD。")}
        )

        def validate_death_date(self, value):
            if value > timezone.localdate():
                raise serializers.ValidationError(_("死亡日期不能晚于今天。"))
            return value

    @extend_schema_serializer(component_name="SurvivorAnswer")
    class OutputSerializer(serializers.Serializer):
        base = money_field()
        funeral_grant = money_field()
        survivor_months = serializers.DecimalField(
            max_digits=8, decimal_places=4, coerce_to_string=True
        )
        survivor_payment = money_field()
        parameters = serializers.ListField(child=serializers.DictField())

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request):
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reader = ParamReader(region=data["region"], on=data["death_date"])
        try:
            result = benefits.survivor_benefits(
                reader=reader, contribution_months=data["contribution_months"]
            )
        except ParameterMissing as exc:
            raise DrfValidationError({"death_date": [str(exc)]}) from exc
        figures = result.as_dict()
        out = self.OutputSerializer(
            {
                "base": figures["survivor_base"],
                "funeral_grant": figures["funeral_grant"],
                "survivor_months": figures["survivor_months"],
                "survivor_payment": figures["survivor_payment"],
                "parameters": reader.references(),
            }
        )
        return Response(out.data)
