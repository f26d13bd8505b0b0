"""The authentication backend: Django's ModelBackend, loading a signed-in user's identity
with the user row.

Every page asks who the user is beyond the user row: their staff profile (the hall), their
roles (groups), whether a delegation hands them a role today, and their model permissions.
Read lazily that is five more queries on every request — on every 5-second poll of every
open page. ``StaffBackend.get_user`` reads them in the same query as the user (the staff
profile joined, the rest as subqueries), and fills the caches the readers already use:
``counterhall.roles.own_roles`` / ``delegations`` and this backend's permission sets. The
answers are those of the lazy reads, as of the request's start (a role granted mid-request
counts from the next one, as with Django's own permission cache).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Exists, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Concat

SEPARATOR = "\n"  # never in a group name or a permission's "app_label.codename"


def _joined(queryset, group_by: str, expression) -> Subquery:
    """One text value: ``expression`` of the rows of ``queryset``, joined."""
    return Subquery(
        queryset.order_by()
        .values(group_by)
        .annotate(joined=StringAgg(expression, delimiter=Value(SEPARATOR)))
        .values("joined")[:1]
    )


def _split(value: str | None) -> frozenset[str]:
    return frozenset(value.split(SEPARATOR)) if value else frozenset()


def _perm_name():
    return Concat("content_type__app_label", Value("."), "codename")


def identity_queryset():
    """Users with their identity in the same row (see the module's docstring)."""
    from counterhall.models import Delegation

    user = OuterRef("pk")
    return (
        get_user_model()
        .objects.select_related("staff")
        .annotate(
            identity_roles=_joined(Group.objects.filter(user=user), "user", "name"),
            identity_delegated=Exists(Delegation.objects.active().filter(delegate_id=user)),
            identity_user_perms=_joined(Permission.objects.filter(user=user), "user", _perm_name()),
            identity_group_perms=_joined(
                Permission.objects.filter(group__user=user), "group__user", _perm_name()
            ),
        )
    )


class StaffBackend(ModelBackend):
    """ModelBackend whose ``get_user`` loads the identity in one query; authentication and
    permissions are ModelBackend's, answered from that row when it was loaded."""

    def get_user(self, user_id):
        try:
            user = identity_queryset().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        user._counterhall_own_roles = _split(user.identity_roles)
        if not user.identity_delegated:
            user._counterhall_delegations = {}
        return user

    def get_user_permissions(self, user_obj, obj=None):
        return self._loaded(user_obj, obj, "identity_user_perms", super().get_user_permissions)

    def get_group_permissions(self, user_obj, obj=None):
        return self._loaded(user_obj, obj, "identity_group_perms", super().get_group_permissions)

    @staticmethod
    def _loaded(user_obj, obj, attribute: str, read):
        """The model permissions in ``attribute`` of a user this backend loaded; ``read``
        (ModelBackend's own) for any other user, an object, and a superuser (every one)."""
        if obj is not None or not hasattr(user_obj, attribute) or user_obj.is_superuser:
            return read(user_obj, obj)
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return set(_split(getattr(user_obj, attribute)))
