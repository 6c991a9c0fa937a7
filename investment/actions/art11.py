"""The exceptional path of Art. 11 (R11.1): a project required by the state or the city but not
in the year's budget. Finance initiates it with its basis and budget source; BDB lists it; DRC
approves it and adjusts the year's plan (a published adjustment); Finance arranges the budget.
BDB (before listing) or DRC (before approving) may refuse it. Every step is kept in the
request's history with its note."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from django.utils.translation import gettext_noop as N_

from accounts.recipients import reviewers_of
from accounts.roles import Authority, Role
from core.dates import today
from core.enums import ActionCode
from core.money import format_wan, wan_to_yuan
from core.notify import notify
from policy.gates import refusal
from projects.models import Project

from ..contracts import Art11BudgetIn, Art11InitiateIn, Art11OpinionIn, Art11RejectIn
from ..machines import ART11
from ..models import (
    Art11Request,
    Art11State,
    Baseline,
    ChangeClass,
    ChangeRequest,
    ChangeState,
    PlanEntry,
)
from .base import FINANCE, InvestmentAction, ProjectAction, int_of, value_of, wan_text
from .budget import BUDGET_GATE, arrange_budget, budget_facts
from .plan import draft_of, open_draft, publish_version

OPEN = (Art11State.INITIATED, Art11State.LISTED, Art11State.APPROVED)


def history_entry(user: Any, state: str, note: str) -> dict[str, str]:
    return {"at": timezone.now().isoformat(), "by": user.username, "state": state, "note": note}


def art11_change(project: Project) -> ChangeRequest | None:
    """The project's approved change that goes the Art. 11 way and has no request yet."""
    return (
        ChangeRequest.objects.filter(
            project=project, classification=ChangeClass.ART11, state=ChangeState.APPROVED
        )
        .exclude(art11_requests__isnull=False)
        .order_by("-number")
        .first()
    )


class InitiateArt11(ProjectAction):
    """Finance initiates the Art. 11 path for a project, with the basis (a requirement of the
    state or of the city) and the budget source (R11.1, checked by the gate). A change that
    must go the Art. 11 way (Art. 26 ¶2) is named in it."""

    label = L("按第十一条发起")
    roles = FINANCE
    Input = Art11InitiateIn
    gate = "investment.art11.initiate"
    article = "第十一条"
    requirement = "R11.1"
    offered_on = ("projects.project", "investment.changerequest")
    success = L("已发起第十一条事项，待市大数据发展局纳入项目清单。")

    def targets(self, page_obj: Any, user: Any) -> Any:
        if isinstance(page_obj, ChangeRequest):
            if art11_change(page_obj.project) == page_obj:
                yield page_obj.project
            return
        if isinstance(page_obj, Project) and self.makes_sense(page_obj):
            yield page_obj

    def makes_sense(self, project: Project) -> bool:
        """A change going the Art. 11 way awaits it, or the project has no budget this year
        (the case of Art. 11) and no request under way."""
        if art11_change(project) is not None:
            return True
        return (
            super().makes_sense(project)
            and not project.budget_lines.filter(year=today().year).exists()
            and not project.art11_requests.filter(state__in=OPEN).exists()
        )

    def gate_code(self, obj: Any, data: Any) -> str:
        return self.gate if data is not None else ""  # the rule reads what was typed

    def facts(self, obj: Any, user: Any, data: Any) -> dict[str, Any]:
        return {
            "year": value_of(data, "year"),
            "basis": value_of(data, "basis"),
            "budget_source": value_of(data, "budget_source"),
        }

    def choices(self, obj: Any, user: Any) -> dict[str, list[tuple[Any, Any]]]:
        changes = ChangeRequest.objects.filter(project=obj, classification=ChangeClass.ART11)
        return {"change_request_id": [(c.pk, str(c)) for c in changes.order_by("number")]}

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        values: dict[str, Any] = {"year": today().year}
        change = art11_change(obj)
        if change is None:
            return values
        values.update(
            change_request_id=change.pk,
            basis=f"项目调整（第{change.number}次）须参照第十一条办理：{change.reason}",
        )
        before = (
            change.project.change_requests.filter(
                number__lt=change.number, state__in=(ChangeState.FILED, ChangeState.APPROVED)
            )
            .order_by("-number")
            .first()
        )
        baseline = Baseline.objects.filter(project=obj).first()
        total = before.new_total if before else getattr(baseline, "approved_total", None)
        if total is not None and change.new_total > total:
            values["amount_wan"] = wan_text(change.new_total - total)
        return values

    def input_problems(self, obj: Any, user: Any, data: Any) -> dict[str, str]:
        change_id = int_of(data, "change_request_id")
        if change_id is None or ChangeRequest.objects.filter(pk=change_id, project=obj).exists():
            return {}
        return {"change_request_id": _("该变更申请不属于本项目。")}

    def perform(self, obj: Any, data: Art11InitiateIn, user: Any, decision: Any) -> Art11Request:
        amount = wan_to_yuan(data.amount_wan)
        req = Art11Request.objects.create(
            project=obj,
            year=data.year,
            amount=amount,
            basis=data.basis,
            budget_source=data.budget_source,
            change_request_id=data.change_request_id,
            initiated_by=user,
            history=[history_entry(user, Art11State.INITIATED, data.basis)],
        )
        self.record(
            ActionCode.ART11_INITIATED,
            actor=user,
            obj=req,
            to_state=req.state,
            reason=f"财政局发起第十一条事项 {format_wan(amount)} 万元：{data.basis}",
            policy_version=decision.policy.code,
            decision_id=decision.pk,
        )
        notify(reviewers_of(Authority.BDB), title=f"第十一条事项待纳入项目清单：{obj.code}")
        return req

    def next_url(self, obj: Any, result: Any) -> str:
        return result.get_absolute_url() if result is not None else super().next_url(obj, result)


class Art11Action(InvestmentAction):
    """A step of an Art. 11 request, offered on its page; each step is kept in its history."""

    model = Art11Request
    machine = ART11
    article = "第十一条"
    requirement = "R11.1"
    offered_on = ("investment.art11request",)

    def advance(self, req: Art11Request, code: str, user: Any, event: str, note: str) -> None:
        target = ART11[code].target
        req.history = [*req.history, history_entry(user, target, note)]
        ART11.move(
            req,
            code,
            actor=user,
            event=event,
            reason=note,
            organisation=req.project.unit_id,
            policy_version=self.policy_version(req),
            update_fields=["history"],
        )


class ListArt11(Art11Action):
    """BDB puts the request on the project list (Art. 11)."""

    label = L("纳入项目清单")
    transition = "list"
    Input = Art11OpinionIn
    success = L("已纳入项目清单，待市发展改革委审批。")

    def perform(self, obj: Any, data: Art11OpinionIn, user: Any, decision: Any) -> Art11Request:
        note = data.opinion or "纳入项目清单（第十一条）"
        self.advance(obj, "list", user, ActionCode.ART11_LISTED, note)
        notify(reviewers_of(Authority.DRC), title=f"第十一条事项待审批：{obj.project.code}")
        return obj


class ApproveArt11(Art11Action):
    """DRC approves the request and adjusts the year's plan: a published adjustment with the
    project's amount (added to its entry when it has one)."""

    label = L("审批并调整年度投资计划")
    transition = "approve"
    Input = Art11OpinionIn
    hint = L("审批后自动生成并发布年度投资计划调整版本（第十一条）。")
    confirm = L("审批后将生成并发布该年度投资计划的调整版本，纳入本项目及金额（第十一条）。")
    success = L("已审批并发布年度投资计划调整，待市财政局安排预算。")

    def refusals(self, obj: Any, user: Any, data: Any) -> Any:
        if draft_of(obj.year) is not None:
            yield refusal(
                "R11.1.draft-open",
                N_("%(year)s 年有编制中的计划版本，不能同时按第十一条调整计划（第十一条）。"),
                remedy=N_("请先发布或处理编制中的计划版本，再审批本事项。"),
                params={"year": obj.year},
            )

    def perform(self, obj: Any, data: Art11OpinionIn, user: Any, decision: Any) -> Art11Request:
        draft = open_draft(obj.year, user)
        entry = draft.entries.filter(project=obj.project).first()
        if entry is None:
            PlanEntry.objects.create(
                version=draft, project=obj.project, amount=obj.amount, note="第十一条"
            )
        else:
            entry.amount += obj.amount
            entry.save(update_fields=["amount"])
        publish_version(draft, f"第十一条事项：{obj.basis}", user)
        note = data.opinion or "审批通过并调整年度投资计划（第十一条）"
        self.advance(obj, "approve", user, ActionCode.ART11_APPROVED, note)
        notify(reviewers_of(Authority.FINANCE), title=f"第十一条事项待安排预算：{obj.project.code}")
        return obj


class BudgetArt11(Art11Action):
    """Finance arranges the budget of the approved request, which now follows the adjusted
    plan (the budget gate, R10.2)."""

    label = L("安排预算")
    transition = "budget"
    Input = Art11BudgetIn
    gate = BUDGET_GATE
    success = L("已安排预算，第十一条事项办结。")

    def facts(self, obj: Any, user: Any, data: Any) -> dict[str, Any]:
        return budget_facts(obj.project, obj.year, obj.amount)

    def perform(self, obj: Any, data: Art11BudgetIn, user: Any, decision: Any) -> Art11Request:
        arrange_budget(
            obj.project,
            year=obj.year,
            amount=obj.amount,
            user=user,
            decision=decision,
            subject=data.subject,
            note="第十一条",
            via_art11=obj,
            policy_version=decision.policy.code,
        )
        self.advance(obj, "budget", user, ActionCode.ART11_BUDGETED, "安排预算（第十一条）")
        return obj


# who refuses in which state: BDB before listing, DRC before approving
REJECTS = {
    Art11State.INITIATED: ("reject_unlisted", Role.BDB_REVIEWER),
    Art11State.LISTED: ("reject_listed", Role.DRC_OFFICER),
}


class RejectArt11(Art11Action):
    """BDB (before listing) or DRC (before approving) refuses the request, with reasons."""

    label = L("不予办理")
    states = tuple(REJECTS)
    roles = (Role.BDB_REVIEWER, Role.DRC_OFFICER)
    Input = Art11RejectIn
    style = "outline-danger"
    confirm = L("不予办理后本事项终结，市财政局将收到不予办理的理由（第十一条）。")
    success = L("已作出不予办理决定。")

    def allowed(self, obj: Any, user: Any) -> bool:
        turn = REJECTS.get(obj.state)
        return turn is None or user.has_role(turn[1])

    def perform(self, obj: Any, data: Art11RejectIn, user: Any, decision: Any) -> Art11Request:
        code, _role = REJECTS[obj.state]
        self.advance(obj, code, user, ActionCode.ART11_REJECTED, data.opinion)
        notify(
            reviewers_of(Authority.FINANCE),
            title=f"第十一条事项不予办理：{obj.project.code}",
            body=data.opinion,
        )
        return obj


initiate_art11 = InitiateArt11()
list_art11 = ListArt11()
approve_art11 = ApproveArt11()
budget_art11 = BudgetArt11()
reject_art11 = RejectArt11()
