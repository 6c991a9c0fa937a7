"""The built-in factors of the health rating (``reports.health``), by dimension:

- **cost** — contracts and payments against the approved total (Art. 26); payments against the
  plan and the budget (Art. 10, 25); how many changes took effect (Art. 26);
- **schedule** — milestones past their date (Art. 22), construction not started long after the
  approval (Art. 16), completion past the baseline's planned date (Art. 26), the completion
  acceptance clock (Art. 28);
- **reporting** — annual performance reports overdue (Art. 23), supervision reports not
  submitted (Art. 22), the self-evaluation clock (Art. 30);
- **compliance** — open incidents, rectifications past their deadline, suspension (Art. 24);
  failed acceptance and O&M funding refused to the project's systems (Art. 28, 31-33).

The supervision chapter adds its own compliance factor (open findings, sanctions, unanswered
requests) with ``reports.health.factor`` when it is installed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as L

from catalog.models import OMDecision
from core.dates import add_months
from core.listing import row_count
from core.money import format_wan
from delivery.models import (
    IncidentState,
    Milestone,
    Phase,
    SupervisionReport,
    SupervisorAssignment,
)
from investment.models import (
    EFFECTIVE_CHANGE_STATES,
    BudgetLine,
    ChangeRequest,
    Contract,
    Payment,
    PlanEntry,
    PlanState,
)
from projects.models import Project

from . import clocks
from .health import GREEN, RED, YELLOW, Context, Factor, Facts, factor
from .models import Dimension
from .om import latest_om_runs

MONEY: DecimalField = DecimalField(max_digits=18, decimal_places=2)
ZERO_MONEY = Value(Decimal("0"), output_field=MONEY)


def total_of(model: Any, path: str, **filters: Any) -> Any:
    """The sum of ``amount`` of ``model``'s rows of the project (0 when none)."""
    rows = (
        model.objects.filter(**{path: OuterRef("pk")}, **filters)
        .order_by()
        .values(path)
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return Coalesce(Subquery(rows, output_field=MONEY), ZERO_MONEY)


def count_of(model: Any, **filters: Any) -> Any:
    return row_count(model.objects.filter(**filters), "project")


def money_annotations(qs: QuerySet[Project], ctx: Context) -> QuerySet[Project]:
    return qs.annotate(
        h_approved=Coalesce(F("approved_total"), F("total_investment")),
        h_contracted=total_of(Contract, "project"),
        h_paid=total_of(Payment, "contract__project"),
        h_planned=total_of(PlanEntry, "project", version__state=PlanState.PUBLISHED),
        h_budgeted=total_of(BudgetLine, "project"),
        h_changes=count_of(ChangeRequest, state__in=EFFECTIVE_CHANGE_STATES),
    )


def _dec(value: Any) -> Decimal:
    return Decimal(value or 0)


def overrun(facts: Facts) -> Decimal:
    """How far the larger of contracts and payments exceeds the approved total (a ratio)."""
    approved = _dec(facts["h_approved"])
    spent = max(_dec(facts["h_contracted"]), _dec(facts["h_paid"]))
    if approved <= 0:
        return Decimal(0)
    return max(Decimal(0), spent / approved - 1)


def overrun_level(facts: Facts, ctx: Context) -> int:
    ratio = overrun(facts)
    if ratio > ctx.p.health_cost_red_ratio:
        return RED
    if ratio > ctx.p.health_cost_yellow_ratio:
        return YELLOW
    return GREEN


def overrun_text(facts: Facts, ctx: Context) -> str:
    return gettext(
        "批复总投资 %(approved)s 万元，合同 %(contracted)s 万元，已支付 %(paid)s 万元，"
        "超出 %(ratio)s%%（关注线 %(yellow)s%%，预警线 %(red)s%%）。"
    ) % {
        "approved": format_wan(_dec(facts["h_approved"])),
        "contracted": format_wan(_dec(facts["h_contracted"])),
        "paid": format_wan(_dec(facts["h_paid"])),
        "ratio": f"{overrun(facts) * 100:.1f}",
        "yellow": f"{ctx.p.health_cost_yellow_ratio * 100:.0f}",
        "red": f"{ctx.p.health_cost_red_ratio * 100:.0f}",
    }


factor(
    Factor(
        key="cost.overrun",
        dimension=Dimension.COST,
        label=L("合同与支付对比批复总投资"),
        articles=("第二十六条",),
        annotate=money_annotations,
        facts=("h_approved", "h_contracted", "h_paid"),
        level=overrun_level,
        explain=overrun_text,
    )
)


def plan_level(facts: Facts, ctx: Context) -> int:
    paid = _dec(facts["h_paid"])
    if paid > _dec(facts["h_budgeted"]):
        return RED
    if paid > _dec(facts["h_planned"]):
        return YELLOW
    return GREEN


factor(
    Factor(
        key="cost.plan",
        dimension=Dimension.COST,
        label=L("支付对比投资计划和预算"),
        articles=("第十条", "第二十五条"),
        annotate=money_annotations,
        facts=("h_planned", "h_budgeted", "h_paid"),
        level=plan_level,
        explain=lambda f, ctx: (
            gettext(
                "已列入投资计划 %(planned)s 万元，已安排预算 %(budgeted)s 万元，已支付 %(paid)s 万元"
                "（支付超出预算为预警，超出计划为关注）。"
            )
            % {
                "planned": format_wan(_dec(f["h_planned"])),
                "budgeted": format_wan(_dec(f["h_budgeted"])),
                "paid": format_wan(_dec(f["h_paid"])),
            }
        ),
    )
)

factor(
    Factor(
        key="cost.changes",
        dimension=Dimension.COST,
        label=L("已生效的项目调整"),
        articles=("第二十六条",),
        annotate=money_annotations,
        facts=("h_changes",),
        level=lambda f, ctx: YELLOW if f["h_changes"] >= ctx.p.health_changes_yellow > 0 else GREEN,
        explain=lambda f, ctx: (
            gettext("已生效的调整 %(n)s 次（达到 %(limit)s 次为关注）。")
            % {"n": f["h_changes"], "limit": ctx.p.health_changes_yellow}
        ),
    )
)


# -- schedule ------------------------------------------------------------------------------------


def schedule_annotations(qs: QuerySet[Project], ctx: Context) -> QuerySet[Project]:
    return qs.annotate(
        h_late_milestones=count_of(Milestone, planned_on__lt=ctx.on, done_on__isnull=True),
        h_approved_on=TruncDate("approved_at"),
        h_started_on=F("delivery__started_on"),
        h_completed_on=F("delivery__completed_on"),
        h_planned_completion=F("baseline__planned_completion"),
    )


def milestones_level(facts: Facts, ctx: Context) -> int:
    late = facts["h_late_milestones"]
    if ctx.p.health_late_milestones_red and late >= ctx.p.health_late_milestones_red:
        return RED
    if ctx.p.health_late_milestones_yellow and late >= ctx.p.health_late_milestones_yellow:
        return YELLOW
    return GREEN


factor(
    Factor(
        key="schedule.milestones",
        dimension=Dimension.SCHEDULE,
        label=L("逾期未完成的里程碑"),
        articles=("第二十二条",),
        annotate=schedule_annotations,
        facts=("h_late_milestones",),
        level=milestones_level,
        explain=lambda f, ctx: (
            gettext("逾期未完成的里程碑 %(n)s 个（%(yellow)s 个为关注，%(red)s 个为预警）。")
            % {
                "n": f["h_late_milestones"],
                "yellow": ctx.p.health_late_milestones_yellow,
                "red": ctx.p.health_late_milestones_red,
            }
        ),
    )
)


def start_level(facts: Facts, ctx: Context) -> int:
    approved = facts["h_approved_on"]
    months = ctx.p.health_start_months
    if facts["h_started_on"] or approved is None or not months:
        return GREEN
    if add_months(approved, 2 * months) < ctx.on:
        return RED
    if add_months(approved, months) < ctx.on:
        return YELLOW
    return GREEN


def start_text(facts: Facts, ctx: Context) -> str:
    if facts["h_started_on"]:
        return gettext("已于 %(day)s 开工。") % {"day": facts["h_started_on"]}
    return gettext(
        "批复日期 %(day)s，尚未开工（批复后 %(m)s 个月未开工为关注，%(m2)s 个月为预警）。"
    ) % {
        "day": facts["h_approved_on"] or "—",
        "m": ctx.p.health_start_months,
        "m2": 2 * ctx.p.health_start_months,
    }


factor(
    Factor(
        key="schedule.start",
        dimension=Dimension.SCHEDULE,
        label=L("批复后开工"),
        articles=("第十六条",),
        annotate=schedule_annotations,
        facts=("h_approved_on", "h_started_on"),
        level=start_level,
        explain=start_text,
    )
)


def completion_days_late(facts: Facts, ctx: Context) -> int:
    planned = facts["h_planned_completion"]
    if planned is None or facts["h_completed_on"] is not None or planned >= ctx.on:
        return 0
    return (ctx.on - planned).days


def completion_level(facts: Facts, ctx: Context) -> int:
    late = completion_days_late(facts, ctx)
    if late <= 0:
        return GREEN
    return RED if late > ctx.p.health_completion_red_days else YELLOW


factor(
    Factor(
        key="schedule.completion",
        dimension=Dimension.SCHEDULE,
        label=L("按批复基线的计划建成日期"),
        articles=("第二十六条",),
        annotate=schedule_annotations,
        facts=("h_planned_completion", "h_completed_on"),
        level=completion_level,
        explain=lambda f, ctx: (
            gettext(
                "计划建成日期 %(planned)s，建成日期 %(done)s，逾期 %(late)s 天（超过 %(red)s 天为预警）。"
            )
            % {
                "planned": f["h_planned_completion"] or "—",
                "done": f["h_completed_on"] or "—",
                "late": completion_days_late(f, ctx),
                "red": ctx.p.health_completion_red_days,
            }
        ),
    )
)


def clock_annotations(qs: QuerySet[Project], ctx: Context) -> QuerySet[Project]:
    return clocks.with_clocks(qs, ctx.on, ctx.p)


def clock_factor(
    key: str, dimension: str, label: Any, article: str, fact: str, late: int, words: tuple[Any, Any]
) -> Factor:
    """A factor that is one statutory clock (``reports.clocks``): ``late`` when it is overdue."""
    overdue, in_time = words
    return factor(
        Factor(
            key=key,
            dimension=dimension,
            label=label,
            articles=(article,),
            annotate=clock_annotations,
            facts=(fact,),
            level=lambda f, ctx: late if f[fact] else GREEN,
            explain=lambda f, ctx: str(overdue) if f[fact] else str(in_time),
        )
    )


clock_factor(
    "schedule.acceptance",
    Dimension.SCHEDULE,
    L("竣工验收期限"),
    "第二十八条",
    "acceptance_late",
    RED,
    (L("建成后逾期未申请竣工验收。"), L("竣工验收期限未逾期。")),
)


# -- reporting ----------------------------------------------------------------------------------


def annual_level(facts: Facts, ctx: Context) -> int:
    n = facts["reports_overdue"] or 0
    if ctx.p.health_reports_red and n >= ctx.p.health_reports_red:
        return RED
    return YELLOW if n > 0 else GREEN


factor(
    Factor(
        key="reporting.annual",
        dimension=Dimension.REPORTING,
        label=L("年度绩效评价报告"),
        articles=("第二十三条",),
        annotate=clock_annotations,
        facts=("reports_overdue",),
        level=annual_level,
        explain=lambda f, ctx: (
            gettext("逾期未报的年度绩效评价报告 %(n)s 份（%(red)s 份为预警）。")
            % {"n": f["reports_overdue"] or 0, "red": ctx.p.health_reports_red}
        ),
    )
)

clock_factor(
    "reporting.self_evaluation",
    Dimension.REPORTING,
    L("项目自评价"),
    "第三十条",
    "self_evaluation_late",
    YELLOW,
    (L("自评价窗口已过，尚未完成自评价。"), L("自评价未逾期。")),
)


def supervision_annotations(qs: QuerySet[Project], ctx: Context) -> QuerySet[Project]:
    last = (
        SupervisionReport.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(m=Max(TruncDate("submitted_at")))
        .values("m")
    )
    assigned = (
        SupervisorAssignment.objects.filter(project=OuterRef("pk"), is_active=True)
        .order_by()
        .values("project")
        .annotate(m=Max(TruncDate("assigned_at")))
        .values("m")
    )
    return qs.annotate(
        h_supervised_since=Subquery(assigned, output_field=DateField()),
        h_last_supervision_report=Subquery(last, output_field=DateField()),
        h_building=Exists(
            Project.objects.filter(
                pk=OuterRef("pk"), delivery__phase__in=(Phase.CONSTRUCTION, Phase.TRIAL)
            )
        ),
    )


def supervision_days(facts: Facts, ctx: Context) -> int:
    since = facts["h_last_supervision_report"] or facts["h_supervised_since"]
    if not facts["h_building"] or since is None:
        return 0
    return (ctx.on - since).days


factor(
    Factor(
        key="reporting.supervision",
        dimension=Dimension.REPORTING,
        label=L("监理报告"),
        articles=("第二十二条",),
        annotate=supervision_annotations,
        facts=("h_building", "h_supervised_since", "h_last_supervision_report"),
        level=lambda f, ctx: (
            YELLOW if supervision_days(f, ctx) > ctx.p.health_supervision_report_days else GREEN
        ),
        explain=lambda f, ctx: (
            gettext("最近一次监理报告：%(last)s；距今 %(days)s 天（超过 %(limit)s 天为关注）。")
            % {
                "last": f["h_last_supervision_report"] or "—",
                "days": supervision_days(f, ctx),
                "limit": ctx.p.health_supervision_report_days,
            }
        ),
    )
)


# -- compliance ----------------------------------------------------------------------------------

OPEN_INCIDENTS = (IncidentState.REPORTED, IncidentState.RECTIFYING, IncidentState.SUSPENDED)


def incident_annotations(qs: QuerySet[Project], ctx: Context) -> QuerySet[Project]:
    from delivery.models import Incident

    return clock_annotations(qs, ctx).annotate(
        h_open_incidents=count_of(Incident, state__in=OPEN_INCIDENTS),
        h_suspended=Exists(
            Project.objects.filter(
                pk=OuterRef("pk"), suspended_at__isnull=False, terminated_at__isnull=True
            )
        ),
    )


def incident_level(facts: Facts, ctx: Context) -> int:
    if facts["h_suspended"] or (facts["rectifications_late"] or 0) > 0:
        return RED
    return YELLOW if facts["h_open_incidents"] else GREEN


factor(
    Factor(
        key="compliance.incidents",
        dimension=Dimension.COMPLIANCE,
        label=L("重大事项、限期整改与暂停"),
        articles=("第二十四条",),
        annotate=incident_annotations,
        facts=("h_open_incidents", "rectifications_late", "h_suspended"),
        level=incident_level,
        explain=lambda f, ctx: (
            gettext("未了结的重大事项 %(open)s 项，逾期未整改 %(late)s 项，%(suspended)s。")
            % {
                "open": f["h_open_incidents"],
                "late": f["rectifications_late"] or 0,
                "suspended": gettext("项目已暂停") if f["h_suspended"] else gettext("未暂停"),
            }
        ),
    )
)


def om_annotations(qs: QuerySet[Project], ctx: Context) -> QuerySet[Project]:
    # the run as a subquery of the rating's own query (the database reads it once)
    run = Subquery(latest_om_runs(ctx.on).values("pk")[:1])
    refused = (
        OMDecision.objects.filter(run_id=run, eligible=False, system__projects=OuterRef("pk"))
        .order_by()
        .values("run")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(
        h_om_refused=Coalesce(Subquery(refused, output_field=IntegerField()), Value(0)),
        h_acceptance_failed=Coalesce(F("delivery__om_ineligible"), Value(False)),
    )


factor(
    Factor(
        key="compliance.om",
        dimension=Dimension.COMPLIANCE,
        label=L("竣工验收结果与运维经费决定"),
        articles=("第二十八条", "第三十一条", "第三十二条", "第三十三条"),
        annotate=om_annotations,
        facts=("h_om_refused", "h_acceptance_failed"),
        level=lambda f, ctx: (
            RED if f["h_acceptance_failed"] else (YELLOW if f["h_om_refused"] else GREEN)
        ),
        explain=lambda f, ctx: (
            gettext("%(acceptance)s；最近一次运维经费决定中不予安排的本项目系统 %(n)s 个。")
            % {
                "acceptance": gettext("竣工验收未通过，不得安排运维经费")
                if f["h_acceptance_failed"]
                else gettext("无竣工验收未通过记录"),
                "n": f["h_om_refused"],
            }
        ),
    )
)
