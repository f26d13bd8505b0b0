import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class SessionCookieGuard:
    """Drops a session cookie that no session key can be (Django's are ASCII letters and
    digits) before SessionMiddleware looks it up: a forged cookie with a NUL byte would
    otherwise reach PostgreSQL, which refuses NUL in text (a 500 on any page or API call).
    The request then simply has no session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = settings.SESSION_COOKIE_NAME
        key = request.COOKIES.get(name)
        if key is not None and not (key.isascii() and key.isalnum()):
            del request.COOKIES[name]
        return self.get_response(request)


class HallLocaleMiddleware:
    """Chinese unless the person chose English with the switch (the language cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: a counter
    PC set up in English still shows the hall in Chinese by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = dict(settings.LANGUAGES)

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# A live fragment's polls (hx-trigger="every 5s") carry this header, set on the polling
# element with hx-headers: they are not a person at the counter, so they keep no session
# alive.
POLL_HEADER = "X-Counterhall-Poll"
LAST_ACTION_KEY = "counterhall_last_action"
IDLE_LOGOUT_MESSAGE = _("您已 %(minutes)s 分钟未操作，为保护办事人信息已自动退出，请重新登录。")


def mark_human_action(request, now: int | None = None) -> None:
    request.session[LAST_ACTION_KEY] = int(time.time()) if now is None else now


class IdleLogoutMiddleware:
    """Counter browsers log out after ``COUNTERHALL_IDLE_MINUTES`` without a human action.

    The time of the last human request is kept in the session (written at most once a
    minute); a poll does not update it, so a page left open polling ends its session too,
    and its next poll sends the browser to the login page (htmx ``HX-Redirect``). Requests
    without a session login (API tokens) are not concerned.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(LAST_ACTION_KEY)
            idle = settings.COUNTERHALL_IDLE_MINUTES
            if last is not None and now - last > idle * 60:
                return self.log_out(request, idle)
            polling = request.headers.get(POLL_HEADER) == "1"
            if not polling and (last is None or now - last >= 60):
                mark_human_action(request, now)
        return self.get_response(request)

    def log_out(self, request, minutes: int) -> HttpResponse:
        logout(request)
        messages.info(request, IDLE_LOGOUT_MESSAGE % {"minutes": minutes})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = f"{resolve_url(settings.LOGIN_URL)}?next=/"
            return response
        return redirect_to_login(request.get_full_path())


class NoStoreMiddleware:
    """Pages for signed-in staff show personal data (names, masked and revealed numbers,
    figures): ``Cache-Control: no-store`` keeps them out of browser and proxy caches (PIPL).
    Static files and the login page are not concerned; a view that set its own
    Cache-Control keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
