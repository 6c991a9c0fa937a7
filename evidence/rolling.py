"""The 3-year rolling project list (Art. 8: "按照市级政府投资项目3年滚动规划编制要求", R8.4).

A list published for year N carries year N and the two following years: each entry counts in
the year it is planned for (``ProjectListEntry.planned_year``; on versions published before it
existed, the project's own 申报年度), an entry planned before N counts in N. Publishing
the list for N+1 carries forward what the list of N planned for N+1 and N+2
(``carry_forward``). ``three_year_table`` gives the list page and its spreadsheet the three
years with totals per year and per unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from core.money import format_wan
from projects.models import ProjectListEntry, ProjectListState, ProjectListVersion
from projects.models.registry import ROLLING_YEARS

YEARS = ROLLING_YEARS


def planned_year(entry: Any) -> int:
    """The year an entry is planned for."""
    year = getattr(entry, "planned_year", None)
    return int(year or entry.project.year)


@dataclass
class UnitRow:
    """One unit's entries and its amounts by year."""

    unit: str
    entries: list[Any] = field(default_factory=list)
    by_year: dict[int, Decimal] = field(default_factory=dict)
    cells: list[str] = field(default_factory=list)  # the amounts by year, in 万元

    @property
    def total(self) -> Decimal:
        return sum(self.by_year.values(), Decimal(0))


@dataclass
class RollingTable:
    """The three years of a list version, by unit, with the totals."""

    version: Any
    years: list[int]
    rows: list[UnitRow]

    @property
    def totals(self) -> dict[int, Decimal]:
        return {y: sum((r.by_year.get(y, Decimal(0)) for r in self.rows), Decimal(0))
                for y in self.years}  # fmt: skip

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), Decimal(0))

    @property
    def total_cells(self) -> list[str]:
        return [format_wan(v) for v in self.totals.values()]


def three_year_table(version: Any, entries: Iterable[Any] | None = None) -> RollingTable:
    """Year N of the version and the two following, per unit, with every entry (the
    spreadsheet's rows); an entry beyond N+2 is left out (it belongs to a later list)."""
    years = [version.year + i for i in range(YEARS)]
    rows: dict[str, UnitRow] = {}
    chosen: Iterable[Any] = (
        window(version).select_related("project") if entries is None else entries
    )
    for entry in chosen:
        year = getattr(entry, "rolling_year", None) or max(planned_year(entry), version.year)
        if year not in years:
            continue
        entry.rolling_year, entry.amount_wan = year, format_wan(entry.amount)
        row = rows.setdefault(entry.unit_name, UnitRow(entry.unit_name))
        row.entries.append(entry)
        row.by_year[year] = row.by_year.get(year, Decimal(0)) + entry.amount
    return _table(version, years, rows)


def unit_table(version: Any) -> RollingTable:
    """The same totals as ``three_year_table`` without the entries, summed by the database:
    the page and the API show the units, and a city's list holds tens of thousands of entries
    (listing them all took seconds)."""
    years = [version.year + i for i in range(YEARS)]
    rows: dict[str, UnitRow] = {}
    sums = window(version).values("unit_name", "rolling_year").annotate(total=Sum("amount"))
    for s in sums.order_by():
        row = rows.setdefault(s["unit_name"], UnitRow(s["unit_name"]))
        row.by_year[s["rolling_year"]] = s["total"]
    return _table(version, years, rows)


def _table(version: Any, years: list[int], rows: dict[str, UnitRow]) -> RollingTable:
    for row in rows.values():
        row.cells = [format_wan(row.by_year.get(y, Decimal(0))) for y in years]
    return RollingTable(version, years, sorted(rows.values(), key=lambda r: r.unit))


def window(version: Any) -> QuerySet[Any]:
    """The rolling window as one query: the version's entries, and those of the latest
    published lists of the two following years for projects the version (or an earlier of
    those lists) does not carry yet; each annotated with ``rolling_year`` (the year it counts
    in: its planned year, at least its list's year) and ``source`` (0 for the version itself),
    and kept only within N..N+2. While a version holds one year only, the rolling view joins
    the three years' lists."""
    sources = [version, *_later_versions(version)]
    chosen, floors, order = Q(), [], []
    for i, source in enumerate(sources):
        own = Q(version_id=source.pk)
        earlier = [s.pk for s in sources[:i]]
        if earlier:
            carried = ProjectListEntry.objects.filter(version_id__in=earlier)
            own &= ~Q(project_id__in=carried.values("project_id"))
        chosen |= own
        floors.append(When(version_id=source.pk, then=Value(source.year)))
        order.append(When(version_id=source.pk, then=Value(i)))
    planned = Coalesce("planned_year", "project__year")
    years = [version.year + i for i in range(YEARS)]
    return (
        ProjectListEntry.objects.filter(chosen)
        .annotate(
            rolling_year=Greatest(planned, Case(*floors, output_field=IntegerField())),
            source=Case(*order, output_field=IntegerField()),
        )
        .filter(rolling_year__in=years)
        .order_by("unit_name", "source", "priority", "project_id")
    )


def _later_versions(version: Any) -> list[Any]:
    """The latest published list of each of the two years after ``version``'s."""
    later = ProjectListVersion.objects.filter(
        year__in=range(version.year + 1, version.year + YEARS),
        state=ProjectListState.PUBLISHED,
    ).order_by("year", "-number")
    latest: dict[int, Any] = {}
    for v in later:
        latest.setdefault(v.year, v)
    return list(latest.values())


def carry_forward(year: int) -> list[Any]:
    """What the list for ``year`` starts from: the entries of the latest published list of an
    earlier year that are planned for ``year`` or later (the projects chapter's publication
    carries these projects forward)."""
    from projects.actions.lists import carried_forward

    window = range(year, year + YEARS)
    entries = carried_forward(year).select_related("project")
    return [e for e in entries if planned_year(e) in window]


def latest_version() -> Any:
    """The published list of the current year (or the latest one before it)."""
    from core.dates import today

    published = ProjectListVersion.objects.filter(state=ProjectListState.PUBLISHED)
    return (
        published.filter(year__lte=today().year).order_by("-year", "-number").first()
        or published.order_by("year", "-number").first()
    )


def xlsx(table: RollingTable) -> bytes:
    """The three-year table as a spreadsheet (``core.xlsx``: exact 万元, so that ``SUM()``
    equals 合计): one row per entry with its year's amount, the city's 合计 per year, then a
    小计 row per unit."""
    from core.xlsx import Column, Sheet, workbook

    years = table.years
    columns = [
        Column(_("建设单位"), width=26),
        Column(_("项目编号"), width=20),
        Column(_("项目名称"), width=36),
        Column(_("优先级"), "int", 8),
        *(Column(_("%(y)s年（万元）") % {"y": y}, "wan", 14, total=True) for y in years),
        Column(_("合计（万元）"), "wan", 14, total=True),
    ]
    rows = [
        [row.unit, e.project.code, e.project_name, e.priority,
         *(e.amount if e.rolling_year == y else None for y in years), e.amount]
        for row in table.rows
        for e in row.entries
    ]  # fmt: skip
    subtotals = [
        [row.unit, "", _("小计"), None, *(row.by_year.get(y) for y in years), row.total]
        for row in table.rows
    ]
    title = _("%(first)s—%(last)s年滚动项目清单") % {"first": years[0], "last": years[-1]}
    sheet = Sheet(title, columns, rows, total_label=_("合计"), footer=subtotals,
                  notes=[str(table.version)])  # fmt: skip
    return workbook(sheet)
