"""Logins, failed logins and logouts go to the audit log (Django's auth signals: no service
owns them). A failed login records the username tried, never the password."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from counterhall import audit
from counterhall.permissions import user_hall


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit.record(actor=user, action="auth.login", hall=user_hall(user))


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action="auth.logout", hall=user_hall(user))


@receiver(user_logged_in)
def start_counter_session(sender, request, user, **kwargs):
    """Signing in is a human action: the idle time counts from it (IdleLogoutMiddleware)."""
    from counterhall.middleware import mark_human_action

    if request is not None and hasattr(request, "session"):
        mark_human_action(request)
        from counterhall.permissions import user_hall_id
        from counterhall.polls import remember_hall

        remember_hall(request, user_hall_id(user))  # polls need no staff profile, no write


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    model = get_user_model()
    username = str(credentials.get(model.USERNAME_FIELD) or "")[:150]
    user = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
    audit.record(
        actor=None,
        action="auth.login_failed",
        target=user,
        hall=user_hall(user) if user is not None else None,
        after={"username": username},
    )
