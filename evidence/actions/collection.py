"""Duplicate collection (Art. 31, R31.2): BDB confirms or dismisses, with a reason, each data
item a project plans to collect or a catalogued system collects although an authoritative
source provides it. A confirmed finding blocks the project's submission and is what the
catalog's O&M decision reads for R31.2 (``CollectionFinding`` confirmed, with its system)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.recipients import unit_staff
from core.memo import memoised, rows_if_any
from core.notify import notify

from ..contracts import EvidenceFindingDecisionIn
from ..machines import COLLECTION_FINDING
from ..models import CollectionFinding
from .base import Event, EvidenceAction

PAGES = ("evidence.collectionfinding", "projects.project", "catalog.informationsystem")


class FindingDecision(EvidenceAction):
    """A transition of a finding taken by BDB with a reason; the unit is told."""

    model = CollectionFinding
    machine = COLLECTION_FINDING
    article = "第三十一条"
    requirement = "R31.2"
    Input = EvidenceFindingDecisionIn
    offered_on = PAGES
    event = ""
    verdict: Any = ""

    def targets(self, page_obj: Any, user: Any) -> Any:
        if isinstance(page_obj, CollectionFinding):
            yield page_obj
            return
        field = {"projects.project": "project", "catalog.informationsystem": "system"}.get(
            page_obj._meta.label_lower
        )
        if field:
            sources = self.machine[self.transition].sources if self.machine else ()
            # the findings any decision may take, read once per page for all (core.memo)
            decidable = {s for t in COLLECTION_FINDING.transitions if t.action for s in t.sources}
            rows = memoised(  # none read when the project page knows it has none
                ("collection_findings", field, page_obj.pk),
                lambda: rows_if_any(
                    "collection_findings",
                    page_obj,
                    lambda: list(
                        CollectionFinding.objects.filter(**{field: page_obj}, state__in=decidable)
                    ),
                ),
            )
            yield from (f for f in rows if f.state in sources)

    def target_label(self, obj: CollectionFinding) -> str:
        return f"{obj.item_name} ← {obj.source_name}（{obj.source_code}）"

    def perform(
        self, obj: CollectionFinding, data: EvidenceFindingDecisionIn, user: Any, decision: Any
    ) -> Any:
        obj.reason, obj.decided_by, obj.decided_at = data.reason, user, timezone.now()
        unit = obj.unit
        self.move(
            obj,
            actor=user,
            event=self.event,
            reason=f"{obj.subject_name}采集“{obj.item_name}”（权威数据源 {obj.source_code}）"
            f"{self.verdict}：{data.reason}",
            organisation=unit,
            update_fields=["reason", "decided_by", "decided_at"],
        )
        notify(
            unit_staff(unit),
            title=f"重复采集核查：{obj.item_name}{self.verdict}",
            body=f"{obj.subject_name}：{data.reason}（第三十一条）",
            link=obj.get_absolute_url(),
        )
        return obj

    def next_url(self, obj: Any, result: Any) -> str:
        return str(obj.get_absolute_url())


class ConfirmDuplicateCollection(FindingDecision):
    """BDB confirms the item is collected again although the authoritative source provides
    it: the project's submission is blocked until it obtains the data by sharing, and the
    system fails R31.2 in the O&M decision (Art. 31)."""

    label = _("认定为重复采集")
    transition = "confirm"
    event = Event.COLLECTION_CONFIRMED
    verdict = "认定为重复采集"
    style = "danger"
    confirm = _("认定后，项目在改为共享获取前不能申报，系统不予安排运维经费（第三十一条）。")
    success = _("已认定为重复采集（第三十一条）。")


class DismissDuplicateCollection(FindingDecision):
    """BDB dismisses the finding with a reason (a different item of the same name, a
    collection the law requires): it no longer warns."""

    label = _("排除")
    transition = "dismiss"
    event = Event.COLLECTION_DISMISSED
    verdict = "经核查排除"
    style = "outline-secondary"
    success = _("已排除该项核查。")


class ReopenDuplicateCollection(FindingDecision):
    """BDB reconsiders a confirmed or dismissed finding (new facts)."""

    label = _("重新认定")
    transition = "reopen"
    event = Event.COLLECTION_REOPENED
    verdict = "重新认定"
    style = "outline-secondary"
    success = _("已重新打开该项核查。")


confirm_duplicate_collection = ConfirmDuplicateCollection()
dismiss_duplicate_collection = DismissDuplicateCollection()
reopen_duplicate_collection = ReopenDuplicateCollection()
