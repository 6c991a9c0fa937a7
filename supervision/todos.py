"""Supervision to-dos, for every role:

- unit staff answer requests, report rectifications and respond to audit findings by their
  deadlines (Art. 34-36);
- an issuing authority reviews answers and verifies reported rectifications;
- DRC and Finance decide on orders overdue or not rectified (Art. 35) and on audit findings
  passed to them (Art. 36);
- DRC, Finance and BDB confirm or dismiss the platform's proposals of violations (Art. 38);
- DRC, Finance, BDB and 市委网信办 act on evaluation results showing problems (Art. 37);
- Audit follows up the findings the units responded to (Art. 36).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from accounts.recipients import unit_ids_of
from core.todos import Todo, provider

from .authorities import (
    EVALUATION_ROLES,
    READ_ALL_ROLES,
    SANCTIONERS,
    desk_ids,
)
from .compliance import PROBLEM_GRADES, awaiting_unit
from .models import (
    SANCTIONABLE,
    AuditFinding,
    AuditState,
    OrderState,
    RectificationOrder,
    RequestState,
    SupervisionRequest,
    ViolationEntry,
    ViolationState,
)

LIMIT = 10


def _todo(record: Any, title: str, detail: str = "", due: Any = None) -> Todo:
    return Todo(
        title=title, url=record.get_absolute_url(), category=_("监督管理"), due=due, detail=detail
    )


def unit_todos(unit_ids: set[int]) -> Iterable[Todo]:
    owed = awaiting_unit(unit_ids)
    for req in owed["requests"].select_related("authority").order_by("deadline")[:LIMIT]:
        yield _todo(
            req,
            _("提供资料和情况：%(n)s") % {"n": req.number},
            _("%(a)s要求；如实提供，不得拒绝、隐匿、瞒报（第三十四条）。")
            % {"a": req.authority.display_name},
            req.deadline,
        )
    for order in owed["orders"].select_related("authority").order_by("deadline")[:LIMIT]:
        yield _todo(
            order,
            _("整改并报告：%(n)s") % {"n": order.number},
            _("逾期不整改的，可被通报批评、暂缓安排投资计划、暂停直至终止项目（第三十五条）。"),
            order.deadline,
        )
    for finding in owed["audits"].order_by("issued_on")[:LIMIT]:
        yield _todo(finding, _("回应审计发现：%(n)s") % {"n": finding.number})


def _awaiting_desks(model: Any, desks: set[int], state: str, since: str) -> Any:
    """The records ``desks`` issued that wait in ``state`` for them, the longest waiting
    (by ``since``) first."""
    waiting = model.objects.filter(authority_id__in=desks, state=state).select_related("unit")
    return waiting.order_by(since)[:LIMIT]


def _of_unit(text: str, record: Any) -> str:
    """``text`` with the record's 文号 (``n``) and its unit (``u``)."""
    return text % {"n": record.number, "u": record.unit.display_name}


def issuer_todos(desks: set[int]) -> Iterable[Todo]:
    for req in _awaiting_desks(SupervisionRequest, desks, RequestState.ANSWERED, "answered_at"):
        yield _todo(req, _of_unit(_("审核答复：%(n)s（%(u)s）"), req))
    for order in _awaiting_desks(RectificationOrder, desks, OrderState.REPORTED, "reported_at"):
        yield _todo(order, _of_unit(_("核查整改情况：%(n)s（%(u)s）"), order))


def sanctioner_todos(desks: set[int]) -> Iterable[Todo]:
    due = (
        RectificationOrder.objects.filter(state__in=SANCTIONABLE, sanctions__isnull=True)
        .select_related("unit")
        .order_by("deadline")
    )
    for order in due[:LIMIT]:
        yield _todo(
            order,
            _("作出处理：%(n)s %(s)s（%(u)s）")
            % {"n": order.number, "s": order.get_state_display(), "u": order.unit.display_name},
            _(
                "逾期不整改或者整改后仍不符合要求的，可以通报批评、暂缓安排投资计划、暂停项目建设直至终止项目实施（第三十五条）。"
            ),
        )
    referred = AuditFinding.objects.filter(referred_to_id__in=desks).exclude(
        pk__in=RectificationOrder.objects.filter(
            source_type=ContentType.objects.get_for_model(AuditFinding)
        ).values("source_id")
    )
    for finding in referred.select_related("unit")[:LIMIT]:
        yield _todo(
            finding,
            _of_unit(_("审计移送：%(n)s（%(u)s）"), finding),
            _("可据此下达整改通知（第三十六条）。"),
        )


def register_todos() -> Iterable[Todo]:
    proposals = ViolationEntry.objects.filter(state=ViolationState.PROPOSED).select_related("unit")
    for entry in proposals.order_by("created_at")[:LIMIT]:
        yield _todo(
            entry,
            _("核实违规线索：%(k)s（%(u)s）")
            % {"k": entry.get_kind_display(), "u": entry.unit.display_name},
            entry.facts,
        )


def evaluation_todos() -> Iterable[Todo]:
    from investment.models import EvaluationResult

    ct = ContentType.objects.get_for_model(EvaluationResult)
    raised = RectificationOrder.objects.filter(source_type=ct).values("source_id")
    results = (
        EvaluationResult.objects.filter(grade__in=PROBLEM_GRADES)
        .exclude(pk__in=raised)
        .select_related("project")
        .order_by("completed_on")
    )
    for result in results[:LIMIT]:
        yield Todo(
            title=_("根据评价结果提出整改意见：%(p)s（%(g)s）")
            % {"p": result.project.code, "g": result.grade},
            url=result.project.get_absolute_url(),
            category=_("监督管理"),
            detail=_("评价结果显示存在问题（第三十七条）。"),
        )


def audit_todos(desks: set[int]) -> Iterable[Todo]:
    for finding in _awaiting_desks(AuditFinding, desks, AuditState.RESPONDED, "responded_at"):
        yield _todo(finding, _of_unit(_("跟踪审计发现落实：%(n)s（%(u)s）"), finding))


@provider
def supervision_todos(user: Any) -> list[Todo]:
    if not user.is_authenticated:
        return []
    items: list[Todo] = []
    units = unit_ids_of(user)
    if units:
        items.extend(unit_todos(units))
    desks = desk_ids(user)
    if desks:
        items.extend(issuer_todos(desks))
        items.extend(audit_todos(desks))
    if user.has_role(*SANCTIONERS):
        items.extend(sanctioner_todos(desks))
    if user.has_role(*READ_ALL_ROLES):
        items.extend(register_todos())
    if user.has_role(*EVALUATION_ROLES):
        items.extend(evaluation_todos())
    return items
