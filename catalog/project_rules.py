"""Rules that feed the O&M conditions back into the approval lifecycle as gates.

- Art. 33: a unit with systems that should have been integrated cannot have new or expansion
  projects (R33.1.new-project), always unit-wide.
- Art. 31, 32: "项目建设单位不得新建、改扩建政务信息系统" while it owns a system that does not
  share as required or collects data again (R31.2), or fails the crypto or network security
  requirements or has a major hazard (R32.1). The subject is the unit, so by default every new
  and expansion project of the unit is stopped, at submission and again at the list review and
  the approvals; a policy version may choose the narrower reading (``art31_block_scope`` =
  ``system``: only an expansion of the failing system). A project declared as the remedy of
  the failure passes at submission and, once BDB confirms it at the list review, afterwards.
- An expansion project names the catalogued systems it improves (R31.4.systems-named): the
  checks above and the post-evaluation cannot be escaped by leaving the link empty.

Every fact read here is kept with the decision (``ctx.fact``), including the reading that
applied, so that the decision can be evaluated again from what it saw.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from policy.parameters import SCOPE_SYSTEM, SCOPE_UNIT
from policy.registry import registry, rule, violation

from .models import InformationSystem, IntegrationStatus

BLOCKED_KINDS = ("new", "expansion")  # 新建、改扩建; 续建 and 运维 projects are not stopped
REMEDY_OF = {"R31.2": "sharing", "R32.1": "security"}
SCOPE_WORDS = {SCOPE_UNIT: "按单位适用", SCOPE_SYSTEM: "仅限改扩建该系统"}


def _kind(ctx: Any) -> str:
    return str(ctx.facts.get("project_kind") or getattr(ctx.subject, "kind", ""))


def _unit_id(ctx: Any) -> Any:
    return ctx.facts.get("unit_id") or getattr(ctx.subject, "unit_id", None)


def _unit_systems(ctx: Any) -> list[list[Any]]:
    """The unit's systems as ``[id, code, integration status, catalogued]`` (one query for
    Art. 31, 32 and 33; kept with the decision)."""
    unit_id = _unit_id(ctx)
    return ctx.fact(
        "unit_systems",
        lambda: [
            list(row)
            for row in InformationSystem.objects.filter(unit_id=unit_id)
            .order_by("code")
            .values_list("pk", "code", "integration_status", "catalogued")
        ],
    )


@rule(
    id="R33.1.new-project", article="第三十三条", title=_("有应整合未整合系统的单位不支持新建项目")
)
def integration_before_new_project(ctx: Any) -> Iterator[Any]:
    if _kind(ctx) not in BLOCKED_KINDS:
        return
    pending = [
        code
        for _pk, code, status, _catalogued in _unit_systems(ctx)
        if status == IntegrationStatus.PENDING
    ][:20]
    if pending:
        yield violation(
            N_("本单位有应整合而未整合的系统 %(systems)s，不支持新建信息化项目（第三十三条）。"),
            remedy=N_("请先完成上述系统的整合，并在总目录中更新整合状态。"),
            facts={"pending_systems": pending},
            params={"systems": "、".join(pending)},
        )


# -- the systems an expansion improves (Art. 14, 31-33) ------------------------------------------


def improved_systems(project: Any) -> list[str]:
    """The codes of the catalogued systems an expansion project names: those of its
    requirement profile (拟改造的已有系统) and those built by its predecessor project."""
    if project is None or project.pk is None:
        return []
    codes = set(
        InformationSystem.objects.filter(projects=project.predecessor_id).values_list(
            "code", flat=True
        )
        if project.predecessor_id
        else ()
    )
    profile_model = apps.get_model("evidence", "RequirementProfile")
    codes |= set(
        InformationSystem.objects.filter(
            pk__in=profile_model.objects.filter(project=project).values("systems")
        ).values_list("code", flat=True)
    )
    return sorted(codes)


def _improved(ctx: Any) -> list[str]:
    return ctx.fact("improved_systems", lambda: improved_systems(ctx.subject))


@rule(
    id="R31.4.systems-named",
    article="第三十一条",
    title=_("改扩建项目须指明所改扩建的已编目系统"),
)
def expansion_names_systems(ctx: Any) -> Iterator[Any]:
    if _kind(ctx) != "expansion" or _improved(ctx):
        return
    yield violation(
        N_(
            "改扩建项目未指明所改扩建的已编目系统；第三十一条至第三十三条对原系统的共享、安全"
            "和整合要求，以及第十四条的后评价，都以此为依据。"
        ),
        remedy=N_(
            "请在“重复建设比对”资料的“拟改造的已有系统”中选择本单位总目录中的系统，"
            "或在“原项目（改扩建）”中选择建成该系统的项目。"
        ),
        facts={"kind": "expansion"},
        params={},
    )


# -- Art. 31, 32: no new or expansion project while a system fails ---------------------------------


def _scope(ctx: Any) -> str:
    """The reading in force (kept among the decision's facts: which reading applied)."""
    return str(ctx.fact("art31_block_scope", lambda: str(ctx.policy.p.art31_block_scope)))


def _failing(ctx: Any) -> dict[str, list[dict[str, Any]]]:
    """R31.2 and R32.1 findings, with words, of every system in scope, by system code."""
    from .eligibility import system_blocks_new_projects

    def read() -> dict[str, list[dict[str, Any]]]:
        # the master catalog BDB curates is the record the findings rest on: a system not yet
        # curated is refused O&M funding (R31.3) but its entry is not yet a determination
        if _scope(ctx) == SCOPE_UNIT:
            codes = {pk: code for pk, code, _s, catalogued in _unit_systems(ctx) if catalogued}
        else:
            codes = dict(
                InformationSystem.objects.filter(
                    catalogued=True, code__in=_improved(ctx)
                ).values_list("pk", "code")
            )
        if not codes:
            return {}
        # the system's words in the language of record: the gate decision stores them
        with translation.override(settings.LANGUAGE_CODE):
            found = system_blocks_new_projects(codes)
        return {codes[pk]: findings for pk, findings in sorted(found.items())}

    return ctx.fact("failing_systems", read)


def _in_scope(ctx: Any) -> bool:
    kind = _kind(ctx)
    if kind not in BLOCKED_KINDS:
        return False
    return _scope(ctx) == SCOPE_UNIT or kind == "expansion"


def _remedy_declared(ctx: Any, rule_id: str) -> bool:
    return getattr(ctx.subject, "remedy_purpose", "") == REMEDY_OF[rule_id]


def _remedy_confirmed(ctx: Any) -> bool:
    project = ctx.subject
    return bool(getattr(project, "remedy_confirmed_at", None) or ctx.facts.get("confirm_remedy"))


def _failures(ctx: Any, rule_id: str, *, confirmed: bool) -> Iterator[Any]:
    """The violations of ``rule_id``: one per failing finding of a system in scope, unless the
    project is the declared remedy (and, after submission, confirmed by BDB)."""
    if not _in_scope(ctx):
        return
    if _remedy_declared(ctx, rule_id) and (not confirmed or _remedy_confirmed(ctx)):
        return
    scope = _scope(ctx)
    awaiting = _remedy_declared(ctx, rule_id)
    for code, findings in _failing(ctx).items():
        for f in findings:
            if f["rule_id"] != rule_id:
                continue
            yield violation(
                N_(
                    "本单位的系统 %(system)s 不符合要求：%(reason)s在此期间项目建设单位不得新建、"
                    "改扩建政务信息系统（%(article)s，%(scope)s）。"
                ),
                remedy=N_(
                    "%(remedy)s 整改后该系统不再受限；为整改而建设的项目，"
                    "请在项目信息中选择“整改项目”，经市大数据发展局在清单审核中确认。"
                )
                if not awaiting
                else N_(
                    "本项目已申报为整改项目，尚待市大数据发展局在清单审核中确认（%(remedy)s）。"
                ),
                facts={"system": code, "kind": f.get("kind", ""), "scope": scope},
                params={
                    "system": code,
                    "reason": f["message"],
                    "remedy": f["remedy"],
                    "article": f["article"],
                    "scope": SCOPE_WORDS.get(scope, scope),
                },
            )


@rule(
    id="R31.4",
    article="第三十一条",
    title=_("单位有未按要求共享或重复采集的系统，不得新建、改扩建"),
)
def sharing_before_new_project(ctx: Any) -> Iterator[Any]:
    yield from _failures(ctx, "R31.2", confirmed=False)


@rule(
    id="R32.1.new-project",
    article="第三十二条",
    title=_("单位有不符合密码和网络安全要求的系统，不得新建、改扩建"),
)
def security_before_new_project(ctx: Any) -> Iterator[Any]:
    yield from _failures(ctx, "R32.1", confirmed=False)


@rule(
    id="R31.4.remedy-confirmed",
    article="第三十一条",
    title=_("单位有未按要求共享或重复采集的系统，只能列入和批复经确认的整改项目"),
)
def sharing_remedy_confirmed(ctx: Any) -> Iterator[Any]:
    yield from _failures(ctx, "R31.2", confirmed=True)


@rule(
    id="R32.1.remedy-confirmed",
    article="第三十二条",
    title=_("单位有不符合安全要求的系统，只能列入和批复经确认的整改项目"),
)
def security_remedy_confirmed(ctx: Any) -> Iterator[Any]:
    yield from _failures(ctx, "R32.1", confirmed=True)


SUBMISSION_RULES = [
    "R31.4.systems-named",
    "R33.1.new-project",
    "R31.4",
    "R32.1.new-project",
]
LATER_RULES = ["R33.1.new-project", "R31.4.remedy-confirmed", "R32.1.remedy-confirmed"]


def join_gates() -> None:
    """Join the projects chapter's gates (called from ``CatalogConfig.ready``): at submission,
    at BDB's list review and at each approval."""
    for code in ("projects.submit", "projects.resubmit"):
        registry.extend_gate(code, SUBMISSION_RULES)
    registry.extend_gate("projects.accept", ["R31.4.systems-named"])
    for code in ("projects.list", "projects.approve", "projects.approve_fsr"):
        registry.extend_gate(code, LATER_RULES)
