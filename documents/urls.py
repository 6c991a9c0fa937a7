from django.urls import path

from core.urlpaths import action_path

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
    action_path("<int:pk>/new-version/", "documents.add_document_version", name="new_version"),
    action_path("<int:pk>/withdraw/", "documents.withdraw_document", name="withdraw"),
]
