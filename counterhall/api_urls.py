"""/api/v1/calculations/: the business apps' calculation endpoints, one include per app."""

from django.urls import include, path

urlpatterns = [
    path("", include("contributions.api_urls")),
    path("", include("benefits.api_urls")),
    path("", include("transfers.api_urls")),
    path("", include("special_ops.api_urls")),
]
