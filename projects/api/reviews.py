"""Review steps over JSON (Art. 4, 8, 9): 签收, the decisions of each step, 退回, 不予通过,
转办 and 抄送. Each endpoint is an action on the review; the body is its contract."""

from accounts.scoping import get_visible_or_404
from core.api_routes import perform

from .. import actions
from ..contracts import (
    ReviewAgreeIn,
    ReviewApproveIn,
    ReviewCopyIn,
    ReviewEvaluationReportIn,
    ReviewListDecisionIn,
    ReviewOpinionIn,
    ReviewTransferIn,
)
from ..models import Review
from ..schemas import ProjectOut, ReviewOut
from .common import project_out, review_out
from .router import router


@router.read("/reviews/{int:review_id}", ReviewOut, "审核环节详情")
def review_detail(request, review_id: int):
    """一个审核环节：环节、轮次、承办部门或咨询机构、承办人、状态和意见。"""
    return review_out(get_visible_or_404(Review, request.auth, pk=review_id))


@router.act("/reviews/{int:review_id}/start", ReviewOut, "签收")
def review_start(request, review_id: int):
    """承办人签收审核；市大数据发展局签收清单审核后，建设单位不能再撤回。"""
    return review_out(perform(request, actions.start_review, review_id))


@router.act("/reviews/{int:review_id}/decide-list", ProjectOut, "项目清单审核决定")
def review_decide_list(request, review_id: int, payload: ReviewListDecisionIn):
    """市大数据发展局对建设依据、系统整合、数据共享、共性需求、数据治理逐项出具意见并确定
    优先级（第八条），决定列入项目清单、退回修改或不予列入（后两者须填写理由）。逐项意见
    可嵌套在 ``criteria`` 中给出。"""
    return project_out(perform(request, actions.decide_list_review, review_id, payload))


@router.act("/reviews/{int:review_id}/evaluation-report", ProjectOut, "提交评估报告")
def review_evaluation_report(request, review_id: int, payload: ReviewEvaluationReportIn):
    """第三方咨询评估机构提交评估结论，对五个章节逐一出具意见（第九条、第十四条），
    项目进入联合技术审查。"""
    return project_out(perform(request, actions.submit_evaluation_report, review_id, payload))


@router.act("/reviews/{int:review_id}/joint-opinion", ProjectOut, "联合技术审查意见")
def review_joint_opinion(request, review_id: int, payload: ReviewAgreeIn):
    """网络安全、预算管理、政务数据资源、密码应用、保密五个主管部门之一出具意见（第九条）：
    任一部门不同意即退回修改；五个部门全部同意后报市发展改革委审批。"""
    return project_out(perform(request, actions.give_joint_opinion, review_id, payload))


@router.act("/reviews/{int:review_id}/approve", ProjectOut, "批复")
def review_approve(request, review_id: int, payload: ReviewApproveIn):
    """市发展改革委批复（第九条）：门槛以下一次批复可研报告及概（预）算；门槛以上先批复
    可研报告，初步设计经市大数据发展局审核内容后再批复。须对五个章节逐一出具意见并填写
    批复文号；``approved_amount_wan`` 省略时按申报总投资核定。"""
    return project_out(perform(request, actions.approve_project, review_id, payload))


@router.act("/reviews/{int:review_id}/design-content", ProjectOut, "初步设计内容审核")
def review_design_content(request, review_id: int, payload: ReviewAgreeIn):
    """市大数据发展局审核初步设计内容（第四条）：同意后报市发展改革委批复，或退回修改。"""
    return project_out(perform(request, actions.review_design_content, review_id, payload))


@router.act("/reviews/{int:review_id}/return", ProjectOut, "退回修改")
def review_return(request, review_id: int, payload: ReviewOpinionIn):
    """退回建设单位修改（须填写理由）；修改后重新报送至本环节。"""
    return project_out(perform(request, actions.return_project, review_id, payload))


@router.act("/reviews/{int:review_id}/reject", ProjectOut, "不予通过")
def review_reject(request, review_id: int, payload: ReviewOpinionIn):
    """市大数据发展局不予列入或市发展改革委不予批复（须填写理由），项目终止。"""
    return project_out(perform(request, actions.reject_project, review_id, payload))


@router.act("/reviews/{int:review_id}/transfer", ReviewOut, "转办")
def review_transfer(request, review_id: int, payload: ReviewTransferIn):
    """将审核转给本单位同一岗位的同事办理。"""
    return review_out(perform(request, actions.transfer_review, review_id, payload))


@router.act("/reviews/{int:review_id}/copy", ReviewOut, "抄送")
def review_copy(request, review_id: int, payload: ReviewCopyIn):
    """抄送：让他人只读查看该审核环节及其项目。"""
    perform(request, actions.copy_review, review_id, payload)
    return review_out(review_id)
