"""/api/v1/: the core's endpoints, the business apps' (string includes: the core imports no
app), the calculation previews, the OpenAPI schema and Swagger UI (vendored assets)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from counterhall.api import auditdesk, casefile, metrics, views, visits
from counterhall.api.acts import ALL_ACTS

ACT_VIEWS = views.act_views()

urlpatterns = [
    path("", views.RootView.as_view(), name="api-root"),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("auth/token/revoke/", views.TokenRevokeView.as_view(), name="api-token-revoke"),
    path("catalogue/", views.CatalogueListView.as_view(), name="api-catalogue"),
    path("catalogue/<str:code>/", views.CatalogueDetailView.as_view(), name="api-catalogue-type"),
    path("cases/", views.CaseListView.as_view(), name="api-cases"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="api-case"),
    *[
        path(f"cases/<int:pk>/{act}/", ACT_VIEWS[act].as_view(), name=f"api-case-{act}")
        for act in ALL_ACTS
    ],
    path(
        "cases/<int:pk>/documents/<slug:code>/pages/",
        casefile.DocumentPagesView.as_view(),
        name="api-case-pages",
    ),
    path(
        "cases/<int:pk>/documents/<slug:code>/pages/<int:number>/",
        casefile.DocumentPageView.as_view(),
        name="api-case-page",
    ),
    path("cases/<int:pk>/file.pdf", casefile.CaseFileView.as_view(), name="api-case-file"),
    path("search/", views.SearchView.as_view(), name="api-search"),
    path("audit/", views.AuditListView.as_view(), name="api-audit"),
    path("audit/verify/", auditdesk.AuditVerifyView.as_view(), name="api-audit-verify"),
    path("spot-checks/", auditdesk.SpotCheckListView.as_view(), name="api-spot-checks"),
    path("spot-checks/<int:pk>/", auditdesk.SpotCheckDetailView.as_view(), name="api-spot-check"),
    path(
        "spot-checks/<int:pk>/findings/<int:finding_id>/",
        auditdesk.FindingRecordView.as_view(),
        name="api-spot-check-finding",
    ),
    path("metrics/", metrics.MetricsView.as_view(), name="api-metrics"),
    path("tickets/", visits.TicketView.as_view(), name="api-tickets"),
    path("windows/<int:pk>/call-next/", visits.CallNextView.as_view(), name="api-call-next"),
    path("visits/<int:pk>/", visits.VisitDetailView.as_view(), name="api-visit"),
    *[
        path(f"visits/<int:pk>/{act}/", view.as_view(), name=f"api-visit-{act}")
        for act, view in visits.VISIT_ACTS.items()
    ],
    path("visits/<int:pk>/rating/", visits.VisitRatingView.as_view(), name="api-visit-rating"),
    path("bundles/", visits.BundleListView.as_view(), name="api-bundles"),
    path("calculations/", include("counterhall.api_urls")),
    path("", include("registration.api_urls")),
    path("", include("review.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
