"""The inputs of the published list and classified stubs (Art. 8) and of cross-department
frameworks (Art. 13)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as L

from core.contracts import Contract, Ref, Text, Wan, Year

from .fields import Agree, Lines, Renames

# -- the published list and classified stubs (Art. 8) -------------------------------------------


class ProjectListPublishIn(Contract):
    year: int = Year(L("清单年度"))
    note: str = Text(L("发布说明"), rows=2, help=L("如：第二批列入项目、调整优先级等。"))


class ClassifiedStubIn(Renames):
    """A stub holds only a code, the unit, the year and the amount (R8.3)."""

    RENAMES = {"unit_id": "unit"}
    unit: int = Ref(L("建设单位"))
    year: int = Year(L("年度"))
    amount_wan: Decimal = Wan(L("金额"))
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
    unit: int = Ref(L("参与单位"))

    SECTIONS = (
        (
            L("参与单位及分工"),
            ("unit", "business_flow", "data_flow", "interfaces", "content_items"),
        ),
    )


class FrameworkDistrictIn(Renames):
    RENAMES = {"district_id": "district"}
    district: int = Ref(L("区县"))
    linked_project: str = Text(L("区县配套项目名称"), required=True, max_length=200)
    note: str = Text(L("配合内容"), rows=2)


class FrameworkReviewIn(Contract):
    """BDB's opinion on a framework plan: required by every participant's project (R13.1)."""

    agree: bool = Agree(L("审核结论"))
    opinion: str = Text(
        L("审核意见"), required=True, rows=3, help=L("审核意见是各参与单位申报的必要附件。")
    )
