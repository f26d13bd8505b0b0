from django.urls import path

from counterhall import efficiency_views as views

urlpatterns = [
    path("efficiency/", views.DashboardView.as_view(), name="efficiency"),
    path(
        "efficiency/before-after/",
        views.BeforeAfterView.as_view(),
        name="efficiency-before-after",
    ),
    path(
        "efficiency/before-after/export.<str:fmt>",
        views.BeforeAfterExportView.as_view(),
        name="efficiency-export",
    ),
    path("efficiency/visits/", views.VisitListView.as_view(), name="efficiency-visits"),
]
