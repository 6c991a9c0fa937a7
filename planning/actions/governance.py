"""Data governance before construction (Art. 7, R7.1)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.enums import ActionCode
from core.ledger import record_event
from policy.lookup import policy_in_force

from ..contracts import DataGovernanceIn
from ..models import DataGovernanceRecord
from .base import ForOwnUnit


class RecordDataGovernance(ForOwnUnit):
    """A unit records that its data standards are set and its existing data aggregated and
    governed (Art. 7). Construction projects are blocked until the record is complete."""

    label = _("登记数据治理情况")
    roles = (Role.UNIT_OFFICER, Role.UNIT_HEAD)
    Input = DataGovernanceIn
    article = "第七条"
    requirement = "R7.1"
    success = _("已登记数据治理情况（第七条）。")

    def perform(self, obj: Any, data: DataGovernanceIn, user: Any, decision: Any) -> Any:
        assert data.unit is not None  # required by the contract (Ref)
        record = DataGovernanceRecord.objects.create(
            unit_id=data.unit,
            standards_set_on=data.standards_set_on,
            data_aggregated=data.data_aggregated,
            governance_summary=data.governance_summary,
            recorded_by=user,
        )
        record_event(
            ActionCode.DATA_GOVERNANCE_RECORDED,
            actor=user,
            obj=record,
            organisation=data.unit,
            to_state="complete" if record.is_complete else "incomplete",
            reason="登记数据标准制定和已有数据汇聚治理情况（第七条）",
            policy_version=policy_in_force(record.unit).code,
            data={
                "standards_set_on": record.standards_set_on,
                "data_aggregated": record.data_aggregated,
            },
        )
        return record

    def next_url(self, obj: Any, result: Any) -> str:
        return reverse("planning:data_governance")


record_data_governance = RecordDataGovernance()
