"""The auditor's desk under /api/v1/: spot checks (list, draw, one sample with its
findings, a finding's verdict) and the audit log's last verification with its seal head.
Thin: ``counterhall.spotchecks`` (``samples_visible_to``, ``sample_draw``,
``finding_record``: the auditor rule and "took part in the case" are theirs) and
``counterhall.audit`` (``last_verification``, ``last_verified_seal``, ``exported_head``);
reading is for auditors and the hall admin, as the desk (``permissions.can_read_audit``)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from counterhall import audit, permissions, spotchecks
from counterhall.api.views import ERRORS, CursorPage
from counterhall.auditdesk import DENIED_AUDIT
from counterhall.models import BusinessType, FindingVerdict

# --------------------------------------------------------------------------- spot checks


class FindingOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    case = serializers.IntegerField(source="case_id")
    case_number = serializers.CharField(source="case.number")
    business_type = serializers.CharField(source="case.business_type.code")
    reason = serializers.ChoiceField(choices=list(spotchecks.REASONS))
    verdict = serializers.ChoiceField(choices=FindingVerdict.choices)
    rule_broken = serializers.CharField()
    note = serializers.CharField()
    judged_by = serializers.CharField(source="judged_by.username", allow_null=True, default=None)
    judged_at = serializers.DateTimeField(allow_null=True)


class SampleOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    drawn_by = serializers.CharField(source="drawn_by.username")
    drawn_at = serializers.DateTimeField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    rules = serializers.JSONField(help_text="percentages per type, amount_over, monthly_cap")
    seed = serializers.IntegerField()
    population = serializers.IntegerField(help_text="completed cases the sample was drawn from")
    cases = serializers.IntegerField(source="finding_count", help_text="cases drawn")


class SampleDetailOut(SampleOut):
    findings = FindingOut(many=True)


class SampleDraw(serializers.Serializer):
    """The draw's rules, as on the desk's page: completion dates (hall dates), a percentage
    per business type, every case above an amount, at most so many per month, a seed to
    repeat a draw."""

    date_from = serializers.DateField()
    date_to = serializers.DateField()
    percentages = serializers.DictField(
        child=serializers.DecimalField(
            max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("100")
        ),
        required=False,
        help_text="business type code → percent (0.01–100)",
    )
    amount_over = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True
    )
    monthly_cap = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    seed = serializers.IntegerField(min_value=0, max_value=2**62, required=False, allow_null=True)

    def validate_percentages(self, value):
        known = set(
            BusinessType.objects.filter(active=True, code__in=list(value)).values_list(
                "code", flat=True
            )
        )
        unknown = sorted(set(value) - known)
        if unknown:
            raise serializers.ValidationError(
                _("没有此业务类型：%(codes)s。") % {"codes": "、".join(unknown)}
            )
        return value


class FindingInput(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=[FindingVerdict.IN_ORDER, FindingVerdict.PROBLEM])
    rule_broken = serializers.CharField(required=False, allow_blank=True, max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


def _readable_samples(request):
    if not permissions.can_read_audit(request.user):
        raise PermissionDenied(DENIED_AUDIT)
    return spotchecks.samples_visible_to(request.user).annotate(finding_count=Count("findings"))


def _sample_answer(request, sample_id: int, status_code: int = 200) -> Response:
    sample = generics.get_object_or_404(_readable_samples(request), pk=sample_id)
    data = dict(SampleOut(sample).data)
    data["findings"] = FindingOut(spotchecks.sample_findings(sample), many=True).data
    return Response(data, status=status_code)


class SamplePage(CursorPage):
    ordering = ("-drawn_at", "-pk")


class SpotCheckListView(generics.ListAPIView):
    """The hall's spot-check samples, newest first (auditors and the hall admin), and
    drawing a new one (auditors of the hall who did not work on the cases drawn)."""

    serializer_class = SampleOut
    pagination_class = SamplePage

    def get_queryset(self):
        return _readable_samples(self.request)

    @extend_schema(responses={200: SampleOut(many=True), **ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=SampleDraw, responses={201: SampleDetailOut, **ERRORS})
    def post(self, request, *args, **kwargs):
        if not permissions.can_spot_check(request.user):
            raise PermissionDenied(permissions.DENIED_NOT_AUDITOR)
        body = SampleDraw(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        sample = spotchecks.sample_draw(
            actor=request.user,
            date_from=data["date_from"],
            date_to=data["date_to"],
            percentages=dict(data.get("percentages") or {}),
            amount_over=data.get("amount_over"),
            monthly_cap=data.get("monthly_cap"),
            seed=data.get("seed"),
        )
        return _sample_answer(request, sample.pk, status.HTTP_201_CREATED)


class SpotCheckDetailView(APIView):
    """One sample: its rules, seed and every finding."""

    @extend_schema(responses={200: SampleDetailOut, **ERRORS})
    def get(self, request, pk: int):
        return _sample_answer(request, pk)


class FindingRecordView(APIView):
    """The auditor's verdict on one sampled case: ``in_order``, or ``problem`` with the rule
    broken (``spotchecks.finding_record``: 403 for an auditor who worked on the case)."""

    @extend_schema(request=FindingInput, responses={200: FindingOut, **ERRORS})
    def post(self, request, pk: int, finding_id: int):
        sample = generics.get_object_or_404(_readable_samples(request), pk=pk)
        if not sample.findings.filter(pk=finding_id).exists():
            raise exceptions.NotFound()
        body = FindingInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        finding = spotchecks.finding_record(
            actor=request.user,
            finding_id=finding_id,
            verdict=data["verdict"],
            rule_broken=data.get("rule_broken", ""),
            note=data.get("note", ""),
        )
        finding = spotchecks.sample_findings(sample).get(pk=finding.pk)
        return Response(FindingOut(finding).data)


# --------------------------------------------------------------------------- verification


class VerificationOut(serializers.Serializer):
    at = serializers.DateTimeField()
    result = serializers.CharField(help_text='"intact": only a successful run is recorded')
    full = serializers.BooleanField(help_text="from the first entry, else incremental")
    seal = serializers.IntegerField(allow_null=True, help_text="the last seal checked")
    last_seq = serializers.IntegerField(allow_null=True, help_text="the chain position reached")
    digest = serializers.CharField()
    entries = serializers.IntegerField(allow_null=True, help_text="entries checked")
    still_valid = serializers.BooleanField(
        help_text="the seal reached is still there, unchanged (the next run starts after it)"
    )


class HeadOut(serializers.Serializer):
    seal = serializers.IntegerField(source="seal_id", allow_null=True)
    last_seq = serializers.IntegerField()
    last_entry = serializers.IntegerField(source="last_entry_id")
    digest = serializers.CharField()
    sealed_at = serializers.DateTimeField()
    exported = serializers.BooleanField(
        help_text="from the export file (COUNTERHALL_AUDIT_EXPORT), else the latest seal"
    )


class VerifyOut(serializers.Serializer):
    last_verification = VerificationOut(allow_null=True)
    head = HeadOut(allow_null=True)


class AuditVerifyView(APIView):
    """The audit log's last successful verification (``manage.py audit_verify``: its
    ``audit.verify`` entry) and the seal head (the exported head when configured, else the
    latest seal): auditors and the hall admin."""

    @extend_schema(responses={200: VerifyOut, **ERRORS})
    def get(self, request):
        if not permissions.can_read_audit(request.user):
            raise PermissionDenied(DENIED_AUDIT)
        entry = audit.last_verification()
        verification = None
        if entry is not None:
            after = entry.after if isinstance(entry.after, dict) else {}
            verification = {
                "at": entry.at,
                "result": "intact",
                "full": bool(after.get("full")),
                "seal": after.get("seal"),
                "last_seq": after.get("last_seq"),
                "digest": after.get("digest") or "",
                "entries": after.get("entries"),
                "still_valid": audit.last_verified_seal() is not None,
            }
        head = audit.exported_head()
        return Response(VerifyOut({"last_verification": verification, "head": head}).data)
