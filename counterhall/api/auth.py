"""Tokens and throttling of the API.

``POST /api/v1/auth/token/`` with ``{"username", "password"}`` answers ``{"token", "expires"}``
(DRF's ``authtoken`` Token, one per user); clients send ``Authorization: Token …``. A token
expires ``COUNTERHALL_API_TOKEN_HOURS`` after it was issued (``ExpiringTokenAuthentication``
refuses it then, and the next request for a token issues a new one). The caller revokes their
own token, the hall admin any token of their hall's staff (``POST /api/v1/auth/token/revoke/``).
Issuing, refusing and revoking are audited (``api.token_issue``, ``api.token_refused``,
``api.token_revoke``), a refused request like a failed login: with the username tried.

Throttling (rates in ``COUNTERHALL_API_THROTTLE_RATES``, read on each request): anonymous
calls per address, signed-in calls per user, and the token endpoint per address.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, throttling
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from counterhall import audit, permissions

TOKEN_EXPIRED = _("令牌已过期，请重新获取。")
TOKEN_REFUSED = _("用户名或密码不正确，或该用户不是大厅工作人员。")
DENIED_REVOKE = _("只能撤销自己的令牌；大厅管理员可以撤销本大厅工作人员的令牌。")


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.COUNTERHALL_API_TOKEN_HOURS)


def token_expires(token: Token) -> dt.datetime:
    return token.created + token_lifetime()


def token_expired(token: Token, *, now: dt.datetime | None = None) -> bool:
    return token_expires(token) <= (now or timezone.now())


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token older than its lifetime."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed(TOKEN_EXPIRED)
        return user, token


# --------------------------------------------------------------------------- services


def token_issue(*, user) -> Token:
    """The user's token: the one they hold while it lasts, else a new one. Audited."""
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and not token_expired(token):
            return token
        if token is not None:
            token.delete()
        token = Token.objects.create(user=user)
        audit.record(
            actor=user,
            action="api.token_issue",
            hall=permissions.user_hall(user),
            after={"expires": token_expires(token)},
        )
    return token


def token_refused(*, username: str, user=None, address: str = "") -> None:
    """A refused token request, in the audit log like a failed login: the username tried
    (and the hall of that user, when there is one) and the caller's address."""
    with transaction.atomic():
        audit.record(
            actor=None,
            action="api.token_refused",
            hall=permissions.user_hall(user) if user is not None else None,
            after={"username": username[:150], "address": address[:64]},
        )


def token_revoke(*, actor, user) -> bool:
    """Revoke ``user``'s token: by themselves, or by the hall admin of their hall. Audited.
    Returns whether there was a token."""
    same_hall = permissions.user_hall_id(actor) == permissions.user_hall_id(user)
    if actor.pk != user.pk and not (permissions.can_manage_hall(actor) and same_hall):
        raise PermissionDenied(DENIED_REVOKE)
    with transaction.atomic():
        deleted, _rows = Token.objects.filter(user=user).delete()
        audit.record(
            actor=actor,
            action="api.token_revoke",
            hall=permissions.user_hall(user),
            after={"user": user.get_username(), "revoked": bool(deleted)},
        )
    return bool(deleted)


# --------------------------------------------------------------------------- throttling


class SettingsRateMixin:
    """Take the rate of ``scope`` from ``COUNTERHALL_API_THROTTLE_RATES`` at each request
    (DRF reads its own setting once, at import)."""

    scope: str

    def get_rate(self):
        return settings.COUNTERHALL_API_THROTTLE_RATES.get(self.scope)


class AnonThrottle(SettingsRateMixin, throttling.AnonRateThrottle):
    scope = "anon"


class UserThrottle(SettingsRateMixin, throttling.UserRateThrottle):
    scope = "user"


class TokenThrottle(SettingsRateMixin, throttling.SimpleRateThrottle):
    """Token requests per address, signed in or not."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
