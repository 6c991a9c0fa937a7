"""Audit findings (Art. 36, R36.1): 市审计局 records its findings on the authenticity, legality
and efficiency of the use of funds on a project, a system or a unit; the unit responds; Audit
follows up and closes the finding, and may pass it to DRC or Finance as the ground of a
rectification order (``order_from_audit_finding``). Audit writes nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from accounts.recipients import reviewers_of
from core.findings import Finding
from core.money import format_wan
from core.notify import notify
from policy.engine import GateContext
from policy.gates import refusal

from ..authorities import AUDIT_AUTHORITIES, AUDITORS, authority_org
from ..contracts import (
    AuditCloseIn,
    AuditFindingIn,
    AuditReferralIn,
    AuditResponseIn,
    UnitAuditFindingIn,
)
from ..machines import AUDIT
from ..models import OPEN_AUDIT_STATES, AuditFinding, SupervisionEvent
from ..notices import clause, display
from .base import (
    ByIssuer,
    ByUnit,
    OnProject,
    OnSystem,
    OnUnit,
    SupervisionAction,
    number_problems,
    numbered,
    save_notice,
)

E = SupervisionEvent


class NewAuditFinding(SupervisionAction):
    """市审计局 records an audit finding on the use of funds (Art. 36)."""

    label = _("登记审计发现")
    authorities = AUDIT_AUTHORITIES
    roles = AUDITORS
    Input = AuditFindingIn
    gate = "supervision.audit.record"
    article = "第三十六条"
    requirement = "R36.1"
    style = "outline-primary"
    success = _("已登记审计发现，被审计单位将收到通知。")

    def allowed(self, obj: Any, user: Any) -> bool:
        return self.desk(user) is not None

    def input_problems(self, obj: Any, user: Any, data: Any) -> dict[str, str]:
        return number_problems(AuditFinding, data)

    def gate_code(self, obj: Any, data: Any) -> str:
        return self.gate if data is not None else ""  # the rule reads the finding itself

    def context(self, obj: Any, user: Any, data: Any) -> GateContext:
        ctx = super().context(obj, user, data)
        ctx.facts = {"aspect": data.aspect, "amount": data.amount}
        return ctx

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> AuditFinding:
        unit, project, system = self.subject_of(obj, data)  # type: ignore[attr-defined]
        finding = AuditFinding(
            unit=unit,
            project=project,
            system=system,
            aspect=data.aspect,
            facts=data.facts,
            amount=data.amount,
            recommendation=data.recommendation,
            issued_by=user,
        )
        numbered(finding, data, self.desk(user), "审计")
        amount = f"，涉及金额 {format_wan(data.amount)} 万元" if data.amount else ""
        finding.notice_text = (
            f"{unit.name}：\n经审计，{finding.subject_label}在{display(finding, 'aspect')}方面"
            f"存在以下问题{amount}：{data.facts}\n审计建议：{data.recommendation or '—'}"
        )
        finding.clauses = [clause("第三十六条"), clause("第三十四条")]
        save_notice(finding)
        self.record(
            E.AUDIT_RECORDED,
            user,
            finding,
            f"审计发现（{finding.number}，{display(finding, 'aspect')}）：{data.facts[:80]}",
            decision=decision,
            data={"number": finding.number, "amount": data.amount},
        )
        self.tell_unit(finding, f"审计发现：{finding.number}，请回应", data.facts[:200])
        return finding


class RecordAuditFinding(OnProject, NewAuditFinding):
    """An audit finding on a project (Art. 36)."""


class RecordSystemAuditFinding(OnSystem, NewAuditFinding):
    """An audit finding on an information system (Art. 36)."""


class RecordUnitAuditFinding(OnUnit, NewAuditFinding):
    """An audit finding on a unit, naming a project or system if any (Art. 36)."""

    Input = UnitAuditFindingIn


class OnAudit(SupervisionAction):
    """An act on an audit finding, offered on its page."""

    model = AuditFinding
    machine = AUDIT
    offered_on = "supervision.auditfinding"
    article = "第三十六条"
    requirement = "R36.1"


class RespondToAuditFinding(OnAudit, ByUnit):
    """The audited unit responds with its rectification arrangements."""

    label = _("回应审计发现")
    transition = "respond"
    Input = AuditResponseIn
    success = _("已回应，市审计局将跟踪落实。")

    def perform(self, obj: AuditFinding, data: Any, user: Any, decision: Any) -> Any:
        obj.response = data.response
        obj.responded_by = user
        obj.responded_at = timezone.now()
        self.take(
            AUDIT,
            obj,
            "respond",
            user=user,
            event=E.AUDIT_RESPONDED,
            reason=f"回应审计发现（{obj.number}）：{data.response[:80]}",
            fields=("response", "responded_by", "responded_at"),
        )
        self.tell_authority(obj, f"审计发现已回应：{obj.number}（{obj.unit.display_name}）")
        return obj


class ReferAuditFinding(OnAudit, ByIssuer):
    """Audit passes the finding to DRC or Finance as the ground of a rectification order."""

    label = _("移送市发展改革委或市财政局")
    roles = AUDITORS
    states = OPEN_AUDIT_STATES
    Input = AuditReferralIn
    style = "outline-warning"
    success = _("已移送，受移送机关可据此下达整改通知。")

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterator[Finding]:
        if obj.referred_to_id:
            yield refusal(
                "R36.1.referred",
                N_("该审计发现已于 %(on)s 移送%(to)s（第三十六条）。"),
                remedy=N_("请由受移送机关据此下达整改通知。"),
                params={
                    "on": f"{timezone.localtime(obj.referred_at):%Y-%m-%d}",
                    "to": obj.referred_to.display_name,
                },
            )

    def perform(self, obj: AuditFinding, data: Any, user: Any, decision: Any) -> Any:
        target = authority_org(data.to)
        obj.referred_to = target
        obj.referral_note = data.note
        obj.referred_at = timezone.now()
        obj.save(update_fields=["referred_to", "referral_note", "referred_at"])
        self.record(
            E.AUDIT_REFERRED,
            user,
            obj,
            f"移送{target.display_name if target else data.to}（{obj.number}）：{data.note}",
        )
        notify(
            reviewers_of(data.to),
            title=f"审计发现移送：{obj.number}（{obj.unit.display_name}）",
            body=data.note,
            link=obj.get_absolute_url(),
        )
        return obj


class CloseAuditFinding(OnAudit, ByIssuer):
    """Audit records the follow-up and closes the finding."""

    label = _("跟踪办结")
    transition = "close"
    Input = AuditCloseIn
    style = "outline-success"
    success = _("已办结。")

    def perform(self, obj: AuditFinding, data: Any, user: Any, decision: Any) -> Any:
        obj.followup = data.followup
        obj.closed_at = timezone.now()
        self.take(
            AUDIT,
            obj,
            "close",
            user=user,
            event=E.AUDIT_CLOSED,
            reason=f"跟踪办结（{obj.number}）：{data.followup[:80]}",
            fields=("followup", "closed_at"),
        )
        self.tell_unit(obj, f"审计发现已办结：{obj.number}", data.followup)
        return obj


record_audit_finding = RecordAuditFinding()
record_system_audit_finding = RecordSystemAuditFinding()
record_unit_audit_finding = RecordUnitAuditFinding()
respond_to_audit_finding = RespondToAuditFinding()
refer_audit_finding = ReferAuditFinding()
close_audit_finding = CloseAuditFinding()
