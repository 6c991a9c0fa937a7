"""The evidence chapter over JSON (Art. 8, 13, 31), mounted at ``/api/evidence/``: a project's
evidence (its closest existing systems and projects with reasons and conclusions, and its
duplicate-collection findings), the findings list, and the 3-year rolling list. Changes are
the chapter's actions (``/api/actions/evidence.…``)."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from accounts.scoping import for_user, get_visible_or_404
from core.api import PAGINATION, READ_ERRORS, PageNumberPagination
from core.filters import apply
from projects.models import Project, ProjectListVersion

from . import rolling
from .filters import CollectionFindingFilter
from .models import CollectionFinding
from .panels import project_evidence

router = Router(tags=["重复建设与重复采集"])


class MatchOut(Schema):
    kind: str = Field(..., description="system 已编目系统；project 项目")
    target_id: int
    name: str
    unit: str
    state: str
    similarity_percent: int = Field(..., alias="percent")
    flagged: bool = Field(..., description="相似度达到阈值，疑似重复")
    reasons: dict = Field(..., description="相同功能 functions、相同数据项 items、共同词语 terms")
    conclusion: str = Field(..., description="审核人记录的结论（未记录为空）")
    note: str


class EvidenceFindingOut(Schema):
    id: int
    project_id: int | None
    system_id: int | None
    item_name: str
    source_code: str
    source_name: str
    source_item: str
    source_unit: str
    source_systems: str
    how_to_share: str
    state: str
    reason: str
    found_at: datetime

    @staticmethod
    def resolve_source_unit(obj) -> str:
        return obj.source_unit.display_name


class EvidenceOut(Schema):
    project_id: int
    taken_at: datetime | None = Field(
        None, description="审核所依据的比对时间；为空表示当前即时比对"
    )
    flag_at_percent: int
    matches: list[MatchOut]
    findings: list[EvidenceFindingOut]


class RollingUnitOut(Schema):
    unit: str
    by_year: dict[int, Decimal] = Field(..., description="各年度金额（元）")


class RollingOut(Schema):
    version_id: int
    year: int
    years: list[int]
    units: list[RollingUnitOut]
    totals: dict[int, Decimal]


@router.get("/projects/{int:project_id}", summary="项目的重复建设与重复采集证据",
            response={200: EvidenceOut, **READ_ERRORS})  # fmt: skip
def project(request, project_id: int):
    """与已编目系统和各单位项目的比对结果（相似度、相似理由、审核结论），以及拟自行采集的
    数据项中已有权威数据源的核查事项（第八条、第三十一条）。大数据局看到列入清单审核所依据的
    比对；建设单位看到即时比对中可公开的部分。"""
    obj = get_visible_or_404(Project, request.auth, pk=project_id)
    e = project_evidence(obj, request.auth)
    return {
        "project_id": obj.pk,
        "taken_at": e["match_set"].taken_at if e["match_set"] else None,
        "flag_at_percent": e["flag_at"],
        "matches": [
            {**vars(m), "target_id": m.target_id, "percent": m.percent} for m in e["matches"]
        ],
        "findings": e["findings"],
    }


@router.get(
    "/findings", summary="重复采集核查事项", response={200: list[EvidenceFindingOut], **READ_ERRORS}
)
@paginate(PageNumberPagination, **PAGINATION)
def findings(request, filters: Query[CollectionFindingFilter.schema()]):  # type: ignore[valid-type]
    """项目拟采集或系统已采集、而其他单位权威数据源已提供的数据项（第三十一条）。可按状态
    ``state``、对象 ``subject``（project/system）和单位 ``unit`` 筛选。"""
    visible = for_user(CollectionFinding, request.auth).select_related("source_unit")
    return apply(CollectionFindingFilter, request.GET, visible).qs


@router.get("/rolling-list/{int:version_id}", summary="三年滚动项目清单",
            response={200: RollingOut, **READ_ERRORS})  # fmt: skip
def rolling_list(request, version_id: int):
    """一个清单版本的当年及以后两年，按建设单位列出各年度金额（元）及合计（第八条）。"""
    version = get_visible_or_404(ProjectListVersion, request.auth, pk=version_id)
    table = rolling.unit_table(version)
    return {
        "version_id": version.pk,
        "year": version.year,
        "years": table.years,
        "units": [{"unit": r.unit, "by_year": r.by_year} for r in table.rows],
        "totals": table.totals,
    }
