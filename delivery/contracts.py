"""The inputs of the delivery actions (Art. 16, 22-24, 28-30), each declared once: the JSON
payload of the API, the page form of the "您现在可以办理" card and what the demo passes
(``core.contracts``).

Besides the core field types, four of the chapter's own: ``Verdict`` (a required yes or no,
e.g. an acceptance passed or failed), ``Checklist`` (the archive checklist of Art. 29),
``Score`` (an evaluation score of 0—100) and ``Pue`` (a data centre's power usage
effectiveness, Art. 19).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from django.utils.translation import gettext_noop as N_
from pydantic import AliasChoices, BeforeValidator, Field

from core.contracts import UI, Contract, Day, Flag, Int, Ref, Text, Year, fail
from core.contracts import Choice as ChoiceField
from core.dates import today
from core.identifiers import Phone

from .models import CryptoEvaluation, IncidentKind, ProductReliability, SecurityReview

# Archive acceptance (档案验收, Art. 29): the parts of a project archive BDB checks. The Chinese
# labels are the keys stored in ``Delivery.archive_checklist`` so that the record reads by
# itself; a page shows them in the reader's language.
ARCHIVE_ITEMS = {
    "approval": N_("立项审批文件"),
    "procurement": N_("招标采购及合同文件"),
    "design": N_("设计及实施过程文件"),
    "supervision": N_("工程监理文件"),
    "trial": N_("测试及试运行文件"),
    "finance": N_("财务及审计文件"),
    "electronic": N_("电子文件及其元数据"),
}
YES = ("1", "true", "yes", "on", "是", "y")
NO = ("0", "false", "no", "off", "否", "n")


def _typed(ui: UI, parse: Callable[[Any], Any], default: Any = None, factory: Any = None) -> Any:
    """A pydantic field that parses with ``parse`` and carries its page description."""
    info = (
        Field(default_factory=factory, title=str(ui.label))
        if factory is not None
        else Field(default=default, title=str(ui.label))
    )
    info.metadata.extend([BeforeValidator(parse), ui])
    return info


def Verdict(label: Any, yes: Any, no: Any) -> Any:
    """A required yes or no, chosen on the page between ``yes`` and ``no`` (never a default:
    an official result must be stated)."""

    def parse(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value if value is not None else "").strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise fail(_("请选择%(label)s。") % {"label": label})

    return _typed(UI("choice", label, True, choices=(("1", yes), ("0", no))), parse)


def Checklist(items: Mapping[str, str], label: Any) -> Any:
    """A checklist every item of which must be ticked: a mapping of item to yes/no (the API),
    or the keys of ``items`` ticked on the page. Stored as {Chinese label: true}."""

    def parse(value: Any) -> dict[str, bool]:
        if isinstance(value, list | tuple | set):
            ticked = {str(v) for v in value}
            value = {items[k]: k in ticked for k in items}
        if value is None or value == "":
            value = {}
        if not isinstance(value, Mapping):
            raise fail(_("%(label)s应为对象。") % {"label": label})
        clean = {str(k): bool(v) for k, v in value.items()}
        if not clean or not all(clean.values()):
            raise fail(_("档案清单各项均须齐全后才能通过档案验收。"))
        return clean

    return _typed(UI("multi", label, True), parse, factory=dict)


def Score(label: Any) -> Any:
    """An optional score of 0—100 with at most two decimals ("91.5", 91.5 or 86)."""

    def parse(value: Any) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        message = _("%(label)s应为 0—100 的数字。") % {"label": label}
        if isinstance(value, bool):
            raise fail(message)
        try:
            number = Decimal(str(value).strip())  # a float by its shortest repr: 91.5
        except InvalidOperation:
            raise fail(message) from None
        if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
            raise fail(message)
        if number.as_tuple().exponent < -2:  # type: ignore[operator]
            raise fail(_("%(label)s最多保留两位小数。") % {"label": label})
        return number

    return _typed(UI("money", label, False), parse)


def Pue(label: Any, help: Any = "") -> Any:
    """An optional power usage effectiveness (PUE: total energy over IT energy, so at least 1)
    with at most two decimals ("1.25")."""

    def parse(value: Any) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        message = _("%(label)s应为不小于 1 的数字，如 1.25。") % {"label": label}
        if isinstance(value, bool | float):
            raise fail(message)
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise fail(message) from None
        if not number.is_finite() or not Decimal(1) <= number < Decimal(100):
            raise fail(message)
        if number.as_tuple().exponent < -2:  # type: ignore[operator]
            raise fail(_("%(label)s最多保留两位小数。") % {"label": label})
        return number

    return _typed(UI("money", label, False, help), parse)


def formerly(name: str, old: str) -> Any:
    """Accept a field also under the name earlier versions of the API used:
    ``supervisor: Annotated[int | None, formerly("supervisor", "supervisor_id")]``."""
    return Field(validation_alias=AliasChoices(name, old))


def _after_today(value: dt.date | None, field: str, message: str) -> dict[str, str]:
    return {field: message} if value is not None and value <= today() else {}


# -- start of construction (Art. 16, 22) -------------------------------------------------------


class DeliveryImplementationIn(Contract):
    """The implementing agency and the responsible person (Art. 16)."""

    implementing_agency: str = Text(L("项目实施机构"), required=True, max_length=200)
    responsible_person: str = Text(L("项目负责人"), required=True, max_length=50)
    responsible_phone: str = Phone(L("负责人电话"))


class DeliverySupervisorIn(Contract):
    """The engineering supervisor chosen by procurement (Art. 22)."""

    supervisor: Annotated[int, formerly("supervisor", "supervisor_id")] = Ref(L("工程监理单位"))
    contract_number: str = Text(L("监理合同编号"), max_length=60)


class DeliveryStartIn(Contract):
    started_on: dt.date = Day(L("开工日期"), required=True, past=True)


# -- progress, supervision and annual reports (Art. 22, 23) -----------------------------------


class DeliveryMilestoneIn(Contract):
    name: str = Text(L("里程碑名称"), required=True, max_length=100)
    planned_on: dt.date = Day(L("计划完成日期"), required=True)
    weight: int | None = Int(
        L("权重"),
        required=False,
        minimum=1,
        maximum=100,
        help=L("1—100，默认 1；建设进度按已完成里程碑的权重占比计算。"),
    )


class DeliveryMilestoneDoneIn(Contract):
    done_on: dt.date = Day(L("实际完成日期"), required=True, past=True)


class DeliverySupervisionReportIn(Contract):
    period: str = Text(L("报告期"), required=True, max_length=40, help=L("如：2025年第二季度"))
    content: str = Text(L("监理情况"), required=True, rows=4)
    opinion: str = Text(L("监理意见"), required=True, rows=3)


class DeliveryAnnualReportIn(Contract):
    """The opinions are required by Art. 23 (R23.1): a report without them is refused with the
    article rather than as a typing error."""

    year: int = Year(L("年度"))
    summary: str = Text(L("建设进展与绩效情况"), rows=4)
    user_opinions: str = Text(L("使用单位意见"), rows=3, help=L("第二十三条：必须征求。"))
    supervisor_opinion: str = Text(L("监理单位意见"), rows=3, help=L("第二十三条：必须征求。"))
    trial_effects: str = Text(L("试运行效果"), rows=3, help=L("试运行期间必填。"))


# -- incidents (Art. 24) ----------------------------------------------------------------------


class DeliveryIncidentIn(Contract):
    kind: str = ChoiceField(IncidentKind, L("类型"))
    description: str = Text(L("情况说明"), required=True, rows=4)


class DeliveryRectificationIn(Contract):
    deadline: dt.date = Day(L("整改期限"), required=True)
    order_text: str = Text(L("整改要求"), required=True, rows=3)

    def problems(self) -> dict[str, str]:
        return _after_today(self.deadline, "deadline", _("整改期限应晚于今天。"))


class DeliverySuspensionIn(Contract):
    order_text: str = Text(L("暂停理由"), required=True, rows=3)


class DeliveryIncidentOpinionIn(Contract):
    opinion: str = Text(L("意见"), required=True, rows=2)


# -- trial, completion, archives, acceptance, go-live (Art. 28, 29) -----------------------------


class DeliveryTrialIn(Contract):
    trial_started_on: dt.date = Day(L("试运行开始日期"), required=True, past=True)


class DeliveryCompletionIn(Contract):
    completed_on: dt.date = Day(
        L("建成日期"), required=True, past=True, help=L("竣工验收期限自此起算（第二十八条）。")
    )
    incomplete_reason: str = Text(
        L("里程碑未全部完成的原因"),
        rows=3,
        help=L("仍有未完成里程碑的必填，将提交竣工验收审查（第二十八条）。"),
    )


class DeliveryArchivesIn(Contract):
    accepted_on: dt.date = Day(L("档案验收日期"), required=True, past=True)
    checklist: dict[str, bool] = Checklist(ARCHIVE_ITEMS, L("档案清单（各项均须齐全）"))


class DeliveryArchivesFailedIn(Contract):
    """A failed archive acceptance (Art. 29 ¶2): the date and what the unit must rectify."""

    failed_on: dt.date = Day(L("档案验收日期"), required=True, past=True)
    reasons: str = Text(L("不合格原因及整改要求"), required=True, rows=3)


class DeliveryAcceptanceResultIn(Contract):
    """The result of a completion acceptance (Art. 28) and what Art. 19 makes an important part
    of it (R19.2). Those are optional here: a passing acceptance without them is refused by
    R19.2 with the article rather than as a typing error, and a failed one need not state
    them."""

    passed: bool = Verdict(L("验收结果"), L("验收通过"), L("验收不通过"))
    held_on: dt.date = Day(L("验收日期"), required=True, past=True)
    conclusion: str = Text(L("验收结论"), required=True, rows=3)
    products_reliability: str = ChoiceField(
        ProductReliability,
        L("软硬件产品安全可靠情况"),
        required=False,
        help=L("第十九条：验收的重要内容。"),
    )
    products_note: str = Text(
        L("安全可靠情况说明"), rows=2, help=L("部分安全可靠的，说明未达到的产品及原因。")
    )
    crypto_evaluation: str = ChoiceField(
        CryptoEvaluation, L("密码应用安全性评估"), required=False, help=L("第十九条。")
    )
    security_review: str = ChoiceField(
        SecurityReview, L("安全审查情况"), required=False, help=L("第十九条。")
    )
    energy_note: str = Text(
        L("硬件设备能源利用效率情况"),
        rows=2,
        help=L("第十九条：硬件设备的能效等级或节能措施。"),
    )
    new_data_centre: bool = Flag(L("项目新建数据中心"))
    pue: Decimal | None = Pue(
        L("电能使用效率（PUE）"), help=L("新建数据中心必填，如 1.25（第十九条）。")
    )


class DeliveryExtensionIn(Contract):
    requested_until: dt.date = Day(L("申请延期至"), required=True)
    reason: str = Text(L("延期理由"), required=True, rows=3)

    def problems(self) -> dict[str, str]:
        return _after_today(self.requested_until, "requested_until", _("延期日期应晚于今天。"))


class DeliveryExtensionDecisionIn(Contract):
    grant: bool = Verdict(L("审核结论"), L("同意延期"), L("不同意延期"))
    opinion: str = Text(L("审核意见"), required=True, rows=2)


class DeliveryGoLiveIn(Contract):
    golive_on: dt.date = Day(L("正式上线运行日期"), required=True, past=True)


# -- evaluation (Art. 30) ---------------------------------------------------------------------


class DeliveryEvaluationIn(Contract):
    """A self-evaluation of the unit or a post-evaluation of a consultant."""

    completed_on: dt.date = Day(L("完成日期"), required=True, past=True)
    grade: str = Text(L("评价等级"), required=True, max_length=10, help=L("如：优、良、中、差"))
    score: Decimal | None = Score(L("评分"))
    conclusion: str = Text(L("主要结论与整改意见"), required=True, rows=4)


class DeliveryCommissionIn(Contract):
    consultant: Annotated[int, formerly("consultant", "consultant_id")] = Ref(L("第三方评价机构"))
