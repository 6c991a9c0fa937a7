"""Duplicate construction (Art. 8, 13, R8.5): the unit describes what its requirement does and
collects; BDB reads the closest existing systems and projects beside its list review and
records a conclusion per match."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from accounts.recipients import is_unit_staff
from catalog.models import InformationSystem
from core.contracts import initial_of
from core.machines import machine
from policy.gates import refusal
from projects.models import Project, ProjectState

from .. import check
from ..contracts import EvidenceConclusionIn, EvidenceProfileIn
from ..models import Conclusion, Match, RequirementProfile
from .base import BDB, UNIT, Event, EvidenceAction, record

PROJECT = "projects.project"
UNDER_REVIEW = (ProjectState.SUBMITTED, ProjectState.LIST_REVIEW)


class DescribeRequirement(EvidenceAction):
    """The unit states its requirement's goals, functions, the data items it will collect
    itself or obtain by sharing, and the systems it will change (Art. 8 ¶1, 31): what the
    evidence compares with every catalogued system, project and data resource."""

    label = _("填写需求要素")
    hint = _("功能、拟采集数据项和拟改造系统，用于重复建设和重复采集比对。")
    model = Project
    machine = machine("project")
    states = (ProjectState.DRAFT, ProjectState.RETURNED)
    roles = UNIT
    article = "第八条"
    requirement = "R8.5"
    Input = EvidenceProfileIn
    offered_on = PROJECT
    style = "outline-primary"
    success = _("已保存需求要素；申报时将与已有系统、项目和权威数据源比对。")

    def allowed(self, obj: Any, user: Any) -> bool:
        return is_unit_staff(user, obj.unit_id)

    def choices(self, obj: Any, user: Any) -> dict:
        systems = InformationSystem.objects.filter(unit_id=obj.unit_id).order_by("code")
        return {"systems": [(s.pk, f"{s.code} {s.name}") for s in systems]}

    def initial(self, obj: Any, user: Any) -> dict:
        profile = RequirementProfile.objects.filter(project=obj).first()
        if profile is None:
            return {}
        values = initial_of(EvidenceProfileIn, profile)
        values["systems"] = list(profile.systems.values_list("pk", flat=True))
        return values

    def refusals(self, obj: Any, user: Any, data: Any) -> Any:
        if data is None or not data.systems:
            return
        own = set(
            InformationSystem.objects.filter(pk__in=data.systems, unit_id=obj.unit_id).values_list(
                "pk", flat=True
            )
        )
        if set(data.systems) - own:
            yield refusal(
                "R8.5.own-systems",
                N_("拟改造的已有系统须是本单位的系统（第八条）。"),
                remedy=N_("改造其他单位的系统，请与该单位共同编制跨部门项目（第十三条）。"),
                params={},
            )

    def perform(self, obj: Project, data: EvidenceProfileIn, user: Any, decision: Any) -> Any:
        values = data.model_dump(exclude={"systems"})
        profile, _created = RequirementProfile.objects.update_or_create(
            project=obj, defaults={**values, "updated_by": user}
        )
        profile.systems.set(data.systems)
        record(
            Event.PROFILE_SAVED,
            actor=user,
            obj=obj,
            unit=obj.unit,
            reason="填写需求要素（建设目标、主要功能、拟采集数据项、拟改造系统）",
            data={"collected": profile.collected, "systems": data.systems},
        )
        return profile

    def next_url(self, obj: Any, result: Any) -> str:
        return str(obj.get_absolute_url())


class RefreshEvidence(EvidenceAction):
    """BDB compares the project with what exists now (the index changes as systems and
    projects do); the new matches replace those shown, the earlier ones stay on record."""

    label = _("重新比对")
    model = Project
    machine = machine("project")
    states = UNDER_REVIEW
    roles = BDB
    article = "第八条"
    requirement = "R8.5"
    offered_on = PROJECT
    style = "outline-secondary"
    success = _("已重新比对，比对结果已更新。")

    def perform(self, obj: Project, data: Any, user: Any, decision: Any) -> Any:
        match_set = check.take_snapshot(obj, user=user, trigger="evidence.refresh_evidence")
        record(
            Event.SNAPSHOT_TAKEN,
            actor=user,
            obj=obj,
            unit=obj.unit,
            reason=f"重新比对重复建设证据：{match_set.matches.count()} 项相近",
        )
        return obj


class RecordMatchConclusion(EvidenceAction):
    """The reviewer's conclusion on one match — not a duplicate, reuse the existing system,
    merge into a cross-department framework, or duplicate: return (R8.5) — kept with the list
    review and read by the list decision's gate."""

    label = _("记录比对结论")
    model = Match
    roles = BDB
    article = "第八条"
    requirement = "R8.5"
    Input = EvidenceConclusionIn
    offered_on = PROJECT
    style = "outline-primary"

    def targets(self, page_obj: Any, user: Any) -> Any:
        if isinstance(page_obj, Match):
            yield page_obj
        elif isinstance(page_obj, Project) and page_obj.state in UNDER_REVIEW:
            match_set = check.current_set(page_obj)
            if match_set is not None:
                yield from match_set.matches.all()

    def target_label(self, obj: Match) -> str:
        kind = gettext("系统") if obj.target_kind == "system" else gettext("项目")
        text = gettext("%(kind)s“%(name)s”（%(unit)s），相似度 %(percent)s%%") % {
            "kind": kind,
            "name": obj.target_name,
            "unit": obj.target_unit,
            "percent": obj.percent,
        }
        if obj.conclusion:
            text += gettext("；现结论：%(c)s") % {"c": obj.get_conclusion_display()}
        return text

    def initial(self, obj: Match, user: Any) -> dict:
        return {"conclusion": obj.conclusion, "note": obj.note} if obj.conclusion else {}

    def refusals(self, obj: Match, user: Any, data: Any) -> Any:
        if obj.project.state not in UNDER_REVIEW:
            yield refusal(
                "R8.5.review-open",
                N_("项目不在大数据局审核中，比对结论已随审核决定归档（第八条）。"),
                remedy=N_("如需重新审核，请在项目重新报送后记录。"),
                params={},
            )
        elif check.current_set(obj.project) != obj.match_set:
            yield refusal(
                "R8.5.superseded",
                N_("该比对结果已被重新比对取代（第八条）。"),
                remedy=N_("请刷新页面，对最新的比对结果记录结论。"),
                params={},
            )

    def perform(self, obj: Match, data: EvidenceConclusionIn, user: Any, decision: Any) -> Any:
        obj.conclusion, obj.note = data.conclusion, data.note
        obj.concluded_by, obj.concluded_at = user, timezone.now()
        obj.review = check.open_list_review(obj.project) or obj.match_set.review
        obj.save()
        record(
            Event.CONCLUSION_RECORDED,
            actor=user,
            obj=obj.project,
            unit=obj.project.unit,
            reason=f"与{obj.target_unit}“{obj.target_name}”的比对结论："
            f"{Conclusion(obj.conclusion).label}。{obj.note}",
            data={
                "match": obj.pk,
                "target": f"{obj.target_kind}:{obj.target_id}",
                "similarity": str(obj.similarity),
                "conclusion": obj.conclusion,
                "review": obj.review_id,
            },
        )
        return obj

    def success_message(self, obj: Any, result: Any) -> str:
        return gettext("已记录与“%(name)s”的比对结论：%(c)s。") % {
            "name": result.target_name,
            "c": result.get_conclusion_display(),
        }

    def next_url(self, obj: Any, result: Any) -> str:
        return str(obj.get_absolute_url())


describe_requirement = DescribeRequirement()
refresh_evidence = RefreshEvidence()
record_match_conclusion = RecordMatchConclusion()
