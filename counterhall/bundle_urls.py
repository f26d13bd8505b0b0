from django.urls import path

from counterhall import bundle_views as views

urlpatterns = [
    path("bundles/open/", views.BundleOpenView.as_view(), name="bundle-open"),
    path("bundles/<int:pk>/", views.BundleDetailView.as_view(), name="bundle-detail"),
    path(
        "bundles/<int:pk>/print/<str:kind>/", views.BundlePrintView.as_view(), name="bundle-print"
    ),
]
