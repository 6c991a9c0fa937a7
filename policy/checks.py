"""System checks on the rule registry: `manage.py check` fails on a rule without a proper
article, on duplicate ids, on unknown requirement ids, and on gates naming unknown rules."""

import ast
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error

from .registry import ARTICLE_PATTERN, RULE_ID_PATTERN, Registry, registry
from .requirements import REQUIREMENTS


def check_rule_registry(
    app_configs: Sequence[AppConfig] | None = None, reg: Registry | None = None, **kwargs: Any
) -> list[CheckMessage]:
    reg = reg or registry
    errors: list[CheckMessage] = []
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


# -- refusals cite; machines name what exists --------------------------------------------------

CHAPTERS = (
    "accounts",
    "catalog",
    "core",
    "delivery",
    "demo",
    "documents",
    "evidence",
    "investment",
    "planning",
    "policy",
    "projects",
    "reports",
    "supervision",
)
REFUSAL_CALLS = {"refusal", "refuse", "self.refuse"}


def _sources() -> Iterator[tuple[Path, str]]:
    """Every production module of the chapters (no migrations, no tests)."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    for chapter in CHAPTERS:
        base = root / chapter
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            if "migrations" in path.parts or "tests" in path.parts:
                continue
            yield path.relative_to(root), path.read_text(encoding="utf-8")


def _call_name(node: ast.Call) -> str:
    import ast

    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        return f"{owner}.{func.attr}" if owner else func.attr
    return ""


def refusal_problems() -> list[tuple[str, int, str]]:
    """(file, line, problem) for every refusal a user would read without a citation: an
    ``ActionConflict`` that is not one of the technical conflicts, an ``ActionError`` raised
    bare, or a refusal citing an unknown requirement id."""
    import ast

    from core.errors import TECHNICAL_CONFLICTS

    problems = []
    for rel, source in _sources():
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node)
            if name.endswith("ActionConflict"):
                technical = next((k for k in node.keywords if k.arg == "technical"), None)
                value = getattr(technical.value, "value", None) if technical else None
                if value not in TECHNICAL_CONFLICTS:
                    problems.append((str(rel), node.lineno, "ActionConflict 不是技术性冲突"))
            elif name in ("ActionError", "errors.ActionError"):
                problems.append((str(rel), node.lineno, "ActionError 未注明条款"))
            elif name in REFUSAL_CALLS and node.args:
                first = node.args[0]
                rule_id = getattr(first, "value", None)
                if (
                    isinstance(rule_id, str)
                    and ".".join(rule_id.split(".")[:2]) not in REQUIREMENTS
                ):
                    problems.append((str(rel), node.lineno, f"引用了未知的需求编号 {rule_id}"))
    return problems


def check_refusals_cite(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Every refusal a person can meet cites its requirement (non-negotiable 3)."""
    return [
        Error(
            f"{path}:{line}：{problem}。",
            hint="规章或平台规则的拒绝须以 refusal(需求编号, 说明, remedy=…) 给出条款和怎么办；"
            "只有 core.errors.TECHNICAL_CONFLICTS 中的技术性冲突可以用 ActionConflict。",
            id="govit.E010",
        )
        for path, line, problem in refusal_problems()
    ]


def check_machines(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Every machine names gates and actions that exist; every action's transition is one of
    its machine's; every state of a machine is reachable or initial."""
    from core.actions import registered
    from core.machines import machines

    errors: list[CheckMessage] = []
    actions = registered()
    for m in machines():
        for t in m.transitions:
            if t.gate and t.gate not in registry.gates:
                errors.append(
                    Error(f"流程 {m.key}.{t.code} 的关口 {t.gate} 不存在。", id="govit.E011")
                )
            if t.action and t.action not in actions:
                errors.append(
                    Error(f"流程 {m.key}.{t.code} 的动作 {t.action} 不存在。", id="govit.E012")
                )
            if t.requirement and t.requirement not in REQUIREMENTS:
                errors.append(
                    Error(
                        f"流程 {m.key}.{t.code} 的需求编号 {t.requirement} 不存在。",
                        id="govit.E013",
                    )
                )
        reachable = {t.target for t in m.transitions} | {m.initial}
        for state in m.states.values:
            if state not in reachable:
                errors.append(Error(f"流程 {m.key} 的状态 {state} 无法进入。", id="govit.E014"))
    for act in actions.values():
        if act.machine is not None and act.transition and act.transition not in act.machine.by_code:
            errors.append(
                Error(
                    f"动作 {act.name} 的环节 {act.transition} 不在流程 {act.machine.key} 中。",
                    id="govit.E015",
                )
            )
    return errors
