"""The approved baseline and change requests (Art. 26, R26.1).

After approval the unit records the baseline once: the estimate items as approved, summing to
the approved total. A change request gives every item as it would be after the change and is
classified by the four conditions of Art. 26 ¶1: all met, the unit adjusts and files it with
DRC, Finance and BDB (in force at once); otherwise DRC approves or rejects it, and a change of
the year's plan or budget goes the Art. 11 way. Amounts moved add up over the changes in
force, so splitting a change does not evade the limit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from django.utils.translation import gettext_noop as N_

from accounts.recipients import reviewers_of, unit_staff
from accounts.roles import Authority
from core.enums import ActionCode
from core.memo import Along, memoised, read_along
from core.money import format_wan, wan_to_yuan
from core.notify import notify
from policy.gates import refusal
from projects.models import Project, ProjectState

from ..contracts import BaselineIn, ChangeOpinionIn, ChangeSubmitIn, EstimateItemsIn
from ..machines import CHANGE
from ..models import Baseline, ChangeClass, ChangeRequest, ChangeState
from ..services import ZERO, classification_facts, classify_change, diff_facts
from .base import InvestmentAction, UnitProjectAction, money_link


def items_yuan(data: EstimateItemsIn) -> dict[str, Decimal]:
    return {name: wan_to_yuan(wan) for name, wan in data.items_wan().items()}


def has_baseline(project: Project) -> bool:
    """Whether the project's baseline is set; asked by several actions of a page's card, read
    once per page (core.memo)."""
    return memoised(
        ("has_baseline", project.pk), lambda: Baseline.objects.filter(project=project).exists()
    )


# the project page reads it with its project (one query; ``core.memo.read_along``)
read_along(
    "projects.project",
    Along(
        key=lambda p: ("has_baseline", p.pk),
        expression=lambda: Exists(Baseline.objects.filter(project=OuterRef("pk"))),
    ),
)


def stored(items: dict[str, Decimal]) -> list[dict[str, str]]:
    return [{"name": k, "amount": str(v)} for k, v in items.items()]


class SetBaseline(UnitProjectAction):
    """The unit records its approved project's baseline once: the estimate items as approved
    (summing to the approved total), the goals and the planned completion. Every change is
    compared with it; it never changes."""

    label = L("登记批复基线")
    Input = BaselineIn
    article = "第二十六条"
    requirement = "R26.1"
    success = L("已登记批复基线。此后的项目调整都将与之比较（第二十六条）。")

    def makes_sense(self, project: Project) -> bool:
        return project.state == ProjectState.APPROVED and not has_baseline(project)

    def page_url(self, obj: Any) -> str:
        return reverse("investment:baseline", args=[obj.pk])

    def refusals(self, obj: Any, user: Any, data: Any) -> Any:
        if obj.state != ProjectState.APPROVED or obj.approved_total is None:
            yield refusal(
                "R26.1.after-approval",
                N_("项目批复后才能登记批复基线（第二十六条）。"),
                remedy=N_("请在项目批复后登记。"),
                params={},
            )
        elif has_baseline(obj):
            yield refusal(
                "R26.1.baseline-once",
                N_("批复基线已登记，不能修改（第二十六条）。"),
                remedy=N_("调整请提交变更申请，变更将与基线比较。"),
                params={},
            )

    def input_problems(self, obj: Any, user: Any, data: Any) -> dict[str, str]:
        if not isinstance(data, BaselineIn) or not data.items:
            return {}
        total = sum(items_yuan(data).values(), ZERO)
        if total == obj.approved_total:
            return {}
        return {
            "items": _("概算明细合计 %(sum)s 万元，应等于批复总投资 %(total)s 万元。")
            % {"sum": format_wan(total), "total": format_wan(obj.approved_total)}
        }

    def perform(self, obj: Any, data: BaselineIn, user: Any, decision: Any) -> Baseline:
        items = items_yuan(data)
        baseline = Baseline.objects.create(
            project=obj,
            approved_total=obj.approved_total,
            items=stored(items),
            goals=data.goals,
            planned_completion=data.planned_completion,
            created_by=user,
        )
        self.record(
            ActionCode.BASELINE_RECORDED,
            actor=user,
            obj=obj,
            reason=f"登记批复基线：总投资 {format_wan(baseline.approved_total)} 万元，"
            f"{len(items)} 项概算明细",
            data={"items": baseline.items},
        )
        return baseline


class SubmitChange(UnitProjectAction):
    """The unit submits a change of its approved project, classified by Art. 26: a filing takes
    effect at once and is filed with DRC, Finance and BDB; otherwise it waits for DRC's
    approval (and the Art. 11 path when it changes the plan or raises the year's budget)."""

    label = L("申请项目调整")
    Input = ChangeSubmitIn
    gate = "investment.change.submit"
    article = "第二十六条"
    requirement = "R26.1"

    def makes_sense(self, project: Project) -> bool:
        return project.state == ProjectState.APPROVED

    def page_url(self, obj: Any) -> str:
        return reverse("investment:change_add", args=[obj.pk])

    def refusals(self, obj: Any, user: Any, data: Any) -> Any:
        if not has_baseline(obj):
            yield refusal(
                "R26.1.baseline-first",
                N_("请先登记批复基线（概算明细），变更将与基线比较（第二十六条）。"),
                remedy=N_("项目批复后登记批复基线。"),
                params={},
            )
        elif ChangeRequest.objects.filter(project=obj, state=ChangeState.PENDING).exists():
            yield refusal(
                "R26.1.one-pending",
                N_("已有待审批的变更申请，请等待审批结果（第二十六条）。"),
                remedy=N_("市发展改革委审批后再提交新的调整。"),
                params={},
            )

    def gate_code(self, obj: Any, data: Any) -> str:
        return self.gate if data is not None else ""  # the classification needs the input

    def classify(self, obj: Any, data: ChangeSubmitIn, policy: Any = None) -> dict[str, Any]:
        """Art. 26 under ``policy`` (the gate's decision's, once decided) or the one in force."""
        items = items_yuan(data)
        return classify_change(
            obj,
            Baseline.objects.get(project=obj),
            items=items,
            new_total=sum(items.values(), ZERO),
            circumstance=data.circumstance,
            goals_changed=data.goals_changed,
            raises_year_budget=data.raises_year_budget,
            changes_plan=data.changes_plan,
            ratio=(policy or self.policy_for(obj)).p.change_ratio,
        )

    def facts(self, obj: Any, user: Any, data: Any) -> dict[str, Any]:
        return {"classification": classification_facts(self.classify(obj, data))} if data else {}

    def perform(self, obj: Any, data: ChangeSubmitIn, user: Any, decision: Any) -> ChangeRequest:
        result = self.classify(obj, data, decision.policy)  # the policy the gate decided under
        filing = result["classification"] == ChangeClass.FILING
        number = (obj.change_requests.aggregate(n=Max("number"))["n"] or 0) + 1
        change = ChangeRequest.objects.create(
            project=obj,
            number=number,
            content_change=data.content_change,
            schedule_change=data.schedule_change,
            items=stored(items_yuan(data)),
            new_total=sum(items_yuan(data).values(), ZERO),
            moved_amount=result["moved"],
            cumulative_moved=result["cumulative"],
            circumstance=data.circumstance,
            goals_changed=data.goals_changed,
            raises_year_budget=data.raises_year_budget,
            changes_plan=data.changes_plan,
            reason=data.reason,
            classification=result["classification"],
            conditions=result["conditions"],  # JSON-ready as decided
            state=ChangeState.PENDING,
            decision=decision,
            created_by=user,
        )
        reason = (
            f"{change.get_classification_display()}：调整 {format_wan(result['moved'])} 万元，"
            f"累计 {format_wan(result['cumulative'])} 万元（上限 {format_wan(result['limit'])} 万元）"
        )
        details = {"classification": change.classification, "diff": diff_facts(result["diff"])}
        if filing:  # the four conditions hold: in force at once
            CHANGE.move(
                change,
                "file",
                actor=user,
                event=ActionCode.CHANGE_FILED,
                reason=reason,
                decision=decision,
                data=details,
                organisation=obj.unit_id,
                policy_version=decision.policy.code,
            )
        else:
            self.record(
                ActionCode.CHANGE_SUBMITTED,
                actor=user,
                obj=change,
                to_state=change.state,
                reason=reason,
                policy_version=decision.policy.code,
                decision_id=decision.pk,
                data=details,
            )
        recipients = reviewers_of(Authority.DRC)
        if filing:
            recipients += reviewers_of(Authority.FINANCE) + reviewers_of(Authority.BDB)
        notify(
            recipients,
            title=f"{'项目调整备案' if filing else '项目调整待审批'}：{obj.code}《{obj.name}》",
            link=change.get_absolute_url(),
        )
        return change

    def success_message(self, obj: Any, result: Any) -> str:
        if result.state == ChangeState.FILED:
            return _(
                "四项条件均满足：调整已生效，并已向市发展改革委、市财政局、市大数据发展局备案"
                "（第二十六条）。"
            )
        return _("%(classification)s：已提交市发展改革委审批（第二十六条）。") % {
            "classification": result.get_classification_display()
        }

    def next_url(self, obj: Any, result: Any) -> str:
        return result.get_absolute_url() if result is not None else money_link(obj.pk)


class DecideChange(InvestmentAction):
    """DRC decides a change that is not a filing, with its opinion."""

    model = ChangeRequest
    machine = CHANGE
    Input = ChangeOpinionIn
    offered_on = ("investment.changerequest",)

    def perform(self, obj: Any, data: ChangeOpinionIn, user: Any, decision: Any) -> ChangeRequest:
        obj.decided_by = user
        obj.decided_at = timezone.now()
        obj.decision_opinion = data.opinion
        self.move(
            obj,
            actor=user,
            event=ActionCode.CHANGE_DECIDED,
            reason=data.opinion,
            organisation=obj.project.unit_id,
            update_fields=["decided_by", "decided_at", "decision_opinion"],
        )
        recipients = unit_staff(obj.project.unit_id)
        if obj.state == ChangeState.APPROVED and obj.classification == ChangeClass.ART11:
            recipients += reviewers_of(Authority.FINANCE)
        notify(
            recipients,
            title=f"项目调整{obj.get_state_display()}：{obj.project.code}",
            body=data.opinion,
            link=obj.get_absolute_url(),
        )
        return obj


class ApproveChange(DecideChange):
    """DRC approves the change: it takes effect (and counts towards the next ones)."""

    label = L("批准调整")
    transition = "approve"
    style = "success"
    confirm = L("批准后该调整生效，此后的调整累计计算调整金额（第二十六条）。")
    success = L("已批准该项目调整。")


class RejectChange(DecideChange):
    """DRC rejects the change: the items in force stay as they were."""

    label = L("不予批准")
    transition = "reject"
    style = "outline-danger"
    confirm = L("不予批准后，项目按原批复和已生效的调整实施（第二十六条）。")
    success = L("已不予批准该项目调整。")


set_baseline = SetBaseline()
submit_change = SubmitChange()
approve_change = ApproveChange()
reject_change = RejectChange()


def decide_change(change: Any, *, acting_user: Any, approve: bool, opinion: str) -> Any:
    """DRC approves (``approve``) or rejects a change, with its opinion."""
    act = approve_change if approve else reject_change
    return act(change, acting_user=acting_user, opinion=opinion)
