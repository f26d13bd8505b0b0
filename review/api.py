"""The reviewer's and the signers' endpoints (/api/v1/review/, /signoff/, /delegations/):
thin views over review.services and review.selectors, with the pages' checks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from counterhall import permissions
from counterhall.api import BoundedInput
from counterhall.api.views import ERRORS, CursorPage, case_answer
from counterhall.models import DELEGABLE_ROLES
from counterhall.roles import Role, has_role, own_roles
from review import selectors, services

# --------------------------------------------------------------------------- take next


class TakeNextView(APIView):
    """Claim the head of the caller's review queue: the case, or 204 when it is empty."""

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(description="the case claimed (as GET /cases/{id}/)"),
            204: OpenApiResponse(description="the queue is empty"),
            **ERRORS,
        },
    )
    def post(self, request):
        case = services.case_take_next(actor=request.user)
        if case is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return case_answer(request, case)


# --------------------------------------------------------------------------- sign-off


def require_signer(user) -> None:
    if not has_role(user, Role.LEADER, Role.FINANCE):
        raise PermissionDenied(permissions.DENIED_SIGNOFF)


class SignoffRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    business_type = serializers.CharField()
    payee = serializers.CharField()
    amount = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    persons = serializers.IntegerField(allow_null=True)
    months = serializers.IntegerField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class TotalsOut(serializers.Serializer):
    cases = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=20, decimal_places=2)
    persons = serializers.IntegerField()
    months = serializers.IntegerField()


class SignoffGroupOut(serializers.Serializer):
    business_type = serializers.CharField()
    name = serializers.CharField()
    cases = SignoffRowOut(many=True)
    totals = TotalsOut()


class SignoffOut(serializers.Serializer):
    cutoff = serializers.DateTimeField(allow_null=True)
    case_ids = serializers.ListField(child=serializers.IntegerField())
    groups = SignoffGroupOut(many=True)
    totals = TotalsOut()
    later = SignoffRowOut(many=True, help_text="arrived after the sign-off time: next session")


def _row(row) -> dict:
    case = row.case
    return {
        "id": case.pk,
        "number": case.number,
        "business_type": case.business_type.code,
        "payee": row.payee,
        "amount": row.figures.amount,
        "persons": row.figures.persons,
        "months": row.figures.months,
        "decided_at": case.decided_at,
    }


def _totals(t) -> dict:
    return {"cases": t.cases, "amount": t.amount, "persons": t.persons, "months": t.months}


class SignoffView(APIView):
    """The caller's sign-off batch (集中签批): this session's cases by business type with
    key figures and totals, and those for the next session."""

    @extend_schema(responses={200: SignoffOut, **ERRORS})
    def get(self, request):
        require_signer(request.user)
        session = selectors.signoff_session(user=request.user)
        body = {
            "cutoff": session.cutoff,
            "case_ids": session.case_ids,
            "groups": [
                {
                    "business_type": g.business_type.code,
                    "name": g.business_type.name,
                    "cases": [_row(r) for r in g.rows],
                    "totals": _totals(g.totals),
                }
                for g in session.groups
            ],
            "totals": _totals(session.totals),
            "later": [_row(r) for r in session.later],
        }
        return Response(SignoffOut(body).data)


class ExclusionIn(serializers.Serializer):
    case_id = serializers.IntegerField(min_value=1, max_value=2**62)
    reason = serializers.CharField(max_length=1000)


class SignIn(serializers.Serializer):
    case_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), max_length=5000
    )
    exclude = ExclusionIn(many=True, required=False, max_length=5000)


class SignResultOut(serializers.Serializer):
    case_id = serializers.IntegerField()
    number = serializers.CharField(allow_blank=True)
    result = serializers.ChoiceField(choices=["signed", "held", "changed"])


class SignOut(serializers.Serializer):
    at = serializers.DateTimeField()
    results = SignResultOut(many=True)


class SignoffSignView(APIView):
    """Sign the batch: every case of ``case_ids`` the caller's role still needs, holding the
    excluded ones with their reasons; per case: signed, held, or changed (someone else
    acted on it meanwhile: left as it was)."""

    @extend_schema(request=SignIn, responses={200: SignOut, **ERRORS})
    def post(self, request):
        require_signer(request.user)
        body = SignIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        exclusions = {e["case_id"]: e["reason"] for e in data.get("exclude", [])}
        result = services.signoff_sign_batch(
            actor=request.user, case_ids=data["case_ids"], exclusions=exclusions
        )
        results = [
            {"case_id": c.pk, "number": c.number or "", "result": kind}
            for kind, cases in (
                ("signed", result.signed),
                ("held", result.held),
                ("changed", result.changed),
            )
            for c in cases
        ]
        return Response(SignOut({"at": result.at, "results": results}).data)


# --------------------------------------------------------------------------- delegations


class DelegationOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    role = serializers.CharField()
    principal = serializers.CharField(source="principal.username")
    delegate = serializers.CharField(source="delegate.username")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    ended_at = serializers.DateTimeField(allow_null=True)
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)


class DelegationIn(BoundedInput):
    principal = serializers.CharField(
        max_length=150, required=False, help_text="username (default: the caller)"
    )
    delegate = serializers.CharField(max_length=150, help_text="username")
    role = serializers.ChoiceField(choices=[(r.value, r.label) for r in DELEGABLE_ROLES])
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


def require_delegating(user) -> None:
    if not (own_roles(user) & {*DELEGABLE_ROLES, Role.HALL_ADMIN}):
        raise PermissionDenied(permissions.DENIED_NOT_HALL_ADMIN)


class DelegationListView(generics.ListCreateAPIView):
    """The delegations the caller gives or receives (the hall's, for its admin); POST sets
    one (委托代理)."""

    serializer_class = DelegationOut
    pagination_class = CursorPage

    def get_queryset(self):
        require_delegating(self.request.user)
        return selectors.delegations_for(user=self.request.user)

    @extend_schema(request=DelegationIn, responses={201: DelegationOut, **ERRORS})
    def post(self, request, *args, **kwargs):
        require_delegating(request.user)
        body = DelegationIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        staff = selectors.hall_staff(user=request.user)
        people = {}
        for key in ("principal", "delegate"):
            username = data.get(key) or request.user.get_username()
            people[key] = staff.filter(username=username).first()
            if people[key] is None:
                raise exceptions.ValidationError({key: [_("本大厅没有此工作人员。")]})
        delegation = services.delegation_create(
            actor=request.user,
            principal=people["principal"],
            delegate=people["delegate"],
            role=data["role"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )
        return Response(DelegationOut(delegation).data, status=status.HTTP_201_CREATED)


class DelegationEndView(APIView):
    """End a delegation now (the principal, the delegate or the hall admin)."""

    @extend_schema(request=None, responses={200: DelegationOut, **ERRORS})
    def post(self, request, pk: int):
        require_delegating(request.user)
        if not selectors.delegations_for(user=request.user).filter(pk=pk).exists():
            raise exceptions.NotFound()
        delegation = services.delegation_end(actor=request.user, delegation_id=pk)
        return Response(DelegationOut(delegation).data)
