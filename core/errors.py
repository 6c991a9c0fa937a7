"""Typed errors raised by actions. Views and the API turn them into messages/JSON.

A refusal for a reason of the measures or of the platform is an ``ActionBlocked`` carrying
findings (rule id, article, what to do). ``ActionConflict`` is kept for the short list of
purely technical conflicts in ``TECHNICAL_CONFLICTS``; ``manage.py check`` (govit.E010) fails
on any other use, so that every refusal a civil servant reads names its article.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from .findings import Finding

# The only conflicts that are not rules: they say "try again", not "the measures forbid".
TECHNICAL_CONFLICTS = {
    "stale": "对象已被他人处理或已变化，请刷新页面后重试。",
    "taken": "该编号或名称刚被他人占用，请刷新后重试。",
    "busy": "该事项正在处理中，请稍后重试。",
}


class ActionError(Exception):
    """Base class: carries a machine code, a Chinese message and optional findings."""

    code = "action_error"
    http_status = 400

    def __init__(self, message: str, *, findings: Sequence[Finding] | None = None, code: str = ""):
        super().__init__(message)
        self.message = message
        self.findings = list(findings or [])
        if code:
            self.code = code


class ActionBlocked(ActionError):
    """Rules with severity 'block' refuse the action; ``findings`` say which article and what
    to do. ``decision`` is the stored gate decision when a gate was evaluated."""

    code = "blocked"
    http_status = 409

    def __init__(self, findings: Sequence[Finding], decision: Any = None, message: str = ""):
        self.decision = decision
        articles = "、".join(dict.fromkeys(f.article for f in findings if f.blocks and f.article))
        super().__init__(
            message
            or _("操作被%(articles)s的规定阻止，请查看下列原因并按提示处理。")
            % {"articles": articles or _("平台")},
            findings=findings,
        )


class ActionInvalid(ActionError):
    """Input failed validation; ``errors`` maps field names to Chinese messages."""

    code = "invalid"
    http_status = 422

    def __init__(self, message: str, errors: dict[str, Any] | None = None):
        super().__init__(message)
        self.errors = errors or {}


class ActionForbidden(ActionError):
    """The actor may not take this action. Answered as 404 everywhere: missing and forbidden
    look the same, so a refusal never confirms that an object exists."""

    code = "forbidden"
    http_status = 404

    def __init__(self, message: str = "", **kwargs: Any):
        super().__init__(message or _("未找到该对象，或您无权访问。"), **kwargs)


class ActionConflict(ActionError):
    """A purely technical conflict (``TECHNICAL_CONFLICTS``): the object changed under the
    actor, a number was just taken, or the work is already running."""

    code = "conflict"
    http_status = 409

    def __init__(self, message: str = "", *, technical: str = "stale", **kwargs: Any):
        if technical not in TECHNICAL_CONFLICTS:
            raise ValueError(f"unknown technical conflict {technical!r}")
        self.technical = technical
        super().__init__(message or _(TECHNICAL_CONFLICTS[technical]), **kwargs)
