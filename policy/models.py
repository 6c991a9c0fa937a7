"""Policy versions (the numbers of the measures as data), and stored gate decisions."""

from __future__ import annotations

import uuid
from typing import Any, Self

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.enums import Severity
from core.model_parts import PublicToSignedIn, creation_time, kept_fk, maybe_by_user, optional_fk

from .parameters import SPECS, ParamSpec, ParamValue, PolicyParams


class PolicyVersionQuerySet(PublicToSignedIn, models.QuerySet["PolicyVersion"]):
    """Policies are public rules; every signed-in user may read them."""


class PolicyVersion(models.Model):
    """One version of the rules' numbers, in force from ``effective_from`` for a jurisdiction.

    ``division_code`` empty means the municipal policy; a district (Art. 39) has its own code.
    A later version of the same jurisdiction supersedes an earlier one from its effective date,
    and decisions keep the code of the version they were made under.
    """

    code = models.CharField(_("编码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    document = models.CharField(_("依据文件"), max_length=200, blank=True)
    division_code = models.CharField(
        _("适用区县行政区划代码"), max_length=12, blank=True, help_text=_("留空表示市级政策。")
    )
    effective_from = models.DateField(_("生效日期"))
    created_at = creation_time(_("创建时间"))

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["division_code", "-effective_from"]
        verbose_name = verbose_name_plural = _("政策版本")
        constraints = [
            models.UniqueConstraint(
                fields=["division_code", "effective_from"], name="policy_one_version_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @cached_property
    def params(self) -> dict[str, ParamValue]:
        """All parameters, typed. Missing parameters are a configuration error."""
        values = {p.key: SPECS[p.key].parse(p.value) for p in self.parameters.all()}
        missing = set(SPECS) - set(values)
        if missing:
            raise LookupError(f"政策 {self.code} 缺少参数：{', '.join(sorted(missing))}")
        return values

    def param(self, key: str) -> ParamValue:
        return self.params[key]

    @cached_property
    def p(self) -> PolicyParams:
        """The parameters, typed (``policy.p.approval_threshold``)."""
        # each spec parses its text to its field's type (SPECS is built from these fields)
        values: dict[str, Any] = dict(self.params)
        return PolicyParams(**values)


class PolicyParameter(models.Model):
    """One typed parameter of a policy version, stored as text and parsed by its spec."""

    policy = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="parameters")
    key = models.CharField(
        _("参数"), max_length=64, choices=[(k, s.label) for k, s in SPECS.items()]
    )
    value = models.CharField(_("取值"), max_length=64)

    class Meta:
        ordering = ["key"]
        verbose_name = verbose_name_plural = _("政策参数")
        constraints = [
            models.UniqueConstraint(fields=["policy", "key"], name="policy_parameter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"

    @property
    def spec(self) -> ParamSpec:
        return SPECS[self.key]


class Outcome(models.TextChoices):
    PASS = "pass", _("通过")
    WARN = "warn", _("通过（有提醒）")
    BLOCK = "block", _("阻断")


class DecisionQuerySet(models.QuerySet["Decision"]):
    def for_user(self, user: Any) -> Self:
        from accounts.scoping import sees_everything, visible_organisation_ids

        if sees_everything(user):
            return self
        return self.filter(
            models.Q(organisation_id__in=visible_organisation_ids(user)) | models.Q(actor=user)
        )


class Decision(models.Model):
    """A stored gate evaluation: which rules ran on what inputs under which policy, and what
    they found. Immutable, so that any past decision can be explained later."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    gate = models.CharField(_("关口"), max_length=64)
    subject_type = models.CharField(_("对象类型"), max_length=64)
    subject_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    subject_repr = models.CharField(_("对象"), max_length=255, blank=True)
    organisation = optional_fk("accounts.Organisation", related_name="+")
    policy = kept_fk(PolicyVersion, related_name="decisions")
    inputs = models.JSONField(_("输入事实"), default=dict)
    rule_ids = models.JSONField(_("评估的规则"), default=list)
    # what the rules saw, typed (policy.snapshot), and the digest of each rule's source: the
    # decision can be evaluated again from these alone (manage.py replay_decisions)
    snapshot = models.JSONField(_("评估快照"), default=dict, blank=True)
    rule_versions = models.JSONField(_("规则版本"), default=dict, blank=True)
    outcome = models.CharField(_("结果"), max_length=8, choices=Outcome.choices)
    findings = models.JSONField(_("发现"), default=list)
    actor = maybe_by_user()
    created_at = creation_time(_("时间"))

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = _("规则决定")
        indexes = [models.Index(fields=["subject_type", "subject_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.gate} · {self.subject_repr} · {self.get_outcome_display()}"

    @property
    def gate_title(self) -> str:
        """The gate by its name (the code stays in the API and a tooltip)."""
        from .registry import registry

        declared = registry.gates.get(self.gate)
        return str(declared[0]) if declared else self.gate

    @property
    def blocking_findings(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["severity"] == Severity.BLOCK]
