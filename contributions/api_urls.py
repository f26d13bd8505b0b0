from django.urls import path

from contributions import api

urlpatterns = [
    path("contribution/", api.ContributionView.as_view(), name="api-calc-contribution"),
    path("arrears/", api.ArrearsView.as_view(), name="api-calc-arrears"),
]
