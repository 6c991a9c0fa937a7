"""Data sharing between units (Art. 14): a unit requests another unit's resource, the provider
answers within the policy's period (an unanswered request past it makes the providing systems
ineligible for O&M funding, R31.2), and the requester reports how the data is used."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, ClassVar

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from accounts.models import Organisation
from accounts.recipients import is_unit_staff, unit_ids_of, unit_staff
from core.dates import today
from core.enums import ActionCode
from core.errors import ActionForbidden
from core.findings import Finding
from core.ledger import record_event
from core.notify import notify
from policy.gates import refusal
from policy.lookup import policy_in_force

from ..contracts import CatalogSharingAnswerIn, CatalogSharingRequestIn, CatalogSharingUsageIn
from ..machines import SHARING_REQUEST
from ..models import (
    DataResource,
    ShareType,
    SharingFeedback,
    SharingRequest,
    SharingState,
)
from .base import UNIT, CatalogAction, of_record


class SharingAction(CatalogAction):
    """An action of the sharing mechanism of Art. 14."""

    roles = UNIT
    article = "第十四条"
    requirement = "R14.4"


def _requester_units(user: Any, resource: DataResource) -> list[int]:
    return sorted(unit_ids_of(user) - {resource.provider_id})


class RequestSharing(SharingAction):
    """A unit requests another unit's resource for a stated purpose; the provider must answer
    within the policy's ``sharing_response_days`` (Art. 14)."""

    label = _("申请共享")
    model = DataResource
    Input = CatalogSharingRequestIn
    lock = False
    offered_on = "catalog.dataresource"
    success = _("已提交共享申请，资源提供方须在答复期限内答复（第十四条）。")

    def allowed(self, obj: Any, user: Any) -> bool:
        return bool(_requester_units(user, obj))

    def choices(self, obj: Any, user: Any) -> dict:
        units = Organisation.objects.filter(pk__in=_requester_units(user, obj)).order_by("name")
        return {"requester": [(u.pk, u.display_name) for u in units]}

    def initial(self, obj: Any, user: Any) -> dict:
        units = _requester_units(user, obj)
        return {"requester": units[0]} if len(units) == 1 else {}

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        given = data.model_dump(exclude_unset=True) if hasattr(data, "model_dump") else data
        values = dict(given or {})
        units = _requester_units(user, obj)
        if values.get("requester") in (None, "") and units:
            values["requester"] = units[0]
        clean = CatalogSharingRequestIn.parse(values)
        if clean.requester not in unit_ids_of(user):
            raise ActionForbidden()
        return clean

    def refusals(self, obj: Any, user: Any, data: Any) -> list[Finding]:
        if obj.share_type == ShareType.NONE:
            return [
                refusal(
                    "R14.4.not-shared",
                    N_("该资源为不予共享（依据：%(basis)s），不能申请（第十四条）。"),
                    remedy=N_("如确需使用，请与资源提供方协商或依法另行申请。"),
                    params={"basis": obj.share_basis},
                )
            ]
        if data is not None and data.requester == obj.provider_id:
            return [
                refusal(
                    "R14.4.own-resource",
                    N_("不能申请本单位自己的数据资源（第十四条）。"),
                    remedy=N_("请以需要使用该资源的其他单位名义申请。"),
                    params={},
                )
            ]
        return []

    def perform(self, obj: Any, data: CatalogSharingRequestIn, user: Any, decision: Any) -> Any:
        assert data.requester is not None  # parse_for filled it in
        days = policy_in_force(obj.provider).p.sharing_response_days
        on = today()
        request = SharingRequest.objects.create(
            resource=obj,
            requester_id=data.requester,
            purpose=data.purpose,
            requested_on=on,
            due_on=on + dt.timedelta(days=days),
            requested_by=user,
        )
        record_event(
            ActionCode.SHARING_REQUESTED,
            actor=user,
            obj=request,
            organisation=data.requester,
            to_state=request.state,
            reason=f"申请共享 {obj.resource_code}，答复期限 {request.due_on:%Y-%m-%d}"
            f"（{days} 日，第十四条）",
        )
        notify(
            unit_staff(obj.provider_id),
            title=f"共享申请待答复：{obj.name}（{request.requester.display_name}）",
            body=data.purpose,
            link=request.get_absolute_url(),
        )
        return request

    def next_url(self, obj: Any, result: Any) -> str:
        return reverse("catalog:sharing_mine")


class OnRequest(SharingAction):
    """An action on a sharing request, offered on its page."""

    model = SharingRequest
    machine = SHARING_REQUEST
    offered_on: ClassVar[str | tuple[str, ...]] = "catalog.sharingrequest"


class AnswerSharing(OnRequest):
    """The provider grants or refuses a request (a refusal says why); an answer after the due
    date is marked late (Art. 14)."""

    label = _("答复共享申请")
    states = (SharingState.PENDING,)
    Input = CatalogSharingAnswerIn
    offered_on: ClassVar[str | tuple[str, ...]] = ("catalog.sharingrequest", "catalog.dataresource")
    confirm = _(
        "答复后不能更改；逾期未答复的申请使提供系统不予安排运维经费（第十四条、第三十一条）。"
    )

    def targets(self, page_obj: Any, user: Any) -> Iterator[Any]:
        if isinstance(page_obj, DataResource):
            yield from page_obj.requests.filter(state=SharingState.PENDING).select_related(
                "requester", "resource"
            )
        else:
            yield page_obj

    def target_label(self, obj: Any) -> str:
        return gettext("%(unit)s 的申请：%(purpose)s") % {
            "unit": obj.requester.display_name,
            "purpose": obj.purpose,
        }

    def allowed(self, obj: Any, user: Any) -> bool:
        return is_unit_staff(user, obj.resource.provider_id)

    def initial(self, obj: Any, user: Any) -> dict:
        return {"grant": True}

    def perform(self, obj: Any, data: CatalogSharingAnswerIn, user: Any, decision: Any) -> Any:
        obj.answer = data.answer
        obj.answered_on = today()
        obj.answered_by = user
        late = obj.answered_on > obj.due_on
        SHARING_REQUEST.move(
            obj,
            "grant" if data.grant else "refuse",
            actor=user,
            event=ActionCode.SHARING_ANSWERED,
            organisation=obj.resource.provider_id,
            reason=of_record(SHARING_REQUEST["grant" if data.grant else "refuse"].label)
            + ("（逾期答复）" if late else ""),
            data={"late": late},
            update_fields=["answer", "answered_on", "answered_by"],
        )
        notify(
            unit_staff(obj.requester_id),
            title=f"共享申请{obj.get_state_display()}：{obj.resource.name}",
            body=data.answer,
            link=obj.get_absolute_url(),
        )
        return obj

    def success_message(self, obj: Any, result: Any) -> str:
        if result.state == SharingState.GRANTED:
            return gettext("已同意共享。")
        return gettext("已答复不予共享。")


class ReportSharingUsage(OnRequest):
    """The requester reports how the granted data is used (Art. 14: 共享数据使用情况反馈)."""

    label = _("反馈使用情况")
    states = (SharingState.GRANTED,)
    Input = CatalogSharingUsageIn
    lock = False
    success = _("已反馈使用情况。")
    style = "outline-primary"

    def allowed(self, obj: Any, user: Any) -> bool:
        return is_unit_staff(user, obj.requester_id)

    def initial(self, obj: Any, user: Any) -> dict:
        return {"satisfied": True}

    def perform(
        self, obj: Any, data: CatalogSharingUsageIn, user: Any, decision: Any
    ) -> SharingFeedback:
        feedback = SharingFeedback.objects.create(
            request=obj,
            usage=data.usage,
            satisfied=data.satisfied,
            reported_by=user,
            reported_on=today(),
        )
        record_event(
            ActionCode.SHARING_FEEDBACK,
            actor=user,
            obj=obj,
            organisation=obj.requester_id,
            reason=f"反馈使用情况（{'满足' if data.satisfied else '不满足'}需要）",
        )
        notify(
            unit_staff(obj.resource.provider_id),
            title=f"共享使用反馈：{obj.resource.name}",
            body=data.usage,
            link=obj.get_absolute_url(),
        )
        return feedback

    def next_url(self, obj: Any, result: Any) -> str:
        return obj.get_absolute_url()


request_sharing = RequestSharing()
answer_sharing = AnswerSharing()
report_sharing_usage = ReportSharingUsage()
