from django.urls import path

from core.views import action_page

from . import views

app_name = "documents"
urlpatterns = [
    path(
        "upload/<int:content_type_id>/<int:subject_id>/",
        views.upload,
        name="upload",
    ),
    path("<int:pk>/", views.detail, name="detail"),
    path(
        "<int:pk>/versions/<int:number>/download/",
        views.download,
        name="download",
    ),
    path(
        "<int:pk>/new-version/",
        action_page("documents.add_document_version"),
        name="new_version",
    ),
    path("<int:pk>/withdraw/", action_page("documents.withdraw_document"), name="withdraw"),
]
