"""Staff roles. Each role is a Django Group of the same name; object permissions say where."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TELLER = "teller", _("综合柜员")
    SPECIAL_CLERK = "special_clerk", _("特殊业务专员")
    REVIEWER = "reviewer", _("专职复核员")
    LEADER = "leader", _("主管局长")
    FINANCE = "finance", _("财务人员")
    AUDITOR = "auditor", _("稽核审计")
    HALL_ADMIN = "hall_admin", _("大厅管理员")


SIGNOFF_ROLES = (Role.LEADER, Role.FINANCE)


def own_roles(user) -> frozenset[str]:
    """The roles a user holds themselves (their groups), cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_counterhall_own_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._counterhall_own_roles = cached
    return cached


def delegations(user) -> dict:
    """The delegations in force today (hall date) that hand a role to this user, by role
    (``counterhall.models.Delegation``), cached on the user object; an expired or ended
    delegation is not among them."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_counterhall_delegations", None)
    if cached is None:
        from counterhall.models import Delegation

        cached = {
            d.role: d
            for d in Delegation.objects.active()
            .filter(delegate_id=user.pk)
            .select_related("principal")
            .order_by("starts_on", "pk")
        }
        user._counterhall_delegations = cached
    return cached


def user_roles(user) -> frozenset[str]:
    """The role names of a user: their own, and those delegated to them today; cached on
    the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_counterhall_roles", None)
    if cached is None:
        cached = own_roles(user) | frozenset(delegations(user))
        user._counterhall_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """Whether the user holds one of ``roles``, themselves or through a delegation (the
    delegations are read only when their own roles do not answer)."""
    return bool(own_roles(user) & set(roles)) or bool(user_roles(user) & set(roles))
