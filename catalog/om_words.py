"""The words of the O&M funding conditions (Art. 17, 18, 20, 28, 31-33): how a stored decision
entry — rule id, article, kind and the facts the condition recorded — reads to a civil servant.

A decision stores no sentence: its words are rendered here, from its facts, when it is read,
in the reader's language (the templates are Chinese msgids). This module imports no model, so
the models can explain their decisions without importing the evaluation (``eligibility``),
which imports the models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from django.utils.translation import gettext_noop as N_

from core.enums import Severity
from core.findings import render

# rule id -> (article, title, severity), in the order reasons are listed
OM_RULE_META = {
    "R28.4": ("第二十八条", L("竣工验收未通过的不得安排运维经费"), Severity.BLOCK),
    "R31.3": ("第三十一条", L("未纳入总目录的系统不予安排运维经费"), Severity.BLOCK),
    "R31.1": ("第三十一条", L("孤网须经大数据局初审并报市政府批准"), Severity.BLOCK),
    "R31.2": ("第三十一条", L("未按要求共享或重复采集数据的系统"), Severity.BLOCK),
    "R32.1": ("第三十二条", L("不符合密码应用和网络安全要求或存在重大安全隐患"), Severity.BLOCK),
    "R33.1": ("第三十三条", L("有应整合未整合系统的单位"), Severity.BLOCK),
    "R17.1": ("第十七条", L("定期开展网络安全检测与风险评估"), Severity.WARN),
    "R18.1": ("第十八条", L("定期开展密码应用安全性评估"), Severity.WARN),
    "R20.1.system": ("第二十条", L("未部署在数字重庆云须说明理由"), Severity.WARN),
    "R33.1.zombie": ("第三十三条", L("僵尸系统迹象"), Severity.WARN),
}
OM_RULES = list(OM_RULE_META)

# what an isolated system lacks (R31.1), recorded as facts in these words
MISSING_BDB = N_("市大数据发展局初审")
MISSING_GOV = N_("市政府批准")

Words = tuple[str, str, dict[str, Any]]  # message template, remedy template, params


def _joined(values: Iterable[Any] | None, limit: int | None = None) -> str:
    items = sorted(str(v) for v in values or [])
    return "、".join(items[:limit] if limit else items)


def _duplicate(d: dict) -> str:
    params = {
        "item": d.get("item", ""),
        "source": d.get("source", ""),
        "source_item": d.get("source_item", ""),
        "systems": _joined(d.get("source_systems")),
    }
    if params["systems"]:
        return (
            _("%(item)s（权威来源：资源 %(source)s 的“%(source_item)s”，系统 %(systems)s）")
            % params
        )
    return _("%(item)s（权威来源：资源 %(source)s 的“%(source_item)s”）") % params


ZOMBIE_SIGNS: dict[str, Callable[[dict], str]] = {
    "detached": lambda f: _("与业务脱节"),
    "replaceable": lambda f: _("可被“%(x)s”替代") % {"x": f.get("replaceable_by")},
    "unused": lambda f: _("月访问量仅 %(n)s") % {"n": f.get("monthly_visits")},
    "unmaintained": lambda f: _("自 %(d)s 起无运维") % {"d": f.get("last_maintained_on")},
    "stopped": lambda f: _("已停用"),
}


def zombie_sign_texts(facts: dict) -> list[str]:
    return [ZOMBIE_SIGNS[code](facts) for code in facts.get("signs") or [] if code in ZOMBIE_SIGNS]


def _static(message: str, remedy: str) -> Callable[[str, dict], Words]:
    """Words that name only the system."""
    return lambda name, f: (message, remedy, {"name": name})


def _failed_acceptance(name: str, f: dict) -> Words:
    return (
        N_(
            "系统“%(name)s”的建设项目 %(projects)s 竣工验收未通过，不得安排运行维护经费"
            "（第二十八条）。"
        ),
        N_("整改后重新组织验收并通过。"),
        {"name": name, "projects": _joined(f.get("projects"))},
    )


def _isolated_unapproved(name: str, f: dict) -> Words:
    missing = _("和").join(_(m) for m in f.get("missing") or [])
    return (
        N_(
            "系统“%(name)s”部署为孤网、不进行数据共享，但缺少%(missing)s"
            "（第三十一条：联网通办是原则，孤网是例外）。"
        ),
        N_("请说明不能共享的法律法规依据，报市大数据发展局初审后报市政府批准。"),
        {"name": name, "missing": missing},
    )


def _overdue_requests(name: str, f: dict) -> Words:
    return (
        N_(
            "系统“%(name)s”提供的数据资源有 %(n)s 个共享申请超过答复期限未答复，"
            "未按要求共享数据（第三十一条、第十四条）。"
        ),
        N_("请及时答复共享申请。"),
        {"name": name, "n": f.get("overdue_requests")},
    )


def _private_only(name: str, f: dict) -> Words:
    return (
        N_(
            "系统“%(name)s”的无条件共享资源 %(resources)s 仅向特定企业或组织开放（第十四条、第三十一条）。"
        ),
        N_("应普遍共享的数据不得仅向特定企业、社会组织开放，请调整开放范围。"),
        {"name": name, "resources": _joined(f.get("resources"))},
    )


def _duplicates(name: str, f: dict) -> Words:
    return (
        N_("系统“%(name)s”重复采集已有权威来源的数据：%(items)s（第三十一条）。"),
        N_("请改为通过共享获取上述数据，停止重复采集。"),
        {"name": name, "items": "、".join(_duplicate(d) for d in (f.get("duplicates") or [])[:5])},
    )


def _major_hazard(name: str, f: dict) -> Words:
    return (
        N_("系统“%(name)s”存在重大安全隐患：%(note)s（第三十二条）。"),
        N_("请整改消除隐患后更新系统信息。"),
        {"name": name, "note": f.get("hazard_note") or _("未说明")},
    )


def _unit_not_integrated(name: str, f: dict) -> Words:
    return (
        N_(
            "所属单位有应整合而未整合的系统 %(systems)s，财政部门不安排运行维护经费，"
            "不支持新建信息化项目（第三十三条）。"
        ),
        N_("请完成系统整合并更新整合状态。"),
        {"systems": _joined(f.get("pending_systems"), 10)},
    )


def _period(message: str, remedy: str, on: str) -> Callable[[str, dict], Words]:
    return lambda name, f: (message, remedy, {"on": f.get(on), "months": f.get("period_months")})


def _zombie(name: str, f: dict) -> Words:
    return (
        N_("系统“%(name)s”有僵尸系统迹象：%(signs)s，建议整合或下线（第三十三条）。"),
        N_("请评估整合、迁移或下线。"),
        {"name": name, "signs": "、".join(zombie_sign_texts(f))},
    )


# (rule id, kind) -> the words of that way of failing
WORDS: dict[tuple[str, str], Callable[[str, dict], Words]] = {
    ("R28.4", "failed_acceptance"): _failed_acceptance,
    ("R31.3", "not_catalogued"): _static(
        N_(
            "系统“%(name)s”未纳入市级政务信息系统总目录，财政部门不予安排运行维护经费（第三十一条）。"
        ),
        N_("请所属单位完善目录信息，由市大数据发展局审核纳入总目录。"),
    ),
    ("R31.1", "isolated_unapproved"): _isolated_unapproved,
    ("R31.1", "isolated_refused"): _static(
        N_("系统“%(name)s”部署为孤网未获批准（第三十一条：联网通办是原则，孤网是例外）。"),
        N_("请将系统接入网络并按要求共享数据；确有法律法规依据的，补充依据后重新报请审批。"),
    ),
    ("R31.2", "overdue_requests"): _overdue_requests,
    ("R31.2", "private_only"): _private_only,
    ("R31.2", "duplicates"): _duplicates,
    ("R31.2", "confirmed_collection"): _duplicates,
    ("R32.1", "crypto_failed"): _static(
        N_("系统“%(name)s”密码应用安全性评估结论为“不符合”（第三十二条）。"),
        N_("请按密评意见整改并重新评估。"),
    ),
    ("R32.1", "crypto_missing"): _static(
        N_("系统“%(name)s”未开展密码应用安全性评估（第三十二条、第十八条）。"),
        N_("请开展密评并登记结论。"),
    ),
    ("R32.1", "mlps_failed"): _static(
        N_("系统“%(name)s”等级保护测评结论为“不符合”（第三十二条）。"),
        N_("请按测评意见整改并重新测评。"),
    ),
    ("R32.1", "mlps_missing"): _static(
        N_("系统“%(name)s”未开展网络安全等级保护测评（第三十二条、第十七条）。"),
        N_("请开展等保测评并登记结论。"),
    ),
    ("R32.1", "major_hazard"): _major_hazard,
    ("R33.1", "unit_not_integrated"): _unit_not_integrated,
    ("R17.1", "mlps_period"): _period(
        N_("最近一次等保测评为 %(on)s，已超过 %(months)s 个月的测评周期（第十七条）。"),
        N_("请尽快开展新一轮等保测评。"),
        "mlps_evaluated_on",
    ),
    ("R18.1", "crypto_period"): _period(
        N_("最近一次密评为 %(on)s，已超过 %(months)s 个月的评估周期（第十八条）。"),
        N_("请尽快开展新一轮密评。"),
        "crypto_assessed_on",
    ),
    ("R20.1.system", "hosting_unjustified"): _static(
        N_("系统“%(name)s”未部署在数字重庆云，且未说明理由（第二十条）。"),
        N_("请迁移至数字重庆云或登记理由。"),
    ),
    ("R33.1.zombie", "zombie"): _zombie,
}


def explain(entries: Iterable[dict] | None, system_name: str) -> list[dict]:
    """Stored entries with their words: ``message`` and ``remedy`` in the reader's language,
    and the Chinese ``template``/``remedy_template`` with ``params`` they were made from."""
    out = []
    for entry in entries or []:
        words = WORDS.get((entry.get("rule_id", ""), entry.get("kind", "")))
        if words is None:  # an entry of a condition that no longer exists keeps its record
            out.append({"message": "", "remedy": "", **entry})
            continue
        template, remedy, params = words(system_name, entry.get("facts") or {})
        out.append(
            {
                **entry,
                "message": render(_(template), params),
                "remedy": render(_(remedy), params),
                "template": template,
                "remedy_template": remedy,
                "params": params,
            }
        )
    return out


# -- the facts a condition used, labelled for the decision page ---------------------------------

FACT_LABELS = {
    "catalogued": L("已纳入总目录"),
    "missing": L("缺少的审批"),
    "isolation_reason": L("不能共享的法律法规依据"),
    "overdue_requests": L("逾期未答复的共享申请"),
    "resources": L("仅向特定对象开放的资源"),
    "duplicates": L("重复采集的信息项"),
    "crypto_result": L("密评结论"),
    "crypto_assessed_on": L("最近密评日期"),
    "mlps_result": L("等保测评结论"),
    "mlps_evaluated_on": L("最近等保测评日期"),
    "major_hazard": L("存在重大安全隐患"),
    "pending_systems": L("应整合未整合的系统"),
    "projects": L("验收未通过的项目"),
    "period_months": L("周期（月）"),
    "signs": L("迹象"),
    "hosting": L("部署方式"),
    "hazard_note": L("隐患说明"),
    "monthly_visits": L("月访问量"),
    "last_maintained_on": L("最近运维日期"),
    "replaceable_by": L("可替代系统"),
    "min_monthly_visits": L("最低月访问量"),
    "idle_months": L("无运维月数阈值"),
    "policy": L("政策版本"),
    "system_id": L("系统"),
}
RESULT_LABELS = {"pass": L("符合"), "basic": L("基本符合"), "fail": L("不符合")}


def _fact_text(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if key in ("crypto_result", "mlps_result"):
        return str(RESULT_LABELS.get(value, "")) or _("未登记")
    if key == "hosting":
        return _("数字重庆云") if value == "cq_cloud" else _("其他")
    if key == "missing":
        return "、".join(_(m) for m in value or []) or "—"
    if isinstance(value, list):
        parts = [
            _("%(item)s（权威来源 %(source)s）")
            % {"item": v["item"], "source": v.get("source", "")}
            if isinstance(v, dict) and "item" in v
            else str(v)
            for v in value
        ]
        return "、".join(parts) or "—"
    if value in (None, ""):
        return "—"
    return str(value)


def fact_rows(facts: dict | None) -> list[dict]:
    """The facts a condition used, with labels (the key stays visible for audit)."""
    facts = facts or {}
    return [
        {
            "key": k,
            "label": str(FACT_LABELS.get(k, k)),
            # zombie signs are recorded as codes; their words need the other facts
            "text": "、".join(zombie_sign_texts(facts)) if k == "signs" else _fact_text(k, v),
        }
        for k, v in facts.items()
    ]


def explained(items: Iterable[dict], severity: str) -> list[dict]:
    """Explained entries in the shape the decision pages draw (severity and fact rows)."""
    return [{**f, "severity": severity, "fact_rows": fact_rows(f.get("facts"))} for f in items]
