"""Rules that feed the O&M conditions back into the approval lifecycle as gates: a unit with
systems that should have been integrated cannot submit new projects (Art. 33), and a system
failing R31.2 or R32.1 cannot have an expansion project (Art. 31, 32)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from policy.registry import rule, violation

from .models import InformationSystem, IntegrationStatus


@rule(
    id="R33.1.new-project", article="第三十三条", title=_("有应整合未整合系统的单位不支持新建项目")
)
def integration_before_new_project(ctx: Any) -> Iterator[Any]:
    if ctx.facts.get("project_kind") not in ("new", "expansion"):
        return
    pending = list(
        InformationSystem.objects.filter(
            unit_id=ctx.facts["unit_id"], integration_status=IntegrationStatus.PENDING
        ).values_list("code", flat=True)[:20]
    )
    if pending:
        yield violation(
            N_("本单位有应整合而未整合的系统 %(systems)s，不支持新建信息化项目（第三十三条）。"),
            remedy=N_("请先完成上述系统的整合，并在总目录中更新整合状态。"),
            facts={"pending_systems": pending},
            params={"systems": "、".join(pending)},
        )


def _expansion_systems(ctx: Any) -> list[int]:
    project = ctx.subject
    if getattr(project, "kind", None) != "expansion" or not getattr(
        project, "predecessor_id", None
    ):
        return []
    return list(
        InformationSystem.objects.filter(projects=project.predecessor_id).values_list(
            "pk", flat=True
        )
    )


@rule(id="R31.2.expansion", article="第三十一条", title=_("未按要求共享或重复采集的系统不得改扩建"))
def sharing_before_expansion(ctx: Any) -> Iterator[Any]:
    yield from _system_findings(ctx, "R31.2")


@rule(id="R32.1.expansion", article="第三十二条", title=_("不符合安全要求的系统不得改扩建"))
def security_before_expansion(ctx: Any) -> Iterator[Any]:
    yield from _system_findings(ctx, "R32.1")


def _system_findings(ctx: Any, rule_id: str) -> Iterator[Any]:
    from django.conf import settings
    from django.utils import translation

    from .eligibility import system_blocks_new_projects

    ids = _expansion_systems(ctx)
    if not ids:
        return
    # the system's words in the language of record: the gate decision stores them
    with translation.override(settings.LANGUAGE_CODE):
        blocked = system_blocks_new_projects(ids)
    for system_id, findings in blocked.items():
        for f in findings:
            if f["rule_id"] == rule_id:
                yield violation(
                    N_("原系统不满足要求，不得改扩建：%(reason)s"),
                    remedy=f["remedy"],
                    facts={"system_id": system_id, **f["facts"]},
                    params={"reason": f["message"]},
                )
