from django.urls import path

from transfers import api

urlpatterns = [
    path("transfer/", api.TransferPreviewApi.as_view(), name="api-calc-transfer"),
]
