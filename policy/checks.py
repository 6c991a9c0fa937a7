"""System checks on the rule registry: `manage.py check` fails on a rule without a proper
article, on duplicate ids, on unknown requirement ids, and on gates naming unknown rules."""

from django.core.checks import Error

from .registry import ARTICLE_PATTERN, RULE_ID_PATTERN, registry
from .requirements import REQUIREMENTS


def check_rule_registry(app_configs=None, reg=None, **kwargs):
    reg = reg or registry
    errors = []
    for rule_id in reg.duplicates:
        errors.append(
            Error(
                f"规则编号 {rule_id} 重复注册。", hint="每条规则的编号必须唯一。", id="govit.E002"
            )
        )
    for rule_ in reg.rules.values():
        if not rule_.article or not ARTICLE_PATTERN.match(rule_.article):
            errors.append(
                Error(
                    f"规则 {rule_.id}（{rule_.module}）没有注明条款。",
                    hint="article 必须写成“第N条”，例如“第九条”。",
                    id="govit.E001",
                )
            )
        if not RULE_ID_PATTERN.match(rule_.id) or rule_.requirement_id not in REQUIREMENTS:
            errors.append(
                Error(
                    f"规则 {rule_.id} 不对应 REQUIREMENTS.md 中的任何需求编号。",
                    hint="规则编号须为 R<条>.<序号>，可加后缀如 R9.1.stage-order。",
                    id="govit.E003",
                )
            )
        elif REQUIREMENTS[rule_.requirement_id][0] != rule_.article:
            errors.append(
                Error(
                    f"规则 {rule_.id} 注明的条款 {rule_.article} 与需求 {rule_.requirement_id}"
                    f" 的条款 {REQUIREMENTS[rule_.requirement_id][0]} 不一致。",
                    id="govit.E004",
                )
            )
        if not rule_.title:
            errors.append(Error(f"规则 {rule_.id} 缺少标题。", id="govit.E005"))
    for code, (_title, _action, rule_ids) in reg.gates.items():
        for rule_id in rule_ids:
            if rule_id not in reg.rules:
                errors.append(Error(f"关口 {code} 引用了不存在的规则 {rule_id}。", id="govit.E006"))
    return errors
