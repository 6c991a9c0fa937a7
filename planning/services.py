"""Read helpers other chapters use: which master plan of a unit is currently filed, and
whether a project is in it (R6.3). No state changes here (those are in ``actions.py``)."""

from __future__ import annotations

import uuid

from core.memo import memoised
from policy.engine import GateContext
from policy.lookup import policy_in_force

from .models import (
    DataGovernanceRecord,
    ItemKind,
    MasterPlanItem,
    MasterPlanRevision,
    RevisionState,
)

# The gate the projects app evaluates before a unit submits a project for the list.
PROJECT_SUBMIT_GATE = "projects.submit.planning"


def _unit_id(unit) -> int | None:
    return getattr(unit, "pk", unit)


def current_filed_revision(unit) -> MasterPlanRevision | None:
    """The unit's master-plan revision that is filed and not superseded (at most one); read
    once per scope (``core.memo``: the R6.3 rule and the item it looks up both ask)."""
    unit_id = _unit_id(unit)
    return memoised(
        ("filed_revision", unit_id),
        lambda: (
            MasterPlanRevision.objects.filter(unit_id=unit_id, is_current_filed=True)
            .select_related("plan")
            .first()
        ),
    )


def pending_draft_revision(unit) -> MasterPlanRevision | None:
    """A draft revision of the unit that has not been filed yet (the newest one)."""
    return (
        MasterPlanRevision.objects.filter(unit_id=_unit_id(unit), state=RevisionState.DRAFT)
        .order_by("-created_at", "-pk")
        .first()
    )


def _as_key(value):
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def current_filed_item(unit, item_id) -> MasterPlanItem | None:
    """The item of the unit's currently filed revision that is the same project as ``item_id``.

    ``item_id`` may be an item's stable ``key`` (UUID or its text), the primary key of an item
    of any revision of the unit, or a ``MasterPlanItem``. None when the project is not in the
    currently filed revision (never filed, removed, or only in an unfiled draft)."""
    revision = current_filed_revision(unit)
    if revision is None or item_id is None:
        return None
    key: uuid.UUID | None
    if isinstance(item_id, MasterPlanItem):
        key = item_id.key
    else:
        key = _as_key(item_id)
        if key is None:
            try:
                pk = int(item_id)
            except (TypeError, ValueError):
                return None
            key = (
                MasterPlanItem.objects.filter(pk=pk, revision__unit_id=_unit_id(unit))
                .values_list("key", flat=True)
                .first()
            )
            if key is None:
                return None
    return revision.items.filter(key=key).first()


def find_filed_item(unit, project_name_or_item) -> MasterPlanItem | None:
    """Like ``current_filed_item`` but also accepts a project name (exact, trimmed)."""
    if isinstance(project_name_or_item, str) and _as_key(project_name_or_item) is None:
        name = project_name_or_item.strip()
        if not name:
            return None
        revision = current_filed_revision(unit)
        if revision is None:
            return None
        return revision.items.filter(name=name).first()
    return current_filed_item(unit, project_name_or_item)


def is_in_current_filed_plan(unit, project_name_or_item) -> bool:
    """R6.3: may this project be submitted for the list? True only when it is an item of the
    unit's currently filed master-plan revision."""
    return find_filed_item(unit, project_name_or_item) is not None


def latest_data_governance(unit) -> DataGovernanceRecord | None:
    return (
        DataGovernanceRecord.objects.filter(unit_id=_unit_id(unit))
        .order_by("-recorded_at", "-pk")
        .first()
    )


def submission_facts(unit, *, plan_item, project_kind: str = ItemKind.NEW, project_name="") -> dict:
    """The facts the rules of gate ``projects.submit.planning`` read. JSON-safe, because the
    engine stores them with the decision."""
    if isinstance(plan_item, MasterPlanItem):
        plan_item = str(plan_item.key)
    return {
        "unit_id": _unit_id(unit),
        "plan_item": "" if plan_item is None else str(plan_item),
        "project_name": project_name,
        "project_kind": str(project_kind),
    }


def submission_context(
    unit, *, plan_item, project_kind=ItemKind.NEW, project_name="", subject=None, actor=None
) -> GateContext:
    """A ready GateContext for ``projects.submit.planning`` (subject defaults to the unit)."""
    return GateContext(
        subject=subject if subject is not None else unit,
        policy=policy_in_force(unit),
        actor=actor,
        facts=submission_facts(
            unit, plan_item=plan_item, project_kind=project_kind, project_name=project_name
        ),
    )


def filing_facts(revision: MasterPlanRevision) -> dict:
    """JSON-safe facts stored with a filing decision (the rules read the revision itself)."""
    from core.dates import today

    return {
        "unit": revision.unit.name,
        "plan": revision.plan.title,
        "revision": revision.number,
        "start_year": revision.start_year,
        "end_year": revision.end_year,
        "collective_review_date": revision.collective_review_date,
        "collective_review_ref": revision.collective_review_ref,
        "items": [
            {**item.content(), "key": str(item.key)} for item in revision.items.order_by("seq")
        ],
        "today": today().isoformat(),
    }


def filing_context(revision: MasterPlanRevision, actor=None) -> GateContext:
    """GateContext for ``planning.master_plan.file`` under the unit's policy in force."""
    return GateContext(
        subject=revision,
        policy=policy_in_force(revision.unit),
        actor=actor,
        facts=filing_facts(revision),
    )


def city_plan_context(version, actor=None) -> GateContext:
    """GateContext for the city-plan gates (municipal policy in force)."""
    return GateContext(
        subject=version,
        policy=policy_in_force(None),
        actor=actor,
        facts={
            "plan": version.plan.title,
            "period": version.plan.period_label,
            "version": version.number,
            "kind": version.kind,
            "state": version.state,
        },
    )
