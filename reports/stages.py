"""The lifecycle stages of the portfolio funnel: how far each project has come, from the
requirement submitted (Art. 8) to the completion acceptance passed (Art. 28).

A project's rank is computed in SQL from its approval state and its delivery phase; a stage's
count in the funnel is the number of projects that reached it (rank at or above), which is what
the drill-down list selects too.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from delivery.models import Phase
from projects.models import ProjectState as S

STAGES: list[tuple[str, Any, int]] = [
    ("submitted", _("已申报"), 1),
    ("listed", _("列入项目清单"), 2),
    ("evaluation", _("受理评估"), 3),
    ("joint_review", _("联合技术审查"), 4),
    ("drc_review", _("审批中"), 5),
    ("approved", _("已批复"), 6),
    ("building", _("已开工"), 7),
    ("completed", _("已建成"), 8),
    ("accepted", _("通过竣工验收"), 9),
]
CHOICES = [(key, label) for key, label, _rank in STAGES]
RANK = {key: rank for key, _label, rank in STAGES}

_BY_STATE = {
    S.SUBMITTED: 1,
    S.LIST_REVIEW: 1,
    S.RETURNED: 1,
    S.REJECTED: 1,
    S.LISTED: 2,
    S.EVALUATION: 3,
    S.JOINT_REVIEW: 4,
    S.DRC_REVIEW: 5,
    S.FSR_APPROVED: 5,
    S.DESIGN_REVIEW: 5,
    S.DESIGN_DRC_REVIEW: 5,
}
_BY_PHASE = {
    Phase.CONSTRUCTION: 7,
    Phase.TRIAL: 7,
    Phase.COMPLETED: 8,
    Phase.FAILED: 8,
    Phase.ACCEPTED: 9,
}


def rank_expression() -> Case:
    """0 for a draft; the rank of the furthest stage reached otherwise."""
    whens = [When(state=state, then=Value(rank)) for state, rank in _BY_STATE.items()]
    whens += [
        When(Q(state=S.APPROVED, delivery__phase=phase), then=Value(rank))
        for phase, rank in _BY_PHASE.items()
    ]
    whens.append(When(state=S.APPROVED, then=Value(RANK["approved"])))
    return Case(*whens, default=Value(0), output_field=IntegerField())


def reached(qs: QuerySet, stage: str) -> QuerySet:
    """The projects of ``qs`` that reached ``stage``."""
    return qs.annotate(stage_rank=rank_expression()).filter(stage_rank__gte=RANK[stage])


def funnel(qs: QuerySet) -> list[tuple[str, Any, int]]:
    """(stage, label, projects that reached it), in order: one GROUP BY."""
    counts = dict(
        qs.order_by()
        .annotate(stage_rank=rank_expression())
        .values_list("stage_rank")
        .annotate(n=_count())
        .values_list("stage_rank", "n")
    )
    return [
        (key, label, sum(n for r, n in counts.items() if r >= rank)) for key, label, rank in STAGES
    ]


def _count() -> Any:
    from django.db.models import Count

    return Count("pk")
