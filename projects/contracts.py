"""The inputs of the projects chapter's actions, each declared once: the page form, the API
payload and the demo and tests all go through these (``core.contracts``).

Field names are those of the actions; the API's earlier names (``unit_id``, ``text``, …) are
still accepted (``Renames``) so that existing clients keep working.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from pydantic import BeforeValidator, Field, model_validator

from core.contracts import (
    UI,
    Choice,
    Contract,
    Flag,
    Int,
    Opinions,
    Ref,
    Refs,
    Text,
    Wan,
    Year,
    fail,
)

from .models import (
    Chapter,
    FundingSource,
    Hosting,
    ListCriterion,
    ProjectKind,
    RecipientKind,
    ShareType,
    Stage,
    Verdict,
)

# -- field types of this chapter ----------------------------------------------------------------


def _custom(ui: UI, parse: Any, default: Any = None) -> Any:
    """A pydantic field that parses with ``parse`` and is shown as ``ui`` (as core's types)."""
    info = Field(default=default, title=str(ui.label))
    if ui.help:
        info.description = str(ui.help)
    info.metadata.extend([BeforeValidator(parse), ui])
    return info


def PlanItem(label: Any, *, help: Any = "") -> Any:
    """An item of the unit's master plan, by number (the page's select) or by its stable key
    (a UUID, what API clients hold); the action checks it is the unit's."""

    def parse(value: Any) -> str:
        value = getattr(value, "pk", value)
        return "" if value is None else str(value).strip()

    return _custom(UI("choice", label, False, help), parse, "")


AGREE_CHOICES = (("1", L("同意")), ("0", L("退回修改")))
YES = {"1", "true", "yes", "on", "agree", "是", "同意"}
NO = {"0", "false", "no", "off", "return", "否", "退回修改"}


def Agree(label: Any, *, help: Any = "") -> Any:
    """Agree (true) or return for revision (false): JSON booleans, or the page's choice."""

    def parse(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise fail(_("请选择同意或退回修改。"))

    return _custom(UI("choice", label, True, help, choices=AGREE_CHOICES), parse, None)


MLPS_CHOICES = (
    ("1", L("第一级")),
    ("2", L("第二级")),
    ("3", L("第三级")),
    ("4", L("第四级")),
    ("5", L("第五级")),
)


def Level(label: Any, *, help: Any = "") -> Any:
    """The proposed level of classified protection (等级保护), 1—5, or none yet."""

    def parse(value: Any) -> int | None:
        if value in (None, ""):
            return None
        text = str(value).strip()
        if text not in {"1", "2", "3", "4", "5"}:
            raise fail(_("等级保护级别应为 1—5 级。"))
        return int(text)

    return _custom(UI("choice", label, False, help, choices=MLPS_CHOICES), parse, None)


def Lines(label: Any, *, help: Any = "", rows: int = 4) -> Any:
    """A list of short texts: one per line on a page (commas too), a list in JSON."""

    def parse(value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = value.replace("，", "\n").replace(",", "\n").splitlines()
        return [str(v).strip() for v in value if str(v).strip()]

    info = Field(default_factory=list, title=str(label))
    if help:
        info.description = str(help)
    info.metadata.extend([BeforeValidator(parse), UI("textarea", label, False, help, rows=rows)])
    return info


def StrictWan(label: Any, *, help: Any = "") -> Any:
    """An amount in 万元 that a machine client must send as text or an integer: a JSON number
    with a fraction may have passed through floating point at the sender (渝快办)."""
    info = Wan(label, help=help)
    inner = next(m.func for m in info.metadata if isinstance(m, BeforeValidator))

    def parse(value: Any) -> Any:
        if isinstance(value, (float, Decimal)):
            raise fail(
                _(
                    '%(label)s须以字符串传入（如 "812.5"），不接受带小数的 JSON 数字，以免经过浮点运算。'
                )
                % {"label": label}
            )
        return inner(value)

    info.metadata[:] = [
        BeforeValidator(parse) if isinstance(m, BeforeValidator) else m for m in info.metadata
    ]
    info.json_schema_extra = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    return info


def given_mapping(data: Any) -> dict | None:
    """The input as a dict, when it is one (a Ninja schema hands its validators the raw data
    wrapped in a ``DjangoGetter``)."""
    data = getattr(data, "_obj", data) if type(data).__name__ == "DjangoGetter" else data
    return dict(data) if isinstance(data, Mapping) else None


class Renames(Contract):
    """Accept the API's earlier field names (``RENAMES``: old -> new) beside the new ones."""

    RENAMES: ClassVar[dict[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        values = given_mapping(data)
        if not cls.RENAMES or values is None:
            return data
        for old, new in cls.RENAMES.items():
            if old in values and values.get(new) in (None, ""):
                values[new] = values.pop(old)
        return values


# -- a project requirement (Art. 8, 12-14, 19, 20) -------------------------------------------------


class ProjectFieldsIn(Contract):
    """The fields of a project requirement a unit writes (Art. 8); blank choices take their
    defaults (fiscal funds, the Digital Chongqing cloud, conditional sharing with every
    government department)."""

    name: str = Text(L("项目名称"), required=True, max_length=200)
    kind: str = Choice(ProjectKind, L("项目类型"))
    year: int | None = Year(L("申报年度"))
    total_investment_wan: Decimal | None = Wan(
        L("总投资"), help=L("单位万元，可保留小数，如 812.5；决定审批阶段（第九条门槛）。")
    )
    funding_source: str = Choice(FundingSource, L("资金来源"), required=False)
    plan_item: str = PlanItem(
        L("总体方案项目"),
        help=L("本单位现行报备的整合建设总体方案中的项目（第八条：按报备的总体方案提出需求）。"),
    )
    predecessor: int | None = Ref(
        L("原项目（改扩建）"),
        required=False,
        help=L("改扩建项目请选择本单位的原项目，并上传原项目第三方后评价报告（第十四条）。"),
    )
    framework: int | None = Ref(
        L("所属跨部门项目"), required=False, help=L("本单位牵头或参与的跨部门项目（第十三条）。")
    )
    requirement: str = Text(
        L("项目需求说明"), rows=5, help=L("建设内容、业务需求和预期效果（第八条，申报时必填）。")
    )
    basis: str = Text(L("建设依据"), rows=3)
    integration_plan: str = Text(L("系统整合方案"), rows=3)
    sharing_plan: str = Text(L("数据共享方案"), rows=3)
    hosting: str = Choice(
        Hosting, L("部署方式"), required=False, help=L("第二十条：原则上依托数字重庆云部署。")
    )
    hosting_justification: str = Text(L("不部署在数字重庆云的理由"), rows=2)
    secure_reliable_statement: str = Text(
        L("软硬件产品安全可靠情况说明"), rows=2, help=L("第十九条：批复时须说明。")
    )
    mlps_level: int | None = Level(L("拟定等级保护级别"))
    crypto_status: str = Text(L("密码应用情况"), rows=2)
    new_civil_works: bool = Flag(L("含新建土建工程"))
    energy_intensive: bool = Flag(L("高耗能项目"))
    share_type: str = Choice(ShareType, L("数据共享类型"), required=False)
    share_recipient_kind: str = Choice(
        RecipientKind,
        L("共享对象"),
        required=False,
        help=L("第十四条：应普遍共享的数据不得仅向特定企业或组织开放。"),
    )
    share_recipients: str = Text(L("共享对象名单"), rows=2)
    share_conditions: str = Text(L("共享条件或不予共享依据"), rows=2)
    is_classified: bool = Flag(
        L("涉密项目"), help=L("涉密项目不在本平台填报（第八条），请勾选后按提示走线下渠道。")
    )

    SECTIONS = (
        (
            L("基本信息"),
            (
                "unit",
                "name",
                "kind",
                "year",
                "total_investment_wan",
                "funding_source",
                "plan_item",
                "predecessor",
                "framework",
            ),
        ),
        (
            L("需求与建设方案（第八条）"),
            ("requirement", "basis", "integration_plan", "sharing_plan"),
        ),
        (
            L("部署与安全（第十二条、第十九条、第二十条）"),
            (
                "hosting",
                "hosting_justification",
                "secure_reliable_statement",
                "mlps_level",
                "crypto_status",
                "new_civil_works",
                "energy_intensive",
            ),
        ),
        (
            L("数据共享（第十四条）"),
            ("share_type", "share_recipient_kind", "share_recipients", "share_conditions"),
        ),
        (L("涉密项目（第八条）"), ("is_classified",)),
    )
    DEFAULTS: ClassVar[dict[str, str]] = {
        "funding_source": FundingSource.FISCAL,
        "hosting": Hosting.CQ_CLOUD,
        "share_type": ShareType.CONDITIONAL,
        "share_recipient_kind": RecipientKind.ALL_GOV,
    }

    def project_values(self) -> dict[str, Any]:
        """The stored fields, blank choices given their defaults (references are resolved by
        the action)."""
        values = self.model_dump(
            exclude={
                "total_investment_wan",
                "plan_item",
                "predecessor",
                "framework",
                "is_classified",
            }
            | set(type(self).model_fields) - set(ProjectFieldsIn.model_fields)
        )
        for name, default in self.DEFAULTS.items():
            values[name] = values.get(name) or default
        return values


class ProjectCreateIn(Renames, ProjectFieldsIn):
    """A unit drafts a project requirement (Art. 8); the unit may be left out when the user
    serves only one."""

    RENAMES = {"unit_id": "unit"}
    unit: int | None = Ref(L("建设单位"), required=False)


class ProjectUpdateIn(ProjectFieldsIn):
    """A unit edits its draft or returned requirement (fields not given keep their values)."""


class ProjectIntakeIn(Renames, ProjectFieldsIn):
    """渝快办推送的项目需求（第八条）。"""

    RENAMES = {"unit": "unit_id"}

    external_ref: str = Text(
        L("渝快办需求编号"),
        required=True,
        max_length=64,
        help=L("渝快办需求编号（1—64 位），同一编号重复推送只建一个项目"),
    )
    unit_id: int | None = Ref(L("建设单位编号"), required=False, help=L("与 credit_code 二选一"))
    credit_code: str = Text(
        L("建设单位统一社会信用代码"), max_length=18, help=L("与 unit_id 二选一")
    )
    total_investment_wan: Decimal | None = StrictWan(
        L("总投资"), help=L('须以字符串（如 "812.5"）或整数传入；带小数的 JSON 数字一律拒绝')
    )

    def problems(self) -> dict[str, str]:
        if self.unit_id is None and not self.credit_code:
            return {"unit_id": _("请提供建设单位编号 unit_id 或统一社会信用代码 credit_code。")}
        return {}


class ProjectChapterIn(Renames):
    """One of the five chapters of Art. 14 for the FSR or the preliminary design."""

    RENAMES = {"text": "text_content"}
    stage: str = Choice(
        Stage, L("阶段"), required=False, help=L("留空则为当前阶段（可研或初步设计）。")
    )
    chapter: str = Choice(Chapter, L("章节"))
    text_content: str = Text(L("章节内容"), rows=4)


class ProjectWithdrawIn(Contract):
    reason: str = Text(L("撤回说明"), max_length=200)


class ProjectAcceptIn(Contract):
    """DRC accepts and commissions a third-party evaluator (Art. 9); the evaluator is checked by
    the gate (R9.2), so that a missing one is a finding citing the article."""

    consultant: int | None = Ref(L("第三方咨询评估机构"), required=False)
    expert: int | None = Ref(
        L("评估专家（可选）"), required=False, help=L("留空则该机构任一专家均可办理。")
    )
    note: str = Text(L("受理说明"), max_length=200)


# -- reviews (Art. 4, 8, 9, 14) ------------------------------------------------------------------


RETURN_REASON = L("退回或不予通过的理由")
LIST_DECISIONS = (("list", L("列入项目清单")), ("return", L("退回修改")), ("reject", L("不予列入")))


class ListCriterionIn(Contract):
    verdict: str = Choice(Verdict, L("审核结论"), required=False)
    opinion: str = Text(L("审核意见"))


class ReviewListDecisionIn(Contract):
    """BDB's necessity review (R8.2): a verdict and an opinion per criterion, a priority and a
    decision. The API may give the criteria nested (``criteria``); the page has one pair of
    fields per criterion. Whether every criterion is answered is the gate's finding (R8.2)."""

    decision: str = Choice(LIST_DECISIONS, L("审核决定"))
    priority: int | None = Int(
        L("优先级"), required=False, minimum=1, maximum=9, help=L("1—9，1 为最高（第八条）。")
    )
    basis_verdict: str = Choice(Verdict, ListCriterion.BASIS.label, required=False)
    basis_opinion: str = Text(L("建设依据审核意见"))
    integration_verdict: str = Choice(Verdict, ListCriterion.INTEGRATION.label, required=False)
    integration_opinion: str = Text(L("系统整合方案审核意见"))
    sharing_verdict: str = Choice(Verdict, ListCriterion.SHARING.label, required=False)
    sharing_opinion: str = Text(L("数据共享方案审核意见"))
    common_needs_verdict: str = Choice(Verdict, ListCriterion.COMMON_NEEDS.label, required=False)
    common_needs_opinion: str = Text(L("跨部门共性需求审核意见"))
    governance_verdict: str = Choice(Verdict, ListCriterion.GOVERNANCE.label, required=False)
    governance_opinion: str = Text(L("数据治理审核意见"))
    opinion: str = Text(L("审核意见"), rows=2, help=L("退回或不予列入时必填。"))
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
        (L("审核决定"), ("priority", "decision", "opinion")),
    )

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, data: Any) -> Any:
        """Nested criteria fill the flat fields (the flat fields win when both are given)."""
        values = given_mapping(data)
        if values is None or not isinstance(values.get("criteria"), Mapping):
            return data
        for key, entry in values["criteria"].items():
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


class ReviewOpinionIn(Contract):
    """退回 / 不予通过: the reasons are required (Art. 8, 9)."""

    opinion: str = Text(RETURN_REASON, required=True, rows=3)


class ReviewTransferIn(Contract):
    to_user: int | None = Ref(L("转办给"), help=L("本单位具有相同审核角色的同事。"))
    note: str = Text(L("转办说明"), max_length=200)


class ReviewCopyIn(Contract):
    recipients: list[int] = Refs(L("抄送对象"), required=True)
    note: str = Text(L("抄送说明"), max_length=200)


# -- the published list and classified stubs (Art. 8) -------------------------------------------


class ProjectListPublishIn(Contract):
    year: int | None = Year(L("清单年度"))
    note: str = Text(L("发布说明"), rows=2, help=L("如：第二批列入项目、调整优先级等。"))


class ClassifiedStubIn(Renames):
    """A stub holds only a code, the unit, the year and the amount (R8.3)."""

    RENAMES = {"unit_id": "unit"}
    unit: int | None = Ref(L("建设单位"))
    year: int | None = Year(L("年度"))
    amount_wan: Decimal | None = Wan(L("金额"))
    code: str = Text(
        L("存根编号"),
        max_length=40,
        help=L("留空则自动编号（SM-年度-序号）。编号不得含涉密信息。"),
    )


# -- cross-department frameworks (Art. 13) -----------------------------------------------------


class FrameworkTextIn(Contract):
    title: str = Text(L("跨部门项目名称"), required=True, max_length=200)
    goals: str = Text(L("建设目标"), rows=3)
    main_content: str = Text(L("主要建设内容"), rows=4)
    data_catalog: str = Text(
        L("初步数据资源目录"), rows=4, help=L("列明各参与单位产生和共享的数据资源。")
    )


class FrameworkIn(Renames, FrameworkTextIn):
    """The lead unit drafts the framework plan (R13.1); the unit may be left out when the user
    serves only one."""

    RENAMES = {"lead_unit_id": "lead_unit"}
    lead_unit: int | None = Ref(L("牵头单位"), required=False)


class FrameworkUpdateIn(FrameworkTextIn):
    """The lead unit edits its draft or returned plan (fields not given keep their values)."""


class FrameworkParticipantChangeIn(Contract):
    """A participant's business flow, data flow, interfaces and the content it undertakes."""

    business_flow: str = Text(L("业务流"), rows=3)
    data_flow: str = Text(L("数据流"), rows=3)
    interfaces: str = Text(L("与整体项目的接口"), rows=3)
    content_items: list[str] = Lines(
        L("承担的建设内容"), help=L("每行一项；同一项建设内容不得由两个单位承担（第十三条）。")
    )


class FrameworkParticipantIn(Renames, FrameworkParticipantChangeIn):
    """A participating unit and its part (added, or updated when it already takes part)."""

    RENAMES = {"unit_id": "unit"}
    unit: int | None = Ref(L("参与单位"))

    SECTIONS = (
        (
            L("参与单位及分工"),
            ("unit", "business_flow", "data_flow", "interfaces", "content_items"),
        ),
    )


class FrameworkDistrictIn(Renames):
    RENAMES = {"district_id": "district"}
    district: int | None = Ref(L("区县"))
    linked_project: str = Text(L("区县配套项目名称"), required=True, max_length=200)
    note: str = Text(L("配合内容"), rows=2)


class FrameworkReviewIn(Contract):
    """BDB's opinion on a framework plan: required by every participant's project (R13.1)."""

    agree: bool = Agree(L("审核结论"))
    opinion: str = Text(
        L("审核意见"), required=True, rows=3, help=L("审核意见是各参与单位申报的必要附件。")
    )


__all__ = [
    "ClassifiedStubIn",
    "FrameworkDistrictIn",
    "FrameworkIn",
    "FrameworkParticipantChangeIn",
    "FrameworkParticipantIn",
    "FrameworkReviewIn",
    "FrameworkUpdateIn",
    "ListCriterionIn",
    "ProjectAcceptIn",
    "ProjectChapterIn",
    "ProjectCreateIn",
    "ProjectIntakeIn",
    "ProjectListPublishIn",
    "ProjectUpdateIn",
    "ProjectWithdrawIn",
    "ReviewAgreeIn",
    "ReviewApproveIn",
    "ReviewCopyIn",
    "ReviewEvaluationReportIn",
    "ReviewListDecisionIn",
    "ReviewOpinionIn",
    "ReviewTransferIn",
]
