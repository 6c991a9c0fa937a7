"""The published project list (Art. 8 ¶2, R8.2) and the stubs of classified projects handled
offline (Art. 8 ¶3, R8.3)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from django.utils.translation import gettext_noop as N_

from accounts.models import Organisation
from accounts.recipients import reviewers_of, unit_staff
from accounts.roles import Authority, OrgKind
from core.enums import ActionCode
from core.errors import ActionInvalid
from core.findings import Finding
from core.ledger import record_event
from core.money import format_wan, wan_to_yuan
from core.notify import notify
from policy.gates import GatedAction, refusal

from ..contracts import ClassifiedStubIn, ProjectListPublishIn
from ..machines import BDB, DRC, PROJECT_LIST
from ..models import (
    ClassifiedStub,
    Project,
    ProjectListEntry,
    ProjectListState,
    ProjectListVersion,
)
from ..models.registry import ROLLING_YEARS
from ..rules import ever_listed


def carried_forward(year: int) -> Any:
    """The entries of the latest published list of an earlier year planned for ``year`` or
    later: publishing the list of ``year`` carries their projects forward."""
    previous = (
        ProjectListVersion.objects.filter(state=ProjectListState.PUBLISHED, year__lt=year)
        .order_by("-year", "-number")
        .first()
    )
    if previous is None:
        return ProjectListEntry.objects.none()
    return ProjectListEntry.objects.filter(version=previous).filter(
        Q(planned_year__gte=year) | Q(planned_year__isnull=True, project__year__gte=year)
    )


def listed_projects(year: int) -> list[Project]:
    """The projects a publication of ``year`` holds: listed for ``year`` or one of the two
    following years (a project may be listed for a later year), or carried forward from the
    previous year's list, and not rejected since (locked, so that a listing at the same
    moment waits for the snapshot)."""
    window = Q(year__gte=year, year__lt=year + ROLLING_YEARS) | Q(
        pk__in=carried_forward(year).values("project_id")
    )
    return [
        p
        for p in Project.objects.select_for_update(of=("self",))  # not the units' rows
        .filter(window)
        .select_related("unit")
        .order_by("year", "priority", "code")
        if ever_listed(p)
    ]


def planned_year(project: Project, year: int) -> int:
    """The year of the rolling list an entry counts in: its 申报年度, or ``year`` for a
    project carried forward from an earlier year."""
    return max(project.year, year)


class PublishProjectList(GatedAction):
    """Publish the year's project list as a new version: a snapshot of every listed project
    with its unit, amount and priority (Art. 8 ¶2). The previous version is superseded."""

    label = L("发布项目清单")
    machine = PROJECT_LIST
    roles = BDB
    Input = ProjectListPublishIn
    article = "第八条"
    requirement = "R8.2"
    hint = L(
        "发布时按三年滚动规划，对该年度及其后两年已列入项目清单的项目生成快照：建设单位、项目、类型、金额、优先级和计划年度。"
    )
    success = L("已发布项目清单。")
    confirm = L("发布后形成新的项目清单版本，原版本即被取代（第八条）。")

    def success_message(self, obj: Any, result: Any) -> str:
        count = result.entries.count()
        return _("已发布%(version)s，共 %(n)s 个项目。") % {"version": result, "n": count}

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterable[Finding]:
        if data is not None and not listed_projects(data.year):
            yield refusal(
                "R8.2.nothing-listed",
                N_("%(year)s 年尚无列入项目清单的项目，不能发布（第八条）。"),
                remedy=N_("请先审核列入项目，再发布该年度的项目清单。"),
                params={"year": data.year},
            )

    def perform(self, obj: Any, data: ProjectListPublishIn, user: Any, decision: Any) -> Any:
        year = data.year
        projects = listed_projects(year)
        previous = (
            ProjectListVersion.objects.select_for_update()
            .filter(year=year, state=ProjectListState.PUBLISHED)
            .first()
        )
        number = (
            ProjectListVersion.objects.filter(year=year).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        if previous is not None:
            PROJECT_LIST.move(
                previous,
                "supersede",
                actor=user,
                event=ActionCode.PROJECT_LIST_PUBLISHED,
                reason=f"被{year}年项目清单第{number}版取代（第八条）",
            )
        version = ProjectListVersion.objects.create(
            year=year,
            number=number,
            state=ProjectListState.DRAFT,
            note=data.note,
            published_by=user,
        )
        ProjectListEntry.objects.bulk_create(
            [
                ProjectListEntry(
                    version=version,
                    project=p,
                    unit_name=p.unit.name,
                    project_name=p.name,
                    kind=p.kind,
                    amount=p.total_investment,
                    priority=p.priority,
                    planned_year=planned_year(p, year),
                )
                for p in projects
            ]
        )
        PROJECT_LIST.move(
            version,
            "publish",
            actor=user,
            event=ActionCode.PROJECT_LIST_PUBLISHED,
            reason=f"发布{version}，共 {len(projects)} 个项目",
            data={
                "year": year,
                "number": number,
                "projects": [p.code for p in projects],
                "superseded": previous.number if previous else None,
            },
        )
        recipients = reviewers_of(Authority.DRC) + [
            u for unit_id in {p.unit_id for p in projects} for u in unit_staff(unit_id)
        ]
        notify(recipients, title=f"{version}已发布", link=reverse("projects:lists"))
        return version

    def next_url(self, obj: Any, result: Any) -> str:
        if result is not None:
            return reverse("projects:list_version", args=[result.pk])
        return reverse("projects:lists")


class RecordClassifiedStub(GatedAction):
    """An authorised DRC officer records a non-classified stub of an offline classified project
    (code, unit, amount) so that totals stay complete (R8.3). No other field exists."""

    label = L("登记涉密项目存根")
    roles = DRC
    Input = ClassifiedStubIn
    article = "第八条"
    requirement = "R8.3"

    def success_message(self, obj: Any, result: Any) -> str:
        return _("已登记涉密项目存根 %(code)s（仅编号、单位、金额）。") % {"code": result.code}

    def choices(self, obj: Any, user: Any) -> dict:
        units = Organisation.objects.filter(kind=OrgKind.UNIT, is_active=True).order_by("name")
        return {"unit": [(u.pk, u.display_name) for u in units]}

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        clean = ClassifiedStubIn.parse(data)
        errors: dict[str, str] = {}
        if not Organisation.objects.filter(pk=clean.unit, kind=OrgKind.UNIT).exists():
            errors["unit"] = _("请选择建设单位。")
        if clean.code and ClassifiedStub.objects.filter(code=clean.code).exists():
            errors["code"] = _("存根编号已存在。")
        if errors:
            raise ActionInvalid(_("填写内容有误，请按提示修改。"), errors)
        return clean

    def perform(self, obj: Any, data: ClassifiedStubIn, user: Any, decision: Any) -> Any:
        code = data.code
        if not code:
            # The next free number: a hand-entered code may already hold the count's number.
            seq = ClassifiedStub.objects.filter(year=data.year).count() + 1
            while ClassifiedStub.objects.filter(code=f"SM-{data.year}-{seq:04d}").exists():
                seq += 1
            code = f"SM-{data.year}-{seq:04d}"
        amount = wan_to_yuan(data.amount_wan)
        stub = ClassifiedStub.objects.create(
            code=code, unit_id=data.unit, year=data.year, amount=amount, recorded_by=user
        )
        record_event(
            ActionCode.CLASSIFIED_STUB_RECORDED,
            actor=user,
            obj=stub,
            organisation=data.unit,
            reason=f"登记涉密项目存根，金额 {format_wan(amount)} 万元（第八条，内容线下办理）",
            data={"year": data.year, "amount": amount},
        )
        return stub

    def next_url(self, obj: Any, result: Any) -> str:
        return reverse("projects:stubs")


publish_project_list = PublishProjectList()
record_classified_stub = RecordClassifiedStub()
