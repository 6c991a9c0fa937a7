"""The platform proposes entries of the register of violations (Art. 38, R38.1) from the facts
it holds; a person confirms or dismisses each (``confirm_violation``/``dismiss_violation``):

- 未履行审批程序: contracts or payments recorded before a construction project's approval, or
  a project never approved with contracts, payments or works started;
- 严重超概（预）算: payments beyond the approved total (or the total of its latest effective
  change);
- changes beyond the self-adjustment limit without approval: a change filed (备案) as the
  unit's own adjustment although it raised the total, changed the goals or moved more than
  the policy's ratio of the approved total (Art. 26) — 未履行审批程序.

Each proposal has a key naming its facts; a key proposed once (whatever became of it) is not
proposed again, so a dismissed proposal stays dismissed. Run by the sweep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Min, Sum

from core.ledger import record_event
from core.money import format_wan
from planning.models import ItemKind
from policy.lookup import NoPolicyInForce, policy_in_force
from projects.models import Project

from .models import SupervisionEvent, ViolationEntry, ViolationKind, ViolationOrigin

ZERO = Decimal("0")


@dataclass
class Proposal:
    key: str
    kind: str
    project: Project
    facts: str
    data: dict[str, Any] = field(default_factory=dict)
    occurred_on: dt.date | None = None


def without_approval() -> Iterator[Proposal]:
    """Contracts or payments recorded before the project's approval, or a construction project
    never approved with contracts, payments or works started. The platform compares what it
    recorded when (a contract signed on paper before an approval recorded later is not proof
    the platform holds: the approval's own date is not kept)."""
    from delivery.models import Delivery
    from investment.models import Contract, Payment

    recorded: dict[int, dict[str, dt.datetime]] = {}
    for model, project_field, when, what in (
        (Contract, "project_id", "created_at", "contract"),
        (Payment, "contract__project_id", "recorded_at", "payment"),
    ):
        rows = model.objects.values(project_field).annotate(first=Min(when)).order_by()
        for row in rows:
            recorded.setdefault(row[project_field], {})[what] = row["first"]
    started = set(
        Delivery.objects.exclude(started_on__isnull=True).values_list("project_id", flat=True)
    )
    ids = set(recorded) | started
    projects = Project.objects.filter(pk__in=ids).exclude(kind=ItemKind.OM)
    words = {"contract": "登记合同", "payment": "支付资金", "started": "开工建设"}
    for project in projects.select_related("unit"):
        approved = project.approved_at
        early: dict[str, dt.datetime | None] = {
            k: t
            for k, t in recorded.get(project.pk, {}).items()
            if approved is None or t < approved
        }
        if approved is None and project.pk in started:
            early["started"] = None
        if not early:
            continue
        done = "、".join(words[k] for k in sorted(early))
        when = f"于 {approved:%Y-%m-%d} 批复" if approved else "尚未批复"
        dates = [t.date() for t in early.values() if t is not None]
        yield Proposal(
            key=f"no-approval:{project.pk}",
            kind=ViolationKind.NO_APPROVAL,
            project=project,
            facts=f"项目{when}，此前已{done}（第九条、第二十七条、第三十八条）。",
            data={k: (t.isoformat() if t else "") for k, t in early.items()}
            | {"approved_at": approved.isoformat() if approved else ""},
            occurred_on=min(dates) if dates else None,
        )


def effective_total(project: Project) -> Decimal | None:
    """The approved total, or the total of the latest change in effect (Art. 25, 26)."""
    from investment.models import EFFECTIVE_CHANGE_STATES, Baseline, ChangeRequest

    last = (
        ChangeRequest.objects.filter(project=project, state__in=EFFECTIVE_CHANGE_STATES)
        .order_by("-number")
        .first()
    )
    if last is not None:
        return Decimal(last.new_total)
    baseline = Baseline.objects.filter(project=project).first()
    if baseline is not None:
        return Decimal(baseline.approved_total)
    return Decimal(project.approved_total) if project.approved_total is not None else None


def beyond_approved_total() -> Iterator[Proposal]:
    """Payments beyond the approved total of a construction project."""
    from investment.models import Payment

    paid = Payment.objects.values("contract__project_id").annotate(total=Sum("amount")).order_by()
    totals = {row["contract__project_id"]: Decimal(row["total"]) for row in paid}
    projects = Project.objects.filter(pk__in=totals).exclude(kind=ItemKind.OM)
    for project in projects.select_related("unit"):
        limit = effective_total(project)
        if limit is None or totals[project.pk] <= limit:
            continue
        over = totals[project.pk] - limit
        yield Proposal(
            key=f"overrun:{project.pk}",
            kind=ViolationKind.OVERRUN,
            project=project,
            facts=f"累计支付 {format_wan(totals[project.pk])} 万元，超过批复总投资 "
            f"{format_wan(limit)} 万元，超出 {format_wan(over)} 万元（第二十五条、第三十八条）。",
            data={"paid": totals[project.pk], "limit": limit, "over": over},
        )


def changes_without_approval() -> Iterator[Proposal]:
    """Changes filed as the unit's own adjustment beyond what Art. 26 lets it adjust."""
    from investment.models import Baseline, ChangeRequest, ChangeState

    filed = ChangeRequest.objects.filter(state=ChangeState.FILED).select_related(
        "project", "project__unit"
    )
    for change in filed:
        baseline = Baseline.objects.filter(project=change.project).first()
        if baseline is None:
            continue
        try:
            ratio = Decimal(str(policy_in_force(change.project.unit).p.change_ratio))
        except NoPolicyInForce:
            continue
        limit = (Decimal(baseline.approved_total) * ratio).quantize(Decimal("0.01"))
        reasons = []
        if change.new_total > baseline.approved_total:
            reasons.append(f"调整后总投资 {format_wan(change.new_total)} 万元超过批复总投资")
        if change.goals_changed:
            reasons.append("建设目标发生变化")
        if change.cumulative_moved > limit:
            reasons.append(
                f"累计调整 {format_wan(change.cumulative_moved)} 万元超过批复总投资的 "
                f"{ratio * 100:.0f}%（{format_wan(limit)} 万元）"
            )
        if not reasons:
            continue
        yield Proposal(
            key=f"change:{change.pk}",
            kind=ViolationKind.NO_APPROVAL,
            project=change.project,
            facts=f"第{change.number}次调整以建设单位自行调整备案，但{'；'.join(reasons)}，"
            "应履行审批手续（第二十六条、第三十八条）。",
            data={"change": change.pk, "limit": limit, "reasons": reasons},
            occurred_on=change.created_at.date(),
        )


def propose_violations() -> list[ViolationEntry]:
    """Create the proposals not made before; returns the new entries."""
    sources = (without_approval, beyond_approved_total, changes_without_approval)
    proposals = [p for source in sources for p in source()]
    known = set(
        ViolationEntry.objects.filter(proposal_key__in=[p.key for p in proposals]).values_list(
            "proposal_key", flat=True
        )
    )
    created = []
    for proposal in proposals:
        if proposal.key in known:
            continue
        with transaction.atomic():
            entry = ViolationEntry.objects.create(
                unit=proposal.project.unit,
                project=proposal.project,
                kind=proposal.kind,
                facts=proposal.facts,
                occurred_on=proposal.occurred_on,
                origin=ViolationOrigin.PROPOSED,
                proposal_key=proposal.key,
                proposal_facts=_jsonable(proposal.data),
            )
            record_event(
                SupervisionEvent.VIOLATION_PROPOSED,
                obj=entry,
                organisation=entry.unit_id,
                to_state=entry.state,
                reason=f"平台提示违规线索：{proposal.facts}",
                data={"key": proposal.key},
            )
        created.append(entry)
    return created


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    def value(v: Any) -> Any:
        if isinstance(v, (Decimal, dt.date)):
            return str(v)
        if isinstance(v, list):
            return [value(x) for x in v]
        return v

    return {k: value(v) for k, v in data.items()}
