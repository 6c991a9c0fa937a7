"""Sanctions (Art. 35 ¶1, R35.1): when a rectification is overdue or not done, DRC or
Finance may issue a public criticism (通报批评), defer the investment plan (暂缓安排投资计划),
suspend construction (暂停项目建设) or terminate the project (终止项目实施). Each is a recorded
decision with its reasons, and each changes what may happen next (``supervision.effects``)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.model_parts import DetailPage, maybe_by_user, optional_fk, optional_time, state_field

from .base import Notice, SupervisionQuerySet


class SanctionKind(models.TextChoices):
    CRITICISM = "criticism", _("通报批评")
    DEFERRAL = "deferral", _("暂缓安排投资计划")
    SUSPENSION = "suspension", _("暂停项目建设")
    TERMINATION = "termination", _("终止项目实施")


# lifting applies to these; a criticism is a published notice, a termination is final
LIFTABLE = (SanctionKind.DEFERRAL, SanctionKind.SUSPENSION)


class SanctionState(models.TextChoices):
    IN_FORCE = "in_force", _("生效")
    LIFTED = "lifted", _("已解除")


class DeferralScope(models.TextChoices):
    """暂缓安排投资计划 applies to the project, or to every new project of the unit."""

    PROJECT = "project", _("本项目")
    UNIT = "unit", _("本单位新建、改扩建项目")


class SanctionQuerySet(SupervisionQuerySet):
    def in_force(self) -> SanctionQuerySet:
        return self.filter(state=SanctionState.IN_FORCE)

    def public(self) -> SanctionQuerySet:
        """The criticisms the public transparency page lists: issued, in force, and not about a
        classified project (Art. 8 ¶3 keeps those off the platform's public pages)."""
        return self.filter(kind=SanctionKind.CRITICISM, state=SanctionState.IN_FORCE).exclude(
            project__is_classified=True
        )

    def against(self, project: Any) -> SanctionQuerySet:
        """Sanctions in force that bind ``project``: its own, and a deferral of its unit's new
        projects."""
        return self.in_force().filter(
            Q(project_id=project.pk)
            | Q(kind=SanctionKind.DEFERRAL, scope=DeferralScope.UNIT, unit_id=project.unit_id)
        )


SanctionManager = models.Manager.from_queryset(SanctionQuerySet)


class Sanction(DetailPage, Notice):
    """A sanction decided by DRC or Finance on the ground of an overdue or failed
    rectification order (or, for a criticism, a confirmed violation of Art. 38). Lifting, where
    it applies, is an act of the deciding authority. Its state changes only through the machine
    ``sanction``."""

    MACHINE = "sanction"
    detail_url_name = "supervision:sanction_detail"

    kind = models.CharField(_("处理措施"), max_length=12, choices=SanctionKind.choices)
    scope = models.CharField(
        _("范围"), max_length=8, choices=DeferralScope.choices, default=DeferralScope.PROJECT
    )
    order = optional_fk(
        "supervision.RectificationOrder", verbose_name=_("整改通知"), related_name="sanctions"
    )
    violation = optional_fk(
        "supervision.ViolationEntry", verbose_name=_("违规行为"), related_name="sanctions"
    )
    reasons = models.TextField(_("理由"))
    state = state_field(SanctionState, 10, default=SanctionState.IN_FORCE)
    decision = optional_fk("policy.Decision", related_name="+")
    # a termination closes the project's open budget lines: [{"id", "year", "amount", "paid"}]
    closed_budget_lines = models.JSONField(_("关闭的预算"), default=list, blank=True)
    lift_reasons = models.TextField(_("解除理由"), blank=True)
    lifted_by = maybe_by_user()
    lifted_at = optional_time(_("解除时间"))

    objects: ClassVar[SanctionManager] = SanctionManager()  # the notices' manager, with public()

    class Meta(Notice.Meta):
        verbose_name = verbose_name_plural = _("处理决定")
        indexes = [
            models.Index(fields=["project", "state"]),
            models.Index(fields=["unit", "kind", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(order__isnull=False) | Q(violation__isnull=False),
                name="sanction_has_ground",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["criticism", "deferral"]) | Q(project__isnull=False),
                name="sanction_project_measure_names_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()} {self.subject_label}"

    @property
    def in_force(self) -> bool:
        return self.state == SanctionState.IN_FORCE

    @property
    def liftable(self) -> bool:
        return self.kind in LIFTABLE

    @property
    def is_public(self) -> bool:
        """A criticism is public once issued and while in force, unless it concerns a
        classified project (never shown on public pages)."""
        return (
            self.kind == SanctionKind.CRITICISM
            and self.state == SanctionState.IN_FORCE
            and not (self.project is not None and self.project.is_classified)
        )

    @property
    def ground(self) -> Any:
        return self.order or self.violation
