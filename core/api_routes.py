"""The three kinds of endpoint every chapter's API declares — a paginated list, a read, an
action, an Excel export — each with the error answers and the pagination the whole API shares, so that an
endpoint states only what is its own: its path, its schema, its summary and its docstring.

A chapter's router is a ``Routes`` (a ninja ``Router``): ``@router.list("/incidents",
IncidentOut, "重大事项列表")`` is ``@router.get(..., response={200: list[IncidentOut],
**READ_ERRORS})`` over ``@paginate(PageNumberPagination, **PAGINATION)``, and
``router.tagged(["重大事项"])`` declares on the same router under a section's tags. The
OpenAPI document is the same as with the longhand.
"""

from collections.abc import Callable
from typing import Any

from ninja import Router
from ninja.pagination import paginate

from .api import ACT_ERRORS, LIST_ERRORS, PAGINATION, READ_ERRORS, PageNumberPagination
from .xlsx import XLSX_OPENAPI

View = Callable[..., Any]
Register = Callable[[View], View]


class EndpointKinds:
    """``list``, ``read``, ``act`` and ``create``; ``_operation`` declares on a router."""

    def _operation(
        self, method: str, path: str, summary: str, response: dict[int, Any], options: Any
    ) -> Register:
        raise NotImplementedError

    def list(
        self, path: str, out: Any, summary: str, errors: Any = READ_ERRORS, **options: Any
    ) -> Register:
        """``GET path``: a page of ``out`` rows (``page``/``page_size`` or ``limit``/``offset``);
        ``errors``: a list that is not under an object has no 404 to declare."""
        declare = self._operation("GET", path, summary, {200: list[out], **errors}, options)

        def register(view: View) -> View:
            paged: View = paginate(PageNumberPagination, **PAGINATION)(view)
            return declare(paged)

        return register

    def read(self, path: str, out: Any, summary: str, **options: Any) -> Register:
        """``GET path``: one ``out``; missing and forbidden alike answer 404."""
        return self._operation("GET", path, summary, {200: out, **READ_ERRORS}, options)

    def act(
        self,
        path: str,
        out: Any,
        summary: str,
        method: str = "POST",
        status: int = 200,
        **options: Any,
    ) -> Register:
        """``POST path`` (or ``method``): an action answering ``status`` with ``out``, 409 with
        the findings of a refusal, 422 with the invalid fields."""
        return self._operation(method, path, summary, {status: out, **ACT_ERRORS}, options)

    def export(self, path: str, summary: str, **options: Any) -> Register:
        """``GET path``: an Excel file of a list (its filters in the query)."""
        extra = {"openapi_extra": XLSX_OPENAPI, **options}
        return self._operation("GET", path, summary, LIST_ERRORS, extra)

    def create(self, path: str, out: Any, summary: str, **options: Any) -> Register:
        """``POST path``: an action that makes ``out`` and answers 201."""
        return self._operation("POST", path, summary, {201: out, **ACT_ERRORS}, options)


class Routes(EndpointKinds, Router):
    """A chapter's router, with the four kinds of endpoint."""

    def _operation(
        self, method: str, path: str, summary: str, response: dict[int, Any], options: Any
    ) -> Register:
        declare: Register = self.api_operation(
            [method], path, summary=summary, response=response, **options
        )
        return declare

    def tagged(self, tags: list[str]) -> "Tagged":
        """Declarations on this router under a section's ``tags``."""
        return Tagged(self, tags)


class Tagged(EndpointKinds):
    """A section of a router: every endpoint declared through it carries its tags."""

    def __init__(self, router: Routes, tags: list[str]) -> None:
        self.router = router
        self.tags = tags

    def _operation(
        self, method: str, path: str, summary: str, response: dict[int, Any], options: Any
    ) -> Register:
        return self.router._operation(
            method, path, summary, response, {"tags": self.tags, **options}
        )


def perform(request: Any, action: Any, obj: Any = None, data: Any = None) -> Any:
    """``action`` (a ``core.actions.Action``) done by the request's user on ``obj`` (an id, or
    ``None`` for an action that creates) with ``data``, its input contract: what every action
    endpoint runs. Its refusals become 404, 409 or 422 in the API's error handlers."""
    return action.execute(obj, data, acting_user=request.auth)
