"""The inputs of the catalog actions, each declared once (``core.contracts``): the page forms,
the JSON API and the spreadsheet rows (``catalog.xlsx`` maps its columns onto these fields by
their labels) all validate through them.

Field labels are the spreadsheet's column headers, so a label here is also a header there.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

from core.contracts import (
    UI,
    Choice,
    Contract,
    Day,
    Flag,
    Int,
    Ref,
    Refs,
    Text,
    Upload,
    Year,
    fail,
)
from core.errors import ActionInvalid

from .models import (
    AssessmentResult,
    DataType,
    DeliveryMode,
    Hosting,
    IntegrationStatus,
    Network,
    OpenScope,
    OpenType,
    ResourceAttribute,
    ResourceFormat,
    ShareMethod,
    ShareType,
    SystemCategory,
    SystemStatus,
    UpdateCycle,
)

RESOURCE_CODE = re.compile(r"^[0-9A-Za-z.\-]+/\d{1,8}$")


def defaulting(info: Any, value: Any) -> Any:
    """A contract field that takes ``value`` when the input leaves it out (a choice with the
    model's default, a flag that is yes unless said otherwise)."""
    info.default = value
    info._attributes_set["default"] = value
    return info


def matching(info: Any, pattern: re.Pattern[str], message: Any) -> Any:
    """A text field whose value, when given, has the shape ``pattern`` (``message`` if not)."""

    def check(value: str) -> str:
        if value and not pattern.match(value):
            raise fail(str(message))
        return value

    info.metadata.append(AfterValidator(check))
    return info


# -- the master catalog (Art. 15, 17, 18, 20, 31-33) -------------------------------------------


class CatalogSystemIn(Contract):
    """A master-catalog entry (STANDARDS.md field list): what the unit records about its system
    and BDB curates. Pairs that belong together are checked together (``problems``)."""

    SECTIONS = (
        (L("基本信息"), ("unit", "code", "name", "category", "delivery_mode", "status")),
        (L("部署网络与孤网审批（第三十一条）"), ("network", "isolation_reason")),
        (L("部署方式（第二十条）"), ("hosting", "hosting_justification")),
        (
            L("网络安全等级保护（第十七条）"),
            (
                "mlps_level",
                "mlps_filing_number",
                "mlps_filing_date",
                "mlps_evaluated_on",
                "mlps_result",
            ),
        ),
        (L("密码应用安全性评估（第十八条）"), ("crypto_assessed_on", "crypto_result")),
        (L("重大安全隐患（第三十二条）"), ("major_hazard", "hazard_note")),
        (
            L("整合与使用情况（第三十三条）"),
            (
                "integration_status",
                "users_count",
                "monthly_visits",
                "last_maintained_on",
                "detached_from_business",
                "replaceable_by",
            ),
        ),
    )

    name: str = Text(L("系统名称"), required=True, max_length=200)
    category: str = Choice(SystemCategory, L("系统类别"))
    delivery_mode: str = defaulting(Choice(DeliveryMode, L("建设方式")), DeliveryMode.BUILT)
    status: str = defaulting(Choice(SystemStatus, L("运行状态")), SystemStatus.RUNNING)
    network: str = defaulting(
        Choice(
            Network,
            L("部署网络"),
            help=L("孤网须经市大数据发展局初审并报市政府批准（第三十一条）。"),
        ),
        Network.EXTRANET,
    )
    hosting: str = defaulting(Choice(Hosting, L("部署方式")), Hosting.CQ_CLOUD)
    hosting_justification: str = Text(L("未部署在数字重庆云的理由"), rows=2)
    mlps_level: int | None = Int(L("等保级别"), required=False, minimum=1, maximum=5)
    mlps_filing_number: str = Text(L("等保备案编号"), max_length=60)
    mlps_filing_date: dt.date | None = Day(L("等保备案日期"), past=True)
    mlps_evaluated_on: dt.date | None = Day(L("最近等保测评日期"), past=True)
    mlps_result: str = Choice(AssessmentResult, L("等保测评结论"), required=False)
    crypto_assessed_on: dt.date | None = Day(L("最近密评日期"), past=True)
    crypto_result: str = Choice(AssessmentResult, L("密评结论"), required=False)
    major_hazard: bool = Flag(L("存在重大安全隐患"))
    hazard_note: str = Text(L("安全隐患说明"), rows=2)
    integration_status: str = defaulting(
        Choice(
            IntegrationStatus,
            L("整合状态"),
            help=L("“应整合未整合”由市大数据发展局认定和解除（第三十三条）。"),
        ),
        IntegrationStatus.NOT_NEEDED,
    )
    users_count: int | None = Int(L("用户数"), required=False, minimum=0, maximum=10**9)
    monthly_visits: int | None = Int(L("月访问量"), required=False, minimum=0, maximum=10**10)
    last_maintained_on: dt.date | None = Day(L("最近运维日期"), past=True)
    detached_from_business: bool = Flag(L("与业务脱节"))
    replaceable_by: str = Text(L("可被替代的系统"), max_length=200)
    isolation_reason: str = Text(
        L("不能共享的法律法规依据"),
        rows=2,
        help=L("部署为孤网的，写明不能共享数据的法律法规依据。"),
    )

    def problems(self) -> dict[str, str]:
        """Fields that need a partner once set (Art. 17, 18, 20, 32)."""
        errors = {}
        if self.hosting == Hosting.OTHER and not self.hosting_justification:
            errors["hosting_justification"] = _("未部署在数字重庆云的，须说明理由（第二十条）。")
        if self.major_hazard and not self.hazard_note:
            errors["hazard_note"] = _("存在重大安全隐患的，请说明隐患情况。")
        if self.mlps_result and not self.mlps_evaluated_on:
            errors["mlps_evaluated_on"] = _("登记等保测评结论时须填写测评日期。")
        if self.crypto_result and not self.crypto_assessed_on:
            errors["crypto_assessed_on"] = _("登记密评结论时须填写评估日期。")
        return errors


class CatalogSystemRegisterIn(CatalogSystemIn):
    """A unit registers a system of its own (BDB, for any unit), Art. 15."""

    unit: int | None = Ref(L("所属单位"), required=False, help=L("只属于一个单位时可不填。"))
    code: str = Text(L("系统编码"), required=True, max_length=40, help=L("全市唯一。"))


class CatalogSystemPatchIn(CatalogSystemIn):
    """A change of an entry: only the fields given change, the others keep their values (the
    action lays the input over the entry before the whole is checked)."""

    model_config = ConfigDict(validate_default=False)


class CatalogCurateIn(Contract):
    """BDB includes a system in the master catalog, or removes it (Art. 15, 31)."""

    catalogued: bool = defaulting(
        Flag(
            L("纳入总目录"),
            help=L("不勾选即移出总目录：未纳入的系统不予安排运维经费（第三十一条）。"),
        ),
        True,
    )
    note: str = Text(L("审核意见"), max_length=200)


class CatalogIsolationReviewIn(Contract):
    """BDB's initial review, or the city government's decision, on an isolated system."""

    refuse: bool = Flag(L("不同意（不予批准）"))
    opinion: str = Text(L("审批意见"), rows=2, help=L("不同意的须写明理由。"))
    approve_on: dt.date | None = Day(L("日期"), past=True, help=L("初审或批准日期，省略为今天。"))

    def problems(self) -> dict[str, str]:
        if self.refuse and not self.opinion:
            return {"opinion": _("不同意的，请写明理由。")}
        return {}


# -- the data resource catalog (Art. 14) --------------------------------------------------------


class CatalogResourceItemIn(Contract):
    """An information item of a resource; ``system_code`` names its owning system, one of the
    resource's providing systems (left out when there is only one)."""

    name: str = Text(L("信息项名称"), required=True, max_length=100)
    data_type: str = Choice(DataType, L("数据类型"))
    length: int | None = Int(L("数据长度"), required=False, minimum=1)
    system_code: str = Text(L("所属系统编码"), max_length=40)


ITEM_SEPARATORS = re.compile(r"[\n；;]+")


def _item_rows(value: Any) -> list[dict[str, Any]]:
    """Rows as dicts from a list (the API) or text, one item per line or separated by
    semicolons, each ``名称:类型[:长度[:所属系统编码]]`` (a form, a spreadsheet cell)."""
    if isinstance(value, str):
        rows = []
        for part in ITEM_SEPARATORS.split(value):
            if part.strip():
                bits = [b.strip() for b in part.replace("：", ":").split(":")]
                bits += [""] * (4 - len(bits))
                rows.append(
                    dict(zip(("name", "data_type", "length", "system_code"), bits, strict=False))
                )
        return rows
    rows = []
    for n, row in enumerate(value or [], start=1):
        if not isinstance(row, Contract | Mapping):
            raise fail(_("第 %(n)s 个信息项应为含名称、类型的对象。") % {"n": n})
        rows.append(row.model_dump() if isinstance(row, Contract) else dict(row))
    return rows


def ItemRows(label: Any, *, help: Any = "") -> Any:
    """The information items of a resource: at least one, each checked by
    ``CatalogResourceItemIn``; the message names every row that is wrong."""

    def parse(value: Any) -> list[dict[str, Any]]:
        if not isinstance(value, (str, list, tuple)) and value is not None:
            raise fail(_("%(label)s应为列表。") % {"label": label})
        clean, problems = [], []
        for n, row in enumerate(_item_rows(value), start=1):
            try:
                clean.append(CatalogResourceItemIn.parse(row).model_dump())
            except ActionInvalid as exc:
                name = str(row.get("name") or "").strip()
                where = (
                    _("第 %(n)s 个信息项“%(name)s”") % {"n": n, "name": name}
                    if name
                    else _("第 %(n)s 个信息项") % {"n": n}
                )
                problems.append(f"{where}：{''.join(exc.errors.values())}")
        if problems:
            raise fail("；".join(problems))
        if not clean:
            raise fail(_("请至少填写一个信息项。"))
        return clean

    info: Any = Field(default_factory=list, title=str(label))
    ui = UI("textarea", label, True, help, rows=4)
    info.metadata.extend([BeforeValidator(parse), ui])
    return info


def items_text(items: Iterable[Any], types: Mapping[str, Any], sep: str = "；") -> str:
    """Items as ``名称:类型[:长度[:所属系统编码]]`` (``types`` maps a data type to its label)."""
    out = []
    for item in items:
        code = item.system.code if getattr(item, "system_id", None) else ""
        parts = [item.name, str(types[item.data_type])]
        if item.length or code:
            parts.append(str(item.length or ""))
        if code:
            parts.append(code)
        out.append(":".join(parts))
    return sep.join(out)


class CatalogResourceIn(Contract):
    """A data resource entry after 政务信息资源目录编制指南(试行), with its sharing and opening
    terms (Art. 14) and its information items."""

    SECTIONS = (
        (
            L("基本信息"),
            (
                "provider",
                "classification",
                "class_code",
                "resource_code",
                "name",
                "summary",
                "format",
                "update_cycle",
                "release_date",
                "related_codes",
                "is_authoritative",
                "systems",
            ),
        ),
        (L("信息项"), ("items",)),
        (
            L("共享与开放（第十四条）"),
            (
                "share_type",
                "share_conditions",
                "share_basis",
                "share_method",
                "open_type",
                "open_scope",
                "named_recipients",
            ),
        ),
    )

    resource_code: str = matching(
        Text(
            L("资源代码"), required=True, max_length=60, help=L("分类代码/顺序号，如 A01.02/000123")
        ),
        RESOURCE_CODE,
        L("资源代码应为“分类代码/顺序号”，如 A01.02/000123。"),
    )
    class_code: str = Text(
        L("分类代码"), required=True, max_length=30, help=L("类(1) 项(2) 目(3) 细目，如 A01.02")
    )
    classification: str = Choice(ResourceAttribute, L("资源属性"))
    name: str = Text(L("资源名称"), required=True, max_length=200)
    summary: str = Text(L("资源摘要"), required=True, rows=3)
    format: str = Choice(ResourceFormat, L("资源格式"))
    items: list[CatalogResourceItemIn] = ItemRows(
        L("信息项"),
        help=L(
            "每行一个：名称:类型[:长度[:所属系统编码]]，如“姓名:字符:50”；只有一个提供系统时可不写系统编码。"
        ),
    )
    share_type: str = Choice(ShareType, L("共享类型"))
    share_conditions: str = Text(L("共享条件"), rows=2)
    share_basis: str = Text(L("不予共享依据"), rows=2)
    share_method: str = Choice(ShareMethod, L("共享方式"), required=False)
    open_type: str = Choice(OpenType, L("开放类型"))
    open_scope: str = defaulting(Choice(OpenScope, L("开放范围")), OpenScope.ALL)
    named_recipients: str = Text(L("特定开放对象"), rows=2)
    update_cycle: str = Choice(UpdateCycle, L("更新周期"))
    release_date: dt.date | None = Day(L("发布日期"))
    related_codes: str = Text(L("关联资源代码"), max_length=500)
    is_authoritative: bool = Flag(
        L("权威数据源"),
        help=L(
            "由市大数据发展局认定：权威来源的信息项被其他单位再采集即为重复采集（第三十一条）。"
        ),
    )
    systems: list[int] = Refs(L("提供系统"))

    def problems(self) -> dict[str, str]:
        """The code follows its class; sharing and opening terms are complete (Art. 14)."""
        errors = {}
        code, klass = self.resource_code, self.class_code
        if code and klass and not code.startswith(klass + "/"):
            errors["resource_code"] = _("资源代码应以分类代码“%(c)s/”开头。") % {"c": klass}
        if self.share_type == ShareType.CONDITIONAL and not self.share_conditions:
            errors["share_conditions"] = _("有条件共享的资源须写明共享条件。")
        if self.share_type == ShareType.NONE and not self.share_basis:
            errors["share_basis"] = _("不予共享的资源须写明法律法规依据。")
        if self.share_type in (ShareType.UNCONDITIONAL, ShareType.CONDITIONAL) and not (
            self.share_method
        ):
            errors["share_method"] = _("请选择共享方式。")
        if self.open_scope == OpenScope.NAMED and not self.named_recipients:
            errors["named_recipients"] = _("仅向特定对象开放的，请列明对象。")
        return errors


class CatalogResourceCreateIn(CatalogResourceIn):
    """A unit compiles a resource of its own (BDB, for any unit)."""

    provider: int | None = Ref(L("资源提供方"), required=False, help=L("只属于一个单位时可不填。"))


class CatalogResourcePatchIn(CatalogResourceIn):
    """A change of a resource: fields not given keep their values; ``items`` and ``systems``
    given replace the resource's."""

    model_config = ConfigDict(validate_default=False)


# -- data sharing (Art. 14) ---------------------------------------------------------------------


class CatalogSharingRequestIn(Contract):
    """A unit asks another unit for one of its resources."""

    requester: int | None = Ref(L("申请单位"), required=False, help=L("只属于一个单位时可不填。"))
    purpose: str = Text(
        L("用途"), required=True, rows=3, help=L("说明使用该资源的业务事项和依据。")
    )


class CatalogSharingRequestApiIn(CatalogSharingRequestIn):
    """The same request addressed by the resource's number (``POST /api/catalog/sharing``)."""

    resource: int | None = Ref(L("数据资源"))


class CatalogSharingAnswerIn(Contract):
    """The provider grants or refuses; a refusal says why (Art. 14)."""

    grant: bool = Flag(L("同意共享"), help=L("不勾选即为不予共享，须说明理由。"))
    answer: str = Text(L("答复意见"), rows=2)

    def problems(self) -> dict[str, str]:
        if not self.grant and not self.answer:
            return {"answer": _("不予共享的，请填写答复意见说明理由。")}
        return {}


class CatalogSharingUsageIn(Contract):
    """The requester reports how the granted data is used (Art. 14: 共享数据使用情况反馈)."""

    usage: str = Text(L("使用情况"), required=True, rows=2)
    satisfied: bool = defaulting(Flag(L("满足业务需要")), True)


# -- O&M funding decisions (Art. 28, 31-33) and imports -----------------------------------------


class CatalogOMRunIn(Contract):
    """Finance (or BDB) decides every system's O&M funding for a budget year."""

    budget_year: int | None = Year(L("预算年度"))
    system_ids: list[int] = Refs(L("仅判定这些系统"), help=L("省略则判定全部系统。"))


class CatalogImportIn(Contract):
    """A spreadsheet to import (the template is the export)."""

    file: Any = Upload(L("Excel 文件（.xlsx）"))

    def problems(self) -> dict[str, str]:
        if not str(getattr(self.file, "name", "")).lower().endswith(".xlsx"):
            return {"file": _("请上传 .xlsx 格式的 Excel 文件。")}
        return {}
