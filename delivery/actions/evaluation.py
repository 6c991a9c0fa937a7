"""Evaluation after acceptance (Art. 30, R30.1): the unit's self-evaluation 12—24 months
(policy) after acceptance and go-live, sent to DRC, Finance and BDB; a third-party
post-evaluation commissioned by DRC or BDB and done by the consultant they chose. Both results
are ``investment.EvaluationResult`` rows, read when DRC compiles the next plan (Art. 37)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.recipients import consultant_org_ids, experts_of, unit_staff
from accounts.roles import Authority, OrgKind, Role
from core.dates import today
from core.enums import ActionCode
from investment.models import EvaluationKind, EvaluationResult
from projects.models import Project

from ..contracts import DeliveryCommissionIn, DeliveryEvaluationIn
from ..machines import POST_EVALUATION
from ..models import Phase, PostEvaluation, PostEvaluationState
from .base import AuthorityProjectAction, ProjectAction, RowAction, desks
from .start import organisation_choices


def _result(project: Project, kind: str, data: DeliveryEvaluationIn, user: Any) -> EvaluationResult:
    return EvaluationResult.objects.create(
        project=project,
        kind=kind,
        completed_on=data.completed_on,
        grade=data.grade,
        score=data.score,
        conclusion=data.conclusion,
        recorded_by=user,
    )


class SubmitSelfEvaluation(ProjectAction):
    """The unit submits its self-evaluation inside the policy window after acceptance and
    go-live (Art. 30); it goes to DRC, Finance and BDB. Late is a warning, early a refusal."""

    label = _("提交自评价")
    Input = DeliveryEvaluationIn
    keep_input_when_blocked = True
    states = (Phase.ACCEPTED,)
    gate = "delivery.self_evaluation"
    article = "第三十条"
    requirement = "R30.1"
    anchor = "evaluation"
    success = _("已提交自评价，并报送市发展改革委、市财政局、市大数据发展局（第三十条）。")
    confirm = _("自评价报告将报送市发展改革委、市财政局、市大数据发展局（第三十条）。")

    def facts(self, obj: Any, data: Any) -> dict[str, Any]:
        # asked before the form is filled in: would one done today be in the window?
        on = data.completed_on if data is not None else today()
        return {"completed_on": on.isoformat()}

    def perform(
        self, obj: Project, data: DeliveryEvaluationIn, user: Any, decision: Any
    ) -> EvaluationResult:
        result = _result(obj, EvaluationKind.SELF, data, user)
        self.record(
            ActionCode.SELF_EVALUATION_SUBMITTED,
            user,
            result,
            f"提交自评价（{data.grade}）",
            decision=decision,
        )
        self.tell(
            desks(Authority.DRC, Authority.FINANCE, Authority.BDB),
            obj,
            f"项目自评价：{obj.code}《{obj.name}》（{data.grade}）",
            data.conclusion,
        )
        return result


class CommissionPostEvaluation(AuthorityProjectAction):
    """DRC or BDB commissions a third-party consultant to post-evaluate an accepted project
    (Art. 30)."""

    label = _("委托第三方后评价")
    roles = (Role.DRC_OFFICER, Role.BDB_REVIEWER)
    Input = DeliveryCommissionIn
    states = (Phase.ACCEPTED,)
    article = "第三十条"
    requirement = "R30.1"
    anchor = "evaluation"
    style = "outline-primary"
    success = _("已委托第三方开展后评价（第三十条）。")
    confirm = _("受托机构将收到委托，并在平台上提交后评价结果（第三十条）。")

    def choices(self, obj: Any, user: Any) -> dict[str, list[tuple[Any, Any]]]:
        return {"consultant": organisation_choices(user, OrgKind.CONSULTANT)}

    def input_problems(self, obj: Any, user: Any, data: DeliveryCommissionIn) -> dict[str, str]:
        if not Organisation.objects.filter(
            pk=data.consultant, kind=OrgKind.CONSULTANT, is_active=True
        ).exists():
            return {"consultant": gettext("请选择在册的第三方咨询评估机构。")}
        return {}

    def perform(
        self, obj: Project, data: DeliveryCommissionIn, user: Any, decision: Any
    ) -> PostEvaluation:
        org = Organisation.objects.get(pk=data.consultant)
        post = PostEvaluation.objects.create(project=obj, consultant=org, commissioned_by=user)
        self.record(
            ActionCode.POST_EVALUATION_COMMISSIONED,
            user,
            post,
            f"委托{org.name}开展后评价（第三十条）",
            target=post.state,
        )
        self.tell(
            experts_of(org.pk),
            obj,
            f"后评价委托：{obj.code}《{obj.name}》",
        )
        return post


class SubmitPostEvaluation(RowAction):
    """The commissioned consultant submits the post-evaluation result (Art. 30)."""

    label = _("提交后评价结果")
    model = PostEvaluation
    machine = POST_EVALUATION
    transition = "submit"
    Input = DeliveryEvaluationIn
    anchor = "evaluation"
    success = _("已提交后评价结果（第三十条）。")
    confirm = _("后评价结果提交后不能更改，将供编制下一年度投资计划时参考（第三十条）。")

    def allowed(self, obj: Any, user: Any) -> bool:
        return obj.consultant_id in consultant_org_ids(user)

    def rows(self, project: Project) -> Iterable[Any]:
        return PostEvaluation.objects.filter(
            project=project, state=PostEvaluationState.COMMISSIONED
        ).select_related("consultant")

    def target_label(self, obj: Any) -> str:
        return str(obj.consultant.display_name)

    def perform(
        self, obj: PostEvaluation, data: DeliveryEvaluationIn, user: Any, decision: Any
    ) -> EvaluationResult:
        project = obj.project
        result = _result(project, EvaluationKind.POST, data, user)
        obj.result = result
        self.take(
            POST_EVALUATION,
            obj,
            "submit",
            user=user,
            event=ActionCode.POST_EVALUATION_SUBMITTED,
            reason=f"提交后评价（{data.grade}）",
        )
        self.tell(
            desks(Authority.DRC, Authority.BDB) + unit_staff(project.unit_id),
            project,
            f"后评价结果：{project.code}（{data.grade}）",
            data.conclusion,
        )
        return result


submit_self_evaluation = SubmitSelfEvaluation()
commission_post_evaluation = CommissionPostEvaluation()
submit_post_evaluation = SubmitPostEvaluation()
