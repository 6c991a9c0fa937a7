"""How pages call actions and show gates: one place for every chapter's views.

``run_action`` turns an action's typed errors into what a civil servant sees: forbidden and
missing answer 404; invalid input goes back onto the form (or into the message); a blocked
action says which articles block it and why; a conflict says what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest

from .errors import ActionBlocked, ActionError, ActionForbidden, ActionInvalid
from .findings import Finding, StrOrPromise


def blocked_details(findings: Iterable[Finding]) -> str:
    """The blocking findings as one sentence, each with its article."""
    return "；".join(
        f.text if f.article in f.text else f"{f.text}（{f.article}）" for f in findings if f.blocks
    )


def run_action(
    request: HttpRequest,
    func: Callable[[], Any],
    *,
    form: Any = None,
    success: StrOrPromise = "",
    on_invalid: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    on_findings: Callable[[HttpRequest, list[Finding], Any], object] | None = None,
    details: bool = True,
) -> tuple[Any, bool]:
    """Call ``func`` (an action with its arguments bound); return (result, ok).

    ``on_invalid(errors) -> errors`` may rename field keys for the form; ``on_findings(request,
    findings, form)`` keeps refused findings for the page drawn next; ``details=False`` leaves
    the findings out of the message when that page shows them anyway."""
    try:
        result = func()
    except ActionForbidden as exc:
        raise Http404 from exc
    except ActionInvalid as exc:
        errors = dict(exc.errors)
        if on_invalid is not None:
            errors = on_invalid(errors)
        if form is not None and errors:
            form.add_action_errors(errors)
            messages.error(request, exc.message)
        else:
            extra = [str(e) for e in errors.values() if str(e) not in exc.message]
            messages.error(request, " ".join([exc.message, *extra]))
        return None, False
    except ActionBlocked as exc:
        text = blocked_details(exc.findings) if details else ""
        messages.error(request, f"{exc.message} {text}".strip())
        if on_findings is not None:
            on_findings(request, exc.findings, form)
        return None, False
    except ActionError as exc:
        messages.error(request, exc.message)
        if on_findings is not None and exc.findings:
            on_findings(request, exc.findings, form)
        return None, False
    if success:
        messages.success(request, success)
    return result, True


def any_blocks(findings: Iterable[Finding]) -> bool:
    return any(f.blocks for f in findings)


def form_errors(form: Any) -> str:
    return "；".join(str(e) for errs in form.errors.values() for e in errs)
