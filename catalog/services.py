"""What the catalog's pages, exports and API read alike: the latest O&M run of each year, the
decisions' workbook for Finance, the boxes of sharing requests and a system's O&M preview."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from accounts.recipients import unit_ids_of
from accounts.scoping import for_user
from core.dates import today
from core.errors import ActionInvalid
from core.xlsx import Column, Sheet, workbook
from policy.lookup import NoPolicyInForce, policy_in_force
from projects.visibility import reads_all_projects

from .models import InformationSystem, OMDecision, OMRun, OMRunState, SharingState

# -- O&M runs and decisions ---------------------------------------------------------------------


def latest_runs() -> tuple[list[int], list[int]]:
    """Years with a decided run (newest first) and the latest decided run of each year."""
    years: list[int] = []
    runs: list[int] = []
    decided = OMRun.objects.filter(state=OMRunState.DECIDED)
    for year, run in decided.order_by("-budget_year", "-decided_at", "-id").values_list(
        "budget_year", "id"
    ):
        if year not in years:
            years.append(year)
            runs.append(run)
    return years, runs


def latest_decisions(user: Any) -> QuerySet:
    """The decisions of the latest run of each year that ``user`` sees."""
    _years, runs = latest_runs()
    return for_user(OMDecision, user).filter(run__in=runs)


def run_summary(latest: QuerySet) -> list[dict]:
    """The latest run of each year with its counts over the decisions the user sees."""
    counts = {
        row["run"]: row
        for row in latest.order_by()
        .values("run")
        .annotate(total=Count("id"), ok=Count("id", filter=Q(eligible=True)))
    }
    runs = OMRun.objects.filter(pk__in=counts).select_related("policy", "decided_by")
    return [
        {
            "run": run,
            "total": counts[run.pk]["total"],
            "ok": counts[run.pk]["ok"],
            "refused": counts[run.pk]["total"] - counts[run.pk]["ok"],
        }
        for run in runs.order_by("-budget_year")
    ]


def reason_tags(decision: OMDecision) -> list[dict]:
    """The distinct (article, rule) a decision failed, in order."""
    seen, tags = set(), []
    for r in decision.reasons:
        key = (r.get("article"), r.get("rule_id"))
        if key not in seen:
            seen.add(key)
            tags.append({"article": key[0], "rule_id": key[1]})
    return tags


#: the decisions in order: by year (latest first), unit and system
OM_ORDER = ("-run__budget_year", "system__unit__name", "system__code")


def om_columns() -> list[Column]:
    """The columns of the decisions' workbook (headers in the language of the request, as
    before); the decision time is a date-time cell."""
    return [
        Column(_("预算年度"), "int", 10),
        Column(_("系统编码"), width=18),
        Column(_("系统名称"), width=30),
        Column(_("所属单位"), width=28),
        Column(_("是否可安排运维经费"), width=12),
        Column(_("不符合的条件（条款）"), "wrap", 30),
        Column(_("不符合的原因"), "wrap", 80),
        Column(_("整改要求"), "wrap", 50),
        Column(_("提示"), "wrap", 50),
        Column(_("政策版本"), width=16),
        Column(_("决定批次"), width=22),
        Column(_("决定时间"), "datetime", 18),
    ]


def _om_row(d: OMDecision) -> list[Any]:
    tags = "；".join(f"{t['article']} {t['rule_id']}" for t in reason_tags(d))
    return [
        d.budget_year,
        d.system.code,
        d.system.name,
        d.system.unit.name,
        _("可安排") if d.eligible else _("不予安排"),
        tags,
        "\n".join(f"{r['rule_id']}（{r['article']}）{r['message']}" for r in d.explained_reasons),
        "\n".join(r["remedy"] for r in d.explained_reasons if r.get("remedy")),
        "\n".join(f"{w['rule_id']}（{w['article']}）{w['message']}" for w in d.explained_warnings),
        d.policy.code,
        d.run.code,
        d.decided_at,
    ]


def om_workbook(decisions: QuerySet) -> bytes:
    """O&M funding decisions for Finance (``core.xlsx``): one row per system with its reasons
    and their articles (R28.4, R31-R33) and the time of the decision as a date-time cell."""
    rows = (_om_row(d) for d in decisions.iterator(chunk_size=2000))
    return workbook(Sheet(_("运维经费决定"), om_columns(), rows))


def om_preview(system: InformationSystem) -> tuple[list[dict], list[dict]]:
    """The O&M conditions evaluated on the system's facts now (what a decision run would
    say), as (reasons, warnings); empty when no policy is in force."""
    from .eligibility import evaluate_systems

    on = today()
    try:
        policy = policy_in_force(None, on)
    except NoPolicyInForce:
        return [], []
    result = evaluate_systems([system.pk], today=on, policy=policy).get(system.pk)
    if result is None:
        return [], []
    return result["reasons"], result["warnings"]


# -- sharing requests ---------------------------------------------------------------------------

SHARING_BOXES = {
    "mine": L("我的共享申请"),
    "incoming": L("待我答复"),
    "all": L("共享申请总览"),
}


def sharing_box(queryset: QuerySet, box: str | None, user: Any) -> QuerySet:
    """A unit's requests (``mine``), the requests it must answer (``incoming``), every request
    the user sees (none given) or, for those who read everything, ``all`` (404 for others)."""
    units = unit_ids_of(user)
    if box == "mine":
        return queryset.filter(requester_id__in=units)
    if box == "incoming":
        return queryset.filter(resource__provider_id__in=units)
    if box in (None, ""):
        return queryset
    if box == "all":
        if not reads_all_projects(user):
            raise Http404
        return queryset
    raise ActionInvalid(
        _("筛选条件无效，请检查后重试。"), {"box": _("可选：mine、incoming、all。")}
    )


def by_urgency(queryset: QuerySet) -> QuerySet:
    """Overdue first, then pending by due date, then answered ones, latest first."""
    on = today()
    return queryset.annotate(
        urgency=Case(
            When(state=SharingState.PENDING, due_on__lt=on, then=Value(0)),
            When(state=SharingState.PENDING, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("urgency", "due_on", "-pk")


def overdue_count(queryset: QuerySet) -> int:
    return queryset.filter(state=SharingState.PENDING, due_on__lt=today()).count()
