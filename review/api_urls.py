from django.urls import path

from review import api

urlpatterns = [
    path("review/take-next/", api.TakeNextView.as_view(), name="api-review-take-next"),
    path("signoff/", api.SignoffView.as_view(), name="api-signoff"),
    path("signoff/sign/", api.SignoffSignView.as_view(), name="api-signoff-sign"),
    path("delegations/", api.DelegationListView.as_view(), name="api-delegations"),
    path("delegations/<int:pk>/end/", api.DelegationEndView.as_view(), name="api-delegation-end"),
]
