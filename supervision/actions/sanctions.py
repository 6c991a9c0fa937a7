"""Sanctions (Art. 35 ¶1, R35.1): DRC or Finance decide, on an order overdue or not rectified,
通报批评, 暂缓安排投资计划, 暂停项目建设 or 终止项目实施 — each a recorded decision with its
reasons (the gate ``supervision.sanction`` is stored as the decision), each an official notice
with its number. A criticism may also rest on a confirmed violation of Art. 38.

What each sanction stops is in ``supervision.effects`` (the guards). Here each also sets the
project's own record where the other chapters already read it: a suspension is
``Project.suspended_at`` (the meaning of the delivery chapter's Art. 24 suspension), a
termination ``Project.terminated_at``, and a termination closes the project's open budget
lines. Lifting, where it applies, is an act of the deciding authority."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, ClassVar

from django.db.models import Model, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from accounts.recipients import reviewers_of, unit_staff
from accounts.roles import Authority
from core.findings import Finding
from core.machines import Machine
from core.notify import notify
from policy.engine import GateContext
from policy.gates import refusal
from projects.models import Project

from ..authorities import SANCTIONERS, SANCTIONING_AUTHORITIES
from ..contracts import SanctionDeferralIn, SanctionIn, SanctionLiftIn
from ..machines import ORDER, SANCTION, VIOLATION
from ..models import (
    LIFTABLE,
    SANCTIONABLE,
    DeferralScope,
    RectificationOrder,
    Sanction,
    SanctionKind,
    SupervisionEvent,
    ViolationEntry,
    ViolationState,
)
from ..notices import clause, display, sanction_text, zh
from .base import ByIssuer, SupervisionAction, numbered, save_notice

E = SupervisionEvent
K = SanctionKind
EVENTS = {
    K.CRITICISM: E.CRITICISED,
    K.DEFERRAL: E.INVESTMENT_DEFERRED,
    K.SUSPENSION: E.SUSPENDED,
    K.TERMINATION: E.TERMINATED,
}
WHAT_IT_STOPS = {
    K.CRITICISM: "通报批评在本平台公开，列入单位和项目的监督记录",
    K.DEFERRAL: "暂缓期间不能纳入年度投资计划或计划调整",
    K.SUSPENSION: "暂停期间项目不能推进、签订合同或支付",
    K.TERMINATION: "终止后项目不能再推进、签订合同或支付，未执行的预算关闭",
}


class DecideSanction(SupervisionAction):
    """DRC or Finance decide a sanction on an overdue or not rectified order (Art. 35)."""

    kind: str = ""
    model: ClassVar[type[Model] | None] = RectificationOrder
    machine: ClassVar[Machine | None] = ORDER
    states: ClassVar[tuple[str, ...]] = SANCTIONABLE
    offered_on = "supervision.rectificationorder"
    authorities = SANCTIONING_AUTHORITIES
    roles = SANCTIONERS
    Input = SanctionIn
    gate = "supervision.sanction"
    article = "第三十五条"
    requirement = "R35.1"
    style = "danger"

    def allowed(self, obj: Any, user: Any) -> bool:
        return self.desk(user) is not None

    # -- the decision --------------------------------------------------------------------------

    def project_for(self, obj: Any, data: Any) -> Any:
        if self.kind == K.DEFERRAL and data is not None and data.scope == DeferralScope.UNIT:
            return None
        return obj.project

    def context(self, obj: Any, user: Any, data: Any) -> GateContext:
        ctx = super().context(obj, user, data)
        project = obj.project
        scope = getattr(data, "scope", DeferralScope.PROJECT) if data is not None else ""
        same = self.same_in_force(obj, scope)
        ctx.facts = {
            "kind": self.kind,
            "kind_label": zh(K(self.kind).label),
            "number": obj.number,
            "order_state": obj.state,
            "state_label": display(obj, "state"),
            "project": project.pk if project else None,
            "scope": scope,
            "subject": obj.subject_label if scope != DeferralScope.UNIT else obj.unit.name,
            "same_in_force": same.number if same else "",
            "suspended_before": bool(
                project and Sanction.objects.filter(project=project, kind=K.SUSPENSION).exists()
            ),
        }
        return ctx

    def same_in_force(self, obj: Any, scope: str) -> Sanction | None:
        """The same measure already in force on the same subject (R35.1.in-force)."""
        if self.kind == K.CRITICISM:
            return None
        qs = Sanction.objects.in_force().filter(kind=self.kind)
        if self.kind == K.DEFERRAL and scope == DeferralScope.UNIT:
            return qs.filter(unit=obj.unit, scope=DeferralScope.UNIT).first()
        return qs.filter(project=obj.project).first() if obj.project_id else None

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> Sanction:
        project = self.project_for(obj, data)
        if project is not None:
            project = Project.objects.select_for_update().get(pk=project.pk)
        sanction = Sanction(
            kind=self.kind,
            scope=getattr(data, "scope", DeferralScope.PROJECT),
            unit=obj.unit,
            project=project,
            system=getattr(obj, "system", None),
            reasons=data.reasons,
            decision=decision,
            issued_by=user,
            **self.ground(obj),
        )
        numbered(sanction, data, self.desk(user), "通报" if self.kind == K.CRITICISM else "处理")
        kind_label = zh(K(self.kind).label)
        sanction.clauses = self.clauses(obj)
        sanction.notice_text = data.notice_text or sanction_text(
            sanction, kind_label, self.ground_text(obj), sanction.clauses[0]["article"]
        )
        self.apply(sanction, project, user)
        save_notice(sanction)
        self.record(
            EVENTS[K(self.kind)],
            user,
            sanction,
            f"{sanction.authority.display_name}决定{kind_label}（{sanction.number}）：{data.reasons}",
            target=sanction.state,
            decision=decision,
            data={
                "kind": self.kind,
                "scope": sanction.scope,
                "ground": self.ground_text(obj),
                "project": project.code if project else "",
                "closed_budget_lines": sanction.closed_budget_lines,
            },
        )
        self.announce(sanction, f"{kind_label}：{sanction.subject_label}（{sanction.number}）")
        return sanction

    # -- what the kinds differ in ----------------------------------------------------------------

    def ground(self, obj: Any) -> dict[str, Any]:
        return {"order": obj}

    def ground_text(self, obj: Any) -> str:
        return f"整改通知{obj.number}{display(obj, 'state')}"

    def clauses(self, obj: Any) -> list[dict[str, str]]:
        clauses = [clause("第三十五条")]
        if obj.origin == "incident" and self.kind == K.SUSPENSION:
            clauses.append(clause("第二十四条"))
        return clauses

    def apply(self, sanction: Sanction, project: Any, user: Any) -> None:
        """Set what the other chapters read on the project (none for a criticism)."""

    def announce(self, sanction: Sanction, title: str) -> None:
        """A sanction notifies the unit, and the authorities that act on what it stops."""
        people = unit_staff(sanction.unit_id)
        for code in (Authority.DRC, Authority.FINANCE, Authority.BDB):
            people += reviewers_of(code)
        body = f"{sanction.reasons}\n{WHAT_IT_STOPS[K(sanction.kind)]}（第三十五条）。"
        notify(people, title=title, body=body, link=sanction.get_absolute_url())


class IssueCriticism(DecideSanction):
    """通报批评: a public criticism notice against the unit and project, listed on their pages
    and among the platform's public notices."""

    kind = K.CRITICISM
    label = _("通报批评")
    style = "outline-danger"
    success = _("已发布通报批评。")
    confirm = _("通报批评将公开发布，列入单位和项目的监督记录（第三十五条）。")


class DeferInvestment(DecideSanction):
    """暂缓安排投资计划: the project, or every new project of the unit, cannot enter an annual
    investment plan or its adjustment until lifted."""

    kind = K.DEFERRAL
    label = _("暂缓安排投资计划")
    Input = SanctionDeferralIn
    style = "outline-danger"
    success = _("已决定暂缓安排投资计划；解除前不能纳入年度投资计划。")
    confirm = _("暂缓期间不能纳入年度投资计划或计划调整，直至本机关解除（第三十五条）。")


class SuspendConstruction(DecideSanction):
    """暂停项目建设: no state transitions, contracts or payments until lifted — the same
    suspension as Art. 24's (``Project.suspended_at``)."""

    kind = K.SUSPENSION
    label = _("暂停项目建设")
    success = _("已暂停项目建设；解除前项目不能推进、签订合同或支付。")
    confirm = _("暂停后项目不能推进、签订合同或支付，直至本机关解除（第三十五条）。")

    def apply(self, sanction: Sanction, project: Any, user: Any) -> None:
        if project.suspended_at is None:
            project.suspended_at = timezone.now()
            project.save(update_fields=["suspended_at", "updated_at"])


class TerminateProject(DecideSanction):
    """终止项目实施: final — no transitions, contracts or payments ever; the open budget lines
    are closed; the catalog and the project page say why."""

    kind = K.TERMINATION
    label = _("终止项目实施")
    success = _("已终止项目实施。")
    confirm = _(
        "终止是最终决定：项目不能再推进、签订合同或支付，未执行的预算关闭，不能解除（第三十五条）。"
    )

    def apply(self, sanction: Sanction, project: Any, user: Any) -> None:
        sanction.closed_budget_lines = open_budget_lines(project)
        project.terminated_at = timezone.now()
        project.save(update_fields=["terminated_at", "updated_at"])


CENT = Decimal("0.01")


def open_budget_lines(project: Project) -> list[dict[str, str]]:
    """The project's budget lines with money not yet paid: closed by a termination (their
    balance will not be paid; the guards refuse any payment on the project)."""
    from investment.models import BudgetLine

    lines = []
    for line in BudgetLine.objects.filter(project=project).annotate(paid=Sum("payments__amount")):
        paid = Decimal(line.paid or 0).quantize(CENT)  # SQLite sums without the scale
        if paid < line.amount:
            lines.append(
                {
                    "id": str(line.pk),
                    "year": str(line.year),
                    "amount": str(line.amount.quantize(CENT)),
                    "paid": str(paid),
                    "balance": str((line.amount - paid).quantize(CENT)),
                }
            )
    return lines


class CriticiseViolation(IssueCriticism):
    """通报批评 of a confirmed violation (Art. 38 ¶1), decided by DRC or Finance."""

    label = _("通报批评")
    model = ViolationEntry
    machine = VIOLATION
    states = (ViolationState.CONFIRMED,)
    offered_on = "supervision.violationentry"
    requirement = "R38.1"

    def context(self, obj: Any, user: Any, data: Any) -> GateContext:
        ctx = GateContext(subject=obj, policy=self.policy_for(obj), actor=user)
        ctx.facts = {"kind": self.kind, "violation": obj.pk}
        return ctx

    def project_for(self, obj: Any, data: Any) -> Any:
        return obj.project

    def ground(self, obj: Any) -> dict[str, Any]:
        return {"violation": obj}

    def ground_text(self, obj: Any) -> str:
        return f"违规行为：{display(obj, 'kind')}，{obj.facts[:60]}"

    def clauses(self, obj: Any) -> list[dict[str, str]]:
        return [clause("第三十八条")]


class LiftSanction(ByIssuer):
    """The deciding authority lifts a deferral or a suspension (a criticism is a published
    notice and a termination is final). Lifting the last suspension clears the project's
    ``suspended_at`` unless an Art. 24 suspension of the delivery chapter is still in force."""

    label = _("解除")
    model = Sanction
    machine = SANCTION
    transition = "lift"
    Input = SanctionLiftIn
    offered_on = ("supervision.sanction", "supervision.rectificationorder")
    article = "第三十五条"
    requirement = "R35.1"
    unguarded = True  # lifting is what a sanction waits for
    style = "outline-success"
    success = _("已解除。")

    def targets(self, page_obj: Any, user: Any) -> Iterator[Any]:
        if isinstance(page_obj, Sanction):
            yield page_obj
        elif isinstance(page_obj, RectificationOrder):
            yield from page_obj.sanctions.in_force().filter(kind__in=LIFTABLE)

    def target_label(self, obj: Any) -> str:
        return f"{obj.get_kind_display()}（{obj.number}）"

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterator[Finding]:
        if obj.kind not in LIFTABLE:
            yield refusal(
                "R35.1.final",
                N_(
                    "%(measure)s不能解除（第三十五条）：通报批评已公开发布，终止项目实施是最终决定。"
                ),
                remedy=N_("如决定有误，请按程序另行发文更正。"),
                params={"measure": display(obj, "kind")},
            )

    def perform(self, obj: Sanction, data: Any, user: Any, decision: Any) -> Sanction:
        obj.lift_reasons = data.reasons
        obj.lifted_by = user
        obj.lifted_at = timezone.now()
        event = E.SANCTION_LIFTED if obj.kind == K.SUSPENSION else E.DEFERRAL_LIFTED
        self.take(
            SANCTION,
            obj,
            "lift",
            user=user,
            event=event,
            reason=f"解除{display(obj, 'kind')}（{obj.number}）：{data.reasons}",
            fields=("lift_reasons", "lifted_by", "lifted_at"),
        )
        if obj.kind == K.SUSPENSION and obj.project_id is not None:
            clear_suspension(obj.project_id)
        notify(
            unit_staff(obj.unit_id) + reviewers_of(Authority.DRC) + reviewers_of(Authority.FINANCE),
            title=f"解除{display(obj, 'kind')}：{obj.subject_label}（{obj.number}）",
            body=data.reasons,
            link=obj.get_absolute_url(),
        )
        return obj


def clear_suspension(project_id: int) -> None:
    """Clear ``Project.suspended_at`` when no suspension binds the project any more: neither a
    sanction of this chapter nor an incident the delivery chapter suspended on (Art. 24)."""
    from delivery.models import Incident, IncidentState

    project = Project.objects.select_for_update().get(pk=project_id)
    if Sanction.objects.in_force().filter(project=project, kind=K.SUSPENSION).exists():
        return
    if Incident.objects.filter(project=project, state=IncidentState.SUSPENDED).exists():
        return
    if project.suspended_at is not None:
        project.suspended_at = None
        project.save(update_fields=["suspended_at", "updated_at"])


issue_criticism = IssueCriticism()
defer_investment = DeferInvestment()
suspend_construction = SuspendConstruction()
terminate_project = TerminateProject()
criticise_violation = CriticiseViolation()
lift_sanction = LiftSanction()
