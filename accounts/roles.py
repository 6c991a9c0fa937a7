"""Organisation kinds, the authorities of Art. 4-5, and the roles people hold (Art. 2, 4, 5, 9, 22, 34-36)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    UNIT = "unit", _("项目建设单位")
    AUTHORITY = "authority", _("主管部门")
    CONSULTANT = "consultant", _("第三方咨询评估机构")
    SUPERVISOR = "supervisor", _("工程监理单位")
    DISTRICT = "district", _("区县")
    OPERATOR = "operator", _("平台运营")


class UnitCategory(models.TextChoices):
    """The six categories of 项目建设单位 in Art. 2."""

    PARTY_GOV = "1", _("（一）市委、市人大、市政府、市政协所属部门及下属单位")
    COURT = "2", _("（二）市高法院及下辖法院")
    PROCURATORATE = "3", _("（三）市检察院及下辖检察院")
    PARTY_ORG = "4", _("（四）民主党派市级机关、市工商联、市级人民团体")
    VOCATIONAL = "5", _("（五）市级部门管理的中职院校")
    UNIVERSITY_HOSPITAL = "6", _("（六）承担公共管理职能信息化项目的市内高校、医院")


class Authority(models.TextChoices):
    """The authorities that review, approve, fund and supervise (Art. 4, 5, 6, 9, 35, 36)."""

    BDB = "bdb", _("市大数据发展局")
    DRC = "drc", _("市发展改革委")
    FINANCE = "finance", _("市财政局")
    CAC = "cac", _("市委网信办")
    PSB = "psb", _("市公安局")
    CRYPTO = "crypto", _("市密码管理局")
    SECRECY = "secrecy", _("市国家保密局")
    AUDIT = "audit", _("市审计局")
    GOV = "gov", _("市政府")


class Role(models.TextChoices):
    UNIT_OFFICER = "unit_officer", _("填报人")
    UNIT_HEAD = "unit_head", _("单位负责人")
    BDB_REVIEWER = "bdb_reviewer", _("大数据局审核人")
    DRC_OFFICER = "drc_officer", _("发展改革委经办人")
    FINANCE_OFFICER = "finance_officer", _("财政局经办人")
    CAC_REVIEWER = "cac_reviewer", _("网信办审查人")
    PSB_REVIEWER = "psb_reviewer", _("公安局审查人")
    CRYPTO_REVIEWER = "crypto_reviewer", _("密码局审查人")
    SECRECY_REVIEWER = "secrecy_reviewer", _("保密局审查人")
    GOV_APPROVER = "gov_approver", _("市政府审批人")
    AUDITOR = "auditor", _("审计人员")
    CONSULTANT = "consultant", _("评估专家")
    SUPERVISOR = "supervisor", _("监理工程师")
    PLATFORM_ADMIN = "platform_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("安全审计员")


UNIT_ROLES = frozenset({Role.UNIT_OFFICER, Role.UNIT_HEAD})
#: the three administrators of the platform operator (三权分立, ``accounts.duties``)
ADMIN_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# Which organisation may hold which role: a BDB reviewer must belong to 市大数据发展局, etc.
AUTHORITY_ROLE = {
    Authority.BDB: Role.BDB_REVIEWER,
    Authority.DRC: Role.DRC_OFFICER,
    Authority.FINANCE: Role.FINANCE_OFFICER,
    Authority.CAC: Role.CAC_REVIEWER,
    Authority.PSB: Role.PSB_REVIEWER,
    Authority.CRYPTO: Role.CRYPTO_REVIEWER,
    Authority.SECRECY: Role.SECRECY_REVIEWER,
    Authority.AUDIT: Role.AUDITOR,
    Authority.GOV: Role.GOV_APPROVER,
}


def roles_allowed_for(org) -> set[str]:
    """The roles a member of ``org`` may be given."""
    if org.kind in (OrgKind.UNIT, OrgKind.DISTRICT):
        return set(UNIT_ROLES)
    if org.kind == OrgKind.AUTHORITY and org.authority:
        return {AUTHORITY_ROLE[Authority(org.authority)]}
    if org.kind == OrgKind.CONSULTANT:
        return {Role.CONSULTANT}
    if org.kind == OrgKind.SUPERVISOR:
        return {Role.SUPERVISOR}
    if org.kind == OrgKind.OPERATOR:
        return set(ADMIN_ROLES)
    return set()
