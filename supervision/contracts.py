"""The inputs of the supervision actions: each declared once, used by the page forms, the API
and the demo (``core.contracts``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from core.contracts import Choice, Contract, Day, Flag, Ref, Text, Yuan
from core.dates import today

from .authorities import SupervisionDuty
from .models import AuditAspect, DeferralScope, PersonRole, RequestPurpose, ViolationKind

NUMBER_HELP = L("留空由平台按发文机关和年度编号；已线下发文的，填写原文号。")
ISSUED_HELP = L("留空为今天；已线下发文的，填写原发文日期。")


class IssuedProblems:
    """期限不能早于发文日期。"""

    issued_on: dt.date | None
    deadline: dt.date | None

    def problems(self) -> dict[str, str]:
        issued = self.issued_on or today()
        if self.deadline and self.deadline <= issued:
            return {"deadline": _("期限应晚于发文日期。")}
        return {}


class SupervisionRequestIn(IssuedProblems, Contract):
    """An authority asks a unit for materials or information (Art. 34)."""

    purpose: str = Choice(RequestPurpose, L("用途"))
    matter: str = Text(
        L("需提供的资料和情况"),
        required=True,
        rows=4,
        help=L("写明需提供的资料清单和需说明的情况。"),
    )
    deadline: dt.date | None = Day(L("答复期限"), required=True)
    issued_on: dt.date | None = Day(L("发文日期"), past=True, help=ISSUED_HELP)
    number: str = Text(L("文号"), max_length=60, help=NUMBER_HELP)


class UnitRequestIn(SupervisionRequestIn):
    """A request to a unit may name one of its projects or systems."""

    project: int | None = Ref(L("涉及项目"), required=False)
    system: int | None = Ref(L("涉及系统"), required=False)


class SupervisionAnswerIn(Contract):
    """The unit answers truthfully and completely (Art. 34)."""

    answer: str = Text(
        L("答复内容"),
        required=True,
        rows=5,
        help=L("逐项说明所提供的资料和情况；材料请在本页“文件材料”中上传。"),
    )
    attest: bool = Flag(
        L("本单位承诺所提供的资料和情况真实、完整，无拒绝、隐匿、瞒报（第三十四条）"),
    )


class SupervisionDeclineIn(Contract):
    reason: str = Text(L("不能提供的理由"), required=True, rows=3)


class SupervisionReviewIn(Contract):
    opinion: str = Text(L("审核意见"), rows=3)


class SupervisionReturnIn(Contract):
    opinion: str = Text(L("需补充的内容"), required=True, rows=3)
    deadline: dt.date | None = Day(L("补充期限"), required=True)

    def problems(self) -> dict[str, str]:
        if self.deadline and self.deadline <= today():
            return {"deadline": _("补充期限应晚于今天。")}
        return {}


class SupervisionWithdrawIn(Contract):
    reason: str = Text(L("撤回理由"), required=True, rows=2)


class RectificationOrderIn(IssuedProblems, Contract):
    """An authority orders a unit to rectify by a deadline (Art. 35)."""

    duty: str = Choice(
        SupervisionDuty, L("监管事项"), help=L("本机关职责范围内的事项（第三十五条）。")
    )
    problem: str = Text(L("发现的问题"), required=True, rows=4)
    breached: str = Text(
        L("违反的规定或批复要求"),
        required=True,
        rows=2,
        help=L("如：未按批复的建设内容实施；未按要求共享数据资源。"),
    )
    breached_article: str = Text(
        L("违反条款"), max_length=100, help=L("如：第三十一条；渝发改数〔2026〕1号批复第三项。")
    )
    requirement: str = Text(L("整改要求"), required=True, rows=3)
    deadline: dt.date | None = Day(L("整改期限"), required=True)
    issued_on: dt.date | None = Day(L("发文日期"), past=True, help=ISSUED_HELP)
    number: str = Text(L("文号"), max_length=60, help=NUMBER_HELP)


class UnitRectificationOrderIn(RectificationOrderIn):
    """An order to a unit may name one of its projects or systems."""

    project: int | None = Ref(L("涉及项目"), required=False)
    system: int | None = Ref(L("涉及系统"), required=False)


class RectificationReportIn(Contract):
    """The unit reports what it did (with evidence uploaded on the order's page)."""

    report: str = Text(
        L("整改情况"),
        required=True,
        rows=5,
        help=L("逐项说明整改措施和结果；整改佐证材料请在本页“文件材料”中上传。"),
    )


class RectificationVerifyIn(Contract):
    opinion: str = Text(L("核查意见"), required=True, rows=3)


class RectificationExtendIn(Contract):
    """Another deadline after an overdue or failed rectification."""

    deadline: dt.date | None = Day(L("新的整改期限"), required=True)
    reason: str = Text(L("再次限期的理由和要求"), required=True, rows=3)

    def problems(self) -> dict[str, str]:
        if self.deadline and self.deadline <= today():
            return {"deadline": _("新的整改期限应晚于今天。")}
        return {}


class SanctionIn(Contract):
    """A sanction of DRC or Finance (Art. 35): a decision with its reasons."""

    reasons: str = Text(L("理由"), required=True, rows=4)
    notice_text: str = Text(L("正文"), rows=5, help=L("留空由平台根据整改通知和理由生成。"))
    issued_on: dt.date | None = Day(L("发文日期"), past=True, help=ISSUED_HELP)
    number: str = Text(L("文号"), max_length=60, help=NUMBER_HELP)


class SanctionDeferralIn(SanctionIn):
    scope: str = Choice(
        DeferralScope,
        L("暂缓范围"),
        help=L("本项目；或本单位新建、改扩建项目一律暂缓纳入年度投资计划。"),
    )


class SanctionLiftIn(Contract):
    reasons: str = Text(L("解除理由"), required=True, rows=3)


class AuditFindingIn(Contract):
    """市审计局 records a finding on the use of funds (Art. 36)."""

    aspect: str = Choice(AuditAspect, L("审计事项"))
    facts: str = Text(L("审计发现的问题"), required=True, rows=5)
    amount: Decimal | None = Yuan(L("涉及金额（元）"), required=False, allow_zero=False)
    recommendation: str = Text(L("审计建议"), rows=3)
    issued_on: dt.date | None = Day(L("出具日期"), past=True, help=ISSUED_HELP)
    number: str = Text(L("文号"), max_length=60, help=NUMBER_HELP)


class UnitAuditFindingIn(AuditFindingIn):
    project: int | None = Ref(L("涉及项目"), required=False)
    system: int | None = Ref(L("涉及系统"), required=False)


class AuditResponseIn(Contract):
    response: str = Text(L("回应和整改安排"), required=True, rows=5)


class AuditReferralIn(Contract):
    """Audit passes a finding to DRC or Finance as the ground of a rectification order."""

    to: str = Choice((("drc", L("市发展改革委")), ("finance", L("市财政局"))), L("移送机关"))
    note: str = Text(L("移送说明"), required=True, rows=3)


class AuditCloseIn(Contract):
    followup: str = Text(L("跟踪落实情况"), required=True, rows=4)


class ViolationEntryIn(Contract):
    """A supervising authority records a violation (Art. 38)."""

    kind: str = Choice(ViolationKind, L("违规类型"))
    facts: str = Text(L("违规事实"), required=True, rows=5)
    occurred_on: dt.date | None = Day(L("发生日期"), past=True)


class UnitViolationEntryIn(ViolationEntryIn):
    project: int | None = Ref(L("涉及项目"), required=False)
    system: int | None = Ref(L("涉及系统"), required=False)


class ViolationDecisionIn(Contract):
    reason: str = Text(L("核实意见"), required=True, rows=3)


class ResponsiblePersonIn(Contract):
    name: str = Text(L("姓名"), required=True, max_length=50)
    post: str = Text(L("职务"), required=True, max_length=100)
    role: str = Choice(PersonRole, L("责任类型"))


class ViolationOutcomeIn(Contract):
    """The measure taken and the outcome (Art. 38)."""

    criticised: bool = Flag(L("予以通报批评"))
    referred_for_discipline: bool = Flag(L("移送依法依规给予处分"))
    referred_to: str = Text(
        L("移送机关"), max_length=100, help=L("如：市纪委监委驻市发展改革委纪检监察组")
    )
    under_funds_regulation: bool = Flag(L("依照《财政违法行为处罚处分条例》查处"))
    outcome: str = Text(L("处理结果"), required=True, rows=4)

    def problems(self) -> dict[str, str]:
        if self.referred_for_discipline and not self.referred_to:
            return {"referred_to": _("移送处分的，请填写移送机关。")}
        return {}
