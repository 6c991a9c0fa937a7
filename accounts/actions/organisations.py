"""The directory of organisations (Art. 2: the units; Art. 4, 5: the authorities; Art. 9, 22:
consultants and supervisors; Art. 39: districts), kept by the platform admin."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from core.contracts import initial_of
from core.enums import ActionCode
from core.ledger import record_event

from ..contracts import OrganisationChangeIn, OrganisationIn
from ..models import Organisation
from ..roles import OrgKind
from .base import AccountAction, invalid, org_url

ORG_FIELDS = (
    "name",
    "short_name",
    "kind",
    "unit_category",
    "authority",
    "district",
    "division_code",
    "credit_code",
    "contact_phone",
    "is_active",
)
INVALID = L("组织信息有误，请按提示修改。")


def _districts(exclude: Any = None) -> Any:
    return Organisation.objects.filter(kind=OrgKind.DISTRICT).exclude(pk=exclude).order_by("name")


def _apply(org: Organisation, data: OrganisationIn) -> None:
    """Lay the input over ``org``: a category only for units and an authority code only for
    authorities (others are cleared); the district must be one, names and codes unique."""
    for name, value in data.model_dump().items():
        if name in ORG_FIELDS and name != "district":
            setattr(org, name, value)
    if org.kind != OrgKind.UNIT:
        org.unit_category = ""
    if org.kind != OrgKind.AUTHORITY:
        org.authority = ""
    errors: dict[str, str] = {}
    org.district = None
    if data.district:
        org.district = _districts(exclude=org.pk).filter(pk=data.district).first()
        if org.district is None:
            errors["district"] = _("请选择有效的区县。")
    if org.authority:
        clash = Organisation.objects.filter(authority=org.authority).exclude(pk=org.pk).first()
        if clash is not None:
            errors["authority"] = _("该主管部门已由“%(name)s”登记，不能重复。") % {
                "name": clash.name
            }
    if Organisation.objects.filter(name=org.name).exclude(pk=org.pk).exists():
        errors["name"] = _("已有同名组织。")
    if errors:
        raise invalid(str(INVALID), errors)


def _snapshot(org: Organisation) -> dict[str, str]:
    return {k: str(getattr(org, k if k != "district" else "district_id")) for k in ORG_FIELDS}


class OrganisationAction(AccountAction):
    def choices(self, obj: Any, user: Any) -> dict[str, list[tuple[Any, Any]]]:
        districts = _districts(exclude=getattr(obj, "pk", None))
        return {"district": [(d.pk, d.name) for d in districts]}


class CreateOrganisation(OrganisationAction):
    """Register an organisation: a unit (with its Art. 2 category, or its district), an
    authority (with its code), a consultant, a supervisor or a district."""

    label = L("新建组织")
    Input = OrganisationIn
    article = "第二条"
    success = L("已创建组织。")

    def perform(self, obj: Any, data: OrganisationIn, user: Any, decision: Any) -> Organisation:
        org = Organisation()
        _apply(org, data)
        org.save()
        record_event(
            ActionCode.ORG_CREATED,
            actor=user,
            obj=org,
            organisation=org,
            data={k: getattr(org, k if k != "district" else "district_id") for k in ORG_FIELDS},
        )
        return org

    def success_message(self, obj: Any, result: Any) -> str:
        return _("已创建组织“%(name)s”。") % {"name": result.name}

    def next_url(self, obj: Any, result: Any) -> str:
        return org_url(result) if result is not None else reverse("accounts:org_list")


class UpdateOrganisation(OrganisationAction):
    """Change an organisation's details; the ledger keeps what changed."""

    label = L("编辑组织信息")
    model = Organisation
    Input = OrganisationChangeIn
    partial = True
    article = "第二条"
    offered_on = "accounts.organisation"
    success = L("已保存。")
    style = "outline-primary"

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        return initial_of(OrganisationChangeIn, obj)

    def perform(
        self, obj: Organisation, data: OrganisationChangeIn, user: Any, decision: Any
    ) -> Organisation:
        before = _snapshot(obj)
        _apply(obj, data)
        after = _snapshot(obj)
        obj.save()
        record_event(
            ActionCode.ORG_UPDATED,
            actor=user,
            obj=obj,
            organisation=obj,
            data={"changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}},
        )
        return obj

    def next_url(self, obj: Any, result: Any) -> str:
        return org_url(obj)


create_organisation = CreateOrganisation()
update_organisation = UpdateOrganisation()
