"""/audit/: the auditor's desk (counterhall.auditdesk)."""

from django.urls import path

from counterhall import auditdesk

urlpatterns = [
    path("", auditdesk.AuditLogView.as_view(), name="audit-log"),
    path("export.csv", auditdesk.AuditExportView.as_view(), name="audit-export"),
    path("cases/<int:pk>/", auditdesk.AuditCaseView.as_view(), name="audit-case"),
    path("pii-views/", auditdesk.PiiViewsView.as_view(), name="audit-pii-views"),
    path("samples/", auditdesk.SampleListView.as_view(), name="audit-samples"),
    path("samples/<int:pk>/", auditdesk.SampleDetailView.as_view(), name="audit-sample"),
    path("samples/<int:pk>/print/", auditdesk.SamplePrintView.as_view(), name="audit-sample-print"),
    path(
        "samples/<int:pk>/export.csv",
        auditdesk.SampleExportView.as_view(),
        name="audit-sample-export",
    ),
    path("findings/<int:pk>/", auditdesk.FindingView.as_view(), name="audit-finding"),
    path("reveal/cases/<int:pk>/", auditdesk.CaseRevealView.as_view(), name="audit-reveal"),
]
