"""Evidence against duplicate construction and duplicate collection (Art. 8, 13, 31).

- ``RequirementProfile``: what a requirement will do and collect — its goals, functions, the
  data items it will collect itself and those it will obtain by sharing, and the catalogued
  systems it will change (compared with what exists; R8.5, R31.2);
- ``IndexDoc``, ``IndexTerm``, ``Posting`` and ``IndexStats``: the shared search index in the
  database (every app server reads the same one), kept current by the actions that change
  systems, projects and catalogs;
- ``MatchSet`` and ``Match``: the closest systems and projects found for a submitted project,
  with the reasons, and the reviewer's conclusion per match, kept with the list review;
- ``CollectionFinding``: a data item collected although an authoritative source provides it
  (重复采集), for a project's plan or a catalogued system, confirmed or dismissed by BDB.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.machines import StatefulModel, StatefulQuerySet
from core.model_parts import (
    DetailPage,
    by_user,
    creation_time,
    kept_fk,
    maybe_by_user,
    optional_time,
    state_field,
    update_time,
)
from projects.visibility import SeenWithProject

from .search.features import lines


class ProjectScopedQuerySet(SeenWithProject, models.QuerySet):
    """Rows about a project are seen by those who see the project."""


class RequirementProfile(models.Model):
    """The parts of a requirement description the evidence compares (Art. 8 ¶1): goals,
    functions, the data items the project will collect itself and those it will obtain by
    sharing, and the catalogued systems it will change."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="evidence_profile"
    )
    goals = models.TextField(_("建设目标"), blank=True)
    functions = models.TextField(_("主要功能"), blank=True)
    collected_items = models.TextField(_("拟自行采集的数据项"), blank=True)
    shared_items = models.TextField(_("拟通过共享获取的数据项"), blank=True)
    systems = models.ManyToManyField(
        "catalog.InformationSystem",
        verbose_name=_("拟改造的已有系统"),
        blank=True,
        related_name="+",
    )
    updated_by = by_user()
    updated_at = update_time(_("更新时间"))

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("需求要素")

    def __str__(self) -> str:
        return f"{self.project} 需求要素"

    @property
    def function_lines(self) -> list[str]:
        return lines(self.functions)

    @property
    def collected(self) -> list[str]:
        return lines(self.collected_items)

    @property
    def shared(self) -> list[str]:
        return lines(self.shared_items)


# -- the index --------------------------------------------------------------------------------


class DocKind(models.TextChoices):
    SYSTEM = "system", _("政务信息系统")
    PROJECT = "project", _("项目")


class IndexDoc(models.Model):
    """One catalogued system or project in the search index; ``meta`` holds what a match
    shows without reading its source (name, unit, state, functions, items)."""

    kind = models.CharField(max_length=8, choices=DocKind.choices)
    ref_id = models.PositiveBigIntegerField()
    unit_id = models.PositiveBigIntegerField(null=True)
    length = models.PositiveIntegerField(default=0)
    meta = models.JSONField(default=dict)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = _("索引文档")
        constraints = [models.UniqueConstraint(fields=["kind", "ref_id"], name="indexdoc_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.ref_id}"


class IndexTerm(models.Model):
    """A word (or a data item, ``i:…``) of the index and the number of documents (and of
    projects) having it."""

    text = models.CharField(max_length=64, unique=True)
    df = models.PositiveIntegerField(default=0)
    #: of which projects (boilerplate is judged by kind: ``ranking.Corpus.boilerplate``)
    project_df = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("索引词")

    def __str__(self) -> str:
        return self.text


class Posting(models.Model):
    """A term in a document, with its BM25-saturated weight (computed when indexed, with the
    average length then): the candidate step sums these in one SQL statement.

    Both lookups read an index alone, never the table: by term (the candidate step) the
    primary key, which on PostgreSQL also carries the weight (``INCLUDE``, migration 0003);
    by document (the candidates' vectors) ``posting_by_doc``."""

    pk = models.CompositePrimaryKey("term_id", "doc_id")
    term_id = models.IntegerField()
    doc_id = models.IntegerField()
    # a BM25 term weight (a ranking score, never money): a float is what the ranking sums
    weight = models.FloatField()

    class Meta:
        verbose_name = verbose_name_plural = _("倒排项")
        indexes = [models.Index(fields=["doc_id", "term_id", "weight"], name="posting_by_doc")]

    def __str__(self) -> str:
        return f"{self.term_id}@{self.doc_id}"


class IndexStats(models.Model):
    """Counts the ranking needs (documents, total length), kept with each change."""

    docs = models.PositiveIntegerField(default=0)
    projects = models.PositiveIntegerField(default=0)
    total_length = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("索引统计")

    def __str__(self) -> str:
        return f"{self.docs}"


# -- matches and conclusions ------------------------------------------------------------------


class Conclusion(models.TextChoices):
    """The reviewer's conclusion on one match (R8.5)."""

    NOT_DUPLICATE = "not_duplicate", _("不重复")
    REUSE = "reuse", _("复用已有系统")
    MERGE = "merge", _("并入跨部门项目统筹建设")
    DUPLICATE = "duplicate", _("重复建设，退回")


class MatchSet(models.Model):
    """The closest systems and projects found for a project at one moment (its submission,
    or a reviewer's refresh), kept with the list review it served."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="evidence_sets"
    )
    review = models.ForeignKey(
        "projects.Review", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_at = creation_time(_("比对时间"))
    taken_by = maybe_by_user()
    trigger = models.CharField(_("比对起因"), max_length=40, blank=True)
    flag_at = models.DecimalField(_("疑似重复阈值"), max_digits=4, decimal_places=3)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_at", "-id"]
        verbose_name = verbose_name_plural = _("重复建设比对")

    def __str__(self) -> str:
        return f"{self.project} 比对 {self.taken_at:%Y-%m-%d %H:%M}"


class Match(models.Model):
    """One existing system or project close to the project, with the shared terms, functions
    and data items, and the reviewer's conclusion (R8.5)."""

    match_set = models.ForeignKey(MatchSet, on_delete=models.CASCADE, related_name="matches")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("排名"))
    target_kind = models.CharField(_("比对对象类型"), max_length=8, choices=DocKind.choices)
    target_id = models.PositiveBigIntegerField()
    target_code = models.CharField(_("编号"), max_length=40, blank=True)
    target_name = models.CharField(_("名称"), max_length=200)
    target_unit = models.CharField(_("所属单位"), max_length=100, blank=True)
    target_state = models.CharField(_("状态"), max_length=40, blank=True)
    similarity = models.DecimalField(_("相似度"), max_digits=4, decimal_places=3)
    flagged = models.BooleanField(_("疑似重复"), default=False)
    reasons = models.JSONField(_("相似理由"), default=dict)
    conclusion = models.CharField(
        _("审核结论"), max_length=16, choices=Conclusion.choices, blank=True
    )
    note = models.TextField(_("结论说明"), blank=True)
    review = models.ForeignKey(
        "projects.Review", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    concluded_by = maybe_by_user()
    concluded_at = optional_time(_("结论时间"))

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        ordering = ["match_set", "rank"]
        verbose_name = verbose_name_plural = _("比对结果")
        constraints = [
            models.UniqueConstraint(
                fields=["match_set", "target_kind", "target_id"], name="match_once_per_set"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_name}（{self.target_unit}）"

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url() + "#evidence"

    @property
    def percent(self) -> int:
        return round(float(self.similarity) * 100)


# -- duplicate collection ---------------------------------------------------------------------


class FindingState(models.TextChoices):
    OPEN = "open", _("待大数据局认定")
    CONFIRMED = "confirmed", _("已认定为重复采集")
    DISMISSED = "dismissed", _("已排除")
    RESOLVED = "resolved", _("已不再采集")


class CollectionFindingQuerySet(StatefulQuerySet):
    def for_user(self, user: Any) -> CollectionFindingQuerySet:
        """BDB and those who read every project see all; a unit sees the findings about its
        own projects and systems."""
        from accounts.recipients import unit_ids_of
        from projects.visibility import reads_all_projects

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if reads_all_projects(user):
            return self
        units = unit_ids_of(user)
        return self.filter(Q(project__unit_id__in=units) | Q(system__unit_id__in=units))

    def current(self) -> CollectionFindingQuerySet:
        return self.exclude(state=FindingState.RESOLVED)


class CollectionFinding(DetailPage, StatefulModel):
    """A data item a project plans to collect, or a catalogued system collects, that an
    authoritative source (权威数据源, Art. 31) already provides. BDB confirms it (then it blocks
    the project and, read by the catalog, fails R31.2) or dismisses it with a reason; a
    finding whose item is no longer collected is resolved. Machine ``collection_finding``."""

    MACHINE = "collection_finding"
    detail_url_name = "evidence:finding_detail"

    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="collection_findings",
    )
    system = models.ForeignKey(
        "catalog.InformationSystem",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="collection_findings",
    )
    item = models.ForeignKey(
        "catalog.InformationItem",
        verbose_name=_("采集的信息项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    item_name = models.CharField(_("数据项"), max_length=100)
    item_key = models.CharField(_("归一化数据项"), max_length=100, db_index=True)
    source_resource = models.ForeignKey(
        "catalog.DataResource",
        verbose_name=_("权威数据源"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_code = models.CharField(_("资源代码"), max_length=60)
    source_name = models.CharField(_("资源名称"), max_length=200)
    source_item = models.CharField(_("权威信息项"), max_length=100)
    source_unit = kept_fk("accounts.Organisation", verbose_name=_("资源提供方"), related_name="+")
    source_systems = models.CharField(_("提供系统"), max_length=300, blank=True)
    share_method = models.CharField(_("共享方式"), max_length=40, blank=True)
    state = state_field(FindingState, 10, default=FindingState.OPEN)
    reason = models.TextField(_("认定或排除理由"), blank=True)
    decided_by = maybe_by_user()
    decided_at = optional_time(_("认定时间"))
    found_at = creation_time(_("发现时间"))

    objects = CollectionFindingQuerySet.as_manager()

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = verbose_name_plural = _("重复采集核查")
        indexes = [models.Index(fields=["system", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False, system__isnull=True)
                | Q(project__isnull=True, system__isnull=False),
                name="collectionfinding_one_subject",
            ),
            models.UniqueConstraint(
                fields=["project", "item_key", "source_code"],
                condition=Q(project__isnull=False),
                name="collectionfinding_project_once",
            ),
            models.UniqueConstraint(
                fields=["system", "item_key", "source_code"],
                condition=Q(system__isnull=False),
                name="collectionfinding_system_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name}：{self.item_name}"

    @property
    def subject(self) -> Any:
        return self.project if self.project_id else self.system

    @property
    def subject_name(self) -> str:
        subject = self.subject
        return subject.name if subject is not None else ""

    @property
    def unit(self) -> Any:
        subject = self.subject
        return subject.unit if subject is not None else None

    @property
    def how_to_share(self) -> str:
        """How the unit obtains the data instead (the resource, its unit and method)."""
        method = self.share_method or _("共享平台")
        return str(
            _("向%(unit)s申请共享“%(name)s”（资源代码 %(code)s，%(method)s）")
            % {
                "unit": self.source_unit.display_name,
                "name": self.source_name,
                "code": self.source_code,
                "method": method,
            }
        )
