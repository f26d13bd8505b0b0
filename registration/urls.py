from django.urls import path

from registration import views

app_name = "registration"

urlpatterns = [
    path("cases/<int:pk>/preview/", views.CasePreviewView.as_view(), name="preview"),
]
