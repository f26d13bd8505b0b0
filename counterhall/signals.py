"""Logins and logouts go to the audit log (Django's auth signals: no service owns them)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
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
