"""The inputs of the review steps (Art. 4, 8, 9, 14): BDB's list review, the evaluation report,
the approval, agree-or-return, return and reject, 转办 and 抄送."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from pydantic import Field, model_validator

from core.contracts import Choice, Contract, Flag, Int, Opinions, Ref, Refs, Text, Wan, fail

from ..models import Chapter, ListCriterion, Verdict
from .fields import Agree, given_mapping

# -- reviews (Art. 4, 8, 9, 14) ------------------------------------------------------------------


RETURN_REASON = L("退回或不予通过的理由")
LIST_DECISIONS = (("list", L("列入项目清单")), ("return", L("退回修改")), ("reject", L("不予列入")))


#: the list review's criteria and priority are needed to list, not to return or reject (R8.2)
TO_LIST = L("列入项目清单时")


def ListVerdict(label: Any) -> Any:
    """A criterion's verdict: optional as a field, required to list (R8.2)."""
    return Choice(Verdict, label, required=False, required_when=TO_LIST)


class ListCriterionIn(Contract):
    verdict: str = Choice(Verdict, L("审核结论"), required=False)
    opinion: str = Text(L("审核意见"))


class ReviewListDecisionIn(Contract):
    """BDB's necessity review (R8.2): a verdict and an opinion per criterion, a priority and a
    decision. The API may give the criteria nested (``criteria``); the page has one pair of
    fields per criterion. Whether every criterion is answered is the gate's finding (R8.2)."""

    decision: str = Choice(LIST_DECISIONS, L("审核决定"))
    priority: int | None = Int(
        L("优先级"),
        required=False,
        minimum=1,
        maximum=9,
        help=L("1—9，1 为最高（第八条）。"),
        required_when=TO_LIST,
    )
    basis_verdict: str = ListVerdict(ListCriterion.BASIS.label)
    basis_opinion: str = Text(L("建设依据审核意见"), required_when=TO_LIST)
    integration_verdict: str = ListVerdict(ListCriterion.INTEGRATION.label)
    integration_opinion: str = Text(L("系统整合方案审核意见"), required_when=TO_LIST)
    sharing_verdict: str = ListVerdict(ListCriterion.SHARING.label)
    sharing_opinion: str = Text(L("数据共享方案审核意见"), required_when=TO_LIST)
    common_needs_verdict: str = ListVerdict(ListCriterion.COMMON_NEEDS.label)
    common_needs_opinion: str = Text(L("跨部门共性需求审核意见"), required_when=TO_LIST)
    governance_verdict: str = ListVerdict(ListCriterion.GOVERNANCE.label)
    governance_opinion: str = Text(L("数据治理审核意见"), required_when=TO_LIST)
    opinion: str = Text(L("审核意见"), rows=2, required_when=L("退回或不予列入时"))
    confirm_remedy: bool = Flag(
        L("确认本项目为整改项目"),
        help=L(
            "项目建设单位有未按要求共享、重复采集或不符合安全要求的系统时，只有经确认的整改项目"
            "可以列入和批复（第三十一条、第三十二条）。"
        ),
    )
    criteria: dict[str, ListCriterionIn] | None = Field(
        None,
        description="逐项意见（可代替各 *_verdict / *_opinion 字段），键为 basis / integration / "
        "sharing / common_needs / governance，值为 {verdict: pass|partial|fail, opinion}",
    )

    SECTIONS = (
        (
            L("逐项审核意见（第八条）"),
            tuple(
                f"{key}_{part}" for key in ListCriterion.values for part in ("verdict", "opinion")
            ),
        ),
        (L("审核决定"), ("priority", "decision", "opinion", "confirm_remedy")),
    )

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, data: Any) -> Any:
        """Nested criteria fill the flat fields (the flat fields win when both are given)."""
        values = given_mapping(data)
        if values is None or not isinstance(values.get("criteria"), Mapping):
            return data
        for key, entry in values["criteria"].items():
            if not isinstance(entry, Contract | Mapping | None):
                raise fail(_("审核要点“%(key)s”应为含 verdict、opinion 的对象。") % {"key": key})
            entry = entry.model_dump() if isinstance(entry, Contract) else dict(entry or {})
            for part in ("verdict", "opinion"):
                values.setdefault(f"{key}_{part}", entry.get(part, ""))
        values.pop("criteria")
        return values

    def criteria_map(self) -> dict[str, dict[str, str]]:
        return {
            key: {
                "verdict": getattr(self, f"{key}_verdict"),
                "opinion": getattr(self, f"{key}_opinion"),
            }
            for key in ListCriterion.values
        }

    def problems(self) -> dict[str, str]:
        if self.decision in ("return", "reject") and not self.opinion:
            return {"opinion": _("请填写%(label)s。") % {"label": RETURN_REASON}}
        return {}


class ReviewEvaluationReportIn(Contract):
    """The consultant's report: an opinion on each of the five chapters (R14.2, checked by the
    gate) and the conclusion, or the report as a document of the review."""

    chapter_opinions: dict[str, str] = Opinions(
        Chapter, L("五个章节评估意见（第十四条）"), required=False
    )
    opinion: str = Text(
        L("评估结论"),
        rows=4,
        help=L("未上传评估报告文件时，请在此完整填写评估报告内容（第九条）。"),
    )


class ReviewApproveIn(Contract):
    """DRC's approval (批复): the document number, the approved amount and an opinion on each
    chapter (R14.2, checked by the gate)."""

    document_number: str = Text(L("批复文号"), max_length=100, help=L("如：渝发改数〔2026〕12号。"))
    approved_amount_wan: Decimal | None = Wan(
        L("核定总投资"), required=False, help=L("单位万元；留空则按申报总投资核定。")
    )
    over_request_reason: str = Text(
        L("核定总投资超出申报的理由"),
        rows=2,
        help=L("核定总投资高于申报总投资时必填（第九条）。"),
    )
    chapter_opinions: dict[str, str] = Opinions(
        Chapter, L("五个章节意见（第十四条）"), required=False
    )
    opinion: str = Text(L("批复意见"), rows=2)


class ReviewAgreeIn(Contract):
    """Agree, or return for revision with the reasons (a joint-review authority, BDB on the
    design content)."""

    agree: bool = Agree(L("意见"))
    opinion: str = Text(L("意见说明"), rows=2, help=L("退回修改时必填。"))

    def problems(self) -> dict[str, str]:
        if self.agree is False and not self.opinion:
            return {"opinion": _("请填写%(label)s。") % {"label": RETURN_REASON}}
        return {}


class ReviewIsolationIn(Contract):
    """BDB's initial review, then the city government's approval, of a project that declares
    it cannot share (an isolated network, Art. 31)."""

    agree: bool = Agree(L("意见"))
    opinion: str = Text(L("审核意见"), required=True, rows=2, max_length=2000)


class ReviewOpinionIn(Contract):
    """退回 / 不予通过: the reasons are required (Art. 8, 9)."""

    opinion: str = Text(RETURN_REASON, required=True, rows=3)


class ReviewTransferIn(Contract):
    to_user: int = Ref(L("转办给"), help=L("本单位具有相同审核角色的同事。"))
    note: str = Text(L("转办说明"), max_length=200)


class ReviewCopyIn(Contract):
    recipients: list[int] = Refs(L("抄送对象"), required=True)
    note: str = Text(L("抄送说明"), max_length=200)


class ReviewUrgeIn(Contract):
    note: str = Text(L("催办说明"), max_length=200, help=L("可写明请求尽快办理的理由。"))
