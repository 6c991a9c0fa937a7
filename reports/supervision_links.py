"""What the reports chapter reads of the supervision chapter (Art. 34-38), when it is installed:
two health factors (answers to supervision requests; open rectification orders, sanctions in
force and open audit findings), the supervision chart's flags, and the criticisms (通报批评)
the public page lists. Imported by ``ReportsConfig.ready`` only if ``supervision`` is an
installed app; nothing here runs otherwise.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as L

from projects.models import Project
from supervision.models import AuditFinding, RectificationOrder, Sanction, SupervisionRequest
from supervision.models.audit import OPEN_AUDIT_STATES
from supervision.models.orders import OPEN_ORDER_STATES, SANCTIONABLE
from supervision.models.requests import AWAITING_ANSWER, RequestState
from supervision.models.sanctions import SanctionKind, SanctionState

from .factors import count_of
from .health import GREEN, RED, YELLOW, Context, Factor, Facts, factor
from .models import Dimension


def request_annotations(qs: QuerySet[Project], ctx: Context) -> QuerySet[Project]:
    return qs.annotate(
        s_awaiting=count_of(SupervisionRequest, state__in=AWAITING_ANSWER),
        s_late=count_of(
            SupervisionRequest,
            state__in=AWAITING_ANSWER,
            deadline__lt=ctx.on,
        ),
        s_refused=count_of(SupervisionRequest, state=RequestState.REFUSED),
    )


def request_level(facts: Facts, ctx: Context) -> int:
    if facts["s_refused"]:
        return RED
    return YELLOW if facts["s_late"] else GREEN


factor(
    Factor(
        key="reporting.supervision_requests",
        dimension=Dimension.REPORTING,
        label=L("答复监督检查要求"),
        articles=("第三十四条",),
        annotate=request_annotations,
        facts=("s_awaiting", "s_late", "s_refused"),
        level=request_level,
        explain=lambda f, ctx: (
            gettext(
                "待答复的监督要求 %(awaiting)s 项，其中逾期 %(late)s 项；拒绝提供 %(refused)s 项。"
            )
            % {"awaiting": f["s_awaiting"], "late": f["s_late"], "refused": f["s_refused"]}
        ),
    )
)


def finding_annotations(qs: QuerySet[Project], ctx: Context) -> QuerySet[Project]:
    return qs.annotate(
        s_orders=count_of(RectificationOrder, state__in=OPEN_ORDER_STATES),
        s_sanctionable=count_of(RectificationOrder, state__in=SANCTIONABLE),
        s_sanctions=count_of(Sanction, state=SanctionState.IN_FORCE),
        s_findings=count_of(AuditFinding, state__in=OPEN_AUDIT_STATES),
    )


def finding_level(facts: Facts, ctx: Context) -> int:
    if facts["s_sanctions"] or facts["s_sanctionable"]:
        return RED
    return YELLOW if facts["s_orders"] or facts["s_findings"] else GREEN


factor(
    Factor(
        key="compliance.supervision",
        dimension=Dimension.COMPLIANCE,
        label=L("整改通知、处理措施和审计发现"),
        articles=("第三十五条", "第三十六条", "第三十八条"),
        annotate=finding_annotations,
        facts=("s_orders", "s_sanctionable", "s_sanctions", "s_findings"),
        level=finding_level,
        explain=lambda f, ctx: (
            gettext(
                "未结的整改通知 %(orders)s 项（逾期或整改不到位 %(late)s 项），生效的处理措施 "
                "%(sanctions)s 项，未办结的审计发现 %(findings)s 项。"
            )
            % {
                "orders": f["s_orders"],
                "late": f["s_sanctionable"],
                "sanctions": f["s_sanctions"],
                "findings": f["s_findings"],
            }
        ),
    )
)

FLAGS: list[tuple[str, Any, Q]] = [
    (
        "order_open",
        L("有未结的整改通知"),
        Q(pk__in=RectificationOrder.objects.filter(state__in=OPEN_ORDER_STATES).values("project")),
    ),
    (
        "sanction",
        L("有生效的处理措施"),
        Q(pk__in=Sanction.objects.filter(state=SanctionState.IN_FORCE).values("project")),
    ),
]


def criticisms() -> QuerySet[Sanction]:
    """The criticisms (通报批评) issued: public by nature (Art. 35, 38)."""
    return (
        Sanction.objects.filter(kind=SanctionKind.CRITICISM)
        .select_related("unit", "authority")
        .order_by("-issued_on", "-pk")
    )
