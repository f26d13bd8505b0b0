from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from counterhall import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="counterhall/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cases/mine/", views.WorkListView.as_view(), name="case-worklist"),
    path("cases/new/", views.CaseOpenView.as_view(), name="case-open"),
    path("cases/new/subject/", views.SubjectLookupView.as_view(), name="case-open-subject"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases/find/", views.CaseFindView.as_view(), name="case-find"),
    path("hall/tellers/", views.HallTellersView.as_view(), name="hall-tellers"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:pk>/documents/", views.CaseDocumentsView.as_view(), name="case-documents"),
    path(
        "cases/<int:pk>/application/", views.CaseApplicationView.as_view(), name="case-application"
    ),
    path(
        "cases/<int:pk>/receive-deferred/",
        views.CaseReceiveDeferredView.as_view(),
        name="case-receive-deferred",
    ),
    path("cases/<int:pk>/preview/", views.CasePreviewView.as_view(), name="case-preview"),
    path("cases/<int:pk>/state/", views.CaseStateView.as_view(), name="case-state"),
    path("cases/<int:pk>/take-over/", views.CaseTakeOverView.as_view(), name="case-take-over"),
    path("cases/<int:pk>/print/<str:kind>/", views.CasePrintView.as_view(), name="case-print"),
    path("cases/<int:pk>/pages/", views.CasePagesAddView.as_view(), name="case-pages-add"),
    path(
        "cases/<int:pk>/pages/<int:page_id>/remove/",
        views.CasePageRemoveView.as_view(),
        name="case-page-remove",
    ),
    path("cases/pages/<int:page_id>/", views.case_page, name="case-page"),
    path("cases/<int:pk>/casefile/", views.case_file, name="case-file"),
    path("cases/<int:pk>/<slug:action>/", views.CaseActionView.as_view(), name="case-action"),
    path("cases/number/<str:number>/", views.case_by_number, name="case-by-number"),
    path("api/v1/", include("counterhall.api.urls")),
    path("audit/", include("counterhall.auditdesk_urls")),
    path("", include("counterhall.visit_urls")),
    path("", include("counterhall.bundle_urls")),
    path("", include("counterhall.efficiency_urls")),
    path("review/", include("review.urls")),
    path("transfers/", include("transfers.urls")),
    path("special/", include("special_ops.urls")),
    path("", include("contributions.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "counterhall.api.problems.bad_request"
handler404 = "counterhall.api.problems.page_not_found"
handler500 = "counterhall.api.problems.server_error"

admin.site.site_header = "counterhall"
admin.site.site_title = "counterhall"
