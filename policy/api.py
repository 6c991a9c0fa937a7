"""Rules with their articles, stored gate decisions, and the Art. 9 approval-path estimate."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from ninja.responses import Status

from accounts.scoping import for_user, get_visible_or_404
from core.api import LIST_ERRORS, ErrorOut, FindingOut
from core.api_routes import Routes, perform
from core.api_schemas import choice_label, related

from .actions import estimate_approval_path
from .contracts import ApprovalPathEstimateIn
from .models import Decision, Outcome
from .registry import registry

# -- schemas ----------------------------------------------------------------------------------


class GateOut(Schema):
    code: str
    title: str
    action: str


class RuleOut(Schema):
    id: str
    article: str
    title: str
    severity: str
    requirement_id: str
    gates: list[GateOut]


class DecisionOut(Schema):
    id: UUID
    gate: str
    subject_type: str
    subject_id: str
    subject_repr: str
    organisation_id: int | None
    policy_code: str
    outcome: str
    outcome_label: str
    actor_name: str
    created_at: datetime

    resolve_policy_code = related("policy.code")
    resolve_outcome_label = choice_label("outcome")

    @staticmethod
    def resolve_actor_name(obj: Decision) -> str:
        return obj.actor.get_full_name() if obj.actor is not None else ""


class DecisionDetailOut(DecisionOut):
    inputs: dict[str, Any]
    rule_ids: list[str]
    findings: list[FindingOut]


# -- helpers ----------------------------------------------------------------------------------


def _rule_sort_key(rule_id: str) -> tuple[int, int, str]:
    major, minor, *rest = rule_id[1:].split(".")
    return (int(major), int(minor), ".".join(rest))


def _gates_by_rule() -> dict[str, list[dict[str, str]]]:
    gates: dict[str, list[dict[str, str]]] = {}
    for code, (title, action, rule_ids) in registry.gates.items():
        for rule_id in rule_ids:
            gates.setdefault(rule_id, []).append({"code": code, "title": title, "action": action})
    return gates


def _decisions(user: Any) -> QuerySet[Decision]:
    return for_user(Decision, user).select_related("policy", "actor")


# -- routes -----------------------------------------------------------------------------------

router = Routes(tags=["政策与规则"])


@router.get("/rules", summary="规则清单", response={200: list[RuleOut], 401: ErrorOut})
def rules(request: HttpRequest) -> list[dict[str, Any]]:
    """全部已登记的规则：编号、依据条款、标题、严重程度、对应要求，以及所属的关口。"""
    gates = _gates_by_rule()
    return [
        {
            "id": r.id,
            "article": r.article,
            "title": str(r.title),
            "severity": r.severity,
            "requirement_id": r.requirement_id,
            "gates": gates.get(r.id, []),
        }
        for r in sorted(registry.rules.values(), key=lambda r: _rule_sort_key(r.id))
    ]


@router.list("/decisions", DecisionOut, "规则决定列表", errors=LIST_ERRORS)
def decisions(request: Any, outcome: Outcome | None = None) -> QuerySet[Decision]:
    """当前用户可见的规则决定，最新在前；可按结果 ``outcome``（pass/warn/block）筛选。"""
    qs = _decisions(request.auth).order_by("-created_at", "pk")
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs


@router.get(
    "/decisions/{decision_id}",
    summary="规则决定详情",
    response={200: DecisionDetailOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def decision(request: Any, decision_id: UUID) -> Decision:
    """一个规则决定：评估的规则、输入事实、政策版本和每条发现（条款、原因、处理建议）。
    不存在或无权查看均返回 404。"""
    found: Decision = get_visible_or_404(_decisions(request.auth), request.auth, pk=decision_id)
    return found


@router.post(
    "/policy/approval-path",
    summary="审批路径测算（第九条）",
    response={201: DecisionDetailOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def approval_path(request: Any, payload: ApprovalPathEstimateIn) -> Status[Decision]:
    """按第九条测算审批路径（一次审批或两阶段审批），并保存为规则决定。

    只能为本人所在的建设单位测算（市大数据发展局、市发展改革委、市财政局经办人和系统管理员
    可为任一建设单位测算），否则返回 404。金额格式无效时返回 422；金额不大于零时返回 409
    （``blocked``）及依据条款，被阻止的决定同样留存。"""
    decision = perform(request, estimate_approval_path, None, payload)
    return Status(201, decision)
