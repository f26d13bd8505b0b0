from django.urls import path

from review import views

app_name = "review"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("live/", views.QueueLiveView.as_view(), name="queue-live"),
    path("take-next/", views.TakeNextView.as_view(), name="take-next"),
    path("signoff/", views.SignoffSessionView.as_view(), name="signoff"),
    path("delegations/", views.DelegationView.as_view(), name="delegations"),
    path("signoff/sheet/", views.BatchSheetView.as_view(), name="signoff-sheet"),
    path("cases/<int:pk>/", views.ReviewCaseView.as_view(), name="case"),
    path(
        "cases/<int:pk>/<slug:decision>/",
        views.ReviewDecisionView.as_view(),
        name="decision",
    ),
]
