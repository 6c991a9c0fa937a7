"""The rules of the evidence chapter, joined to the projects chapter's gates (Art. 8, 31).

- At submission (``projects.submit``, ``projects.resubmit``): a requirement close to an
  existing system or project is a warning citing Art. 8 (R8.5) — the unit may still submit,
  and BDB weighs it; a data item it plans to collect that another unit's authoritative
  resource provides is a warning citing Art. 31 until BDB confirms it as duplicate collection,
  then it blocks (R31.2): "重复采集数据" is what Art. 31 sanctions, and BDB decides it.
- At BDB's list decision (``projects.list``): a possible duplicate without the reviewer's
  conclusion is a warning kept in the decision; a match concluded "duplicate: return" blocks
  listing (the reviewer returns the project instead).
"""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from core.enums import Severity
from policy.registry import registry, rule, violation

from . import check
from .documents import profile_of
from .models import Conclusion, FindingState
from .search.segment import item_name


def _(text: str) -> str:
    """A rule's title: translated when shown (lazy), a string to the registry."""
    return cast(str, gettext_lazy(text))


def _kind(kind: str) -> str:
    return "系统" if kind == "system" else "项目"


@rule(
    id="R8.5.possible-duplicate",
    article="第八条",
    title=_("与已有系统或项目可能重复建设"),
    severity=Severity.WARN,
)
def possible_duplicate(ctx: Any) -> Any:
    """The closest existing systems and listed projects, as a unit may see them."""
    for m in ctx.fact("similar", lambda: _flagged_matches(ctx.subject)):
        yield violation(
            N_(
                "本项目与%(unit)s的%(kind)s“%(name)s”相似度为 %(percent)s%%（共同内容：%(terms)s），"
                "可能重复建设；第八条要求审核系统整合共建和跨部门共性需求。"
            ),
            remedy=N_(
                "请在需求说明中说明与“%(name)s”的区别，或改为复用、整合该%(kind)s；"
                "市大数据发展局将逐项记录比对结论。"
            ),
            facts=m["facts"],
            params=m["params"],
        )


def _flagged_matches(project: Any) -> list[dict[str, Any]]:
    """The flagged matches of the project, as the rule words them (kept with the decision)."""
    return [
        {
            "facts": {"target": f"{m.kind}:{m.ref_id}", "similarity": m.similarity, **m.reasons()},
            "params": {
                "unit": m.meta.get("unit", ""),
                "kind": _kind(m.kind),
                "name": m.meta.get("name", ""),
                "percent": round(m.similarity * 100),
                "terms": "、".join([*m.items, *m.terms][:6]),
            },
        }
        for m in check.matches(project, public_only=True)
        if m.flagged
    ]


@rule(
    id="R31.2.duplicate-collection",
    article="第三十一条",
    title=_("已有权威数据源的数据不得重复采集"),
    severity=Severity.BLOCK,
)
def duplicate_collection(ctx: Any) -> Any:
    """Warn for each planned item an authoritative source provides; block once BDB has
    confirmed it; say nothing of one BDB dismissed."""
    for hit in ctx.fact("authoritative_hits", lambda: _authoritative_hits(ctx.subject)):
        name, state = hit["item"], hit["state"]
        if state == FindingState.DISMISSED:
            continue
        confirmed = state == FindingState.CONFIRMED
        params = {k: hit[k] for k in ("item", "source", "code", "systems", "method")}
        yield violation(
            N_(
                "数据项“%(item)s”已由权威数据源“%(source)s”（资源代码 %(code)s，提供系统：%(systems)s）"
                "提供，市大数据发展局已认定本项目拟自行采集为重复采集（第三十一条）。"
            )
            if confirmed
            else N_(
                "数据项“%(item)s”已由权威数据源“%(source)s”（资源代码 %(code)s，提供系统：%(systems)s）"
                "提供，拟自行采集可能构成重复采集（第三十一条），待市大数据发展局认定。"
            ),
            remedy=N_(
                "请改为通过%(method)s申请共享“%(source)s”获取该数据，"
                "并将其从“拟自行采集的数据项”移到“拟通过共享获取的数据项”。"
            ),
            facts={"item": name, "source": hit["code"], "state": state},
            params=params,
            severity=None if confirmed else Severity.WARN,
        )


@rule(
    id="R8.5.conclusions",
    article="第八条",
    title=_("疑似重复的比对结果须记录审核结论"),
    severity=Severity.BLOCK,
)
def conclusions(ctx: Any) -> Any:
    """The reviewer's conclusions on the evidence the list review is decided on."""
    project = ctx.subject
    for m in ctx.fact("matches", lambda: _current_matches(project)):
        # the kind tells a system from a project of the same name and unit
        params = {"name": m.target_name, "unit": m.target_unit, "what": m.get_target_kind_display()}
        facts = {"match": m.pk, "conclusion": m.conclusion, "similarity": str(m.similarity)}
        if m.conclusion == Conclusion.DUPLICATE:
            yield violation(
                N_(
                    "与%(unit)s%(what)s“%(name)s”的比对结论为重复建设，不能列入项目清单（第八条）。"
                ),
                remedy=N_("请退回项目修改，或重新记录比对结论。"),
                facts=facts,
                params=params,
            )
        elif m.flagged and not m.conclusion:
            yield violation(
                N_("与%(unit)s%(what)s“%(name)s”疑似重复，尚未记录比对结论（第八条）。"),
                remedy=N_("请在“重复建设比对”中为该比对结果记录结论。"),
                facts=facts,
                params=params,
                severity=Severity.WARN,
            )
        elif m.conclusion == Conclusion.MERGE and project.framework_id is None:
            yield violation(
                N_("比对结论为并入跨部门项目统筹建设，但本项目尚未关联跨部门项目（第十三条）。"),
                remedy=N_("请牵头单位编制跨部门项目框架方案，并将本项目纳入。"),
                facts=facts,
                params=params,
                severity=Severity.WARN,
            )


def _authoritative_hits(project: Any) -> list[dict[str, Any]]:
    """The planned items another unit's authoritative resource provides, with BDB's state of
    each (kept with the decision)."""
    profile = profile_of(project)
    if profile is None or not profile.collected:
        return []
    states = check.project_finding_states(project)
    return [
        {
            "item": name,
            "state": str(states.get((item_name(name), source.code), FindingState.OPEN)),
            "source": source.name,
            "code": source.code,
            "systems": source.systems or "—",
            "method": source.share_method or "共享平台",
        }
        for name, source in check.authoritative_hits(profile.collected, project.unit_id)
    ]


def _current_matches(project: Any) -> list[Any]:
    match_set = check.current_set(project)
    return [] if match_set is None else list(match_set.matches.all())


def join_gates() -> None:
    """Add the rules to the projects chapter's gates (called from ``EvidenceConfig.ready``,
    after the projects chapter declared them)."""
    for code in ("projects.submit", "projects.resubmit"):
        registry.extend_gate(code, ["R8.5.possible-duplicate", "R31.2.duplicate-collection"])
    registry.extend_gate("projects.list", ["R8.5.conclusions"])
