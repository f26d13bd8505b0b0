"""What the core's endpoints read and answer. Reads only: every write goes through a service
(counterhall.services, review.services) from the view."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from counterhall.api import BoundedInput
from counterhall.models import CaseState
from counterhall.pii import mask_value


def mask_tree(key: str, value):
    """An application payload with every ID and bank account number masked, however deep."""
    if isinstance(value, dict):
        return {k: mask_tree(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_tree(key, v) for v in value]
    return mask_value(key, value)


# --------------------------------------------------------------------------- auth


class TokenRequest(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenAnswer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField()


class TokenRevokeRequest(serializers.Serializer):
    username = serializers.CharField(
        max_length=150, required=False, help_text="whose token (default: the caller's own)"
    )


class TokenRevokeAnswer(serializers.Serializer):
    username = serializers.CharField()
    revoked = serializers.BooleanField()


# --------------------------------------------------------------------------- catalogue


class RequiredDocumentOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    deferrable = serializers.BooleanField()


class BusinessTypeOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    category = serializers.CharField()
    is_special = serializers.BooleanField()
    completion_mode = serializers.CharField()
    limit_days = serializers.IntegerField(allow_null=True)
    signoff_roles = serializers.ListField(child=serializers.CharField())
    served = serializers.BooleanField(help_text="a handler exists: cases of it can be opened")
    required_documents = RequiredDocumentOut(many=True)
    form = serializers.DictField(
        allow_null=True, help_text="JSON Schema of the application payload (null: not served)"
    )


# --------------------------------------------------------------------------- cases


class SignatureOut(serializers.Serializer):
    role = serializers.CharField()
    signer = serializers.CharField(source="signer.username")
    acting_for = serializers.CharField(source="acting_for.username", allow_null=True, default=None)
    signed_at = serializers.DateTimeField()


class CaseSummary(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    state = serializers.ChoiceField(choices=CaseState.choices)
    state_display = serializers.CharField(source="get_state_display")
    business_type = serializers.CharField(source="business_type.code")
    business_type_name = serializers.CharField(source="business_type.name")
    is_special = serializers.BooleanField(source="business_type.is_special")
    hall = serializers.CharField(source="hall.code")
    window = serializers.IntegerField(source="window.number")
    teller = serializers.CharField(source="teller.username", allow_null=True, default=None)
    reviewer = serializers.CharField(source="reviewer.username", allow_null=True, default=None)
    applicant_name = serializers.CharField()
    is_immediate = serializers.BooleanField()
    promised_deadline = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class CaseOut(CaseSummary):
    employer = serializers.IntegerField(source="employer_id", allow_null=True)
    person = serializers.IntegerField(source="person_id", allow_null=True)
    payload = serializers.SerializerMethodField(help_text="ID and account numbers masked")
    figures = serializers.JSONField()
    documents = serializers.JSONField()
    documents_due = serializers.DateField(allow_null=True)
    missing_notice = serializers.JSONField(allow_null=True)
    applicant_visits = serializers.SerializerMethodField(
        help_text="到厅次数: the visits the case was opened or continued in"
    )
    visits = serializers.SerializerMethodField(help_text="ids of those visits (GET /visits/{id}/)")
    round_trips = serializers.IntegerField()
    signoff_roles = serializers.ListField(child=serializers.CharField())
    signatures = SignatureOut(many=True, source="signatures.all")
    return_reasons = serializers.ListField(child=serializers.CharField())
    decision_note = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    claimed_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    transitions = serializers.SerializerMethodField(
        help_text="the acts (POST /cases/{id}/{act}/) the caller may take now"
    )

    @extend_schema_field(serializers.DictField())
    def get_payload(self, case) -> dict:
        return mask_tree("", case.payload or {})

    @extend_schema_field(serializers.IntegerField())
    def get_applicant_visits(self, case) -> int:
        return len(self.get_visits(case))

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_visits(self, case) -> list[int]:
        return sorted(v.pk for v in case.visits.all())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_transitions(self, case) -> list[str]:
        from counterhall.api.acts import available_acts

        return available_acts(case, self.context["request"].user)


class DeferredIn(BoundedInput):
    code = serializers.CharField(max_length=40)
    due = serializers.DateField()


class CaseCreate(BoundedInput):
    business_type = serializers.CharField(max_length=8, help_text="catalogue code, e.g. REG01")
    window = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=9999,
        help_text="the number of one of the caller's windows (default: their first of the kind)",
    )
    applicant_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    payload = serializers.DictField(
        required=False, help_text="the application (see the type's `form` in the catalogue)"
    )
    documents_received = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=100
    )
    deferred = DeferredIn(many=True, required=False, max_length=100)  # type: ignore[call-arg]
    visit = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="the visit (ticket) the caller has called or is serving: the case joins it",
    )


class DateRange(serializers.Serializer):
    """The query parameters ``from`` and ``to`` (hall dates; "from" is a Python keyword, so
    the fields are renamed in get_fields)."""

    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("date_from")
        fields["to"] = fields.pop("date_to")
        return fields


class CaseListFilter(DateRange):
    state = serializers.ChoiceField(choices=CaseState.choices, required=False)
    business_type = serializers.CharField(max_length=8, required=False)
    teller = serializers.CharField(max_length=150, required=False, help_text="username")
    window = serializers.IntegerField(required=False, min_value=1, max_value=9999)


class ActInput(serializers.Serializer):
    seen_state = serializers.ChoiceField(
        choices=CaseState.choices,
        required=False,
        help_text="the state the caller saw: if the case moved since, 409",
    )
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    reasons = serializers.ListField(
        child=serializers.CharField(max_length=1000), required=False, max_length=50
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def reason_list(self) -> list[str]:
        data = self.validated_data
        return [*data.get("reasons", []), *([data["reason"]] if data.get("reason") else [])]


class ContinueInput(serializers.Serializer):
    seen_state = serializers.ChoiceField(choices=CaseState.choices, required=False)
    seen_teller = serializers.CharField(
        max_length=150, required=False, help_text="username of the teller the caller saw"
    )
    window = serializers.IntegerField(
        required=False, min_value=1, max_value=9999, help_text="number of the caller's window"
    )


# --------------------------------------------------------------------------- search, audit


class SearchHitOut(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    detail = serializers.CharField()
    url = serializers.CharField()
    exact = serializers.BooleanField()


class SearchAnswer(serializers.Serializer):
    query = serializers.CharField()
    cases = SearchHitOut(many=True)
    persons = SearchHitOut(many=True)
    employers = SearchHitOut(many=True)


class SearchInput(serializers.Serializer):
    q = serializers.CharField(
        min_length=2, max_length=50, error_messages={"required": _("请输入查询内容。")}
    )


class AuditEntryOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_name")
    hall = serializers.IntegerField(source="hall_id", allow_null=True)
    action = serializers.CharField()
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    target_label = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    note = serializers.CharField()
    digest = serializers.CharField()


class AuditFilter(DateRange):
    case = serializers.IntegerField(required=False, min_value=1)
    actor = serializers.CharField(max_length=150, required=False, help_text="username")
    action = serializers.CharField(max_length=60, required=False)
