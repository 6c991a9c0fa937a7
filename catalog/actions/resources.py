"""The data resource catalog (Art. 14): a unit compiles its resources after the national
compilation guide, with their sharing and opening terms and their information items; BDB
names the authoritative sources whose items others must not collect again (Art. 31)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.contracts import initial_of
from core.enums import ActionCode
from core.errors import ActionConflict, ActionInvalid
from core.findings import Finding
from core.ledger import record_event

from ..contracts import (
    CatalogResourceCreateIn,
    CatalogResourceIn,
    CatalogResourcePatchIn,
    items_text,
)
from ..models import DataResource, DataType, InformationItem, InformationSystem
from .base import (
    EDITORS,
    CatalogAction,
    ForOwnUnit,
    acting_units,
    authoritative_refusals,
    may_edit,
)

# the fields of a resource row itself (its items and systems are stored apart)
OWN_FIELDS = tuple(
    name for name in CatalogResourceIn.model_fields if name not in ("items", "systems")
)
Row = tuple[str, str, int | None, int | None]  # item name, data type, length, owning system


def item_key(name: str, data_type: str) -> str:
    """Normalised name + data type: full-width/half-width, spaces and case do not matter, so
    that the same item collected again is found (Art. 31)."""
    norm = unicodedata.normalize("NFKC", name or "")
    norm = re.sub(r"[\s_\-·（）()]+", "", norm).lower()
    return f"{norm}|{data_type}"


def _item_rows(
    data: CatalogResourceIn, providing: list[InformationSystem]
) -> tuple[list[Row], str]:
    """(name, type, length, owning system) of each item, or the message naming the items whose
    system is not one of the providing systems. Left blank, an item is held by the only
    providing system when there is one (STANDARDS: each item has its owning system)."""
    by_code = {s.code: s.pk for s in providing}
    only = next(iter(by_code.values())) if len(by_code) == 1 else None
    rows, problems = [], []
    for n, item in enumerate(data.items, start=1):
        if item.system_code and item.system_code not in by_code:
            codes = "、".join(by_code) or gettext("请先选择提供系统")
            problems.append(
                gettext("第 %(n)s 个信息项“%(name)s”：所属系统须为该资源的提供系统（%(codes)s）。")
                % {"n": n, "name": item.name, "codes": codes}
            )
        system = by_code.get(item.system_code) if item.system_code else only
        rows.append((item.name, item.data_type, item.length, system))
    return rows, "；".join(problems)


def checked_rows(data: CatalogResourceIn, provider_id: int, resource_id: Any = None) -> list[Row]:
    """What the input says, checked against the catalog: the code is unique, the providing
    systems are the provider's, each item's system is one of them."""
    errors = {}
    taken = DataResource.objects.filter(resource_code=data.resource_code).exclude(pk=resource_id)
    if taken.exists():
        errors["resource_code"] = gettext("资源代码 %(c)s 已存在。") % {"c": data.resource_code}
    systems = list(InformationSystem.objects.filter(pk__in=data.systems))
    if len(systems) != len(set(data.systems)) or any(s.unit_id != provider_id for s in systems):
        errors["systems"] = gettext("提供系统须为资源提供方单位的系统。")
    rows, problems = _item_rows(data, [s for s in systems if s.unit_id == provider_id])
    if problems:
        errors["items"] = problems
    if errors:
        raise ActionInvalid(gettext(data.INVALID), errors)
    return rows


def _store_items(resource: DataResource, rows: list[Row]) -> None:
    InformationItem.objects.bulk_create(
        [
            InformationItem(
                resource=resource, name=n, data_type=t, length=ln, system_id=sid, key=item_key(n, t)
            )
            for n, t, ln, sid in rows
        ]
    )


def _stored_rows(resource: DataResource) -> list[Row]:
    return list(
        resource.items.order_by("id").values_list("name", "data_type", "length", "system_id")
    )


class CreateResource(ForOwnUnit):
    """A unit compiles a resource of its own (BDB, for any unit) with its items and providing
    systems (Art. 14)."""

    label = _("编制数据资源")
    roles = EDITORS
    Input = CatalogResourceCreateIn
    unit_field = "provider"
    article = "第十四条"
    requirement = "R14.4"
    success = _("已保存数据资源目录。")

    def choices(self, obj: Any, user: Any) -> dict:
        units = acting_units(user)
        systems = InformationSystem.objects.filter(unit__in=units).order_by("code")
        return {
            "provider": [(u.pk, u.display_name) for u in units],
            "systems": [(s.pk, f"{s.code} {s.name}") for s in systems],
        }

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        clean = super().parse_for(obj, user, data)
        checked_rows(clean, clean.provider)
        return clean

    def refusals(self, obj: Any, user: Any, data: Any) -> list[Finding]:
        return [] if data is None else authoritative_refusals(user, False, data.is_authoritative)

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> DataResource:
        rows = checked_rows(data, data.provider)
        try:
            with transaction.atomic():
                resource = DataResource.objects.create(
                    provider_id=data.provider, **{f: getattr(data, f) for f in OWN_FIELDS}
                )
        except IntegrityError as exc:  # the code was taken meanwhile
            raise ActionConflict(technical="taken") from exc
        _store_items(resource, rows)
        resource.systems.set(data.systems)
        record_event(
            ActionCode.RESOURCE_SAVED,
            actor=user,
            obj=resource,
            organisation=resource.provider_id,
            reason=f"新增数据资源 {resource.resource_code}，{len(rows)} 个信息项",
        )
        return resource


class UpdateResource(CatalogAction):
    """The provider (or BDB) changes a resource: the fields given change; items and providing
    systems given replace the resource's. Nothing is recorded when nothing changed."""

    label = _("修改数据资源")
    model = DataResource
    roles = EDITORS
    Input = CatalogResourcePatchIn
    partial = True
    article = "第十四条"
    requirement = "R14.4"
    offered_on = "catalog.dataresource"
    success = _("已保存数据资源目录。")
    style = "outline-primary"

    def allowed(self, obj: Any, user: Any) -> bool:
        return may_edit(user, obj.provider_id)

    def choices(self, obj: Any, user: Any) -> dict:
        systems = InformationSystem.objects.filter(unit_id=obj.provider_id).order_by("code")
        return {"systems": [(s.pk, f"{s.code} {s.name}") for s in systems]}

    def initial(self, obj: Any, user: Any) -> dict:
        values = initial_of(CatalogResourceIn, {f: getattr(obj, f) for f in OWN_FIELDS})
        items = obj.items.select_related("system").order_by("id")
        values["items"] = items_text(items, dict(DataType.choices), sep="\n")
        values["systems"] = list(obj.systems.values_list("pk", flat=True))
        return values

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        clean = super().parse_for(obj, user, data)
        assert isinstance(clean, CatalogResourceIn)
        checked_rows(clean, obj.provider_id, obj.pk)
        return clean

    def refusals(self, obj: Any, user: Any, data: Any) -> list[Finding]:
        if data is None:
            return []
        return authoritative_refusals(user, obj.is_authoritative, data.is_authoritative)

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> DataResource:
        rows = checked_rows(data, obj.provider_id, obj.pk)
        values = {f: getattr(data, f) for f in OWN_FIELDS}
        changed = [f for f, v in values.items() if getattr(obj, f) != v]
        items_changed = _stored_rows(obj) != rows
        systems_changed = set(obj.systems.values_list("pk", flat=True)) != set(data.systems)
        obj.changed_fields = changed + ["items"] * items_changed + ["systems"] * systems_changed
        if not obj.changed_fields:
            return obj
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
        if items_changed:
            obj.items.all().delete()
            _store_items(obj, rows)
        if systems_changed:
            obj.systems.set(data.systems)
        record_event(
            ActionCode.RESOURCE_SAVED,
            actor=user,
            obj=obj,
            organisation=obj.provider_id,
            reason=f"修改数据资源 {obj.resource_code}，{len(rows)} 个信息项",
            data={"changed": obj.changed_fields},
        )
        return obj


create_resource = CreateResource()
update_resource = UpdateResource()


def save_resource(*, acting_user: Any, resource: Any = None, **values: Any) -> DataResource:
    """Create a resource (``resource`` None) or change it: the two actions under the one name
    the demo and older callers use."""
    if resource is None:
        return create_resource(acting_user=acting_user, **values)
    return update_resource(resource, acting_user=acting_user, **values)
