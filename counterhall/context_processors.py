from django.utils.functional import SimpleLazyObject

from counterhall.permissions import user_hall
from counterhall.roles import Role, user_roles


def staff(request):
    """The signed-in person's hall and roles, for the base layout. Lazy: a polled fragment
    that does not show them does not load them (counterhall.polls)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = SimpleLazyObject(lambda: user_roles(user))
    return {
        "current_hall": SimpleLazyObject(lambda: user_hall(user)),
        "current_roles": SimpleLazyObject(
            lambda: [Role(r).label for r in Role.values if r in roles]
        ),
        "role_names": roles,
    }
