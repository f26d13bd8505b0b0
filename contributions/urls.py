from django.urls import path

from contributions import views

urlpatterns = [
    path("persons/<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("employers/<int:pk>/", views.EmployerDetailView.as_view(), name="employer-detail"),
]
