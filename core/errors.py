"""Typed errors raised by actions. Views and the API turn them into messages/JSON."""

from __future__ import annotations

from collections.abc import Sequence


class ActionError(Exception):
    """Base class: carries a machine code, a Chinese message and optional findings."""

    code = "action_error"
    http_status = 400

    def __init__(self, message: str, *, findings: Sequence | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.findings = list(findings or [])
        if code:
            self.code = code


class ActionBlocked(ActionError):
    """A gate rule with severity 'block' failed; ``findings`` say which article and what to do."""

    code = "blocked"
    http_status = 409

    def __init__(self, findings, decision=None, message: str | None = None):
        self.decision = decision
        articles = "、".join(dict.fromkeys(f.article for f in findings if f.blocks))
        super().__init__(
            message or f"操作被{articles}的规定阻止，请查看下列原因并按提示处理。",
            findings=findings,
        )


class ActionInvalid(ActionError):
    """Input failed validation; ``errors`` maps field names to Chinese messages."""

    code = "invalid"
    http_status = 422

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.errors = errors or {}


class ActionForbidden(ActionError):
    """The actor may not take this action. Answered as 404 everywhere: missing and forbidden
    look the same, so a refusal never confirms that an object exists."""

    code = "forbidden"
    http_status = 404


class ActionConflict(ActionError):
    """The object changed under the actor (e.g. another reviewer acted first)."""

    code = "conflict"
    http_status = 409
