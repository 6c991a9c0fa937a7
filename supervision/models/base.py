"""What every supervision record shares: the unit it concerns (and the project or system),
the official notice it is (文号, date, issuing authority, clauses), who may see it, and the
ledger vocabulary of the chapter."""

from __future__ import annotations

from typing import Any, Self

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.enums import ActionCode
from core.machines import StatefulModel, StatefulQuerySet
from core.model_parts import by_user, creation_time, kept_fk, optional_fk


class SupervisionEvent(models.TextChoices):
    """The ledger codes of the supervision chapter. Three acts share the words the delivery
    chapter already records (责令限期整改, 暂停项目, 解除暂停), so that the ledger says the same
    thing for the same act whichever chapter records it."""

    REQUEST_ISSUED = "supervision.request_issued", _("要求提供资料和情况")
    REQUEST_ANSWERED = "supervision.request_answered", _("如实提供资料和情况")
    REQUEST_DECLINED = "supervision.request_declined", _("拒绝提供资料和情况")
    REQUEST_OVERDUE = "supervision.request_overdue", _("逾期未提供资料和情况")
    REQUEST_DECIDED = "supervision.request_decided", _("审核提供的资料和情况")
    ORDER_ISSUED = ActionCode.RECTIFICATION_ORDERED.value, _("责令限期整改")
    ORDER_REPORTED = "supervision.rectification_reported", _("报告整改情况")
    ORDER_OVERDUE = "supervision.rectification_overdue", _("逾期未整改")
    ORDER_VERIFIED = "supervision.rectification_verified", _("核查整改情况")
    ORDER_EXTENDED = "supervision.rectification_extended", _("再次限期整改")
    ORDER_WITHDRAWN = "supervision.rectification_withdrawn", _("撤销整改通知")
    CRITICISED = "supervision.criticised", _("通报批评")
    INVESTMENT_DEFERRED = "supervision.investment_deferred", _("暂缓安排投资计划")
    SUSPENDED = ActionCode.PROJECT_SUSPENDED.value, _("暂停项目")
    TERMINATED = "supervision.terminated", _("终止项目实施")
    SANCTION_LIFTED = ActionCode.SUSPENSION_LIFTED.value, _("解除暂停")
    DEFERRAL_LIFTED = "supervision.deferral_lifted", _("解除暂缓安排投资计划")
    AUDIT_RECORDED = "supervision.audit_recorded", _("登记审计发现")
    AUDIT_RESPONDED = "supervision.audit_responded", _("回应审计发现")
    AUDIT_REFERRED = "supervision.audit_referred", _("移送审计发现")
    AUDIT_CLOSED = "supervision.audit_closed", _("审计发现跟踪办结")
    VIOLATION_PROPOSED = "supervision.violation_proposed", _("平台提示违规线索")
    VIOLATION_RECORDED = "supervision.violation_recorded", _("登记违规行为")
    VIOLATION_DECIDED = "supervision.violation_decided", _("核实违规线索")
    VIOLATION_PERSON = "supervision.violation_person", _("登记责任人员")
    VIOLATION_CONCLUDED = "supervision.violation_concluded", _("登记违规处理结果")


class SupervisionQuerySet(StatefulQuerySet):
    """A unit sees what concerns it; an authority sees what it issued; DRC, Finance, BDB,
    Audit and the admin see everything (Art. 34-36). Missing and forbidden look the same."""

    def for_user(self, user: Any) -> Self:
        from ..visibility import visible

        return visible(self, user)  # type: ignore[return-value]


class Subject(StatefulModel):
    """A supervision record about a unit, and where it applies, one of its projects or one
    of its information systems."""

    unit = kept_fk("accounts.Organisation", verbose_name=_("项目建设单位"), related_name="+")
    project = optional_fk("projects.Project", verbose_name=_("项目"), related_name="+")
    system = optional_fk(
        "catalog.InformationSystem", verbose_name=_("政务信息系统"), related_name="+"
    )

    objects = SupervisionQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def subject_label(self) -> str:
        """The project, the system or the unit, as a notice names it."""
        for subject in (self.project, self.system):
            if subject is not None:
                return f"{subject.code}《{subject.name}》"
        return str(self.unit.name)

    @property
    def document_organisation(self) -> Any:
        """The unit owning the record's documents (``documents`` asks)."""
        return self.unit


class Notice(Subject):
    """A record that is an official notice: its number (文号), date, issuing authority, the
    notice text and the clauses it cites, kept so that a PDF can be made from it later."""

    number = models.CharField(_("文号"), max_length=60, unique=True)
    issued_on = models.DateField(_("发文日期"))
    authority = kept_fk("accounts.Organisation", verbose_name=_("发文机关"), related_name="+")
    notice_text = models.TextField(_("正文"))
    # [{"article": "第三十五条", "text": "…"}], in the order the notice cites them
    clauses = models.JSONField(_("依据条款"), default=list, blank=True)
    issued_by = by_user(verbose_name=_("经办人"))
    created_at = creation_time(_("登记时间"))

    class Meta:
        abstract = True
        ordering = ["-issued_on", "-id"]  # the newest first; each notice's Meta extends this one
