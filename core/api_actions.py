"""Every action over JSON, and what each object offers its user now.

``GET /api/next-steps/{model}/{id}`` answers the "您现在可以办理" card of an object: each action
the user may take on it (or on what hangs from it), whether it can be done now, and the
findings that block or warn. ``POST /api/actions/{name}/{id}`` (``/api/actions/{name}`` for an
action that creates its object) does an action: its body is the action's input contract, so
the API documents and validates exactly what the page form and the spreadsheet import use.
"""

from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from ninja import Field, Router, Schema

from . import actions as registry
from .actions import Action
from .api import ACT_ERRORS, ErrorOut, FindingOut, finding_dict
from .errors import ActionForbidden
from .offers import next_steps


class OfferOut(Schema):
    action: str = Field(..., description="动作名称，办理时 POST /api/actions/{action}/{target_id}")
    label: str
    target_type: str
    target_id: int | None
    enabled: bool = Field(..., description="现在能否办理；不能时 findings 说明原因和怎么办")
    has_input: bool
    findings: list[FindingOut]


class DutyOut(Schema):
    title: str
    due: Any = None
    overdue: bool
    detail: str


class NextStepsOut(Schema):
    offers: list[OfferOut]
    duties: list[DutyOut]


class ActionResultOut(Schema):
    action: str
    result_type: str = Field(..., description="办理结果对象的类型，如 projects.project")
    result_id: str
    url: str = Field(..., description="结果对象的页面地址")


def _offer_out(offer: Any) -> dict[str, Any]:
    target = offer.target
    return {
        "action": offer.action.name,
        "label": offer.label,
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": getattr(target, "pk", None),
        "enabled": offer.enabled,
        "has_input": offer.action.Input is not None,
        "findings": [finding_dict(f) for f in offer.findings],
    }


def _result_out(act: Action, target: Any, result: Any) -> dict[str, Any]:
    obj = result if hasattr(result, "_meta") else target
    return {
        "action": act.name,
        "result_type": obj._meta.label_lower if obj is not None else "",
        "result_id": str(getattr(obj, "pk", "") or ""),
        "url": act.next_url(target, result),
    }


def build_router() -> Router:
    """The routes of every registered action (call once all apps are ready)."""
    router = Router(tags=["办理"])

    @router.get(
        "/next-steps/{model}/{int:obj_id}",
        response={200: NextStepsOut, 401: ErrorOut, 404: ErrorOut},
        summary="您现在可以办理",
    )
    def steps(request: Any, model: str, obj_id: int) -> dict[str, Any]:
        """对象（如 ``projects.project``）当前可办理的动作：能办理的 ``enabled`` 为 true；不能办理的
        附阻止原因（条款、规则编号、怎么办）。另列本单位须按期完成的事项。"""
        try:
            model_class = apps.get_model(model)
        except (LookupError, ValueError) as exc:
            raise Http404 from exc
        qs: Any = model_class._default_manager.all()  # for_user: the model's own queryset
        if not hasattr(qs, "for_user"):
            raise Http404
        try:
            obj = qs.for_user(request.auth).get(pk=obj_id)
        except (ObjectDoesNotExist, OverflowError) as exc:  # the model's DoesNotExist
            raise Http404 from exc
        found = next_steps(obj, request.auth)
        return {
            "offers": [_offer_out(o) for o in found.offers],
            "duties": [
                {"title": d.title, "due": d.due, "overdue": d.overdue, "detail": d.detail}
                for d in found.duties
            ],
        }

    for act in sorted(registry.registered().values(), key=lambda a: a.name):
        _add_route(router, act)
    return router


def _add_route(router: Router, act: Action) -> None:
    doc = (act.__doc__ or "").strip()
    summary = str(act.label) or act.name
    options: dict[str, Any] = {
        "response": {200: ActionResultOut, **ACT_ERRORS},
        "summary": summary,
        "description": doc,
        "operation_id": f"act_{act.name.replace('.', '_')}",
    }

    def run(request: Any, obj_id: int | None, payload: Any) -> dict[str, Any]:
        target = None
        if obj_id is not None:
            try:
                target = act.load(obj_id, request.auth)
            except ActionForbidden as exc:
                raise Http404 from exc
        if payload is not None and act.partial:
            payload = payload.model_dump(exclude_unset=True)
        result = act.execute(obj_id, payload, acting_user=request.auth)
        return _result_out(act, target, result)

    # an edit takes the fields it is given; the others keep their values (Action.partial)
    input_type = act.Input.patch_schema() if act.Input is not None and act.partial else act.Input
    if act.model is not None:
        path = f"/actions/{act.name}/{{int:obj_id}}"
        if input_type is not None:

            def with_input(request: Any, obj_id: int, payload: input_type) -> dict[str, Any]:  # type: ignore[valid-type]
                return run(request, obj_id, payload)

            router.post(path, **options)(with_input)
        else:

            def without_input(request: Any, obj_id: int) -> dict[str, Any]:
                return run(request, obj_id, None)

            router.post(path, **options)(without_input)
    else:
        path = f"/actions/{act.name}"
        if input_type is not None:

            def create_with_input(request: Any, payload: input_type) -> dict[str, Any]:  # type: ignore[valid-type]
                return run(request, None, payload)

            router.post(path, **options)(create_with_input)
        else:

            def create(request: Any) -> dict[str, Any]:
                return run(request, None, None)

            router.post(path, **options)(create)
