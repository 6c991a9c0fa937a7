"""What every catalog action shares: who acts for which unit, the policy it answers to, and
the refusals of the determinations only BDB makes (Art. 31, 33)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop as N_

from accounts.models import Organisation
from accounts.recipients import is_unit_staff, unit_ids_of
from accounts.roles import Role
from core.errors import ActionForbidden
from core.findings import Finding
from policy.gates import GatedAction, refusal

UNIT = (Role.UNIT_OFFICER, Role.UNIT_HEAD)
BDB = (Role.BDB_REVIEWER,)
EDITORS = (*UNIT, Role.BDB_REVIEWER)


class CatalogAction(GatedAction):
    """Base of the catalog chapter's actions."""

    def organisation_of(self, obj: Any) -> Any:
        for name in ("unit", "provider", "requester"):
            org = getattr(obj, name, None)
            if org is not None:
                return org
        return None


def of_record(text: Any) -> str:
    """A label in the language of record (the ledger keeps Chinese whatever the reader's)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def is_bdb(user: Any) -> bool:
    return bool(user.has_role(Role.BDB_REVIEWER))


def may_edit(user: Any, unit_id: int | None) -> bool:
    """The unit's own staff edit its catalog entries; BDB curates every unit's (Art. 15)."""
    return is_unit_staff(user, unit_id) or is_bdb(user)


def acting_units(user: Any) -> Any:
    """Units for which ``user`` registers systems and compiles resources: their own; BDB
    curates the catalogs of every unit."""
    if is_bdb(user):
        return Organisation.objects.units().filter(is_active=True).order_by("name")
    return Organisation.objects.filter(pk__in=unit_ids_of(user)).order_by("name")


class ForOwnUnit(CatalogAction):
    """An action that creates something of a unit (``unit_field`` of its contract): the unit may
    be left out when the user acts for only one, and must be one the user acts for."""

    unit_field = "unit"

    def choices(self, obj: Any, user: Any) -> dict:
        return {self.unit_field: [(u.pk, u.display_name) for u in acting_units(user)]}

    def initial(self, obj: Any, user: Any) -> dict:
        units = list(acting_units(user).values_list("pk", flat=True)[:2])
        return {self.unit_field: units[0]} if len(units) == 1 else {}

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        given = data.model_dump(exclude_unset=True) if hasattr(data, "model_dump") else data
        values = dict(given or {})
        if values.get(self.unit_field) in (None, ""):
            values.update(self.initial(obj, user))
        clean = self.parse(values)
        unit = getattr(clean, self.unit_field)
        if unit is None or not acting_units(user).filter(pk=unit).exists():
            raise ActionForbidden()
        return clean


def bdb_determines(
    rule_id: str, field: str, user: Any, before: Any, after: Any, message: str, remedy: str
) -> list[Finding]:
    """The refusal when someone other than BDB changes what only BDB determines."""
    if before == after or is_bdb(user):
        return []
    return [refusal(rule_id, message, remedy=remedy, facts={"field": field}, params={})]


def integration_refusals(user: Any, before: str, after: str) -> list[Finding]:
    """Only BDB marks a system as one that should have been integrated, or clears the mark:
    otherwise a unit could lift its own R33.1 block (Art. 33)."""
    pending = "pending"
    return bdb_determines(
        "R33.1.bdb-determines",
        "integration_status",
        user,
        before == pending,
        after == pending,
        N_("“应整合未整合”由市大数据发展局认定和解除（第三十三条）。"),
        N_("如系统已整合或无需整合，请联系市大数据发展局核实后更改。"),
    )


def authoritative_refusals(user: Any, before: bool, after: bool) -> list[Finding]:
    """Only BDB names a resource the authoritative source of its items, or withdraws it: the
    flag decides whose copies are duplicate collection (Art. 31)."""
    return bdb_determines(
        "R31.2.bdb-determines",
        "is_authoritative",
        user,
        before,
        after,
        N_("权威数据源由市大数据发展局认定（第三十一条）。"),
        N_("如需认定或取消权威数据源，请联系市大数据发展局。"),
    )
