from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("lists/", views.project_lists, name="lists"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
]
