"""API plumbing shared by every app (one error format, exact decimals, Swagger UI without a
CDN) and the audit-ledger endpoint."""

import json
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import ninja
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import DataError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import get_token
from django.template import engines
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, Router, Schema, pagination
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase
from ninja.pagination import paginate
from ninja.parser import Parser

from .api_schemas import choice_label
from .contracts import error_field, error_message
from .enums import ActionCode
from .errors import ActionBlocked, ActionError, ActionForbidden, ActionInvalid
from .listing import bounded_count
from .models import LedgerEvent
from .scoping import for_user

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
#: the highest page number a list accepts: (page - 1) × page size must stay a 64-bit offset
MAX_PAGE = 1_000_000_000
MAX_OFFSET = MAX_PAGE * MAX_PAGE_SIZE


# -- one error format: {"code", "message", "findings"} ---------------------------------------


class ErrorOut(Schema):
    """Every error of the API has this shape; some add ``errors``, ``details`` or ``decision_id``."""

    code: str = Field(..., examples=["blocked"])
    message: str = Field(..., examples=["操作被第九条的规定阻止，请查看下列原因并按提示处理。"])
    findings: list[dict[str, Any]] = Field(default_factory=list)


#: the error answers every chapter's API declares: reading, and acting
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ACT_ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
#: a list that hangs from no object (nothing to be missing): no 404
LIST_ERRORS = {401: ErrorOut, 422: ErrorOut}
#: every list's page size (``PageNumberPagination``)
PAGINATION = {"page_size": settings.GOVIT_PAGE_SIZE, "max_page_size": MAX_PAGE_SIZE}


class FindingOut(Schema):
    """One finding of a rule (``Finding.as_dict()``): what blocks or warns, under which article,
    and how to put it right. One class for every operation, so the document has one component."""

    rule_id: str
    article: str
    severity: str
    title: str
    message: str
    remedy: str
    facts: dict[str, Any]


HTTP_ERRORS = {
    400: ("bad_request", "请求格式有误，请检查请求体是否为有效的 JSON。"),
    401: ("unauthenticated", "请先登录或提供有效的接口令牌。"),
    403: ("forbidden", "无权执行此操作。"),
    404: ("not_found", "对象不存在或无权查看。"),
    405: ("method_not_allowed", "不支持该请求方法。"),
    429: ("throttled", "请求过于频繁，请稍后再试。"),
}
CSRF_FAILED = ("csrf_failed", "CSRF 校验失败，请刷新页面后重试。")
OUT_OF_RANGE = ("out_of_range", "请求中的数字过大，超出了允许的范围，请检查编号等数值。")
BAD_MULTIPART = (
    "bad_request",
    "上传请求的格式有误：请以 multipart/form-data（含 boundary）上传文件。",
)
UNKNOWN_PATH = ("not_found", "接口地址不存在，请检查地址和编号（全部接口见 /api/docs）。")
#: PostgreSQL's SQLSTATE for "numeric value out of range" (a number beyond bigint)
NUMERIC_OUT_OF_RANGE = "22003"


def validation_message(error: dict[str, Any]) -> str:
    return error_message(error)


def validation_field(error: dict[str, Any]) -> str:
    return error_field(error)


def error_body(
    code: str, message: str, findings: Iterable[dict[str, Any]] = (), **extra: Any
) -> dict[str, Any]:
    return {"code": code, "message": str(message), "findings": list(findings), **extra}


def finding_dict(finding: Any) -> dict[str, Any]:
    """Findings travel as plain dicts (``Finding.as_dict()`` or a stored decision's dict)."""
    found: dict[str, Any] = finding.as_dict() if hasattr(finding, "as_dict") else dict(finding)
    return found


def register_error_handlers(api: ninja.NinjaAPI) -> None:
    """Turn every error the API can meet into the one JSON format, in Chinese."""

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
        if isinstance(exc, ActionForbidden):
            # missing and forbidden look the same: the body of a 404, never a reason
            return not_found(request, exc)
        extra: dict[str, Any] = {}
        if isinstance(exc, ActionInvalid):
            extra["errors"] = {k: str(v) for k, v in exc.errors.items()}
        if isinstance(exc, ActionBlocked) and exc.decision is not None:
            extra["decision_id"] = str(exc.decision.pk)
        findings = [finding_dict(f) for f in exc.findings]
        return respond(
            request, exc.http_status, error_body(exc.code, exc.message, findings, **extra)
        )

    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        # the same ``errors`` map of field -> Chinese message as the actions' 422, and the
        # details with their messages in Chinese (type and loc stay for programs)
        details = [{**e, "msg": validation_message(e)} for e in exc.errors]
        errors: dict[str, str] = {}
        for e in details:
            errors.setdefault(validation_field(e), e["msg"])
        body = error_body("invalid", "请求参数有误", details=details, errors=errors)
        return respond(request, 422, body)

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 404, error_body(*HTTP_ERRORS[404]))

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(request, 401, error_body(*HTTP_ERRORS[401]))
        response["WWW-Authenticate"] = 'Bearer realm="govit"'
        return response

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, error_body(*HTTP_ERRORS[403]))

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code, message = HTTP_ERRORS.get(exc.status_code, ("http_error", exc.message))
        if exc.status_code == 403 and "CSRF" in exc.message:
            code, message = CSRF_FAILED
        return respond(request, exc.status_code, error_body(code, message))

    def overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        # an id or a page beyond 64 bits: SQLite cannot bind it (OverflowError), PostgreSQL
        # refuses it as out of range (below); either way the client's number, not the server
        return respond(request, 400, error_body(*OUT_OF_RANGE))

    def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        if getattr(exc.__cause__, "sqlstate", None) == NUMERIC_OUT_OF_RANGE:
            return overflow(request, OverflowError(str(exc)))
        return server_error(request, exc)

    def bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return respond(request, 400, error_body(*BAD_MULTIPART))

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API 请求处理失败：%s %s", request.method, request.path)
        return respond(request, 500, error_body("server_error", "服务器内部错误，请稍后重试。"))

    # Callable[..., ...]: ninja types a handler's second argument as "the exception or its
    # class", which no handler above accepts; ninja passes the exception
    handlers: dict[type[Exception], Callable[..., HttpResponse]] = {
        ActionError: action_error,
        NinjaValidationError: validation_error,
        Http404: not_found,
        ObjectDoesNotExist: not_found,
        AuthenticationError: unauthenticated,
        PermissionDenied: forbidden,
        HttpError: http_error,
        OverflowError: overflow,
        DataError: data_error,
        MultiPartParserError: bad_multipart,
        Exception: server_error,
    }
    for exc_class, handler in handlers.items():
        api.add_exception_handler(exc_class, handler)


@csrf_exempt  # nothing to protect: it answers 404 to every method, and a POST must not get 403
def unknown_api_path(request: HttpRequest) -> HttpResponse:
    """Any address under /api/ that no operation answers (or whose id is not a number): the one
    error format in JSON, not Django's HTML page. ``govit/urls.py`` routes it after the API."""
    return JsonResponse(error_body(*UNKNOWN_PATH), status=404)


# -- page numbers within 64 bits -------------------------------------------------------------


class PageNumberPagination(pagination.PageNumberPagination):
    """Ninja's page-number pagination with the page number bounded (and the bound documented):
    a page beyond 64 bits made an OFFSET the database refuses (a 500); now it is a 422 with the
    usual Chinese message. Every list of the API paginates with this class."""

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="匹配的条数；超过精确计数上限时为该上限")
        count_exact: bool = Field(
            True, description="count 是否为精确总数；为 false 时实际条数多于 count，请逐页读取"
        )

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)
        limit: int | None = Field(
            None,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"每页条数（同 page_size，至多 {MAX_PAGE_SIZE}）",
        )
        offset: int | None = Field(
            None, ge=0, le=MAX_OFFSET, description="跳过的条数；给出时代替 page"
        )

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        """``limit``/``offset`` as clients of other APIs send them, or ``page``/``page_size``;
        the size is capped at MAX_PAGE_SIZE either way."""
        size = self._get_page_size(pagination.limit or pagination.page_size)
        offset = (
            pagination.offset if pagination.offset is not None else (pagination.page - 1) * size
        )
        count, exact = (
            bounded_count(queryset)
            if isinstance(queryset, QuerySet)
            else (self._items_count(queryset), True)
        )
        return {
            self.items_attribute: queryset[offset : offset + size],
            "count": count,
            "count_exact": exact,
        }


# -- exact decimals in request bodies -----------------------------------------------------------


class DecimalJSONParser(Parser):
    """Parse JSON numbers with a fraction as Decimal, so that money never passes through float."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(request.body, parse_float=Decimal)
        return body


# -- Swagger UI from the assets shipped inside django-ninja (no CDN) --------------------------

NINJA_STATIC = Path(ninja.__file__).resolve().parent / "static" / "ninja"
DOCS_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.svg": "image/svg+xml",
    "favicon.png": "image/png",
}
DOCS_PAGE_ASSETS = {
    "css": "swagger-ui.css",
    "favicon": "favicon.svg",
    "bundle": "swagger-ui-bundle.js",
    "init": "swagger-ui-init.js",
}
DOCS_PAGE = """<!DOCTYPE html>
<html lang="zh-hans">
<head>
  <meta charset="utf-8">
  <title>{{ title }}</title>
  <link rel="stylesheet" href="{{ assets.css }}">
  <link rel="icon" href="{{ assets.favicon }}" type="image/svg+xml">
</head>
<body data-csrf-token="{{ csrf_token }}" data-api-csrf="true">
  {{ swagger_settings|json_script:"swagger-settings" }}
  <div id="swagger-ui"></div>
  <script src="{{ assets.bundle }}"></script>
  <script src="{{ assets.init }}"></script>
</body>
</html>"""


class LocalSwagger(DocsBase):
    """Ninja's Swagger page, but its CSS/JS come from this API (``docs/assets/…``) rather than
    from a CDN or from ``{% static %}`` (ninja is not an installed app, so it has no static)."""

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        self.settings = {"layout": "BaseLayout", "deepLinking": True, **(settings or {})}

    def render_page(self, request: HttpRequest, api: ninja.NinjaAPI, **kwargs: Any) -> HttpResponse:
        context = {
            "title": api.title,
            "csrf_token": get_token(request),
            "swagger_settings": {**self.settings, "url": self.get_openapi_url(api, kwargs)},
            "assets": {
                key: reverse(f"{api.urls_namespace}:docs_asset", kwargs={"name": name})
                for key, name in DOCS_PAGE_ASSETS.items()
            },
        }
        html = engines["django"].from_string(DOCS_PAGE).render(context)
        return HttpResponse(html)


# -- routes ---------------------------------------------------------------------------------------

router = Router(tags=["审计日志"])


@router.get("/docs/assets/{name}", auth=None, include_in_schema=False, url_name="docs_asset")
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """One file of the Swagger UI bundled with django-ninja (whitelisted names only)."""
    if name not in DOCS_ASSETS:
        raise Http404
    response = FileResponse((NINJA_STATIC / name).open("rb"), content_type=DOCS_ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response


class LedgerEventOut(Schema):
    seq: int
    occurred_at: datetime
    actor_name: str
    action: str
    action_label: str
    object_type: str
    object_id: str
    object_repr: str
    organisation_id: int | None
    from_state: str
    to_state: str
    reason: str
    policy_version: str
    decision_id: UUID | None
    hash: str
    prev_hash: str

    resolve_action_label = choice_label("action")


@router.get(
    "/ledger",
    summary="审计日志",
    response={200: list[LedgerEventOut], **LIST_ERRORS},
)
@paginate(PageNumberPagination, **PAGINATION)
def ledger(request: Any, action: ActionCode | None = None) -> QuerySet[LedgerEvent]:
    """审计日志（SM3 哈希链），最新在前；只含当前用户可见的事件（本单位事件与本人操作，
    审计人员和系统管理员可见全部）。可按 ``action`` 事件代码筛选。"""
    events = for_user(LedgerEvent, request.auth).order_by("-seq")
    if action:
        events = events.filter(action=action)
    return events
