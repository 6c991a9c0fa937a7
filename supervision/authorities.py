"""Who supervises what (Art. 34-38): the authorities that may ask for materials, order
rectification and decide sanctions, each within its duties, and the desk a user acts on.

- Art. 34: units answer DRC, Finance, BDB, Audit "及市级有关部门" — every supervising authority;
- Art. 35 ¶1: seven authorities supervise, each by its division of duties, and order
  rectification; only DRC and Finance decide the sanctions;
- Art. 36: Audit audits and records findings (and asks for materials, Art. 34);
- Art. 37: DRC, Finance, BDB and 市委网信办 turn evaluation results into rectification opinions;
- Art. 24: DRC with Finance urge rectification of a serious delay or loss.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.recipients import AUTHORITY_ROLE
from accounts.roles import Authority, OrgKind, Role


class SupervisionDuty(models.TextChoices):
    """The matters Art. 35 ¶1 names (data sharing, procurement, use of funds, crypto, network
    security) with secrecy (¶4) and the approval requirements the orders cite (批复要求)."""

    APPROVAL = "approval", _("批复要求及建设管理")
    DATA_SHARING = "data_sharing", _("政务数据共享")
    PROCUREMENT = "procurement", _("招标采购")
    FUNDS = "funds", _("资金使用")
    CRYPTO = "crypto", _("密码应用")
    NETWORK_SECURITY = "network_security", _("网络安全")
    SECRECY = "secrecy", _("保密管理")


D = SupervisionDuty

# Art. 35 ¶1 "按照职责分工": each authority orders rectification only within these duties.
DUTIES_OF: dict[str, frozenset[str]] = {
    Authority.DRC: frozenset({D.APPROVAL, D.FUNDS, D.PROCUREMENT}),
    Authority.FINANCE: frozenset({D.FUNDS, D.PROCUREMENT}),
    Authority.BDB: frozenset({D.APPROVAL, D.DATA_SHARING}),
    Authority.CAC: frozenset({D.NETWORK_SECURITY, D.DATA_SHARING}),
    Authority.PSB: frozenset({D.NETWORK_SECURITY}),
    Authority.CRYPTO: frozenset({D.CRYPTO}),
    Authority.SECRECY: frozenset({D.SECRECY}),
}

ORDERING_AUTHORITIES: tuple[str, ...] = tuple(DUTIES_OF)  # Art. 35 ¶1, the seven
SANCTIONING_AUTHORITIES: tuple[str, ...] = (Authority.DRC, Authority.FINANCE)  # Art. 35 ¶1
REQUESTING_AUTHORITIES: tuple[str, ...] = (*ORDERING_AUTHORITIES, Authority.AUDIT)  # Art. 34
EVALUATION_AUTHORITIES: tuple[str, ...] = (  # Art. 37
    Authority.DRC,
    Authority.FINANCE,
    Authority.BDB,
    Authority.CAC,
)
INCIDENT_AUTHORITIES: tuple[str, ...] = (Authority.DRC, Authority.FINANCE)  # Art. 24
AUDIT_AUTHORITIES: tuple[str, ...] = (Authority.AUDIT,)  # Art. 36


def roles_of(authorities: tuple[str, ...]) -> tuple[str, ...]:
    """The desk roles of ``authorities`` (市公安局 → 公安局审查人 …)."""
    return tuple(AUTHORITY_ROLE[Authority(a)] for a in authorities)


UNIT = (Role.UNIT_OFFICER, Role.UNIT_HEAD)
ORDERERS = roles_of(ORDERING_AUTHORITIES)
SANCTIONERS = roles_of(SANCTIONING_AUTHORITIES)
REQUESTERS = roles_of(REQUESTING_AUTHORITIES)
EVALUATION_ROLES = roles_of(EVALUATION_AUTHORITIES)
INCIDENT_ROLES = roles_of(INCIDENT_AUTHORITIES)
AUDITORS = (Role.AUDITOR,)
# who reads every supervision record besides Audit and the admin (Art. 34: they supervise all)
READ_ALL_ROLES = (Role.DRC_OFFICER, Role.FINANCE_OFFICER, Role.BDB_REVIEWER)


def desks_of(user: Any, authorities: tuple[str, ...] = REQUESTING_AUTHORITIES) -> list[Any]:
    """The authority organisations among ``authorities`` where ``user`` holds the desk role."""
    if not getattr(user, "is_authenticated", False):
        return []
    found = []
    for m in user.active_memberships():
        org = m.organisation
        if (
            org.kind == OrgKind.AUTHORITY
            and org.authority in authorities
            and AUTHORITY_ROLE.get(Authority(org.authority)) == m.role
        ):
            found.append(org)
    return found


def desk_of(user: Any, authorities: tuple[str, ...] = REQUESTING_AUTHORITIES) -> Any:
    """The authority ``user`` acts for (the first desk among ``authorities``), or None."""
    desks = desks_of(user, authorities)
    return desks[0] if desks else None


def desk_ids(user: Any) -> set[int]:
    return {org.pk for org in desks_of(user)}


def is_desk_of(user: Any, authority_id: int | None) -> bool:
    """Does ``user`` hold the desk of the authority organisation ``authority_id``?"""
    return authority_id is not None and authority_id in desk_ids(user)


def duties_of(authority: Any) -> frozenset[str]:
    """The duties of an authority organisation (or code) under Art. 35."""
    code = getattr(authority, "authority", authority)
    return DUTIES_OF.get(code, frozenset())


def authority_org(code: str) -> Organisation | None:
    return Organisation.objects.filter(kind=OrgKind.AUTHORITY, authority=code).first()
