"""Rules of cross-department projects (Art. 13, R13.1, R13.2): read on the framework plan, or on
the framework of a project."""

from __future__ import annotations

from policy.registry import gate, rule, violation

from ..models import Framework
from .common import _, subject


@rule(id="R13.1", article="第十三条", title=_("跨部门项目须先取得大数据局对框架方案的审核意见"))
def framework_opinion_first(ctx):
    project = subject(ctx)
    framework = project.framework
    if framework is None:
        return
    participants = {p.unit_id for p in _participants(ctx, framework)} | {framework.lead_unit_id}
    if project.unit_id not in participants:
        yield violation(
            f"本单位不是跨部门项目“{framework.title}”的牵头或参与单位，不能以其名义申报（第十三条）。",
            remedy="请牵头单位在框架方案中增加本单位为参与单位，并重新报大数据局审核。",
            facts={"framework": framework.title},
        )
    if not framework.has_bdb_opinion:
        yield violation(
            f"跨部门项目“{framework.title}”的框架方案尚未取得市大数据发展局审核意见"
            f"（当前：{framework.get_state_display()}）；第十三条规定审核意见是各参与单位"
            "申报本部门项目的必要附件。",
            remedy="请牵头单位将框架方案报市大数据发展局审核，取得审核意见后再申报。",
            facts={"framework": framework.title, "framework_state": framework.state},
        )


def _framework_of(ctx):
    """The framework a rule looks at: the subject itself, or the project's framework."""
    subject = ctx.subject
    return subject if isinstance(subject, Framework) else getattr(subject, "framework", None)


def _participants(ctx, framework) -> list:
    """The framework's participating units (kept with the decision)."""
    return ctx.fact(
        "framework_participants", lambda: list(framework.participants.select_related("unit"))
    )


def overlapping_items(participants) -> list[tuple[str, list[str]]]:
    """Content items claimed by two or more participating units (normalised text)."""
    claims: dict[str, list[str]] = {}
    for participant in participants:
        for item in participant.content_items or []:
            key = "".join(str(item).split()).lower()
            if key:
                claims.setdefault(key, []).append(participant.unit.display_name)
    return [(item, units) for item, units in claims.items() if len(set(units)) > 1]


@rule(id="R13.1.overlap", article="第十三条", title=_("各参与单位建设内容不得重复"))
def framework_no_overlap(ctx):
    framework = _framework_of(ctx)
    if framework is None:
        return
    for item, units in overlapping_items(_participants(ctx, framework)):
        yield violation(
            f"建设内容“{item}”同时由{'、'.join(sorted(set(units)))}承担，各参与单位的项目"
            "内容不得重复（第十三条）。",
            remedy="请牵头单位调整分工，使每项建设内容只由一个单位承担。",
            facts={"item": item, "units": sorted(set(units))},
        )


@rule(id="R13.2", article="第十三条", title=_("需区县配合的项目须登记区县及其配套项目"))
def district_cooperation(ctx):
    framework = _framework_of(ctx)
    if framework is None:
        return
    links = ctx.fact(
        "framework_districts", lambda: list(framework.districts.select_related("district"))
    )
    for link in links:
        if not link.linked_project.strip():
            yield violation(
                f"区县“{link.district.display_name}”参与跨部门项目“{framework.title}”，"
                "但未登记其配套项目（第十三条）。",
                remedy="请登记该区县的配套项目名称。",
                facts={"district": link.district.display_name},
            )


@rule(id="R13.1.framework", article="第十三条", title=_("框架方案须写明目标、内容、分工和数据目录"))
def framework_complete(ctx):
    framework = ctx.subject
    missing = [
        label
        for value, label in (
            (framework.goals, "建设目标"),
            (framework.main_content, "主要建设内容"),
            (framework.data_catalog, "初步数据资源目录"),
        )
        if not value.strip()
    ]
    participants = _participants(ctx, framework)
    if not participants:
        missing.append("参与单位")
    for p in participants:
        for value, label in (
            (p.business_flow, "业务流"),
            (p.data_flow, "数据流"),
            (p.interfaces, "接口"),
        ):
            if not value.strip():
                missing.append(f"{p.unit.display_name}的{label}")
    if missing:
        yield violation(
            f"框架方案缺少：{'、'.join(missing)}（第十三条）。",
            remedy="请补充后再报市大数据发展局审核。",
            facts={"missing": missing},
        )


gate(
    "projects.framework.submit",
    title=_("框架方案报大数据局审核"),
    rules=["R13.1.framework", "R13.1.overlap", "R13.2"],
    action="projects.submit_framework",
)
gate(
    "projects.framework.review",
    title=_("大数据局审核框架方案"),
    rules=["R13.1.framework", "R13.1.overlap", "R13.2"],
    action="projects.review_framework",
)
