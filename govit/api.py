"""The JSON API under /api/ (OpenAPI at /api/openapi.json, Swagger UI at /api/docs).

Browsers authenticate with their session (CSRF-checked for unsafe methods), machine clients
with ``Authorization: Bearer gvt_…``. Every error answers {"code", "message", "findings"}.
"""

from ninja import NinjaAPI

from accounts.api import ApiTokenAuth, SessionAuth
from accounts.api import router as accounts_router
from catalog.api import router as catalog_router
from core.api import DecimalJSONParser, LocalSwagger, register_error_handlers
from core.api import router as core_router
from core.api_actions import build_router as action_router
from delivery.api import router as delivery_router
from evidence.api import router as evidence_router
from investment.api import router as investment_router
from planning.api import router as planning_router
from policy.api import router as policy_router
from projects.api import router as projects_router
from reports.api import router as reports_router
from supervision.api import router as supervision_router

api = NinjaAPI(
    title="govit API",
    version="1",
    description="重庆市市级政务信息化项目管理平台接口。浏览器使用登录会话，"
    "机器客户端使用 `Authorization: Bearer gvt_…` 接口令牌。",
    urls_namespace="api",
    auth=[ApiTokenAuth(), SessionAuth()],
    parser=DecimalJSONParser(),
    docs=LocalSwagger(),
)
register_error_handlers(api)

api.add_router("", accounts_router)
api.add_router("", core_router)
api.add_router("", policy_router)
api.add_router("/planning", planning_router)
api.add_router("/projects", projects_router)
api.add_router("/investment", investment_router)
api.add_router("/delivery", delivery_router)
api.add_router("/catalog", catalog_router)
api.add_router("/reports", reports_router)
api.add_router("/supervision", supervision_router)
api.add_router("/evidence", evidence_router)
api.add_router("", action_router())
