from counterhall.permissions import user_hall
from counterhall.roles import Role, user_roles


def staff(request):
    """The signed-in person's hall and roles, for the base layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    return {
        "current_hall": user_hall(user),
        "current_roles": [Role(r).label for r in Role.values if r in roles],
        "role_names": roles,
    }
