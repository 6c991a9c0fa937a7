"""Peers of the project list API, served beside the platform only when benchmarking
(``bench.settings``): the same work written by hand, and a bare JSON view.

``project_list_by_hand`` does what ``GET /api/projects/?year=…`` does — the same bearer token
check (the token's HMAC-SM3 digests, usable, user active), the same visibility (the user's
memberships, then one WHERE of the same conditions, written as SQL), the same filter, an exact
count and one page of 20 newest first with the same fields — in plain SQL and ``json.dumps``,
without Ninja, pydantic or the ORM. The platform's API is measured against it.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from accounts.models import token_digests
from accounts.roles import UNIT_ROLES, Role
from accounts.visibility import EVERYTHING_READERS
from projects.models import ApprovalPath, ProjectKind, ProjectState
from projects.visibility import PROJECT_READER_ROLES

KIND = dict(ProjectKind.choices)
STATE = dict(ProjectState.choices)
PATH = dict(ApprovalPath.choices)
PAGE = 20
WAN = Decimal("10000")


def bare(request: HttpRequest) -> HttpResponse:
    """The floor: Django answering a JSON body and nothing else."""
    return JsonResponse({"ok": True})


def _user_id(request: HttpRequest) -> int | None:
    raw = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    digests = token_digests(raw)
    marks = ", ".join(["%s"] * len(digests))
    with connection.cursor() as c:
        c.execute(
            "SELECT t.user_id FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id"
            f" WHERE t.key_hash IN ({marks}) AND t.revoked_at IS NULL AND t.expires_at > %s"
            " AND u.is_active",
            [*digests, timezone.now()],
        )
        row = c.fetchone()
    return row[0] if row else None


def _where(user_id: int) -> tuple[str, list]:
    with connection.cursor() as c:
        c.execute(
            "SELECT m.organisation_id, m.role, o.authority, u.is_superuser FROM accounts_membership m"
            " JOIN accounts_organisation o ON o.id = m.organisation_id"
            " JOIN accounts_user u ON u.id = m.user_id"
            " WHERE m.user_id = %s AND m.is_active AND o.is_active",
            [user_id],
        )
        rows = c.fetchall()
    roles = {r[1] for r in rows}
    if any(r[3] for r in rows) or roles & set(EVERYTHING_READERS):
        return "TRUE", []
    units = [r[0] for r in rows if r[1] in UNIT_ROLES]
    authorities = [r[2] for r in rows if r[2] and r[1] != Role.AUDITOR]
    clauses, params = ["p.unit_id = ANY(%s)"], [units]
    if roles & set(PROJECT_READER_ROLES):
        clauses.append("p.state <> 'draft'")
    if units:
        clauses.append(
            "EXISTS (SELECT 1 FROM projects_frameworkparticipant f"
            " WHERE f.framework_id = p.framework_id AND f.unit_id = ANY(%s))"
        )
        params.append(units)
    if authorities:
        clauses.append(
            "EXISTS (SELECT 1 FROM projects_review r"
            " WHERE r.project_id = p.id AND r.authority = ANY(%s))"
        )
        params.append(authorities)
    clauses.append(
        "EXISTS (SELECT 1 FROM projects_reviewcopy c JOIN projects_review r ON r.id = c.review_id"
        " WHERE r.project_id = p.id AND c.recipient_id = %s)"
    )
    params.append(user_id)
    return "(" + " OR ".join(clauses) + ")", params


def _item(row: tuple) -> dict:
    pk, code, name, unit_id, unit_name, kind, year, state, total, path, priority, channel = row[:12]
    external_ref, created_at, submitted_at = row[12:]
    return {
        "id": pk,
        "code": code,
        "name": name,
        "unit_id": unit_id,
        "unit_name": unit_name,
        "kind": kind,
        "kind_label": str(KIND.get(kind, "")),
        "year": year,
        "state": state,
        "state_label": str(STATE.get(state, "")),
        "total_investment": f"{total:.2f}",
        "total_investment_wan": f"{total / WAN:.2f}",
        "approval_path": path,
        "approval_path_label": str(PATH.get(path, "")) if path else "",
        "priority": priority,
        "channel": channel,
        "external_ref": external_ref,
        "created_at": created_at.isoformat(),
        "submitted_at": submitted_at.isoformat() if submitted_at else None,
    }


def project_list_by_hand(request: HttpRequest) -> HttpResponse:
    """PostgreSQL only (``= ANY(%s)`` takes a list)."""
    user_id = _user_id(request)
    if user_id is None:
        return JsonResponse({"code": "unauthenticated"}, status=401)
    where, params = _where(user_id)
    year = int(request.GET["year"])
    page = int(request.GET.get("page", "1"))
    with connection.cursor() as c:
        c.execute(
            f"SELECT count(*) FROM projects_project p WHERE {where} AND p.year = %s",
            [*params, year],
        )
        count = c.fetchone()[0]
        c.execute(
            "SELECT p.id, p.code, p.name, p.unit_id, o.name, p.kind, p.year, p.state,"
            " p.total_investment, p.approval_path, p.priority, p.channel, p.external_ref,"
            " p.created_at, p.submitted_at FROM projects_project p"
            " JOIN accounts_organisation o ON o.id = p.unit_id"
            f" WHERE {where} AND p.year = %s ORDER BY p.created_at DESC, p.id DESC"
            " LIMIT %s OFFSET %s",
            [*params, year, PAGE, (page - 1) * PAGE],
        )
        items = [_item(r) for r in c.fetchall()]
    body = json.dumps({"items": items, "count": count}, ensure_ascii=False)
    return HttpResponse(body, content_type="application/json")
