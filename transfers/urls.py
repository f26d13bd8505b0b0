from django.urls import path

from transfers import views

app_name = "transfers"

urlpatterns = [
    path(
        "cases/<int:pk>/certificate/",
        views.CertificatePrintView.as_view(),
        name="certificate",
    ),
]
