from django.urls import path

from counterhall import visit_views as views

urlpatterns = [
    path("visits/tickets/", views.TicketIssueView.as_view(), name="visit-tickets"),
    path("visits/<int:pk>/slip/", views.TicketSlipView.as_view(), name="visit-slip"),
    path("visits/call/", views.VisitCallView.as_view(), name="visit-call"),
    path("visits/panel/", views.CallPanelView.as_view(), name="visit-panel"),
    path("visits/<int:pk>/transfer/", views.VisitTransferView.as_view(), name="visit-transfer"),
    path(
        "visits/<int:pk>/<slug:act>/",
        views.VisitActView.as_view(),
        name="visit-act",
    ),
    path(
        "visits/rectifications/",
        views.RectificationListView.as_view(),
        name="visit-rectifications",
    ),
    path("hall/<str:code>/display/", views.HallDisplayView.as_view(), name="hall-display"),
    path(
        "hall/<str:code>/windows/<int:number>/rate/",
        views.RatingTabletView.as_view(),
        name="visit-rate",
    ),
]
