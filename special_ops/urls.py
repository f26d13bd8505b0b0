from django.urls import path

from special_ops import views

app_name = "special_ops"

urlpatterns = [
    path(
        "cases/<int:pk>/abroad-notice/",
        views.AbroadNoticePrintView.as_view(),
        name="abroad-notice",
    ),
    path("payments/", views.PaymentListView.as_view(), name="payment-list"),
]
