"""The core's endpoints under /api/v1/: the root, tokens, the catalogue, cases and their acts,
the one-hall search and the audit log. Thin: each validates its input, calls the selectors
and services the pages call (with the same permission checks), and answers; errors are
problem details (``counterhall.api.problems``)."""

from __future__ import annotations

from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, pagination, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from counterhall import auditlog, permissions, registry, selectors, services, visit_services
from counterhall.api import IsHallStaff
from counterhall.api import bodies as s
from counterhall.api.acts import ACTS, CONTINUE, registered_act
from counterhall.api.auth import (
    TOKEN_REFUSED,
    AnonThrottle,
    TokenThrottle,
    token_expires,
    token_issue,
    token_refused,
    token_revoke,
)
from counterhall.api.form_schema import form_json_schema
from counterhall.api.problems import ProblemSerializer
from counterhall.auditdesk import DENIED_AUDIT
from counterhall.models import BusinessType, Case, RequiredDocument, Signature, Visit, Window
from counterhall.transitions import permission_reason

PROBLEM = OpenApiResponse(ProblemSerializer, description="problem details (RFC 9457)")
ERRORS = {400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM, 429: PROBLEM}


class CursorPage(pagination.CursorPagination):
    """Every list pages by cursor (``?cursor=``, ``?page_size=`` up to 200): never an
    OFFSET, and a fixed number of queries whatever the page size."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering: tuple[str, ...] = ("-pk",)


# --------------------------------------------------------------------------- root and tokens

RESOURCES = (
    ("auth-token", "api-token"),
    ("catalogue", "api-catalogue"),
    ("employers", "api-employers"),
    ("persons", "api-persons"),
    ("cases", "api-cases"),
    ("search", "api-search"),
    ("review-take-next", "api-review-take-next"),
    ("signoff", "api-signoff"),
    ("signoff-sign", "api-signoff-sign"),
    ("delegations", "api-delegations"),
    ("audit", "api-audit"),
    ("audit-verify", "api-audit-verify"),
    ("spot-checks", "api-spot-checks"),
    ("metrics", "api-metrics"),
    ("tickets", "api-tickets"),
    ("bundles", "api-bundles"),
    ("calculations-contribution", "api-calc-contribution"),
    ("schema", "api-schema"),
    ("docs", "api-docs"),
)


class RootView(APIView):
    """The resources of the API, by name."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response({name: reverse(url, request=request) for name, url in RESOURCES})


class TokenView(APIView):
    """Exchange a username and password for a token (``Authorization: Token …``)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle, AnonThrottle]

    @extend_schema(request=s.TokenRequest, responses={200: s.TokenAnswer, **ERRORS})
    def post(self, request):
        body = s.TokenRequest(data=request.data)
        body.is_valid(raise_exception=True)
        username = body.validated_data["username"]
        user = authenticate(
            request._request, username=username, password=body.validated_data["password"]
        )
        if user is None or not permissions.is_hall_staff(user):
            known = get_user_model().objects.filter(username=username).first()
            token_refused(
                username=username, user=known, address=request.META.get("REMOTE_ADDR", "")
            )
            raise exceptions.ValidationError({"non_field_errors": [TOKEN_REFUSED]})
        token = token_issue(user=user)
        return Response(s.TokenAnswer({"token": token.key, "expires": token_expires(token)}).data)


class TokenRevokeView(APIView):
    """Revoke a token: the caller's own, or (the hall admin) a staff member's of the hall."""

    throttle_classes = [TokenThrottle]

    @extend_schema(request=s.TokenRevokeRequest, responses={200: s.TokenRevokeAnswer, **ERRORS})
    def post(self, request):
        body = s.TokenRevokeRequest(data=request.data)
        body.is_valid(raise_exception=True)
        username = body.validated_data.get("username") or request.user.get_username()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise exceptions.ValidationError({"username": [_("没有此用户。")]})
        revoked = token_revoke(actor=request.user, user=user)
        return Response({"username": username, "revoked": revoked})


# --------------------------------------------------------------------------- catalogue


def business_type_data(bt: BusinessType) -> dict:
    served = registry.has_handler(bt.code)
    form = (
        form_json_schema(registry.get_handler(bt.code).form_class, title=bt.name)
        if served
        else None
    )
    return {
        "code": bt.code,
        "name": bt.name,
        "name_en": bt.name_en,
        "category": bt.category,
        "is_special": bt.is_special,
        "completion_mode": bt.completion_mode,
        "limit_days": bt.limit_days,
        "signoff_roles": list(bt.signoff_roles or []),
        "served": served,
        "required_documents": list(bt.documents.all()),
        "form": form,
    }


def catalogue_queryset():
    return BusinessType.objects.filter(active=True).prefetch_related(
        Prefetch("documents", queryset=RequiredDocument.objects.order_by("position", "code"))
    )


class CataloguePage(CursorPage):
    ordering = ("code",)


class CatalogueListView(generics.ListAPIView):
    """The business types with their required documents and the JSON Schema of their
    application payload (from the type's own form)."""

    serializer_class = s.BusinessTypeOut
    pagination_class = CataloguePage

    def get_queryset(self):
        return catalogue_queryset()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = [business_type_data(bt) for bt in page or []]
        return self.get_paginated_response(s.BusinessTypeOut(rows, many=True).data)


class CatalogueDetailView(APIView):
    @extend_schema(responses={200: s.BusinessTypeOut, **ERRORS})
    def get(self, request, code):
        bt = get_object_or_404(catalogue_queryset(), code=code)
        return Response(s.BusinessTypeOut(business_type_data(bt)).data)


# --------------------------------------------------------------------------- cases

LIST_RELATED = ("business_type", "window", "hall", "teller", "reviewer")
NOT_CURRENT_VISIT = _("此号不是您正在叫号或办理的号，不能将业务计入此次办事。")


def case_for(request, pk: int) -> Case:
    """A case the caller may read (``cases_visible_to``), else 404 — as the case page."""
    return selectors.case_detail(user=request.user, case_id=pk)


def case_answer(request, case: Case, status_code: int = 200) -> Response:
    case = get_object_or_404(
        Case.objects.select_related(*LIST_RELATED).prefetch_related(
            Prefetch(
                "signatures", queryset=Signature.objects.select_related("signer", "acting_for")
            ),
            Prefetch("visits", queryset=Visit.objects.only("pk")),
        ),
        pk=case.pk,
    )
    return Response(s.CaseOut(case, context={"request": request}).data, status=status_code)


class CasePage(CursorPage):
    ordering = ("-created_at", "-pk")


def case_filters(request) -> dict:
    """The list's query parameters as ``selectors.filtered_cases`` filters; an unknown type,
    teller or window is a 400 at its parameter."""
    body = s.CaseListFilter(data=request.query_params)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    hall_id = permissions.user_hall_id(request.user)
    filters: dict = {"state": data.get("state"), "date_from": data.get("from")}
    filters["date_to"] = data.get("to")
    errors = {}
    if data.get("business_type"):
        filters["business_type"] = BusinessType.objects.filter(code=data["business_type"]).first()
        if filters["business_type"] is None:
            errors["business_type"] = [_("没有此业务类型。")]
    if data.get("teller"):
        filters["teller"] = get_user_model().objects.filter(username=data["teller"]).first()
        if filters["teller"] is None:
            errors["teller"] = [_("没有此用户。")]
    if data.get("window"):
        filters["window"] = Window.objects.filter(
            hall_id=hall_id or 0, number=data["window"]
        ).first()
        if filters["window"] is None:
            errors["window"] = [_("本大厅没有此窗口。")]
    if errors:
        raise exceptions.ValidationError(errors)
    return filters


def resolve_window(user, business_type: BusinessType, number: int | None):
    """The caller's window to open a case at: the one numbered, else their first window of
    the type's kind; 403 when they work at none."""
    hall = permissions.user_hall(user)
    if number is not None:
        window = permissions.windows_for(user).filter(hall=hall, number=number).first()
        if window is None:
            raise PermissionDenied(permissions.DENIED_WINDOW)
        return window
    window = services.teller_windows(user, hall=hall).get(business_type.is_special)
    if window is None:
        raise PermissionDenied(permissions.DENIED_WINDOW)
    return window


class CaseListView(generics.ListCreateAPIView):
    """Every case the caller may read (newest first, filtered), and intake: open a case
    with its documents checklist and application in one step."""

    serializer_class = s.CaseSummary
    pagination_class = CasePage

    def get_queryset(self):
        filters = case_filters(self.request)
        return selectors.filtered_cases(user=self.request.user, filters=filters).select_related(
            *LIST_RELATED
        )

    @extend_schema(
        parameters=[s.CaseListFilter],
        responses={200: s.CaseSummary(many=True), **ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.CaseCreate, responses={201: s.CaseOut, **ERRORS})
    def post(self, request, *args, **kwargs):
        body = s.CaseCreate(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        bt = BusinessType.objects.filter(code=data["business_type"]).first()
        if bt is None:
            raise exceptions.ValidationError({"business_type": [_("没有此业务类型。")]})
        window = resolve_window(request.user, bt, data.get("window"))
        user = request.user
        if data.get("visit") is not None:
            current = visit_services.current_visit(user)
            if current is None or current.pk != data["visit"]:
                raise exceptions.ValidationError({"visit": [NOT_CURRENT_VISIT]})
        with transaction.atomic():
            # case_open links the case to the caller's open visit (visit_link_case)
            case = services.case_open(
                actor=user,
                window=window,
                business_type=bt,
                applicant_name=data.get("applicant_name", ""),
            )
            deferred = {d["code"]: d["due"] for d in data.get("deferred", [])}
            services.case_set_documents(
                actor=user,
                case_id=case.pk,
                seen_state=None,
                received=data.get("documents_received", []),
                deferred=deferred,
            )
            if data.get("payload"):
                try:
                    case = services.case_save_application(
                        actor=user, case_id=case.pk, seen_state=None, data=data["payload"]
                    )
                except registry.InvalidApplication as exc:
                    raise exceptions.ValidationError(
                        {"payload": {f: [str(m) for m in e] for f, e in exc.message_dict.items()}}
                    ) from None
        return case_answer(request, case, status.HTTP_201_CREATED)


class CaseDetailView(APIView):
    @extend_schema(responses={200: s.CaseOut, **ERRORS})
    def get(self, request, pk: int):
        return case_answer(request, case_for(request, pk))


def refuse_before_conditions(case: Case, act, user) -> None:
    """A visible case's act the caller may not take is a 403 even while a case condition
    (documents missing …) would also block it: the transition's own permission sentence
    (``transitions.permission_reason``), asked before the service re-checks it all under
    the row lock."""
    method = getattr(case, act.transition)
    if can_proceed(method, check_conditions=False):
        reason = permission_reason(method, user)
        if reason:
            raise PermissionDenied(reason)


class CaseActView(APIView):
    """One act on a case: the registered act's service, with its checks; ``reason`` or
    ``reasons`` where the act takes them."""

    act = ""

    @extend_schema(request=s.ActInput, responses={200: s.CaseOut, **ERRORS})
    def post(self, request, pk: int):
        case = case_for(request, pk)
        body = s.ActInput(data=request.data)
        body.is_valid(raise_exception=True)
        act = registered_act(self.act, case)
        if act is None:
            raise exceptions.NotFound()
        refuse_before_conditions(case, act, request.user)
        case = act.call(
            actor=request.user,
            case=case,
            seen_state=body.validated_data.get("seen_state"),
            reasons=body.reason_list(),
            note=body.validated_data.get("note", ""),
        )
        return case_answer(request, case)


class CaseContinueView(APIView):
    """接续办理: the caller continues the case at a window of theirs (one hall, any window)."""

    @extend_schema(request=s.ContinueInput, responses={200: s.CaseOut, **ERRORS})
    def post(self, request, pk: int):
        case = case_for(request, pk)
        body = s.ContinueInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        window = None
        if data.get("window") is not None:
            fitting = permissions.take_over_windows(request.user, case)
            window = next((w for w in fitting if w.number == data["window"]), None)
            if window is None:
                raise PermissionDenied(permissions.DENIED_TAKE_OVER_WINDOW)
        seen_teller = None
        if data.get("seen_teller"):
            seen_teller = (
                get_user_model()
                .objects.filter(username=data["seen_teller"])
                .values_list("pk", flat=True)
                .first()
            ) or 0
        case = services.case_take_over(
            actor=request.user,
            case_id=case.pk,
            seen_state=data.get("seen_state"),
            seen_teller=seen_teller,
            window=window,
        )
        return case_answer(request, case)


def act_views() -> dict[str, type[APIView]]:
    """One view class per act (so each has its own operation in the schema)."""
    views: dict[str, type[APIView]] = {
        name: type(f"Case{name.title().replace('-', '')}View", (CaseActView,), {"act": name})
        for name in ACTS
    }
    views[CONTINUE] = CaseContinueView
    return views


# --------------------------------------------------------------------------- search


class SearchView(APIView):
    """The one-hall search (case number, ID number, USCC, name, pinyin initials), within
    what the caller may read, grouped; a search by ID number is audited as on the page."""

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True)],
        responses={200: s.SearchAnswer, **ERRORS},
    )
    def get(self, request):
        body = s.SearchInput(data=request.query_params)
        body.is_valid(raise_exception=True)
        query = body.validated_data["q"].strip()
        groups, _exact = services.search_recorded(actor=request.user, query=query, via="api")
        answer: dict = {"query": query, "cases": [], "persons": [], "employers": []}
        for group in groups:
            if group.key in answer:
                answer[group.key] = [
                    {"label": h.label, "detail": h.detail, "url": h.url, "exact": h.exact}
                    for h in group.hits
                ]
        return Response(s.SearchAnswer(answer).data)


# --------------------------------------------------------------------------- audit


class AuditPage(CursorPage):
    ordering = ("-at", "-pk")


class AuditListView(generics.ListAPIView):
    """The audit log of the caller's hall, newest first (auditors and the hall admin): the
    auditor's desk's entries and filters (``auditlog.entries_visible_to``,
    ``auditlog.filter_entries``); ``action`` ending in "." is a prefix (``case.``)."""

    serializer_class = s.AuditEntryOut
    pagination_class = AuditPage

    def get_queryset(self):
        user = self.request.user
        if not permissions.can_read_audit(user):
            raise PermissionDenied(DENIED_AUDIT)
        body = s.AuditFilter(data=self.request.query_params)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        entries = auditlog.entries_visible_to(user)
        actor = None
        if data.get("actor"):
            actor = get_user_model().objects.filter(username=data["actor"]).first()
            if actor is None:
                return entries.none()
        return auditlog.filter_entries(
            entries,
            user=user,
            date_from=data.get("from"),
            date_to=data.get("to"),
            actor=actor,
            case_id=data.get("case"),
            action=data.get("action", ""),
        )

    @extend_schema(
        parameters=[s.AuditFilter], responses={200: s.AuditEntryOut(many=True), **ERRORS}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


__all__ = ["IsHallStaff"]
