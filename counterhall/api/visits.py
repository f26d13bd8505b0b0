"""The applicant's visit under /api/v1/: the entrance's ticket, the window's call (叫号 and
重呼, 过号, 转窗, 开始办理, 办理结束), one visit with its times, cases and rating, the
rating (好差评) and the bundle catalogue (一件事). Thin: ``counterhall.visit_services`` and
``visit_selectors`` (the pages' own), with their permission checks.

Conventions (docs/api.md): call-next answers 204 when nobody waits (as review take-next);
an act the visit's state does not allow — a second call while serving, 过号 before the
hall's number of calls, a rating of a visit not served or already rated — is a 409; a
visit the caller may not read is a 404. Bundles are taken in on the page: the API shows a
visit's bundle intakes with their cases (no intake endpoint: a case's application is not
editable through the API after creation)."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from counterhall import permissions, visit_selectors, visit_services
from counterhall.api.views import ERRORS, CursorPage
from counterhall.models import (
    Bundle,
    BundleIntake,
    BundleItem,
    Case,
    RatingGrade,
    RequiredDocument,
    Visit,
    VisitCategory,
    VisitStatus,
    Window,
)
from counterhall.pii import mask_name, mask_resident_id


class Conflict(exceptions.APIException):
    """An act the visit's current state does not allow (problem details, 409)."""

    status_code = status.HTTP_409_CONFLICT


@contextmanager
def state_conflicts():
    """A visit service's refusal without a field (``ALREADY_SERVING``, ``NO_SHOW_TOO_EARLY``,
    ``RATING_NOT_SERVED``, ``RATING_TWICE`` …) is about the visit's state: 409 with its
    sentence; a field's error stays a 400 at the field."""
    try:
        yield
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise Conflict(exc.messages[0]) from None


# --------------------------------------------------------------------------- bodies


class TicketIn(serializers.Serializer):
    category = serializers.ChoiceField(choices=VisitCategory.choices)
    priority = serializers.BooleanField(
        required=False, default=False, help_text="appointment or priority (老弱病残孕)"
    )
    applicant_name = serializers.CharField(max_length=100, required=False, allow_blank=True)


class TicketOut(serializers.Serializer):
    visit = serializers.IntegerField(source="pk")
    hall = serializers.CharField(source="hall.code")
    ticket = serializers.CharField()
    number = serializers.IntegerField()
    category = serializers.ChoiceField(choices=VisitCategory.choices)
    category_display = serializers.CharField(source="get_category_display")
    priority = serializers.BooleanField()
    waiting_ahead = serializers.SerializerMethodField(
        help_text="tickets of the queue called before it"
    )
    issued_at = serializers.DateTimeField()

    def get_waiting_ahead(self, visit) -> int:
        return visit_selectors.waiting_ahead(visit)


class RecallIn(serializers.Serializer):
    seen_calls = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=1000,
        help_text="the number of calls the caller saw: if the visit was recalled since, 409",
    )


class TransferIn(serializers.Serializer):
    to_window = serializers.IntegerField(
        min_value=1, max_value=9999, help_text="number of a window of the hall, of the same kind"
    )
    reason = serializers.CharField(max_length=200)
    seen_status = serializers.ChoiceField(
        choices=[VisitStatus.CALLED, VisitStatus.SERVING], required=False
    )


class RatingIn(serializers.Serializer):
    grade = serializers.ChoiceField(
        choices=RatingGrade.choices,
        required=False,
        allow_null=True,
        help_text="5 非常满意 … 1 非常不满意; omit with declined",
    )
    declined = serializers.BooleanField(required=False, default=False, help_text="不评价")
    reasons = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=10
    )
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True)


class RectificationOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    deadline = serializers.DateField()
    closed = serializers.BooleanField(source="is_closed")
    overdue = serializers.BooleanField(source="is_overdue")
    callback_at = serializers.DateTimeField(allow_null=True)


class RatingOut(serializers.Serializer):
    grade = serializers.IntegerField(allow_null=True)
    grade_display = serializers.CharField(source="get_grade_display", allow_null=True)
    declined = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    comment = serializers.CharField()
    rated_at = serializers.DateTimeField()
    teller = serializers.CharField(source="teller.username")
    rectification = serializers.SerializerMethodField(
        help_text="整改 opened by a poor grade (不满意, 非常不满意), else null"
    )

    @extend_schema_field(RectificationOut(allow_null=True))
    def get_rectification(self, rating) -> dict | None:
        item = getattr(rating, "rectification", None)
        return RectificationOut(item).data if item is not None else None


class VisitCaseOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    business_type = serializers.CharField(source="business_type.code")
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")


class BundleIntakeOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    bundle = serializers.CharField(source="bundle.code")
    bundle_name = serializers.CharField(source="bundle.name")
    cases = VisitCaseOut(many=True, help_text="the cases of the intake the caller may read")


class PersonRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    id_number = serializers.CharField()


class EmployerRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    uscc = serializers.CharField()


class ApplicantOut(serializers.Serializer):
    name = serializers.CharField()
    person = PersonRef(allow_null=True)
    employer = EmployerRef(allow_null=True)


OUTCOMES = [VisitStatus.SERVED, VisitStatus.NO_SHOW, "transferred"]


class VisitOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    hall = serializers.CharField(source="hall.code")
    day = serializers.DateField()
    ticket = serializers.CharField()
    category = serializers.ChoiceField(choices=VisitCategory.choices)
    priority = serializers.BooleanField()
    status = serializers.ChoiceField(choices=VisitStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    calls = serializers.IntegerField()
    issued_at = serializers.DateTimeField()
    called_at = serializers.DateTimeField(allow_null=True)
    last_called_at = serializers.DateTimeField(allow_null=True)
    service_started_at = serializers.DateTimeField(allow_null=True)
    service_ended_at = serializers.DateTimeField(allow_null=True)
    wait_seconds = serializers.IntegerField(allow_null=True)
    service_seconds = serializers.IntegerField(allow_null=True)
    window = serializers.IntegerField(source="window.number", allow_null=True, default=None)
    transferred_from = serializers.IntegerField(
        source="transferred_from.number", allow_null=True, default=None
    )
    transfer_reason = serializers.CharField()
    teller = serializers.CharField(source="teller.username", allow_null=True, default=None)
    outcome = serializers.SerializerMethodField(
        help_text="served, no_show, transferred (waiting for another window) or null (open)"
    )
    applicant = serializers.SerializerMethodField(help_text="name and ID number masked")
    cases = serializers.SerializerMethodField(help_text="opened or continued in the visit")
    bundle_intakes = serializers.SerializerMethodField()
    rating = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=OUTCOMES, allow_null=True))
    def get_outcome(self, visit) -> str | None:
        if visit.status in (VisitStatus.SERVED, VisitStatus.NO_SHOW):
            return visit.status
        if visit.status == VisitStatus.WAITING and visit.transferred_from_id:
            return "transferred"
        return None

    @extend_schema_field(ApplicantOut)
    def get_applicant(self, visit) -> dict:
        person = visit.person
        employer = visit.employer
        return {
            "name": mask_name(visit.applicant_name),
            "person": {
                "id": person.pk,
                "name": mask_name(person.name),
                "id_number": mask_resident_id(person.id_number),
            }
            if person is not None
            else None,
            "employer": {"id": employer.pk, "name": employer.name, "uscc": employer.uscc}
            if employer is not None
            else None,
        }

    def _visible(self, cases) -> list:
        readable = self.context["readable_cases"]
        return [c for c in cases if c.pk in readable]

    @extend_schema_field(VisitCaseOut(many=True))
    def get_cases(self, visit) -> list[dict]:
        return list(VisitCaseOut(self._visible(visit.cases.all()), many=True).data)

    @extend_schema_field(BundleIntakeOut(many=True))
    def get_bundle_intakes(self, visit) -> list[dict]:
        return [
            BundleIntakeOut(
                {
                    "pk": intake.pk,
                    "bundle": intake.bundle,
                    "cases": self._visible(intake.cases.all()),
                }
            ).data
            for intake in visit.bundle_intakes.all()
        ]

    @extend_schema_field(RatingOut(allow_null=True))
    def get_rating(self, visit) -> dict | None:
        rating = getattr(visit, "rating", None)
        return RatingOut(rating).data if rating is not None else None


class BundleDocumentOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    business_types = serializers.ListField(child=serializers.CharField())


class BundleTypeOut(serializers.Serializer):
    code = serializers.CharField(source="business_type.code")
    name = serializers.CharField(source="business_type.name")
    is_special = serializers.BooleanField(source="business_type.is_special")
    optional = serializers.BooleanField()
    condition = serializers.CharField()


class BundleOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    business_types = BundleTypeOut(many=True, source="items.all")
    documents = serializers.SerializerMethodField(
        help_text="the merged checklist: each document once, with the types that need it"
    )
    shared_fields = serializers.ListField(child=serializers.CharField())

    @extend_schema_field(BundleDocumentOut(many=True))
    def get_documents(self, bundle) -> list[dict]:
        rows: dict[str, dict] = {}
        for item in bundle.items.all():
            for doc in item.business_type.documents.all():
                row = rows.setdefault(
                    doc.code, {"code": doc.code, "name": doc.name, "business_types": []}
                )
                row["business_types"].append(item.business_type.code)
        return list(BundleDocumentOut(list(rows.values()), many=True).data)


# --------------------------------------------------------------------------- reads


def visit_for(request, pk: int) -> Visit:
    """A visit the caller may read (``permissions.can_read_visit``), else 404."""
    visit = (
        Visit.objects.select_related(
            "hall", "window", "transferred_from", "teller", "person", "employer"
        )
        .filter(pk=pk)
        .first()
    )
    if visit is None or not permissions.can_read_visit(visit, request.user):
        raise Http404
    return visit


def visit_answer(request, visit: Visit, status_code: int = 200) -> Response:
    """The visit with its cases, bundle intakes and rating in a fixed number of queries."""
    cases = Case.objects.select_related("business_type").order_by("pk")
    visit = (
        Visit.objects.select_related(
            "hall", "window", "transferred_from", "teller", "person", "employer"
        )
        .prefetch_related(
            Prefetch("cases", queryset=cases),
            Prefetch(
                "bundle_intakes",
                queryset=BundleIntake.objects.select_related("bundle")
                .prefetch_related(Prefetch("cases", queryset=cases))
                .order_by("pk"),
            ),
        )
        .get(pk=visit.pk)
    )
    rating = getattr(visit, "rating", None)  # select_related cannot follow a missing reverse
    if rating is not None:
        rating = type(rating).objects.select_related("teller", "rectification").get(pk=rating.pk)
        visit.rating = rating
    ids = {c.pk for c in visit.cases.all()}
    for intake in visit.bundle_intakes.all():
        ids |= {c.pk for c in intake.cases.all()}
    readable = set(
        permissions.cases_visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    data = VisitOut(visit, context={"request": request, "readable_cases": readable}).data
    return Response(data, status=status_code)


class VisitDetailView(APIView):
    """One visit: its times (ticket, call, service start and end), window, teller, outcome,
    the applicant (masked), the cases opened or continued in it, its bundle intakes and its
    rating."""

    @extend_schema(responses={200: VisitOut, **ERRORS})
    def get(self, request, pk: int):
        return visit_answer(request, visit_for(request, pk))


# --------------------------------------------------------------------------- the entrance


class TicketView(APIView):
    """取号: a ticket of the caller's hall (the guide's desk, a teller, the hall admin)."""

    @extend_schema(request=TicketIn, responses={201: TicketOut, **ERRORS})
    def post(self, request):
        body = TicketIn(data=request.data)
        body.is_valid(raise_exception=True)
        hall = permissions.user_hall(request.user)
        if hall is None:
            raise PermissionDenied(permissions.DENIED_TICKETS)
        visit = visit_services.visit_issue(
            actor=request.user,
            hall=hall,
            category=body.validated_data["category"],
            priority=body.validated_data["priority"],
            applicant_name=body.validated_data.get("applicant_name", ""),
        )
        return Response(TicketOut(visit).data, status=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------- the window


def own_window(request, number: int) -> Window:
    """The caller's window numbered so in their hall; 403 when they do not work there."""
    window = (
        permissions.windows_for(request.user)
        .filter(hall_id=permissions.user_hall_id(request.user) or 0, number=number)
        .first()
    )
    if window is None:
        raise PermissionDenied(permissions.DENIED_WINDOW)
    return window


class CallNextView(APIView):
    """叫号: the head of the queues the window serves (priority first, then the oldest
    ticket) is called to it; 204 when nobody waits (当前无人等候); 409 while the caller
    has a ticket called or in service. ``{id}``: the window's number in the caller's hall."""

    @extend_schema(
        request=None,
        responses={
            200: VisitOut,
            204: OpenApiResponse(description="当前无人等候: the queue is empty"),
            **ERRORS,
        },
    )
    def post(self, request, pk: int):
        window = own_window(request, pk)
        current = visit_services.current_visit(request.user)
        if current is not None:
            raise Conflict(visit_services.ALREADY_SERVING % {"ticket": current.ticket})
        try:
            with state_conflicts():
                visit = visit_services.visit_call(actor=request.user, window=window)
        except Conflict as exc:
            if str(exc.detail) == str(visit_services.QUEUE_EMPTY):
                return Response(status=status.HTTP_204_NO_CONTENT)
            raise
        return visit_answer(request, visit)


def acting_visit(request, pk: int) -> Visit:
    """A visit for the window's acts: readable by the caller, else 404 (the service checks
    it is theirs: 403)."""
    return visit_for(request, pk)


class VisitActView(APIView):
    """One act of the window on the caller's called or serving visit."""

    act = ""

    def perform(self, request, visit: Visit) -> None:
        raise NotImplementedError

    @extend_schema(request=None, responses={200: VisitOut, **ERRORS})
    def post(self, request, pk: int):
        visit = acting_visit(request, pk)
        with state_conflicts():
            self.perform(request, visit)
        return visit_answer(request, visit)


class VisitRecallView(VisitActView):
    """重呼: call the ticket again (``seen_calls``: the calls the caller saw)."""

    @extend_schema(request=RecallIn, responses={200: VisitOut, **ERRORS})
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, visit):
        body = RecallIn(data=request.data)
        body.is_valid(raise_exception=True)
        visit_services.visit_recall(
            actor=request.user, visit_id=visit.pk, seen_calls=body.validated_data.get("seen_calls")
        )


class VisitNoShowView(VisitActView):
    """过号: after the hall's number of calls (a dated parameter) the visit ends a no-show."""

    def perform(self, request, visit):
        visit_services.visit_no_show(actor=request.user, visit_id=visit.pk)


class VisitStartView(VisitActView):
    """开始办理: the applicant is at the window (opening a case starts it too)."""

    def perform(self, request, visit):
        visit_services.visit_start(actor=request.user, visit_id=visit.pk)


class VisitEndView(VisitActView):
    """办理结束: the visit is served; it may now be rated."""

    def perform(self, request, visit):
        visit_services.visit_end(actor=request.user, visit_id=visit.pk)


class VisitTransferView(VisitActView):
    """转窗: the ticket waits for another window of its kind, first in its queue."""

    @extend_schema(request=TransferIn, responses={200: VisitOut, **ERRORS})
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, visit):
        body = TransferIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        to_window = Window.objects.filter(hall_id=visit.hall_id, number=data["to_window"]).first()
        if to_window is None:
            raise exceptions.ValidationError({"to_window": [visit_services.TRANSFER_SAME_WINDOW]})
        visit_services.visit_transfer(
            actor=request.user,
            visit_id=visit.pk,
            seen_status=data.get("seen_status"),
            to_window=to_window,
            reason=data["reason"],
        )


# --------------------------------------------------------------------------- the rating


class VisitRatingView(APIView):
    """好差评 for the applicant: five grades with reasons and a comment, or declined; once,
    for a served visit only (409 otherwise). 不满意 and 非常不满意 open a rectification
    item (整改) with its deadline, as the window's tablet does."""

    @extend_schema(request=RatingIn, responses={201: RatingOut, **ERRORS})
    def post(self, request, pk: int):
        visit = visit_for(request, pk)
        if not permissions.can_record_rating(request.user, visit.hall):
            raise PermissionDenied(permissions.DENIED_RATING)
        body = RatingIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with state_conflicts():
            rating = visit_services.visit_rate(
                actor=request.user,
                visit_id=visit.pk,
                grade=data.get("grade"),
                declined=data["declined"],
                reasons=data.get("reasons", []),
                comment=data.get("comment", ""),
            )
        rating = type(rating).objects.select_related("teller", "rectification").get(pk=rating.pk)
        return Response(RatingOut(rating).data, status=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------- bundles


class BundlePage(CursorPage):
    ordering = ("position", "code")


class BundleListView(generics.ListAPIView):
    """一件事: the active bundles with their business types and their merged documents
    checklist (each document once, with the types that need it)."""

    serializer_class = BundleOut
    pagination_class = BundlePage

    def get_queryset(self):
        documents = RequiredDocument.objects.order_by("position", "code")
        items = (
            BundleItem.objects.select_related("business_type")
            .prefetch_related(Prefetch("business_type__documents", queryset=documents))
            .order_by("position", "pk")
        )
        return Bundle.objects.filter(active=True).prefetch_related(
            Prefetch("items", queryset=items)
        )


VISIT_ACTS: dict[str, type[APIView]] = {
    "recall": VisitRecallView,
    "no-show": VisitNoShowView,
    "start": VisitStartView,
    "end": VisitEndView,
    "transfer": VisitTransferView,
}
