from django.urls import path

from transfers import preview, views

app_name = "transfers"

urlpatterns = [
    path("cases/<int:pk>/preview/", preview.CasePreviewView.as_view(), name="preview"),
    path(
        "cases/<int:pk>/certificate/",
        views.CertificatePrintView.as_view(),
        name="certificate",
    ),
]
