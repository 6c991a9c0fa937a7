"""One project's contracts and payments (Art. 25), its approved baseline and its change
requests (Art. 26) over JSON."""

from typing import Any

from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query
from ninja.responses import Status

from accounts.scoping import for_user, get_visible_or_404
from core.api_routes import Routes, perform
from core.contracts import Contract as InputContract
from core.errors import ActionInvalid
from core.filters import apply
from core.money import wan_str, yuan_str
from projects.models import Project

from .. import actions, services
from ..contracts import (
    BaselineIn,
    ChangeDecisionIn,
    ChangeSubmitIn,
    ContractRecordIn,
    PaymentCreateIn,
)
from ..filters import ChangeFilter, ContractFilter, PaymentFilter
from ..models import Baseline, ChangeRequest, Contract, Payment
from ..schemas import (
    BaselineOut,
    ChangeDetailOut,
    ChangeSummaryOut,
    ContractOut,
    PaymentOut,
    amounts,
)
from .common import CHANGE, PAYMENT, project_of, refuse_fractions

router = Routes()
payment_routes = router.tagged(PAYMENT)


def _contracts(user: Any) -> QuerySet:
    return for_user(Contract, user).annotate(paid=Sum("payments__amount"))


@payment_routes.list("/projects/{int:project_id}/contracts", ContractOut, "合同列表")
def contract_list(request, project_id: int, filters: Query[ContractFilter.schema()]):  # type: ignore[valid-type]
    """项目的合同（采购结果），按签订日期排列，每份附已支付金额；可按采购方式 ``method``
    筛选，``q`` 搜索编号、名称或供应商。"""
    project = project_of(request, project_id)
    qs = apply(ContractFilter, request.GET, _contracts(request.auth).filter(project=project)).qs
    return qs.order_by("signed_on", "id")


@payment_routes.create("/projects/{int:project_id}/contracts", ContractOut, "登记合同")
def contract_create(request, project_id: int, payload: ContractRecordIn):
    """项目建设单位登记合同（合同编号在本项目内唯一），作为支付的依据（第二十五条）。"""
    refuse_fractions(request)
    contract = perform(request, actions.record_contract, project_id, payload)
    return Status(201, _contracts(request.auth).get(pk=contract.pk))


def _payments(user: Any) -> QuerySet:
    return for_user(Payment, user).select_related("contract", "recorded_by")


@payment_routes.list("/projects/{int:project_id}/payments", PaymentOut, "支付列表")
def payment_list(request, project_id: int, filters: Query[PaymentFilter.schema()]):  # type: ignore[valid-type]
    """项目的国库集中支付记录，最新在前；可按合同 ``contract``、预算指标 ``budget_line``
    （内部编号）筛选，``q`` 搜索凭证号、收款人或合同编号。"""
    project = project_of(request, project_id)
    of_project = _payments(request.auth).filter(contract__project=project)
    return apply(PaymentFilter, request.GET, of_project).qs.order_by("-paid_on", "-id")


@payment_routes.create("/projects/{int:project_id}/payments", PaymentOut, "登记支付")
def payment_create(request, project_id: int, payload: PaymentCreateIn):
    """项目建设单位登记一笔国库集中支付（第二十五条）。累计支付超过批复总投资（含已生效的
    调整）或超过该预算指标金额、项目已暂停或终止、建设项目尚未批复时返回 409，``findings``
    给出可支付余额。同时提交的两笔支付依次校验，不会合计超限。"""
    refuse_fractions(request)
    user = request.auth
    project = project_of(request, project_id)
    if not for_user(Contract, user).filter(pk=payload.contract_id, project=project).exists():
        raise ActionInvalid(_(InputContract.INVALID), {"contract_id": _("请选择本项目的合同。")})
    payment = actions.record_payment.execute(payload.contract_id, payload, acting_user=user)
    return Status(201, _payments(user).get(pk=payment.pk))


# -- baseline and changes (R26.1) ----------------------------------------------------------------

change_routes = router.tagged(CHANGE)


def _baseline_out(project: Project, baseline: Baseline) -> dict[str, Any]:
    current = services.effective_total(project, baseline)
    return {
        "project_id": project.pk,
        "approved_total": yuan_str(baseline.approved_total),
        "approved_total_wan": wan_str(baseline.approved_total),
        "items": amounts(baseline.items),
        "goals": baseline.goals,
        "planned_completion": baseline.planned_completion,
        "created_by_name": baseline.created_by.get_full_name() or baseline.created_by.username,
        "created_at": baseline.created_at,
        "current_total": yuan_str(current),
        "current_total_wan": wan_str(current),
        "current_items": amounts(services.current_items(project, baseline)),
    }


@change_routes.read("/projects/{int:project_id}/baseline", BaselineOut, "批复基线")
def baseline_get(request, project_id: int):
    """项目的批复基线：批复总投资、概算明细、建设目标和计划建成日期，以及计入已生效调整后
    的总投资和概算明细。尚未登记或无权查看返回 404。"""
    project = project_of(request, project_id)
    baseline = (
        for_user(Baseline, request.auth).filter(project=project).select_related("created_by")
    ).first()
    if baseline is None:
        raise Http404
    return _baseline_out(project, baseline)


@change_routes.create("/projects/{int:project_id}/baseline", BaselineOut, "登记批复基线")
def baseline_create(request, project_id: int, payload: BaselineIn):
    """项目批复后，建设单位登记批复的概算明细（合计须等于批复总投资）和建设目标。基线登记
    后不能修改（返回 409 及依据条款），此后的调整以变更申请提出，并与基线比较（第二十六条）。"""
    refuse_fractions(request)
    baseline = perform(request, actions.set_baseline, project_id, payload)
    return Status(201, _baseline_out(baseline.project, baseline))


def _changes(user: Any) -> QuerySet:
    return for_user(ChangeRequest, user).select_related("project", "decided_by", "created_by")


@change_routes.list("/changes", ChangeSummaryOut, "项目调整列表")
def change_list(request, filters: Query[ChangeFilter.schema()]):  # type: ignore[valid-type]
    """项目调整（变更申请），最新在前；可按项目 ``project``（内部编号）、建设单位 ``unit``、
    状态 ``state``（filed/pending/approved/rejected）和分类 ``classification``
    （filing/approval/art11）筛选，``q`` 搜索项目编号或名称。"""
    qs = apply(ChangeFilter, request.GET, _changes(request.auth)).qs
    return qs.order_by("-created_at", "-id")


@change_routes.read("/changes/{int:change_id}", ChangeDetailOut, "项目调整详情")
def change_detail(request, change_id: int):
    """一次项目调整：第二十六条四项条件（不增加总投资、建设目标不变、累计调整金额不超过
    比例上限、符合三种情形之一）逐项判定及依据条款，自动分类（备案、审批、审批并参照
    第十一条），与批复基线逐项比较的金额差异，以及审批结果。"""
    return get_visible_or_404(_changes(request.auth), request.auth, pk=change_id)


@change_routes.create("/projects/{int:project_id}/changes", ChangeDetailOut, "提交项目调整")
def change_submit(request, project_id: int, payload: ChangeSubmitIn):
    """项目建设单位提交调整后的全部概算明细，平台按第二十六条自动分类：四项条件均满足的，
    由建设单位调整并向市发展改革委、市财政局、市大数据发展局备案，立即生效；否则须报市
    发展改革委审批，涉及年度投资计划变更或增加当年预算的还须参照第十一条办理。累计调整
    金额计入此前已生效的调整（不能拆分规避）。须先登记批复基线，已有待审批的调整时返回 409
    及依据条款。"""
    refuse_fractions(request)
    change = perform(request, actions.submit_change, project_id, payload)
    return Status(201, _changes(request.auth).get(pk=change.pk))


@change_routes.act("/changes/{int:change_id}/decide", ChangeDetailOut, "审批项目调整")
def change_decide(request, change_id: int, payload: ChangeDecisionIn):
    """市发展改革委批准或不予批准待审批的项目调整（须填写审批意见）；批准后调整生效。
    备案类调整无须审批（返回 409 及依据条款）。"""
    act = actions.approve_change if payload.approve else actions.reject_change
    perform(request, act, change_id, payload)
    return _changes(request.auth).get(pk=change_id)
