"""The inputs of the evidence actions (``core.contracts``): one contract per action, used by
the page forms, the API and the demo."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from core.contracts import Choice, Contract, Refs, Text

from .models import Conclusion


class EvidenceProfileIn(Contract):
    """What the requirement will do and collect, compared with what exists (Art. 8, 31)."""

    goals: str = Text(L("建设目标"), rows=3, max_length=2000)
    functions: str = Text(
        L("主要功能"), rows=4, max_length=4000, help=L("每行一项功能，如“家庭经济困难学生认定”。")
    )
    collected_items: str = Text(
        L("拟自行采集的数据项"),
        rows=4,
        max_length=4000,
        help=L(
            "每行一项（或以顿号分隔），如“身份证号”。已有权威数据源的数据应通过共享获取（第三十一条）。"
        ),
    )
    shared_items: str = Text(
        L("拟通过共享获取的数据项"), rows=3, max_length=4000, help=L("每行一项，不计为采集。")
    )
    systems: list[int] = Refs(L("拟改造的已有系统"), help=L("本项目改造或扩建的本单位已有系统。"))

    def problems(self) -> dict[str, str]:
        if not (self.goals or self.functions or self.collected_items or self.shared_items):
            return {"functions": _("请至少填写建设目标、主要功能或数据项中的一项。")}
        return {}


class EvidenceConclusionIn(Contract):
    """The reviewer's conclusion on one match (R8.5)."""

    conclusion: str = Choice(Conclusion, L("审核结论"))
    note: str = Text(L("结论说明"), rows=2, max_length=2000)

    def problems(self) -> dict[str, str]:
        if self.conclusion != Conclusion.NOT_DUPLICATE and not self.note:
            return {"note": _("请说明复用、并入或退回的理由和要求。")}
        return {}


class EvidenceFindingDecisionIn(Contract):
    """BDB's reason for confirming or dismissing a duplicate-collection finding (Art. 31)."""

    reason: str = Text(L("理由"), required=True, rows=2, max_length=2000)
