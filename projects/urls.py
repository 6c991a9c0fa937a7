from django.urls import path

from . import views
from .urls_registry import urlpatterns as registry_urlpatterns

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:pk>/", views.project_detail, name="detail"),
    *registry_urlpatterns,
]
