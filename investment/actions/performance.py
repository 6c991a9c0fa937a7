"""The performance target table (绩效目标表, Art. 10 ¶3, R10.3): a unit applying for a year's
plan with a construction project states its overall goal and third-level indicators under the
indicator tree (产出, 效益, 满意度); quantitative ones with a unit and a formula."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from django.utils.translation import gettext_noop as N_

from core.enums import ActionCode
from policy.gates import refusal
from projects.models import Project, ProjectKind, ProjectState

from ..contracts import PerformanceTableIn
from ..models import Indicator, IndicatorCategory, PerformanceTable
from .base import UnitProjectAction, int_of, value_of


class SavePerformanceTable(UnitProjectAction):
    """The unit saves (replaces) its construction project's performance target table for a
    plan year; the plan gate (R10.3) checks that it is complete."""

    label = L("填报绩效目标表")
    Input = PerformanceTableIn
    article = "第十条"
    requirement = "R10.3"
    style = "outline-primary"

    def makes_sense(self, project: Project) -> bool:
        return project.kind != ProjectKind.OM and project.state != ProjectState.REJECTED

    def page_url(self, obj: Any) -> str:
        url = reverse("investment:performance", args=[obj.pk])
        return f"{url}?year={obj.year}"

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        return {"year": obj.year}

    def refusals(self, obj: Any, user: Any, data: Any) -> Any:
        if obj.kind == ProjectKind.OM:
            yield refusal(
                "R10.3.construction",
                N_("运行维护项目无须编制绩效目标表（第十条）。"),
                params={},
            )

    def input_problems(self, obj: Any, user: Any, data: Any) -> dict[str, str]:
        leaves = set(
            IndicatorCategory.objects.filter(parent__isnull=False, is_active=True).values_list(
                "pk", flat=True
            )
        )
        errors: dict[str, str] = {}
        for n, row in enumerate(value_of(data, "indicators") or [], start=1):
            if int_of(row, "category_id") not in leaves and int_of(row, "category") not in leaves:
                errors[f"indicators.{n}.category_id"] = _("第 %(n)s 行：请选择二级指标。") % {
                    "n": n
                }
        return errors

    def perform(
        self, obj: Any, data: PerformanceTableIn, user: Any, decision: Any
    ) -> PerformanceTable:
        table, _created = PerformanceTable.objects.update_or_create(
            project=obj,
            year=data.year,
            defaults={"overall_goal": data.overall_goal, "updated_by": user},
        )
        table.indicators.all().delete()
        Indicator.objects.bulk_create(
            [
                Indicator(
                    table=table,
                    category_id=row.category_id,
                    name=row.name,
                    target_value=row.target_value,
                    is_quantitative=row.is_quantitative,
                    unit=row.unit,
                    formula=row.formula,
                )
                for row in data.indicators
            ]
        )
        self.record(
            ActionCode.PERFORMANCE_TABLE_SAVED,
            actor=user,
            obj=obj,
            reason=f"填报 {data.year} 年绩效目标表，{len(data.indicators)} 项指标（第十条）",
            data={"year": data.year, "indicators": len(data.indicators)},
        )
        return table

    def success_message(self, obj: Any, result: Any) -> str:
        return _("已保存 %(year)s 年绩效目标表。") % {"year": result.year}

    def next_url(self, obj: Any, result: Any) -> str:
        return result.get_absolute_url() if result is not None else self.page_url(obj)


save_performance_table = SavePerformanceTable()
