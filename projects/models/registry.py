"""The published project list (Art. 8 ¶2) and the stubs of classified projects (Art. 8 ¶3)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.machines import StatefulModel, StatefulQuerySet
from core.model_parts import (
    PublicToSignedIn,
    Recorded,
    by_user,
    creation_time,
    kept_fk,
    positive,
    state_field,
)
from core.money import MoneyField

from .project import Project, ProjectKind

# Art. 8 ¶2: "按照市级政府投资项目3年滚动规划编制要求" — a list of year N carries N, N+1, N+2. The
# number is the measures' own text, not a policy parameter.
ROLLING_YEARS = 3


class ProjectListState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被新版本取代")


class ProjectListQuerySet(PublicToSignedIn, StatefulQuerySet):
    """The published project list is an official document every signed-in user may read."""


class ProjectListVersion(StatefulModel):
    """项目清单 (Art. 8 ¶2): a versioned document. Each publication snapshots every listed
    project with its priority and amount; the newest published version is current. A version
    is built as a draft and published at once (machine ``project_list``)."""

    MACHINE = "project_list"

    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("版本号"))
    state = state_field(ProjectListState, 12, default=ProjectListState.PUBLISHED)
    note = models.TextField(_("发布说明"), blank=True)
    published_by = by_user()
    published_at = creation_time(_("发布时间"))

    objects = ProjectListQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = verbose_name_plural = _("项目清单")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="projectlist_number")
        ]

    def __str__(self) -> str:
        return f"{self.year}年项目清单（第{self.number}版）"


class ProjectListEntry(models.Model):
    """One project in a published version, as it stood when the version was published."""

    version = models.ForeignKey(
        ProjectListVersion, on_delete=models.CASCADE, related_name="entries"
    )
    project = kept_fk(Project, related_name="list_entries")
    unit_name = models.CharField(_("建设单位"), max_length=100)
    project_name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("项目类型"), max_length=12, choices=ProjectKind.choices)
    amount = MoneyField(_("总投资（元）"))
    priority = models.PositiveSmallIntegerField(_("优先级"), null=True, blank=True)
    # Art. 8: the list follows the 3-year rolling plan; a version of year N holds N..N+2.
    # Empty on versions published before the rolling list: read as the project's 申报年度.
    planned_year = models.PositiveSmallIntegerField(_("计划年度"), null=True, blank=True)

    class Meta:
        ordering = ["version", "priority", "project_id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "project"], name="listentry_once")
        ]

    def __str__(self) -> str:
        return self.project_name


class ClassifiedStubQuerySet(models.QuerySet):
    def for_user(self, user: Any) -> ClassifiedStubQuerySet:
        """Stubs hold no classified content; DRC, Finance, BDB, Audit and the admin see them
        for totals."""
        from ..visibility import reads_all_projects

        return self if reads_all_projects(user) else self.none()


class ClassifiedStub(Recorded):
    """A non-classified placeholder for a classified project handled offline (Art. 8 ¶3, R8.3):
    only a code, the unit and the amount, so that plan and budget totals stay complete."""

    code = models.CharField(_("存根编号"), max_length=40, unique=True)
    unit = kept_fk("accounts.Organisation", verbose_name=_("建设单位"))
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = MoneyField(_("金额（元）"))

    objects = ClassifiedStubQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = verbose_name_plural = _("涉密项目存根")
        constraints = [positive("amount", "stub_positive_amount")]

    def __str__(self) -> str:
        return self.code
