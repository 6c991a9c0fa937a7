"""What the evidence actions share: the ledger codes, the project machine they read, and the
ledger event they write."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.enums import ActionCode
from core.ledger import record_event
from policy.gates import GatedAction
from policy.lookup import NoPolicyInForce, policy_in_force

UNIT = (Role.UNIT_OFFICER, Role.UNIT_HEAD)
BDB = (Role.BDB_REVIEWER,)


class Event:
    """The ledger's codes for the chapter's events (plain codes: the ledger keeps any)."""

    PROFILE_SAVED = "evidence.profile_saved"
    SNAPSHOT_TAKEN = "evidence.snapshot_taken"
    CONCLUSION_RECORDED = "evidence.conclusion_recorded"
    COLLECTION_CONFIRMED = "evidence.collection_confirmed"
    COLLECTION_DISMISSED = "evidence.collection_dismissed"
    COLLECTION_REOPENED = "evidence.collection_reopened"


#: how the ledger names the chapter's events to a person
EVENT_WORDS = {
    Event.PROFILE_SAVED: _("填写需求要素"),
    Event.SNAPSHOT_TAKEN: _("重新比对"),
    Event.CONCLUSION_RECORDED: _("记录比对结论"),
    Event.COLLECTION_CONFIRMED: _("认定为重复采集"),
    Event.COLLECTION_DISMISSED: _("排除重复采集线索"),
    Event.COLLECTION_REOPENED: _("重新认定重复采集线索"),
}


class EvidenceAction(GatedAction):
    """Base of the evidence chapter's actions."""


def policy_code(unit: Any) -> str:
    try:
        return str(policy_in_force(unit).code)
    except NoPolicyInForce:
        return ""


def record(code: str, *, actor: Any, obj: Any, unit: Any, reason: str, **extra: Any) -> None:
    """One ledger event about ``obj`` under the unit's policy in force."""
    record_event(
        cast(ActionCode, code),  # the ledger keeps a chapter's own codes as they are
        actor=actor,
        obj=obj,
        organisation=getattr(unit, "pk", unit),
        reason=reason,
        policy_version=policy_code(unit),
        **extra,
    )
