"""The inputs of a unit's requirement (Art. 8, 12-14, 19, 20), its chapters and DRC's
acceptance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from core.contracts import Choice, Contract, Flag, Int, Ref, Text, Wan, Year
from core.identifiers import CreditCode

from ..models import (
    Chapter,
    FundingSource,
    Hosting,
    ProjectKind,
    RecipientKind,
    RemedyPurpose,
    ShareType,
    Stage,
)
from .fields import Level, PlanItem, Renames, StrictWan

# -- a project requirement (Art. 8, 12-14, 19, 20) -------------------------------------------------


class ProjectFieldsIn(Contract):
    """The fields of a project requirement a unit writes (Art. 8); blank choices take their
    defaults (fiscal funds, the Digital Chongqing cloud, conditional sharing with every
    government department)."""

    name: str = Text(L("项目名称"), required=True, max_length=200)
    kind: str = Choice(ProjectKind, L("项目类型"))
    year: int = Year(L("申报年度"))
    total_investment_wan: Decimal = Wan(
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
    served_users: int | None = Int(
        L("预计服务用户数"),
        required=False,
        minimum=1,
        maximum=10**9,
        help=L("用于测算人均投资规模（第二十一条）。"),
    )
    lacks_om_capacity: bool = Flag(
        L("建设单位不具备建设运行维护能力"),
        help=L("第二十一条：此类项目应充分发挥职能部门作用或者服务外包。"),
    )
    remedy_purpose: str = Choice(
        RemedyPurpose,
        L("整改项目"),
        required=False,
        help=L(
            "本单位有系统未按要求共享、重复采集数据或不符合密码和网络安全要求期间，不得新建、"
            "改扩建（第三十一条、第三十二条）；为整改该问题而建设的项目请选择，经市大数据发展局"
            "在清单审核中确认后方可申报和批复。"
        ),
    )
    isolated_network: bool = Flag(
        L("拟建设孤网（不能与其他系统联网共享）"),
        help=L("第三十一条：确有必要的，须经市大数据发展局初审、市政府批准后方可建设。"),
    )
    isolation_basis: str = Text(L("不能联网共享的法律法规依据"), rows=2)
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
        (L("建设运维方式（第二十一条）"), ("served_users", "lacks_om_capacity")),
        (
            L("联网共享与整改（第三十一条、第三十二条）"),
            ("remedy_purpose", "isolated_network", "isolation_basis"),
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

    def problems(self) -> dict[str, str]:
        if self.isolated_network and not self.isolation_basis.strip():
            return {
                "isolation_basis": _(
                    "拟建设孤网的，请写明不能联网共享的法律法规依据（第三十一条：联网通办是原则，"
                    "孤网是例外）。"
                )
            }
        return {}

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
    credit_code: str = CreditCode(L("建设单位统一社会信用代码"), help=L("与 unit_id 二选一"))
    total_investment_wan: Decimal = StrictWan(
        L("总投资"), help=L('须以字符串（如 "812.5"）或整数传入；带小数的 JSON 数字一律拒绝')
    )

    def problems(self) -> dict[str, str]:
        problems = super().problems()
        if self.unit_id is None and not self.credit_code:
            problems["unit_id"] = _("请提供建设单位编号 unit_id 或统一社会信用代码 credit_code。")
        return problems


class ProjectChapterIn(Renames):
    """One of the five chapters of Art. 14 for the FSR or the preliminary design."""

    RENAMES = {"text": "text_content"}
    stage: str = Choice(
        Stage, L("阶段"), required=False, help=L("留空则为当前阶段（可研或初步设计）。")
    )
    chapter: str = Choice(Chapter, L("章节"))
    text_content: str = Text(L("章节内容"), rows=4)


class ProjectChaptersIn(Contract):
    """The five chapters of Art. 14 for one stage, written in one editor and saved together
    (issue 18: saving one chapter no longer loses what was typed in the others). A chapter
    left as it was is not written again."""

    stage: str = Choice(
        Stage, L("阶段"), required=False, help=L("留空则为当前阶段（可研或初步设计）。")
    )
    data_governance: str = Text(Chapter.DATA_GOVERNANCE.label, rows=6)
    data_sharing: str = Text(Chapter.DATA_SHARING.label, rows=6)
    security: str = Text(Chapter.SECURITY.label, rows=6)
    crypto: str = Text(Chapter.CRYPTO.label, rows=6)
    intensive: str = Text(Chapter.INTENSIVE.label, rows=6)

    def texts(self) -> dict[str, str]:
        """Each chapter's text by its key (``Chapter``)."""
        return {key: getattr(self, key) for key in Chapter.values}


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
