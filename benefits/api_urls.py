from django.urls import path

from benefits import api

urlpatterns = [
    path("retirement/", api.RetirementPreviewApi.as_view(), name="api-calc-retirement"),
    path("pension/", api.PensionPreviewApi.as_view(), name="api-calc-pension"),
    path("unemployment/", api.UnemploymentPreviewApi.as_view(), name="api-calc-unemployment"),
]
