"""DRF glue shared by every app's API: the staff permission, the caller's region and the error
mapping.

Errors come back with the same sentences the pages show: ValidationError → 400 (a message per
field), PermissionDenied → 403, StaleCase / TransitionNotPossible → 409.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions as drf_permissions
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.response import Response

from counterhall import permissions
from counterhall.exceptions import DomainError, HandlerMissing, StaleCase, TransitionNotPossible
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


class RegionInput(serializers.Serializer):
    """Base of every calculation request: an optional 6-digit ``region`` that defaults to
    the caller's hall (400 at ``region`` when the caller has none)."""

    region = serializers.CharField(required=False, validators=[region_validator])

    def validate(self, attrs):
        attrs = super().validate(attrs)
        attrs["region"] = region_or_caller(self.context["request"], attrs.get("region"))
        return attrs


def _django_validation_payload(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages]
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    # Imported here: rest_framework.views reads DEFAULT_PERMISSION_CLASSES (this module) at
    # import time, so a module-level import is circular when an app imports DRF views first.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        return Response(_django_validation_payload(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDenied) and exc.args:
        return Response({"detail": str(exc.args[0])}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, StaleCase | TransitionNotPossible):
        return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, HandlerMissing | DomainError):
        return Response({"detail": str(exc.message)}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
