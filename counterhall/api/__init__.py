"""DRF glue shared by every app's API: the staff permission, the caller's region and the error
mapping.

Errors come back as RFC 9457 problem details (``counterhall.api.problems``) with the same
sentences the pages show: ValidationError → 400 (``errors``: the messages per field),
PermissionDenied → 403, StaleCase / TransitionNotPossible → 409.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions as drf_permissions
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as DrfValidationError

from counterhall import permissions
from counterhall.bounds import bound_serializer_fields
from counterhall.models import region_validator


class IsHallStaff(drf_permissions.BasePermission):
    """Signed-in staff of a hall (session or token)."""

    message = permissions.DENIED_OTHER_HALL

    def has_permission(self, request, view) -> bool:
        return permissions.is_hall_staff(request.user)


REGION_REQUIRED = _("请填写行政区划代码。")


def caller_region(request) -> str | None:
    """The region of the caller's hall; None for a user without a staff profile (a superuser
    passes IsHallStaff without one)."""
    hall = permissions.user_hall(request.user)
    return hall.region if hall is not None else None


def region_or_caller(request, region: str | None) -> str:
    """The region given, else the caller's hall's; a 400 at ``region`` when there is none."""
    region = region or caller_region(request)
    if not region:
        raise DrfValidationError({"region": [REGION_REQUIRED]})
    return region


class BoundedInput(serializers.Serializer):
    """Base of every request body: dates from 1900 to 2099, counts and amounts neither
    negative nor absurd, unless a field sets its own bounds (``counterhall.bounds``)."""

    def get_fields(self):
        fields = super().get_fields()
        bound_serializer_fields(fields)
        return fields


class RegionInput(BoundedInput):
    """Base of every calculation request: an optional 6-digit ``region`` that defaults to
    the caller's hall (400 at ``region`` when the caller has none)."""

    region = serializers.CharField(required=False, validators=[region_validator])

    def validate(self, attrs):
        attrs = super().validate(attrs)
        attrs["region"] = region_or_caller(self.context["request"], attrs.get("region"))
        return attrs


def exception_handler(exc, context):
    """REST_FRAMEWORK's EXCEPTION_HANDLER: every error as RFC 9457 problem details
    (``counterhall.api.problems``)."""
    from counterhall.api.problems import problem_exception_handler

    return problem_exception_handler(exc, context)
