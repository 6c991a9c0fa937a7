from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import job_views, navigation, notification_views, views

app_name = "core"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("notifications/", notification_views.notifications, name="notifications"),
    path(
        "notifications/<int:pk>/read/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/",
        notification_views.notifications_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/read-group/",
        notification_views.notifications_read_group,
        name="notifications_read_group",
    ),
    path(
        "notifications/settings/",
        notification_views.notification_settings,
        name="notification_settings",
    ),
    path("jobs/", job_views.job_list, name="jobs"),
    path("jobs/<int:pk>/", job_views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", job_views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/download/", job_views.job_download, name="job_download"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/<int:seq>/", views.ledger_event, name="ledger_event"),
    path("verify/", views.verify_page, name="verify"),
    path("act/<str:name>/", views.act, name="act_new"),
    path("act/<str:name>/<int:pk>/", views.act, name="act"),
]

navigation.register(_("工作台"), "core:workbench", order=0)
# the ledger's menu entry is registered by accounts, which owns the roles that read it
