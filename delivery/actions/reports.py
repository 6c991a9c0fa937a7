"""The annual performance evaluation report (年度绩效评价报告, Art. 23): due each year of
construction, with the opinions of the user units and of the supervisor, and trial-operation
effects once in trial; progress and investment execution are computed, never typed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from accounts.roles import Authority
from core.dates import today
from core.enums import ActionCode
from core.errors import ActionConflict
from core.findings import Finding
from policy.gates import refusal
from policy.lookup import NoPolicyInForce
from projects.models import Project

from ..contracts import DeliveryAnnualReportIn
from ..models import AnnualReport, Phase
from ..services import investment_execution, progress_percent, project_due_items
from .base import ProjectAction, desks


class SubmitAnnualReport(ProjectAction):
    """The unit submits a year's performance evaluation report to DRC, Finance and BDB
    (Art. 23): once per year, with both opinions (R23.1)."""

    label = _("提交年度绩效评价报告")
    Input = DeliveryAnnualReportIn
    keep_input_when_blocked = True  # a refused report comes back with what was typed
    states = (Phase.CONSTRUCTION, Phase.TRIAL, Phase.COMPLETED)
    gate = "delivery.annual_report"
    article = "第二十三条"
    requirement = "R23.1"
    anchor = "annual"
    success = _("已提交年度绩效评价报告（第二十三条）。")
    hint = _("建设进度、年度计划金额和已支付金额由系统按所填年度计算。")
    confirm = _(
        "报告将报送市发展改革委、市财政局、市大数据发展局，每年只能提交一次（第二十三条）。"
    )

    def gate_code(self, obj: Any, data: Any) -> str:
        # the rule reads what was typed: asked before the form is filled in, it has nothing
        return self.gate if data is not None else ""

    def facts(self, obj: Any, data: Any) -> dict[str, Any]:
        if data is None:
            return {}
        return {
            "year": data.year,
            "summary": data.summary,
            "user_opinions": data.user_opinions,
            "supervisor_opinion": data.supervisor_opinion,
            "trial_effects": data.trial_effects,
            "in_trial": self.delivery(obj).phase == Phase.TRIAL,
        }

    def conditions(self, obj: Any, user: Any, data: Any) -> Iterator[Finding]:
        if data is not None and AnnualReport.objects.filter(project=obj, year=data.year).exists():
            yield refusal(
                "R23.1.once",
                N_("%(year)s 年度绩效评价报告已提交（第二十三条：每年提交一次）。"),
                remedy=N_("请核对年度；已提交的报告不能重复提交。"),
                facts={"year": data.year},
                params={"year": data.year},
            )

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        """The earliest year whose report is still due, else this year."""
        try:
            due = [
                int(i.key.split(":")[1])
                for i in project_due_items(obj)
                if i.kind == "annual_report" and not i.done
            ]
        except NoPolicyInForce:
            due = []
        return {"year": min(due) if due else today().year}

    def perform(
        self, obj: Project, data: DeliveryAnnualReportIn, user: Any, decision: Any
    ) -> AnnualReport:
        year = data.year or today().year
        planned, paid = investment_execution(obj, year)
        try:
            report = AnnualReport.objects.create(
                project=obj,
                year=year,
                summary=data.summary,
                user_opinions=data.user_opinions,
                supervisor_opinion=data.supervisor_opinion,
                trial_effects=data.trial_effects,
                progress_percent=progress_percent(obj),
                plan_amount=planned,
                paid_amount=paid,
                submitted_by=user,
            )
        except IntegrityError as exc:  # the same year submitted a moment ago
            raise ActionConflict(technical="taken") from exc
        self.record(
            ActionCode.ANNUAL_REPORT_SUBMITTED,
            user,
            report,
            f"提交 {year} 年度绩效评价报告，进度 {report.progress_percent}%",
            decision=decision,
        )
        self.tell(
            # Art. 23: submitted to DRC, Finance and BDB
            desks(Authority.DRC, Authority.FINANCE, Authority.BDB),
            obj,
            f"年度绩效评价报告：{obj.code} {year}",
        )
        return report


submit_annual_report = SubmitAnnualReport()
