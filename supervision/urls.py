from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import navigation

from . import views
from .authorities import REQUESTERS, UNIT

app_name = "supervision"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("sanctions/", views.sanction_list, name="sanctions"),
    path("sanctions/<int:pk>/", views.sanction_detail, name="sanction_detail"),
    path("audit-findings/", views.audit_list, name="audits"),
    path("audit-findings/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("violations/", views.violation_list, name="violations"),
    path("violations/<int:pk>/", views.violation_detail, name="violation_detail"),
    path("notices/", views.public_notices, name="public_notices"),
    path("notices/<str:kind>/<int:pk>/", views.notice, name="notice"),
    path("units/", views.units, name="units"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("projects/<int:pk>/", views.project, name="project"),
]

GROUP = _("监督管理")
WATCHERS = [*REQUESTERS, *UNIT, Role.PLATFORM_ADMIN]
navigation.register(
    _("监督管理工作台"), "supervision:workspace", roles=WATCHERS, order=70, group=GROUP
)
navigation.register(_("整改通知"), "supervision:orders", roles=WATCHERS, order=71, group=GROUP)
navigation.register(
    _("资料提供要求"), "supervision:requests", roles=WATCHERS, order=72, group=GROUP
)
navigation.register(_("处理决定"), "supervision:sanctions", roles=WATCHERS, order=73, group=GROUP)
navigation.register(_("审计发现"), "supervision:audits", roles=WATCHERS, order=74, group=GROUP)
navigation.register(
    _("违规行为登记"),
    "supervision:violations",
    roles=[*REQUESTERS, *UNIT, Role.PLATFORM_ADMIN],
    order=75,
    group=GROUP,
)
navigation.register(_("通报批评"), "supervision:public_notices", order=76, group=GROUP)
