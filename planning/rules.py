"""Rules of Art. 6 and 7 with their gates.

- ``planning.city_plan.submit`` / ``planning.city_plan.approve``: the city plan (R6.1);
- ``planning.master_plan.file``: filing a department master plan (R6.2, R6.3);
- ``projects.submit.planning``: evaluated by the projects chapter before a unit submits a
  project for the list (R6.3 in the filed plan; R7.1 data governance first). Its facts come from
  ``planning.services.submission_facts``.
"""

from django.utils.translation import gettext_lazy as _

from core.enums import Severity
from policy.registry import gate, rule, violation

from .models import (
    CONSTRUCTION_KINDS,
    CityPlanVersionKind,
    ItemKind,
    MasterPlanRevision,
)
from .services import (
    PROJECT_SUBMIT_GATE,
    current_filed_revision,
    find_filed_item,
    latest_data_governance,
    pending_draft_revision,
)

# -- R6.1 city plan ---------------------------------------------------------------------------


@rule(id="R6.1", article="第六条", title=_("市级规划须有规划要点并突出数据治理"))
def city_plan_content(ctx):
    version = ctx.subject
    facts = {"plan": version.plan.title, "version": version.number}
    if not version.summary.strip():
        yield violation(
            f"《{version.plan.title}》第{version.number}版尚未填写规划要点，"
            "不能报市政府批准（第六条）。",
            remedy="请填写规划要点，说明与国家政务信息化建设规划和本市五年规划纲要的衔接。",
            facts=facts,
        )
    if not version.data_orientation.strip():
        yield violation(
            f"《{version.plan.title}》第{version.number}版未写明数据导向与数据治理要点；"
            "第六条要求市级规划坚持数据导向、突出数据治理。",
            remedy="请在“数据导向与数据治理要点”中写明数据治理和数据要素利用的安排。",
            facts=facts,
        )


@rule(id="R6.1.reassessment", article="第六条", title=_("规划调整须有评估论证情况"))
def city_plan_reassessment(ctx):
    version = ctx.subject
    if version.kind == CityPlanVersionKind.ADJUSTMENT and not version.reassessment_reason.strip():
        yield violation(
            f"第{version.number}版是对现行规划的调整，但未填写评估论证情况及调整理由；"
            "第六条规定因国家部署或发展环境重大变化影响实施时，应组织评估论证后提出调整意见。",
            remedy="请填写评估论证的过程、结论和拟调整的内容，再报市政府批准。",
            facts={"plan": version.plan.title, "version": version.number},
        )


@rule(
    id="R6.1.supersedes",
    article="第六条",
    title=_("批准后成为现行版本"),
    severity=Severity.INFO,
)
def city_plan_supersedes(ctx):
    version = ctx.subject
    current = ctx.fact("current_version", lambda: version.plan.current_version())
    if current is not None and current.pk != version.pk:
        yield violation(
            f"市政府批准后，第{version.number}版成为现行规划，第{current.number}版同时被取代"
            "（第六条：调整意见报市政府批准）。",
            facts={"version": version.number, "current": current.number},
        )


gate(
    "planning.city_plan.submit",
    title=_("市级规划报市政府审批"),
    rules=["R6.1", "R6.1.reassessment"],
    action="planning.submit_city_plan",
)
gate(
    "planning.city_plan.approve",
    title=_("市政府批准市级规划"),
    rules=["R6.1", "R6.1.reassessment", "R6.1.supersedes"],
    action="planning.approve_city_plan",
)


# -- R6.2 / R6.3 master plan --------------------------------------------------------------------


def _revision(ctx) -> MasterPlanRevision:
    return ctx.subject


def _items(ctx) -> list:
    """The revision's items (kept with the decision)."""
    return ctx.fact("revision_items", lambda: list(_revision(ctx).items.all()))


@rule(id="R6.2", article="第六条", title=_("总体方案期限须在政策规定年限内"))
def master_plan_period(ctx):
    revision = _revision(ctx)
    low = ctx.param("master_plan_min_years")
    high = ctx.param("master_plan_max_years")
    years = revision.period_years
    if not low <= years <= high:
        yield violation(
            f"总体方案期限为 {revision.start_year}—{revision.end_year} 年，共 {years} 年；"
            f"第六条要求编制 {low}—{high} 年的整合建设总体方案（政策 {ctx.policy.code}）。",
            remedy=f"请调整起止年度，使方案覆盖 {low} 至 {high} 个年度。",
            facts={
                "start_year": revision.start_year,
                "end_year": revision.end_year,
                "years": years,
                "min_years": low,
                "max_years": high,
                "policy": ctx.policy.code,
            },
        )


@rule(id="R6.2.collective-review", article="第六条", title=_("报备前须经本部门集体审议"))
def master_plan_collective_review(ctx):
    revision = _revision(ctx)
    on = ctx.today.isoformat()
    if revision.collective_review_date is None:
        yield violation(
            "总体方案未登记本部门集体审议日期；第六条规定总体方案须经本部门集体审议决定后报备。",
            remedy="请先提交本部门集体审议（如党组会、主任办公会），再登记审议日期和纪要文号。",
            facts={"revision": revision.number},
        )
    elif revision.collective_review_date.isoformat() > on:
        yield violation(
            f"集体审议日期 {revision.collective_review_date:%Y-%m-%d} 晚于今天，"
            "报备须在集体审议决定之后（第六条）。",
            remedy="请在集体审议完成后再报备，或更正审议日期。",
            facts={"collective_review_date": revision.collective_review_date, "today": on},
        )


@rule(id="R6.2.items", article="第六条", title=_("总体方案须列明项目及申报年度"))
def master_plan_items(ctx):
    revision = _revision(ctx)
    items = _items(ctx)
    if not items:
        low, high = ctx.param("master_plan_min_years"), ctx.param("master_plan_max_years")
        yield violation(
            f"总体方案未列出任何信息化项目；第六条要求列明未来 {low}—{high} 年内正在（或者计划）"
            "建设、运行维护的项目。",
            remedy="请添加在建、计划或运维的项目，并写明建设时序和申报年度。",
            facts={"revision": revision.number},
        )
    for item in items:
        if not revision.start_year <= item.planned_year <= revision.end_year:
            yield violation(
                f"项目“{item.name}”的申报年度 {item.planned_year} 年不在方案期限 "
                f"{revision.start_year}—{revision.end_year} 年内（第六条：逐年进行申报）。",
                remedy="请调整该项目的申报年度，或调整方案期限。",
                facts={
                    "item": item.name,
                    "planned_year": item.planned_year,
                    "start_year": revision.start_year,
                    "end_year": revision.end_year,
                },
            )


def governance_first_conflicts(items) -> list[tuple]:
    """(new item, governance item) pairs where a new-construction project is sequenced before a
    data-governance project of the same or an earlier year (先治理、后新建)."""
    governance = [i for i in items if i.is_data_governance]
    conflicts = []
    for item in items:
        if item.kind != ItemKind.NEW or item.is_data_governance:
            continue
        for gov in governance:
            if gov.planned_year <= item.planned_year and item.seq < gov.seq:
                conflicts.append((item, gov))
    return conflicts


@rule(id="R6.2.governance-first", article="第六条", title=_("先治理、后新建"))
def master_plan_governance_first(ctx):
    for item, gov in governance_first_conflicts(_items(ctx)):
        yield violation(
            f"新建项目“{item.name}”（时序 {item.seq}，{item.planned_year} 年）排在数据治理项目"
            f"“{gov.name}”（时序 {gov.seq}，{gov.planned_year} 年）之前，不符合第六条"
            "“先治理、后新建”的原则。",
            remedy=f"请把“{gov.name}”的建设时序调到“{item.name}”之前，或推后该新建项目。",
            facts={
                "new_item": item.name,
                "new_seq": item.seq,
                "new_year": item.planned_year,
                "governance_item": gov.name,
                "governance_seq": gov.seq,
                "governance_year": gov.planned_year,
            },
        )


@rule(
    id="R6.2.data-plan",
    article="第六条",
    title=_("总体方案应包含数据规划及数据治理内容"),
    severity=Severity.WARN,
)
def master_plan_data_plan(ctx):
    revision = _revision(ctx)
    has_governance = any(i.is_data_governance for i in _items(ctx))
    if not revision.data_plan.strip() or not has_governance:
        missing = []
        if not revision.data_plan.strip():
            missing.append("数据规划及数据治理内容")
        if not has_governance:
            missing.append("数据治理类项目")
        yield violation(
            f"总体方案缺少{'和'.join(missing)}；第六条要求总体方案坚持数据导向，"
            "重点包含数据规划及数据治理等内容。",
            remedy="建议补充数据规划、数据标准和数据汇聚治理安排，并列出相应的数据治理项目。",
            facts={
                "data_plan": bool(revision.data_plan.strip()),
                "governance_items": has_governance,
            },
        )


@rule(
    id="R6.3.refiling",
    article="第六条",
    title=_("调整项目须重新报备"),
    severity=Severity.INFO,
)
def master_plan_refiling(ctx):
    revision = _revision(ctx)
    previous = ctx.fact("filed_revision", lambda: current_filed_revision(revision.unit_id))
    if previous is None or previous.pk == revision.pk:
        return
    filed = ctx.fact("filed_items", lambda: list(previous.items.all()))
    before = {i.key: i.content() for i in filed}
    after = {i.key: i.content() for i in _items(ctx)}
    added = [after[k]["name"] for k in after.keys() - before.keys()]
    removed = [before[k]["name"] for k in before.keys() - after.keys()]
    changed = [after[k]["name"] for k in after.keys() & before.keys() if after[k] != before[k]]
    yield violation(
        f"本次报备的第{revision.number}版较现行报备的第{previous.number}版新增 {len(added)} 项、"
        f"删减 {len(removed)} 项、调整 {len(changed)} 项；报备后取代第{previous.number}版"
        "（第六条：增加、删减或调整项目应重新履行程序）。",
        facts={
            "previous": previous.number,
            "added": sorted(added),
            "removed": sorted(removed),
            "changed": sorted(changed),
        },
    )


gate(
    "planning.master_plan.file",
    title=_("整合建设总体方案报备"),
    rules=[
        "R6.2",
        "R6.2.collective-review",
        "R6.2.items",
        "R6.2.governance-first",
        "R6.2.data-plan",
        "R6.3.refiling",
    ],
    action="planning.file_master_plan",
)


# -- gate used by the projects chapter -------------------------------------------------------


def _plan_item_key(subject) -> str:
    """The key of the master plan item a project (the subject) comes from ('' when none)."""
    item = getattr(subject, "plan_item", None)
    return str(item.key) if item is not None else ""


@rule(id="R6.3", article="第六条", title=_("只有现行报备总体方案中的项目可以申报"))
def project_in_filed_plan(ctx):
    unit_id = ctx.facts["unit_id"]
    ref = (
        ctx.fact("plan_item", lambda: _plan_item_key(ctx.subject))
        or ctx.facts.get("project_name")
        or ""
    )
    label = ctx.facts.get("project_name") or ref or "（未指定）"
    revision = ctx.fact("filed_revision", lambda: current_filed_revision(unit_id))
    if revision is None:
        yield violation(
            "本单位尚无已报备的整合建设总体方案，项目不能申报（第六条、第八条：按照报备的"
            "总体方案编制项目需求）。",
            remedy="请先编制总体方案，经本部门集体审议后向市大数据发展局、市发展改革委、"
            "市委网信办报备，再申报项目。",
            facts={"unit_id": unit_id, "plan_item": ref},
        )
        return
    if ctx.fact("filed_item", lambda: find_filed_item(unit_id, ref)) is not None:
        return
    draft = ctx.fact("pending_draft", lambda: pending_draft_revision(unit_id))
    hint = (
        f"本单位第{draft.number}版修订稿尚未报备，修订稿中的项目须报备后才能申报。"
        if draft is not None
        else ""
    )
    yield violation(
        f"项目“{label}”不在本单位现行报备的总体方案（《{revision.plan.title}》第{revision.number}"
        f"版）中，不能申报（第六条）。{hint}",
        remedy="请在总体方案中增加或调整该项目，经集体审议后重新报备，再申报。",
        facts={
            "unit_id": unit_id,
            "plan_item": ref,
            "filed_revision": revision.number,
            "pending_draft": draft.number if draft is not None else None,
        },
    )


@rule(id="R7.1", article="第七条", title=_("建设项目申报前须完成数据标准制定和数据汇聚治理"))
def data_governance_before_construction(ctx):
    kind = ctx.facts.get("project_kind", ItemKind.NEW)
    if kind not in CONSTRUCTION_KINDS:
        return
    unit_id = ctx.facts["unit_id"]
    record = ctx.fact("data_governance", lambda: latest_data_governance(unit_id))
    remedy = "请在“数据治理登记”中登记数据标准制定完成日期和已有数据汇聚治理情况，再申报建设项目。"
    if record is None:
        yield violation(
            "本单位尚未登记数据标准制定和已有数据汇聚治理情况；第七条规定须在完成数据标准制定、"
            "对已有数据进行汇聚治理的基础上开展信息化项目建设。",
            remedy=remedy,
            facts={"unit_id": unit_id, "project_kind": kind},
        )
        return
    missing = []
    if not record.standards_set_on:
        missing.append("数据标准制定完成日期")
    if not record.data_aggregated:
        missing.append("已有数据汇聚治理")
    if not record.governance_summary.strip():
        missing.append("数据汇聚治理情况说明")
    if missing:
        yield violation(
            f"本单位的数据治理登记缺少：{'、'.join(missing)}；第七条规定建设项目须在完成数据"
            "标准制定、对已有数据进行汇聚治理的基础上开展。",
            remedy=remedy,
            facts={
                "unit_id": unit_id,
                "record_id": record.pk,
                "missing": missing,
                "project_kind": kind,
            },
        )


gate(
    PROJECT_SUBMIT_GATE,
    title=_("项目申报：总体方案与数据治理"),
    rules=["R6.3", "R7.1"],
    action="projects.submit_project",
)
