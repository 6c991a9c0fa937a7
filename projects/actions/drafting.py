"""A unit's requirement (Art. 8, 12-14, 19, 20): drafted, edited, its five chapters written,
submitted to BDB, withdrawn before BDB signs, resubmitted after a return, and for a two-stage
project the preliminary design submitted after the FSR approval (Art. 9).

Classified projects never enter the platform (R8.3): ticking 涉密项目 is refused by the gate
``projects.create`` and the refusal is stored, so that it can be explained later.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from accounts.scoping import for_user
from core.contracts import Contract
from core.dates import today
from core.enums import ActionCode
from core.errors import ActionInvalid
from core.ledger import record_event
from core.money import format_wan, wan_to_yuan
from planning.models import MasterPlanItem
from planning.services import current_filed_revision
from policy.engine import GateContext, enforce, evaluate_gate
from policy.lookup import policy_in_force
from policy.paths import approval_path_for

from ..contracts import (
    ProjectChapterIn,
    ProjectChaptersIn,
    ProjectCreateIn,
    ProjectFieldsIn,
    ProjectUpdateIn,
    ProjectWithdrawIn,
)
from ..machines import RESUBMIT_TARGET, UNIT, resubmit_code
from ..models import (
    Channel,
    Chapter,
    ChapterDeclaration,
    Framework,
    Project,
    ProjectKind,
    ProjectState,
    Stage,
)
from ..services import next_project_code
from .base import (
    ProjectAction,
    UnitAction,
    move_project,
    open_reviews_for,
    own_units,
    project_link,
    supersede_open_reviews,
    unit_of,
)

S = ProjectState
CLASSIFIED_GATE = "projects.create"
EDITABLE = (S.DRAFT, S.RETURNED)
# The five chapters belong to the FSR and the design: written until the approval freezes them.
CHAPTER_STATES = (S.DRAFT, S.RETURNED, S.LISTED, S.FSR_APPROVED)


def editable_stage(project: Project) -> str:
    """The stage whose chapters the unit writes now: the design once the FSR is approved (also
    when the design review returned the project), otherwise the FSR."""
    return Stage.DESIGN if project.fsr_approved_at else Stage.FSR


# -- the project's fields ------------------------------------------------------------------


def _plan_item(unit_id: int, ref: str) -> MasterPlanItem | None:
    """The unit's master-plan item by number or by stable key (the newest revision's)."""
    qs = MasterPlanItem.objects.filter(revision__unit_id=unit_id)
    if ref.isdigit():
        return qs.filter(pk=int(ref)).first()
    try:
        return qs.filter(key=ref).order_by("-revision__number").first()
    except Exception:  # not a UUID: no such item
        return None


def resolve_references(data: ProjectFieldsIn, unit_id: int, exclude: Any = None) -> dict:
    """The references of the input as objects of the unit; ActionInvalid names the field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"plan_item": None, "predecessor": None, "framework": None}
    if data.plan_item:
        values["plan_item"] = _plan_item(unit_id, data.plan_item)
        if values["plan_item"] is None:
            errors["plan_item"] = _("所选总体方案项目不属于本单位。")
    if data.predecessor is not None:
        values["predecessor"] = (
            Project.objects.filter(pk=data.predecessor, unit_id=unit_id).exclude(pk=exclude).first()
        )
        if values["predecessor"] is None:
            errors["predecessor"] = _("原项目须为本单位的项目。")
    if data.framework is not None:
        values["framework"] = Framework.objects.filter(pk=data.framework).first()
        if values["framework"] is None:
            errors["framework"] = _("所选跨部门项目不存在。")
    if errors:
        raise ActionInvalid(_("填写内容有误，请按提示修改。"), errors)
    return values


def project_fields(data: ProjectFieldsIn, unit_id: int, exclude: Any = None) -> dict:
    """Every stored field of the input (money in yuan, references resolved)."""
    return {
        **data.project_values(),
        **resolve_references(data, unit_id, exclude),
        "total_investment": wan_to_yuan(data.total_investment_wan),
    }


def field_choices(user: Any, units: list, project: Project | None = None) -> dict:
    """The unit-dependent selects: items of each unit's current filed master plan, the unit's
    own projects (predecessors) and the cross-department frameworks it takes part in."""
    many = len(units) > 1
    items: list[tuple[Any, str]] = []
    for unit in units:
        revision = current_filed_revision(unit)
        for item in revision.items.order_by("seq") if revision else ():
            label = f"{item.name}（{item.get_kind_display()}，{item.planned_year}年）"
            items.append((item.pk, f"{unit.display_name} · {label}" if many else label))
    current = project.plan_item if project is not None else None
    if current is not None and current.pk not in {pk for pk, _l in items}:
        items.append((current.pk, _("%(name)s（原报备版本）") % {"name": current.name}))
    pks = [u.pk for u in units]
    own = for_user(Project, user).filter(unit_id__in=pks).order_by("-year", "code")
    frameworks = (
        for_user(Framework, user)
        .filter(Q(lead_unit_id__in=pks) | Q(participants__unit_id__in=pks))
        .distinct()
        .order_by("title")
    )
    return {
        "unit": [(u.pk, u.display_name) for u in units],
        "plan_item": items,
        "predecessor": [(p.pk, f"{p.code} {p.name}") for p in own if p != project],
        "framework": [(f.pk, f"{f.title}（{f.get_state_display()}）") for f in frameworks],
    }


class ClassifiedRefused(ProjectAction):
    """The gate of R8.3 runs only when the input says 涉密项目: its refusal is stored with the
    project type as subject, also when no project exists yet."""

    def gate_code(self, obj: Any, data: Any) -> str:
        return CLASSIFIED_GATE if data is not None and data.is_classified else ""

    def unit_for(self, obj: Any, user: Any, data: Any) -> Any:
        return obj.unit

    def classified_context(self, obj: Any, user: Any, data: Any) -> GateContext:
        unit = self.unit_for(obj, user, data)
        return GateContext(
            subject=obj, policy=policy_in_force(unit), actor=user, facts={"is_classified": True}
        )

    def evaluate_gate(self, obj: Any, user: Any, data: Any) -> Any:
        if not self.gate_code(obj, data):
            return None
        ctx = self.classified_context(obj, user, data)
        decision = evaluate_gate(
            CLASSIFIED_GATE,
            ctx,
            organisation=self.unit_for(obj, user, data),
            subject_type="projects.project",
        )
        return enforce(decision)


def record_created(project: Project, user: Any) -> None:
    record_event(
        ActionCode.PROJECT_CREATED,
        actor=user,
        obj=project,
        organisation=project.unit_id,
        to_state=project.state,
        reason=f"新建项目需求，总投资 {format_wan(project.total_investment)} 万元",
        data={"kind": project.kind, "total_investment": project.total_investment},
    )


def parse_for_own_unit(act: Any, user: Any, data: Any, field: str) -> Any:
    """The input with the unit ``field`` defaulting to the user's only unit; a unit not the
    user's own looks missing (404)."""
    given = data.model_dump(exclude_unset=True) if isinstance(data, Contract) else data
    values = dict(given or {})
    if values.get(field) in (None, "") and not any(
        values.get(old) not in (None, "") for old in getattr(act.Input, "RENAMES", {})
    ):
        units = own_units(user)
        if len(units) == 1:
            values[field] = units[0].pk
    clean = act.parse(values)
    unit_of(user, getattr(clean, field), field)
    return clean


class CreateProject(ClassifiedRefused):
    """A unit drafts a project requirement (Art. 8), as a draft of its own unit. Classified
    projects are refused (R8.3). The channel is this platform; requirements of 渝快办 come
    through ``receive_external_requirement``."""

    label = L("新建项目需求")
    model = None
    roles = UNIT
    Input = ProjectCreateIn
    offered_on = ""
    article = "第八条"
    requirement = "R8.1"
    keep_input_when_blocked = True
    hint = L(
        "第八条：项目建设单位按照报备的整合建设总体方案编制项目需求说明，报市大数据发展局审核。"
        "保存为草稿后，可在项目页填写五个报告章节、上传材料并申报。"
    )
    success = L("已新建项目需求草稿，请完善报告章节和材料后申报。")

    def unit_for(self, obj: Any, user: Any, data: Any) -> Any:
        return unit_of(user, data.unit)

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        return parse_for_own_unit(self, user, data, "unit")

    def choices(self, obj: Any, user: Any) -> dict:
        return field_choices(user, own_units(user))

    def initial(self, obj: Any, user: Any) -> dict:
        units = own_units(user)
        values: dict[str, Any] = {"year": today().year + 1, "kind": ProjectKind.NEW}
        values.update(ProjectFieldsIn.DEFAULTS)
        if len(units) == 1:
            values["unit"] = units[0].pk
        return values

    def perform(self, obj: Any, data: ProjectCreateIn, user: Any, decision: Any) -> Project:
        unit = unit_of(user, data.unit)
        project = Project.objects.create(
            unit=unit,
            code=next_project_code(data.year),
            created_by=user,
            channel=Channel.PLATFORM,
            **project_fields(data, unit.pk),
        )
        record_created(project, user)
        return project

    def next_url(self, obj: Any, result: Any) -> str:
        return project_link(result) if result is not None else "/projects/"


def follow_amount(project: Project, changed: dict) -> None:
    """Art. 9: the approval path follows the total investment until the first approval. A
    project DRC accepted and returned keeps its policy but takes the path of its new total
    (a 2,900万 project raised to 3,500万 becomes two-stage). Once the FSR of a two-stage
    project is approved that stage is done, so the path stays."""
    if not project.approval_path or project.fsr_approved_at is not None:
        return
    policy = project.policy or policy_in_force(project.unit)
    path = approval_path_for(project.total_investment, policy)
    if path != project.approval_path:
        changed["approval_path"] = [project.approval_path, str(path)]
        project.approval_path = path


class UpdateProject(ClassifiedRefused, UnitAction):
    """Edit a draft or returned project; every changed field is recorded in the ledger. A
    changed total re-decides the approval path of an accepted project (Art. 9)."""

    label = L("修改项目信息")
    Input = ProjectUpdateIn
    partial = True
    states = EDITABLE
    article = "第八条"
    requirement = "R8.1"
    keep_input_when_blocked = True
    style = "outline-primary"
    success = L("已保存修改。")

    def initial(self, obj: Any, user: Any) -> dict:
        from core.contracts import initial_of

        return initial_of(ProjectUpdateIn, obj)

    def choices(self, obj: Any, user: Any) -> dict:
        return field_choices(user, [obj.unit], obj)

    def perform(self, obj: Project, data: ProjectUpdateIn, user: Any, decision: Any) -> Project:
        changed = {}
        for key, value in project_fields(data, obj.unit_id, obj.pk).items():
            if getattr(obj, key) != value:
                changed[key] = [str(getattr(obj, key)), str(value)]
                setattr(obj, key, value)
        if not changed:
            return obj
        if "total_investment" in changed:
            follow_amount(obj, changed)
        obj.save()
        labels = "、".join(
            str(getattr(Project._meta.get_field(k), "verbose_name", k)) for k in changed
        )
        record_event(
            ActionCode.PROJECT_UPDATED,
            actor=user,
            obj=obj,
            organisation=obj.unit_id,
            reason=f"修改：{labels}",
            data={"changed": changed},
        )
        return obj


def write_chapter(project: Project, stage: str, chapter: str, text: str, user: Any) -> Any:
    """Store one chapter's text, with its ledger event (Art. 14)."""
    declaration, _created = ChapterDeclaration.objects.update_or_create(
        project=project, stage=stage, chapter=chapter, defaults={"text": text, "updated_by": user}
    )
    record_event(
        ActionCode.PROJECT_CHAPTER_DECLARED,
        actor=user,
        obj=project,
        organisation=project.unit_id,
        reason=f"{Stage(stage).label}：{Chapter(chapter).label}",
        data={"stage": stage, "chapter": chapter, "length": len(text)},
    )
    return declaration


class DeclareChapter(UnitAction):
    """Write one of the five chapters of Art. 14 for the FSR or the preliminary design (frozen
    once the project is approved). The API's way; the page writes all five at once
    (``DeclareChapters``)."""

    label = L("填写报告章节")
    Input = ProjectChapterIn
    states = CHAPTER_STATES
    article = "第十四条"
    requirement = "R14.1"
    style = "outline-primary"

    def success_message(self, obj: Any, result: Any) -> str:
        return _("已保存章节“%(c)s”。") % {"c": result.get_chapter_display()}

    def initial(self, obj: Any, user: Any) -> dict:
        return {"stage": editable_stage(obj)}

    def page_url(self, obj: Any) -> str:
        # the card links to the chapter editor, where all five are written together
        return project_link(obj) + "#chapters"

    def perform(self, obj: Project, data: ProjectChapterIn, user: Any, decision: Any) -> Any:
        stage = data.stage or editable_stage(obj)
        return write_chapter(obj, stage, data.chapter, data.text_content, user)

    def next_url(self, obj: Any, result: Any) -> str:
        return project_link(obj) + "#chapters"


class DeclareChapters(UnitAction):
    """The chapter editor of the project page: the five chapters of Art. 14 of a stage in one
    form, saved together (or as the unit types, by the page's autosave). Only the chapters
    whose text changed are written, each with its ledger event, so an autosave of an unchanged
    editor records nothing."""

    label = L("保存报告章节")
    Input = ProjectChaptersIn
    states = CHAPTER_STATES
    article = "第十四条"
    requirement = "R14.1"
    style = "outline-primary"
    offered_on = ""  # the editor is on the project page itself; the card links there

    def perform(self, obj: Project, data: ProjectChaptersIn, user: Any, decision: Any) -> Any:
        stage = data.stage or editable_stage(obj)
        stored = {
            c.chapter: c.text for c in ChapterDeclaration.objects.filter(project=obj, stage=stage)
        }
        return [
            write_chapter(obj, stage, key, text, user)
            for key, text in data.texts().items()
            if text != stored.get(key, "")
        ]

    def success_message(self, obj: Any, result: Any) -> str:
        if not result:
            return _("章节内容没有变化。")
        names = "、".join(str(d.get_chapter_display()) for d in result)
        return _("已保存章节：%(names)s。") % {"names": names}

    def next_url(self, obj: Any, result: Any) -> str:
        return project_link(obj) + "#chapters"


class SubmitProject(UnitAction):
    """Submit the requirement to BDB for the project list (Art. 8; gates R8.1, R6.3, R7.1,
    R13.1, R20.1 and the catalog's conditions)."""

    label = L("申报")
    transition = "submit"
    gate = "projects.submit"
    hint = L("报市大数据发展局审核，列入项目清单（第八条）。")
    success = L("已申报，等待市大数据发展局审核。")
    confirm = L("申报后项目报市大数据发展局审核，签收前可以撤回（第八条）。")

    def perform(self, obj: Project, data: Any, user: Any, decision: Any) -> Project:
        obj.submitted_at = timezone.now()
        move_project(
            obj,
            "submit",
            actor=user,
            event=ActionCode.PROJECT_SUBMITTED,
            decision=decision,
            reason="申报项目需求，报市大数据发展局审核（第八条）",
            update_fields=("submitted_at",),
        )
        open_reviews_for(obj, S.SUBMITTED)
        return obj


class WithdrawProject(UnitAction):
    """撤回: the submitter takes the project back before BDB has signed for the review."""

    label = L("撤回")
    transition = "withdraw"
    Input = ProjectWithdrawIn
    style = "outline-secondary"
    hint = L("市大数据发展局签收前可以撤回，修改后重新申报。")
    success = L("已撤回，项目回到草稿状态。")

    def perform(self, obj: Project, data: ProjectWithdrawIn, user: Any, decision: Any) -> Project:
        supersede_open_reviews(obj)
        move_project(
            obj,
            "withdraw",
            actor=user,
            event=ActionCode.PROJECT_WITHDRAWN,
            reason=data.reason or "审核开始前撤回申报",
        )
        return obj


class ResubmitProject(UnitAction):
    """Send a returned project back to the step that returned it, with a new round."""

    label = L("修改后重新报送")
    states = (S.RETURNED,)
    article = "第八条、第九条"
    requirement = "R8.1"
    success = L("已修改后重新报送。")

    def target_state(self, obj: Project) -> str:
        return RESUBMIT_TARGET.get(obj.returned_from, S.SUBMITTED)

    def gate_code(self, obj: Any, data: Any) -> str:
        design = self.target_state(obj) == S.DESIGN_REVIEW
        return "projects.design.submit" if design else "projects.resubmit"

    def facts(self, obj: Any, data: Any) -> dict:
        design = self.target_state(obj) == S.DESIGN_REVIEW
        return {"stage": Stage.DESIGN if design else Stage.FSR}

    def target_label(self, obj: Any) -> str:
        return _("重新报送至“%(step)s”") % {"step": ProjectState(self.target_state(obj)).label}

    def perform(self, obj: Project, data: Any, user: Any, decision: Any) -> Project:
        target = self.target_state(obj)
        returned_from = obj.returned_from
        obj.returned_from = ""
        move_project(
            obj,
            resubmit_code(returned_from),
            actor=user,
            event=ActionCode.PROJECT_RESUBMITTED,
            decision=decision,
            reason=f"修改后重新报送至“{ProjectState(target).label}”",
            data={"returned_from": returned_from},
            update_fields=("returned_from",),
        )
        open_reviews_for(obj, target)
        return obj


class SubmitDesign(UnitAction):
    """Two-stage projects: after the FSR approval the unit submits the preliminary design and
    budget, which BDB reviews for content before DRC approves (Art. 9, R4.1)."""

    label = L("报送初步设计及概（预）算")
    transition = "submit_design"
    gate = "projects.design.submit"
    hint = L("依据可研批复编制，报市大数据发展局审核内容后由市发展改革委批复（第九条、第四条）。")
    success = L("已报送初步设计及概（预）算，等待市大数据发展局审核内容。")

    def facts(self, obj: Any, data: Any) -> dict:
        return {"stage": Stage.DESIGN}

    def perform(self, obj: Project, data: Any, user: Any, decision: Any) -> Project:
        move_project(
            obj,
            "submit_design",
            actor=user,
            event=ActionCode.DESIGN_SUBMITTED,
            decision=decision,
            reason="报送初步设计及概（预）算，请市大数据发展局审核内容（第四条、第九条）",
        )
        open_reviews_for(obj, S.DESIGN_REVIEW)
        return obj


create_project = CreateProject()
update_project = UpdateProject()
declare_chapter = DeclareChapter()
declare_chapters = DeclareChapters()
submit_project = SubmitProject()
withdraw_project = WithdrawProject()
resubmit_project = ResubmitProject()
submit_design = SubmitDesign()
