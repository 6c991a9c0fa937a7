"""API authentication (browser session or bearer token), the current user and the
organisation directory."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from ninja import Query, Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from core.api import LIST_ERRORS, ErrorOut
from core.api_routes import Routes
from core.api_schemas import choice_label
from core.filters import apply

from .filters import OrganisationFilter
from .models import ApiToken, Organisation, User, token_digests
from .scoping import for_user, get_visible_or_404

# -- authentication ---------------------------------------------------------------------------


# A read must not write on every request (issue 17: an UPDATE per API call): the last use is
# recorded at most once per this interval, which is all an administrator needs to see.
LAST_USE_RESOLUTION = dt.timedelta(minutes=1)


def user_for_token(raw: str) -> User | None:
    """The active user behind a usable token, or None. Records when the token was last used
    (to the minute)."""
    if not raw.startswith(ApiToken.PREFIX):
        return None
    digests = token_digests(raw)
    token = ApiToken.objects.select_related("user").filter(key_hash__in=digests).first()
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    changes: dict[str, Any] = {}
    if token.key_hash != digests[0]:  # made before HMAC-SM3 or under a rotated key
        changes["key_hash"] = digests[0]
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        changes["last_used_at"] = now
    if changes:
        ApiToken.objects.filter(pk=token.pk).update(**changes)
    return token.user


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer gvt_…`` for machine clients. A bearer token that is wrong,
    revoked or expired is refused outright (401); it never falls back to the session."""

    def authenticate(self, request: Any, token: str) -> User:
        user = user_for_token(token.strip())
        if user is None:
            raise AuthenticationError()
        return user


class SessionAuth(NinjaSessionAuth):
    """Django's session for the browser; unsafe methods must pass the CSRF check.

    Without a session cookie there is no session to protect, so the CSRF check is skipped and
    the request simply is not authenticated by this method (and gets 401, not a CSRF 403)."""

    def _get_key(self, request: Any) -> str | None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)


# -- schemas ----------------------------------------------------------------------------------


class RoleOut(Schema):
    organisation_id: int
    organisation: str
    role: str
    role_label: str


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[RoleOut]


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    kind_label: str
    unit_category: str
    authority: str
    district_id: int | None
    division_code: str
    is_active: bool

    resolve_kind_label = choice_label("kind")


# -- routes -----------------------------------------------------------------------------------

router = Routes(tags=["账户与组织"])


@router.get("/me", summary="当前用户", response={200: MeOut, 401: ErrorOut})
def me(request: Any) -> dict[str, Any]:
    """当前用户：用户名、姓名及其在各组织中的有效角色。"""
    user = request.auth
    roles = [
        {
            "organisation_id": m.organisation_id,
            "organisation": m.organisation.name,
            "role": m.role,
            "role_label": str(m.get_role_display()),
        }
        for m in user.active_memberships()
    ]
    return {"username": user.username, "full_name": user.get_full_name(), "roles": roles}


@router.list("/organisations", OrganisationOut, "组织名录", errors=LIST_ERRORS)
def organisations(
    request: Any,
    filters: Query[OrganisationFilter.schema()],  # type: ignore[valid-type]
) -> QuerySet[Organisation]:
    """组织名录（建设单位、主管部门、咨询机构、监理单位、区县）。可按类型 ``kind`` 筛选，
    ``q`` 按名称、简称、统一社会信用代码或行政区划代码模糊查找，``members=none`` 只列尚无人员
    的组织。"""
    orgs = for_user(Organisation, request.auth).order_by("kind", "name", "pk")
    return apply(OrganisationFilter, request.GET, orgs).qs


@router.get(
    "/organisations/{organisation_id}",
    summary="组织详情",
    response={200: OrganisationOut, 401: ErrorOut, 404: ErrorOut},
)
def organisation(request: Any, organisation_id: int) -> Organisation:
    """一个组织的详情；不存在或无权查看均返回 404。"""
    return get_visible_or_404(Organisation, request.auth, pk=organisation_id)
