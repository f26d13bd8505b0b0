"""Lookups of master data for other systems: ``GET /api/v1/employers/?uscc=…`` and
``GET /api/v1/persons/?id_number=…``, within the caller's reach
(``permissions.subjects_visible_to``: the hall's region, less the subjects of special cases
the caller may not read), numbers masked (``counterhall.pii``). ``?reveal=1`` shows them
whole to a role that may see them (``permissions.can_reveal_subject_numbers``), each time
recorded in the audit log (``pii.view``); a lookup by ID number is recorded as on the intake page
(``person.lookup``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from counterhall import permissions, services
from counterhall.api.views import ERRORS, CursorPage
from counterhall.pii import mask_account, mask_resident_id
from registration.models import Employer, InsuredPerson
from registration.validators import normalize_uscc


class RevealMixin:
    """``reveal``: numbers shown whole (the view checked the right and recorded the view)."""

    def reveal(self) -> bool:
        return bool(self.context.get("reveal"))  # type: ignore[attr-defined]


class EmployerOut(RevealMixin, serializers.ModelSerializer):
    bank_account = serializers.SerializerMethodField()

    class Meta:
        model = Employer
        fields = (
            "id",
            "uscc",
            "name",
            "address",
            "legal_representative",
            "injury_class",
            "bank_account",
            "bank_name",
            "region",
            "status",
            "registered_on",
            "deregistered_on",
        )

    def get_bank_account(self, obj) -> str:
        return obj.bank_account if self.reveal() else mask_account(obj.bank_account)


class PersonOut(RevealMixin, serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = InsuredPerson
        fields = (
            "id",
            "id_number",
            "name",
            "sex",
            "birth_date",
            "phone",
            "address",
            "retirement_category",
            "work_start",
            "region",
            "status",
        )

    def get_id_number(self, obj) -> str:
        return obj.id_number if self.reveal() else mask_resident_id(obj.id_number)

    def get_phone(self, obj) -> str:
        return obj.phone if self.reveal() else mask_account(obj.phone)


class EmployerQuery(serializers.Serializer):
    uscc = serializers.CharField(max_length=18, min_length=18)
    reveal = serializers.BooleanField(required=False, default=False)


class PersonQuery(serializers.Serializer):
    id_number = serializers.RegexField(
        r"^([0-9]{15}|[0-9]{17}[0-9Xx])$",
        error_messages={"invalid": _("请输入 15 或 18 位身份证号码。")},
    )
    reveal = serializers.BooleanField(required=False, default=False)


class SubjectPage(CursorPage):
    ordering = ("pk",)


class SubjectListView(generics.ListAPIView):
    query_class: type[serializers.Serializer]
    pagination_class = SubjectPage

    def query(self) -> dict:
        if not hasattr(self, "_query"):
            body = self.query_class(data=self.request.query_params)
            body.is_valid(raise_exception=True)
            if body.validated_data["reveal"] and not permissions.can_reveal_subject_numbers(
                self.request.user
            ):
                raise PermissionDenied(permissions.DENIED_REVEAL_SUBJECT)
            self._query = body.validated_data
        return self._query

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "reveal": self.query()["reveal"]}

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if self.query()["reveal"]:
            for subject in page or []:
                services.pii_view_record(actor=self.request.user, subject=subject, via="api")
        return page


class EmployerListView(SubjectListView):
    """Employers by USCC within the caller's reach; the bank account masked."""

    serializer_class = EmployerOut
    query_class = EmployerQuery

    def get_queryset(self):
        uscc = normalize_uscc(self.query()["uscc"])
        return permissions.subjects_visible_to(
            self.request.user, Employer.objects.filter(uscc=uscc)
        )

    @extend_schema(parameters=[EmployerQuery], responses={200: EmployerOut(many=True), **ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PersonListView(SubjectListView):
    """Insured persons by ID number within the caller's reach; the number masked. Every
    lookup is in the audit log (``person.lookup``), as at intake."""

    serializer_class = PersonOut
    query_class = PersonQuery

    def get_queryset(self):
        number = self.query()["id_number"].upper()
        return permissions.subjects_visible_to(
            self.request.user, InsuredPerson.objects.filter(id_number=number)
        )

    @extend_schema(parameters=[PersonQuery], responses={200: PersonOut(many=True), **ERRORS})
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        number = self.query()["id_number"].upper()
        found = list(self.get_queryset()[:5])
        for person in found or [None]:
            services.person_lookup_record(
                actor=request.user, person=person, id_masked=mask_resident_id(number), via="api"
            )
        return response
