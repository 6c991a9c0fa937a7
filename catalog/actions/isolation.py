"""Isolated networks (孤网, Art. 31, R31.1): "联网通办是原则，孤网是例外". A system that claims it
cannot share data is built or kept only after BDB's initial review and the city government's
approval; each step may refuse, and a refused system's unit may ask again with a better basis.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from accounts.recipients import is_unit_staff, unit_staff, users_with_roles
from accounts.roles import Role
from core.dates import today
from core.enums import ActionCode
from core.findings import Finding
from core.notify import notify
from policy.gates import refusal

from ..contracts import CatalogIsolationReviewIn
from ..machines import SYSTEM_ISOLATION
from ..models import InformationSystem, IsolationState
from .base import UNIT, of_record
from .systems import SystemAction

# the state a review leaves -> (role that reviews, transition when agreeing, when refusing,
# the date it records)
STEPS = {
    IsolationState.AWAITING_BDB: (
        Role.BDB_REVIEWER,
        "bdb_agree",
        "bdb_refuse",
        "isolation_bdb_reviewed_on",
    ),
    IsolationState.AWAITING_GOV: (
        Role.GOV_APPROVER,
        "gov_approve",
        "gov_refuse",
        "isolation_gov_approved_on",
    ),
}


def basis_refusal(system: InformationSystem) -> list[Finding]:
    """R31.1: the unit states the legal basis on which its system cannot share data."""
    if system.isolation_reason.strip():
        return []
    return [
        refusal(
            "R31.1.basis",
            N_("所属单位尚未写明不能共享数据的法律法规依据（第三十一条）。"),
            remedy=N_("请所属单位在目录信息中写明依据后再报请审批。"),
            facts={"field": "isolation_reason"},
            params={},
        )
    ]


class IsolationAction(SystemAction):
    """An act of the Art. 31 approval of an isolated system."""

    machine = SYSTEM_ISOLATION
    article = "第三十一条"
    requirement = "R31.1"


class ReviewIsolation(IsolationAction):
    """BDB's initial review, then the city government's approval, of an isolated system
    (Art. 31); either may refuse. Which step is taken follows from where the system stands."""

    label = _("孤网审批")
    roles = (Role.BDB_REVIEWER, Role.GOV_APPROVER)
    states = (IsolationState.AWAITING_BDB, IsolationState.AWAITING_GOV)
    Input = CatalogIsolationReviewIn
    confirm = _(
        "孤网审批结果记入台账：市大数据发展局初审同意后报市政府批准，批准后方可建设或保留孤网（第三十一条）。"
    )

    def refusals(self, obj: Any, user: Any, data: Any) -> list[Finding]:
        role, *_steps = STEPS[obj.isolation_state]
        if user.has_role(role):
            return basis_refusal(obj) if obj.isolation_state == IsolationState.AWAITING_BDB else []
        if obj.isolation_state == IsolationState.AWAITING_BDB:
            return [
                refusal(
                    "R31.1.bdb-first",
                    N_("孤网须先由市大数据发展局初审，再报市政府批准（第三十一条）。"),
                    remedy=N_("市大数据发展局初审同意后，市政府即可审批。"),
                    params={},
                )
            ]
        on = obj.isolation_bdb_reviewed_on
        return [
            refusal(
                "R31.1.awaiting-gov",
                N_("市大数据发展局已于 %(on)s 完成初审，等待市政府批准（第三十一条）。"),
                remedy=N_("由市政府审批，无需再次初审。"),
                params={"on": on.isoformat() if on else ""},
            )
        ]

    def perform(
        self, obj: Any, data: CatalogIsolationReviewIn, user: Any, decision: Any
    ) -> InformationSystem:
        _role, agree, refuse, date_field = STEPS[obj.isolation_state]
        step = refuse if data.refuse else agree
        setattr(obj, date_field, data.approve_on or today())
        label = of_record(SYSTEM_ISOLATION[step].label)
        SYSTEM_ISOLATION.move(
            obj,
            step,
            actor=user,
            event=ActionCode.ISOLATION_REVIEWED,
            organisation=obj.unit_id,
            reason=f"{label}（第三十一条）" + (f"：{data.opinion}" if data.opinion else ""),
            data={"on": getattr(obj, date_field), "opinion": data.opinion},
            update_fields=[date_field],
        )
        told = users_with_roles(Role.GOV_APPROVER) if step == "bdb_agree" else []
        notify(
            told or unit_staff(obj.unit_id),
            title=f"孤网审批：{obj.code} {obj.name}（{label}）",
            body=data.opinion,
            link=obj.get_absolute_url(),
        )
        return obj

    def success_message(self, obj: Any, result: Any) -> str:
        return gettext("孤网审批：%(state)s（第三十一条）。") % {
            "state": result.get_isolation_state_display()
        }


class ResubmitIsolation(IsolationAction):
    """A unit whose isolated system was refused asks again, with the legal basis completed;
    the review starts over with BDB (Art. 31)."""

    label = _("重新报请孤网审批")
    transition = "resubmit"
    roles = UNIT
    success = _("已重新报请孤网审批，待市大数据发展局初审（第三十一条）。")
    style = "outline-primary"

    def allowed(self, obj: Any, user: Any) -> bool:
        return is_unit_staff(user, obj.unit_id)

    def refusals(self, obj: Any, user: Any, data: Any) -> list[Finding]:
        return basis_refusal(obj)

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> InformationSystem:
        obj.isolation_bdb_reviewed_on = obj.isolation_gov_approved_on = None
        self.move(
            obj,
            actor=user,
            event=ActionCode.ISOLATION_REVIEWED,
            organisation=obj.unit_id,
            reason="重新报请孤网审批（第三十一条）",
            update_fields=["isolation_bdb_reviewed_on", "isolation_gov_approved_on"],
        )
        return obj


review_isolation = ReviewIsolation()
resubmit_isolation = ResubmitIsolation()
