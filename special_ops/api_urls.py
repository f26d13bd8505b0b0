from django.urls import path

from special_ops import api

urlpatterns = [
    path("survivor/", api.SurvivorPreviewApi.as_view(), name="api-calc-survivor"),
]
