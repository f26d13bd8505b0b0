"""Logins and logouts go to the audit log (Django's auth signals: no service owns them)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from counterhall import audit


def _hall(user):
    staff = getattr(user, "staff", None)
    return staff.hall if staff else None


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit.record(actor=user, action="auth.login", hall=_hall(user))


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action="auth.logout", hall=_hall(user))
