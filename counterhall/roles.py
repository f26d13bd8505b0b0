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


def user_roles(user) -> frozenset[str]:
    """The role names of a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_counterhall_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._counterhall_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))
