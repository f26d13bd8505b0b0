"""The electronic case file under /api/v1/cases/{id}/: a checklist document's scanned pages
(list and multipart upload), one page's bytes and the whole case file as a PDF. Thin: the
same selectors and services as the case page (``selectors.document_pages``,
``services.case_pages_add``, ``services.case_page_open``, ``services.case_file_export``),
so the checks on a file (type by content, size, image bombs, active PDF content), the state
rules and the audit entries are theirs; a case the caller may not read is 404."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, renderers, serializers, status
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from counterhall import selectors, services
from counterhall.api.views import ERRORS, PROBLEM, case_for
from counterhall.models import Case, DocumentPage, PageType


class PageOut(serializers.Serializer):
    number = serializers.IntegerField()
    document = serializers.CharField(source="document_code")
    content_type = serializers.ChoiceField(choices=PageType.choices)
    size = serializers.IntegerField(help_text="bytes")
    sha256 = serializers.CharField()
    original_name = serializers.CharField()
    added_by = serializers.CharField(source="added_by.username")
    added_at = serializers.DateTimeField()
    reason = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, page) -> str:
        return reverse(
            "api-case-page",
            args=[page.case_id, page.document_code, page.number],
            request=self.context.get("request"),
        )


class PagesOut(serializers.Serializer):
    case = serializers.IntegerField()
    document = serializers.CharField()
    results = PageOut(many=True)


class PagesUpload(serializers.Serializer):
    """The multipart upload (for the schema: ``files`` are checked by the service)."""

    files = serializers.ListField(child=serializers.FileField(), help_text="one or more scans")
    reason = serializers.CharField(
        required=False, help_text="required once the case has been submitted"
    )
    seen_state = serializers.CharField(required=False)


class PagesUploadFields(serializers.Serializer):
    """What the view reads besides the files."""

    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    seen_state = serializers.CharField(required=False, allow_blank=True, max_length=40)


class AnyMediaRenderer(renderers.BaseRenderer):
    """Lets a client ask for the file's own type (``Accept: image/jpeg``): the file itself is
    an HttpResponse; an error is still JSON problem details."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return renderers.JSONRenderer().render(data, "application/json", renderer_context)


FILE_RENDERERS = [renderers.JSONRenderer, AnyMediaRenderer]


def _pages_answer(request, case: Case, code: str, rows, status_code=200) -> Response:
    data = {"case": case.pk, "document": code, "results": rows}
    return Response(PagesOut(data, context={"request": request}).data, status=status_code)


def _file_response(content: bytes, content_type: str, disposition: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    return response


class DocumentPagesView(APIView):
    """The scanned pages of one checklist document (in page order, whole: a case's pages
    are bounded by COUNTERHALL_CASE_PAGES_MAX_BYTES), and adding pages to it."""

    @extend_schema(operation_id="cases_documents_pages_list", responses={200: PagesOut, **ERRORS})
    def get(self, request, pk: int, code: str):
        case = case_for(request, pk)
        grouped = selectors.document_pages(case=case)
        if code not in grouped:
            raise exceptions.NotFound()
        return _pages_answer(request, case, code, grouped[code])

    @extend_schema(
        request={"multipart/form-data": PagesUpload},
        responses={201: PagesOut, 503: PROBLEM, **ERRORS},
    )
    def post(self, request, pk: int, code: str):
        case = case_for(request, pk)
        body = PagesUploadFields(data=request.data)
        body.is_valid(raise_exception=True)
        added = services.case_pages_add(
            actor=request.user,
            case_id=case.pk,
            document_code=code,
            files=request.FILES.getlist("files"),
            reason=body.validated_data.get("reason", ""),
            seen_state=body.validated_data.get("seen_state") or None,
        )
        return _pages_answer(request, case, code, added, status.HTTP_201_CREATED)


BINARY_PAGE = OpenApiResponse(OpenApiTypes.BINARY, description="the page as scanned")


class DocumentPageView(APIView):
    """One page's bytes with its content type; audited as the page view (``page.view``,
    via "api")."""

    renderer_classes = FILE_RENDERERS

    @extend_schema(
        operation_id="cases_documents_page_retrieve",
        responses={
            (200, PageType.JPEG.value): BINARY_PAGE,
            (200, PageType.PNG.value): BINARY_PAGE,
            (200, PageType.PDF.value): BINARY_PAGE,
            503: PROBLEM,
            **ERRORS,
        },
    )
    def get(self, request, pk: int, code: str, number: int):
        case = case_for(request, pk)
        page_id = (
            DocumentPage.objects.filter(case=case, document_code=code, number=number)
            .values_list("pk", flat=True)
            .first()
        )
        if page_id is None:
            raise exceptions.NotFound()
        page, content = services.case_page_open(actor=request.user, page_id=page_id, via="api")
        suffix = page.file_name.rsplit(".", 1)[-1]
        return _file_response(
            content,
            page.content_type,
            f'inline; filename="{page.document_code}-{page.number}.{suffix}"',
        )


class CaseFileView(APIView):
    """The case file as one PDF (application, figures, timeline, every page with its
    digest); audited as the service does (``case.casefile``)."""

    renderer_classes = FILE_RENDERERS

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="the case file"
            ),
            503: PROBLEM,
            **ERRORS,
        }
    )
    def get(self, request, pk: int):
        pdf = services.case_file_export(actor=request.user, case_id=pk)
        number = Case.objects.filter(pk=pk).values_list("number", flat=True).first() or pk
        return _file_response(
            pdf, "application/pdf", f'attachment; filename="casefile-{number}.pdf"'
        )
