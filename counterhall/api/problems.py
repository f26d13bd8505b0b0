"""RFC 9457 problem details for every error of the API.

Every error answers ``application/problem+json`` with ``type`` (a URN naming the kind of
problem), ``title``, ``status``, ``detail`` (the sentence the pages show) and, for a request
that does not validate, ``errors``: the messages per field. The mapping:

- a ``ValidationError`` (DRF's or Django's, also a business form's field errors) → 400;
  malformed or too deeply nested JSON → 400; a number too large for the arithmetic → 400;
- not signed in → 401; ``PermissionDenied`` → 403 with its sentence; a case the caller may
  not read → 404 (``cases_visible_to``: it does not exist for them);
- ``StaleCase`` / ``StaleVisit`` (a lost race) and ``TransitionNotPossible`` (not from
  this state) → 409; a visit act its state does not allow → 409 (``api.visits``);
- wrong content type → 415; too many requests → 429 (with ``Retry-After``); the case
  file's storage not answering (``StorageUnavailable``) → 503;
- and, for any path under /api/, Django's own 404 and 500 (``page_not_found``,
  ``server_error``: wired as ``handler404`` / ``handler500`` in the root URL conf).
"""

from __future__ import annotations

import decimal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, serializers
from rest_framework.response import Response

from counterhall.exceptions import (
    DomainError,
    HandlerMissing,
    StaleCase,
    StaleVisit,
    StorageUnavailable,
    TransitionNotPossible,
)

CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"

TOO_DEEP = _("JSON 嵌套层数过多。")
TOO_LARGE = _("数值超出可计算的范围。")
INVALID = _("请求内容有误，请按各项提示修改。")
NOT_FOUND = _("未找到。")
SERVER_ERROR = _("服务器内部错误，请稍后重试。")

# The kinds of problem: status → (type URN, title).
KINDS = {
    400: ("urn:counterhall:problem:invalid", _("请求有误")),
    401: ("urn:counterhall:problem:not-authenticated", _("未登录")),
    403: ("urn:counterhall:problem:forbidden", _("无权办理")),
    404: ("urn:counterhall:problem:not-found", _("未找到")),
    405: ("urn:counterhall:problem:method-not-allowed", _("不支持此请求方法")),
    406: ("urn:counterhall:problem:not-acceptable", _("无法提供所请求的格式")),
    409: ("urn:counterhall:problem:conflict", _("业务状态冲突")),
    415: ("urn:counterhall:problem:unsupported-media-type", _("不支持的内容类型")),
    429: ("urn:counterhall:problem:throttled", _("请求过于频繁")),
    500: ("urn:counterhall:problem:server-error", _("服务器内部错误")),
    503: ("urn:counterhall:problem:unavailable", _("服务暂时不可用")),
}


def problem(status_code: int, detail, errors: dict | None = None) -> dict:
    kind, title = KINDS.get(status_code, ("about:blank", ""))
    body = {"type": kind, "title": str(title), "status": status_code, "detail": str(detail)}
    if errors:
        body["errors"] = errors
    return body


class ProblemSerializer(serializers.Serializer):
    """The shape of every error (for the OpenAPI schema)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(), required=False, help_text="messages per field"
    )


class SafeJSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering 400 (not 500) for JSON nested too deeply to decode."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(TOO_DEEP) from None


def _django_errors(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [
                str(m) for e in errors for m in e.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def _first_message(errors) -> str | None:
    if isinstance(errors, dict):
        for value in errors.values():
            found = _first_message(value)
            if found:
                return found
        return None
    if isinstance(errors, list):
        for value in errors:
            found = _first_message(value)
            if found:
                return found
        return None
    return str(errors) if errors else None


def _validation(errors, headers=None) -> Response:
    if not isinstance(errors, dict):
        errors = {"non_field_errors": errors if isinstance(errors, list) else [errors]}
    detail = _first_message(errors) or INVALID
    return _response(problem(400, detail, errors), 400, headers)


def _response(body: dict, status_code: int, headers=None) -> Response:
    return Response(body, status=status_code, headers=headers, content_type=CONTENT_TYPE)


def problem_exception_handler(exc, context):
    """REST_FRAMEWORK's EXCEPTION_HANDLER (through ``counterhall.api.exception_handler``)."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        return _validation(_django_errors(exc))
    if isinstance(exc, exceptions.ValidationError):
        return _validation(exc.detail)
    if isinstance(exc, PermissionDenied):
        detail = (
            exc.args[0] if exc.args and exc.args[0] else exceptions.PermissionDenied.default_detail
        )
        return _response(problem(403, detail), 403)
    if isinstance(exc, StaleCase | StaleVisit | TransitionNotPossible):
        return _response(problem(409, exc.message), 409)
    if isinstance(exc, StorageUnavailable):
        return _response(problem(503, exc.message), 503, {"Retry-After": "60"})
    if isinstance(exc, HandlerMissing | DomainError):
        return _response(problem(400, exc.message), 400)
    if isinstance(exc, Http404):
        return _response(problem(404, NOT_FOUND), 404)
    if isinstance(exc, decimal.InvalidOperation | OverflowError):
        return _response(problem(400, TOO_LARGE), 400)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    detail = data.get("detail") if isinstance(data, dict) else None
    if detail is None:
        detail = _first_message(data) or exc
    headers = {
        k: v
        for k, v in response.headers.items()
        if k in ("WWW-Authenticate", "Retry-After", "Allow")
    }
    return _response(problem(response.status_code, detail), response.status_code, headers)


# ---------------------------------------------------------------- Django's own 404 and 500


def _json_problem(status_code: int, detail) -> JsonResponse:
    return JsonResponse(
        problem(status_code, detail),
        status=status_code,
        content_type=CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def page_not_found(request, exception):
    """``handler404``: problem details under /api/, the hall's 404 page elsewhere."""
    from django.views import defaults

    if request.path.startswith(API_PREFIX):
        return _json_problem(404, NOT_FOUND)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """``handler500``: problem details under /api/, the hall's 500 page elsewhere."""
    from django.views import defaults

    if request.path.startswith(API_PREFIX):
        return _json_problem(500, SERVER_ERROR)
    return defaults.server_error(request)


def bad_request(request, exception):
    """``handler400`` (e.g. a request Django itself refuses)."""
    from django.views import defaults

    if request.path.startswith(API_PREFIX):
        return _json_problem(400, INVALID)
    return defaults.bad_request(request, exception)
