from django.urls import path

from registration import api

urlpatterns = [
    path("employers/", api.EmployerListView.as_view(), name="api-employers"),
    path("persons/", api.PersonListView.as_view(), name="api-persons"),
]
