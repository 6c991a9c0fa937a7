"""The 渝快办 online channel (Art. 8): a requirement pushed by the city's service platform
becomes a draft project of its unit, once per external reference."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from accounts.models import Organisation
from accounts.roles import OrgKind
from core.enums import ActionCode
from core.errors import ActionConflict, ActionForbidden, ActionInvalid
from core.ledger import record_event

from ..contracts import ProjectIntakeIn
from ..machines import UNIT
from ..models import Channel, Project
from ..services import next_project_code
from ..visibility import is_unit_staff
from .base import unit_of
from .drafting import ClassifiedRefused, project_fields, record_created


def intake_unit(data: ProjectIntakeIn) -> Organisation:
    """The unit named by number or by unified social credit code (an unknown one: 404)."""
    units = Organisation.objects.filter(kind=OrgKind.UNIT)
    unit = None
    if data.credit_code:
        unit = units.filter(credit_code=data.credit_code).first()
        if unit is not None and data.unit_id is not None and data.unit_id != unit.pk:
            raise ActionInvalid(
                _("填写内容有误，请按提示修改。"),
                {"credit_code": _("统一社会信用代码与建设单位编号不一致。")},
            )
    elif data.unit_id is not None:
        unit = units.filter(pk=data.unit_id).first()
    if unit is None:
        raise ActionForbidden()
    return unit


class ReceiveExternalRequirement(ClassifiedRefused):
    """A requirement from the 渝快办 platform, pushed by the unit's own staff token.
    Idempotent on ``external_ref``: the same reference twice returns the first project.
    Returns (project, created)."""

    label = L("接收渝快办需求")
    model = None
    roles = UNIT
    Input = ProjectIntakeIn
    offered_on = ""
    article = "第八条"
    requirement = "R8.1"

    def unit_for(self, obj: Any, user: Any, data: Any) -> Any:
        return intake_unit(data)

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        clean = ProjectIntakeIn.parse(data)
        unit_of(user, intake_unit(clean))  # only for the token holder's own unit
        return clean

    def perform(self, obj: Any, data: ProjectIntakeIn, user: Any, decision: Any) -> Any:
        unit = intake_unit(data)
        existing = self.existing(data.external_ref, unit, user)
        if existing is not None:
            return existing, False
        try:
            # A savepoint: when the same reference arrives twice at the same moment, the
            # second insert hits the unique constraint and returns the first one instead.
            with transaction.atomic():
                project = Project.objects.create(
                    unit=unit,
                    code=next_project_code(data.year),
                    created_by=user,
                    channel=Channel.YUKUAIBAN,
                    external_ref=data.external_ref,
                    **project_fields(data, unit.pk),
                )
        except IntegrityError:
            existing = self.existing(data.external_ref, unit, user)
            if existing is None:
                raise
            return existing, False
        record_created(project, user)
        record_event(
            ActionCode.EXTERNAL_REQUIREMENT_RECEIVED,
            actor=user,
            obj=project,
            organisation=project.unit_id,
            reason=f"接收渝快办需求 {data.external_ref}",
            data={"external_ref": data.external_ref},
        )
        return project, True

    @staticmethod
    def existing(ref: str, unit: Organisation, user: Any) -> Project | None:
        found = Project.objects.filter(external_ref=ref).first()
        if found is not None and (found.unit_id != unit.pk or not is_unit_staff(user, unit.pk)):
            raise ActionConflict(_("该外部渠道编号已被使用，请核对后重新提交。"), technical="taken")
        return found

    def next_url(self, obj: Any, result: Any) -> str:
        project = result[0] if isinstance(result, tuple) else result
        return project.get_absolute_url() if project is not None else "/projects/"


receive_external_requirement = ReceiveExternalRequirement()
