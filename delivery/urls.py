from django.urls import path

from . import views

app_name = "delivery"

urlpatterns = [
    path("projects/<int:pk>/", views.project_delivery, name="project"),
    path("calendar/", views.calendar, name="calendar"),
]
