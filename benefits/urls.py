from django.urls import path

from benefits import preview

app_name = "benefits"

urlpatterns = [
    path("cases/<int:pk>/preview/", preview.CasePreviewView.as_view(), name="preview"),
]
