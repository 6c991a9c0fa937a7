"""What the catalog's pages, exports and API read alike: the latest O&M run of each year, the
decisions' workbook for Finance, the boxes of sharing requests and a system's O&M preview."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from accounts.recipients import unit_ids_of
from accounts.scoping import for_user
from core.dates import today
from core.errors import ActionInvalid
from policy.lookup import NoPolicyInForce, policy_in_force
from projects.visibility import reads_all_projects

from .models import InformationSystem, OMDecision, OMRun, OMRunState, SharingState

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


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


OM_COLUMNS = [
    (L("预算年度"), 10),
    (L("系统编码"), 18),
    (L("系统名称"), 30),
    (L("所属单位"), 28),
    (L("是否可安排运维经费"), 12),
    (L("不符合的条件（条款）"), 30),
    (L("不符合的原因"), 80),
    (L("整改要求"), 50),
    (L("提示"), 50),
    (L("政策版本"), 16),
    (L("决定批次"), 22),
    (L("决定时间"), 18),
]


def _om_row(d: OMDecision, tz: Any) -> list[Any]:
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
        d.decided_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
    ]


def om_workbook(decisions: QuerySet) -> bytes:
    """O&M funding decisions for Finance: headers, a frozen bold header row, one row per system
    with its reasons and their articles (R28.4, R31-R33)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("运维经费决定"))
    ws.freeze_panes = "A2"
    for n, (_h, width) in enumerate(OM_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    header = []
    for title, _w in OM_COLUMNS:
        cell = WriteOnlyCell(ws, value=str(title))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    tz = timezone.get_current_timezone()
    for d in decisions.iterator(chunk_size=2000):
        ws.append(_om_row(d, tz))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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
