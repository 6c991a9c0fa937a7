"""Official notices: their numbers (文号), texts and cited clauses, kept with each record so
that a PDF (整改通知书, 通报批评, 处理决定) can be generated from the record alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation

from accounts.roles import Authority

# 文号 prefixes by issuing authority
PREFIX = {
    Authority.DRC: "渝发改",
    Authority.FINANCE: "渝财",
    Authority.BDB: "渝数据",
    Authority.CAC: "渝网信",
    Authority.PSB: "渝公网",
    Authority.CRYPTO: "渝密",
    Authority.SECRECY: "渝保密",
    Authority.AUDIT: "渝审",
}

# the clause each kind of notice rests on (Art. 34-38, Art. 24)
ART = {
    "第二十四条": "项目建设过程中出现工程严重逾期、投资重大损失等问题的，市发展改革委同市财政局按照有关规定督促项目建设单位进行整改或者暂停项目建设。",
    "第三十四条": "项目建设单位应当接受监督管理，如实提供建设项目有关资料和情况，不得拒绝、隐匿、瞒报。",
    "第三十五条": "发现违反国家和市级有关规定或者批复要求的，应当要求项目建设单位限期整改。逾期不整改或者整改后仍不符合要求的，市发展改革委、市财政局可以对其进行通报批评、暂缓安排投资计划、暂停项目建设直至终止项目实施。",
    "第三十六条": "市审计局应当依法加强对市级政务信息系统的审计，促进项目资金使用真实、合法和高效。",
    "第三十七条": "根据评价结果对市级政务信息化项目存在的问题提出整改意见。",
    "第三十八条": "单位或者个人违反本办法规定的，市级有关监督管理部门应当予以通报批评，并对负有直接责任的主管人员和其他责任人员依法依规给予处分。",
}


def zh(value: Any) -> str:
    """A label in Chinese, the language of the record (notices, the ledger, notifications and
    the stored findings), whatever the language of the person acting."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(value)


def display(obj: Any, field: str) -> str:
    """``obj.get_<field>_display()`` in Chinese (``zh``)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(getattr(obj, f"get_{field}_display")())


def clause(article: str, text: str = "") -> dict[str, str]:
    """A cited clause: the article and its words (the measures' own by default)."""
    return {"article": article, "text": text or ART.get(article, "")}


def next_number(model: type[models.Model], authority: Any, word: str, on: dt.date) -> str:
    """The next 文号 of ``authority`` for ``word`` in ``on``'s year: 渝发改整改〔2026〕3号.
    Counting the year's numbers of the same prefix; the unique constraint catches a race."""
    prefix = f"{PREFIX.get(authority.authority, authority.display_name)}{word}〔{on.year}〕"
    taken = model._default_manager.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1}号"


def request_text(req: Any) -> str:
    return (
        f"{req.unit.name}：\n根据《重庆市市级政务信息化项目管理办法》第三十四条，"
        f"请你单位于 {req.deadline:%Y年%m月%d日} 前如实提供{_about(req)}以下资料和情况，"
        f"不得拒绝、隐匿、瞒报：\n{req.matter}"
    )


def order_text(order: Any) -> str:
    article = f"（{order.breached_article}）" if order.breached_article else ""
    return (
        f"{order.unit.name}：\n经{display(order, 'duty')}监督检查，{_about(order)}存在以下问题："
        f"{order.problem}\n上述情况违反{order.breached}{article}。根据《重庆市市级政务信息化项目"
        f"管理办法》第三十五条，请你单位于 {order.deadline:%Y年%m月%d日} 前完成整改并报告整改情况："
        f"{order.requirement}\n逾期不整改或者整改后仍不符合要求的，市发展改革委、市财政局可以对其"
        f"进行通报批评、暂缓安排投资计划、暂停项目建设直至终止项目实施。"
    )


def order_clauses(order: Any, extra: str = "") -> list[dict[str, str]]:
    clauses = [clause("第三十五条")]
    if extra:
        clauses.insert(0, clause(extra))
    if order.breached_article:
        clauses.append({"article": order.breached_article, "text": order.breached})
    return clauses


def sanction_text(sanction: Any, kind_label: str, ground: str, article: str) -> str:
    return (
        f"关于对{sanction.unit.name}{_about(sanction)}{kind_label}的决定\n{sanction.reasons}\n"
        f"根据《重庆市市级政务信息化项目管理办法》{article}，决定{kind_label}。依据：{ground}。"
    )


def _about(record: Any) -> str:
    if record.project_id:
        return f"项目{record.project.code}《{record.project.name}》"
    if record.system_id:
        return f"政务信息系统{record.system.code}《{record.system.name}》"
    return ""
