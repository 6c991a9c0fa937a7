"""The evidence on the pages of other chapters (``core.offers.panel``): beside a project's list
review, the closest existing systems and projects with their reasons and conclusions, and its
duplicate-collection findings; on a catalogued system's page, its findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.memo import Along, project_may_have, read_along, rows_if_any
from core.offers import Panel, panel
from projects.visibility import reads_all_projects

from . import check
from .documents import profile_of
from .models import CollectionFinding, DocKind, Match, MatchSet

# the project page reads the requirement profile with its project (one query), under the
# memo key of ``documents.profile_of``, which the panel and the gates' rules ask
read_along(
    "projects.project",
    Along(key=lambda p: ("requirement_profile", p.pk), relation="evidence_profile"),
)

# …and whether it has any stored match set or collection finding (most have none)
project_may_have("match_sets", MatchSet)
project_may_have("collection_findings", CollectionFinding)


@dataclass
class Shown:
    """One match as the panel shows it (a stored match, or one found now)."""

    kind: str
    target_id: int
    name: str
    unit: str
    state: str
    percent: int
    flagged: bool
    reasons: dict
    conclusion: str = ""
    note: str = ""
    concluded_by: Any = None
    concluded_at: Any = None
    extra: dict = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return gettext("系统") if self.kind == DocKind.SYSTEM else gettext("项目")

    @property
    def url(self) -> str:
        name = "catalog:system_detail" if self.kind == DocKind.SYSTEM else "projects:detail"
        try:
            return reverse(name, args=[self.target_id])
        except NoReverseMatch:
            return ""


def _stored(m: Match) -> Shown:
    return Shown(
        m.target_kind,
        m.target_id,
        m.target_name,
        m.target_unit,
        m.target_state,
        m.percent,
        m.flagged,
        m.reasons,
        str(m.get_conclusion_display()) if m.conclusion else "",
        m.note,
        m.concluded_by,
        m.concluded_at,
    )


def _live(m: Any) -> Shown:
    return Shown(
        m.kind,
        m.ref_id,
        m.meta.get("name", ""),
        m.meta.get("unit", ""),
        m.meta.get("state_label", ""),
        round(m.similarity * 100),
        m.flagged,
        m.reasons(),
    )


def project_evidence(project: Any, user: Any) -> dict[str, Any]:
    """What the project's evidence panel (and the API) shows to ``user``: BDB and those who
    read every project see the matches stored for the list review; the unit sees what it may
    see, found now."""
    reviewer = reads_all_projects(user)
    match_set = check.current_set(project) if reviewer else None
    if match_set is not None:
        shown = [_stored(m) for m in match_set.matches.select_related("concluded_by")]
    else:
        shown = [_live(m) for m in check.matches(project, public_only=not reviewer)]
    profile = profile_of(project)
    findings = rows_if_any(
        "collection_findings",
        project,
        lambda: list(
            CollectionFinding.objects.filter(project=project)
            .current()
            .select_related("source_unit")
        ),
    )
    return {
        "project": project,
        "match_set": match_set,
        "matches": shown,
        "profile": profile,
        "findings": findings,
        "flag_at": round(check.ranking.FLAG_AT * 100),
    }


@panel("projects.project")
def project_panel(project: Any, user: Any) -> list[Panel]:
    return [Panel(str(_("重复建设与重复采集比对")), "evidence/panel_project.html",
                  project_evidence(project, user), order=20)]  # fmt: skip


@panel("catalog.informationsystem")
def system_panel(system: Any, user: Any) -> list[Panel]:
    findings = list(
        CollectionFinding.objects.filter(system=system).current().select_related("source_unit")
    )
    if not findings:
        return []
    return [Panel(str(_("重复采集核查")), "evidence/panel_system.html",
                  {"findings": findings}, order=20)]  # fmt: skip
