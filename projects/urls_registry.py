"""URLs of the project list versions, cross-department frameworks, classified stubs and the
lifecycle table (included into ``projects.urls`` under the same namespace)."""

from django.urls import path

from . import views_registry as views

urlpatterns = [
    path("lists/", views.project_lists, name="lists"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
]
