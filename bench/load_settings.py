"""The production settings for bench/load.py's gunicorn, less the cookies' Secure flag: the
bench speaks plain http on the loopback (in production TLS ends at the proxy in front)."""

from counterhall.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
