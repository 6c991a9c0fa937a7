"""Helpers of the delivery tests: carry an approved project through construction with the real
actions, on dates the test chooses (``tests/delivery/conftest.py``'s ``built`` uses fixed
ones), and the usual paperwork of acceptance."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from accounts.models import Organisation
from accounts.roles import OrgKind
from core.dates import today
from delivery import actions
from delivery.services import ACCEPTANCE_MATERIALS
from documents.actions import upload_document
from investment import actions as money

BIG = "智慧教育综合服务平台（二期）"  # an expansion item of 市教委's master plan, 3,500万
SMALL = "学生资助精准认定系统"


def supervisor_org():
    return Organisation.objects.filter(kind=OrgKind.SUPERVISOR).order_by("pk").first()


def consultant_org():
    return Organisation.objects.filter(kind=OrgKind.CONSULTANT).order_by("pk").first()


def approved(walker, name=SMALL, wan="800"):
    """An approved project of 市教委 (an expansion item gets its post-evaluation report)."""
    project = walker.create(name, wan)
    if name == BIG:
        walker.attach(project, "post_evaluation", "一期后评价报告")
    return walker.walk(project, "approved")


def prepare(project, officer, *, agency=True, supervisor=True, contract=True):
    """Everything Art. 16 and 22 ask before the start, each part optional."""
    if agency:
        actions.set_implementation(
            project,
            acting_user=officer,
            implementing_agency="市教委信息中心",
            responsible_person="张明",
            responsible_phone="023-00000000",
        )
    if supervisor:
        actions.assign_supervisor(
            project, acting_user=officer, supervisor=supervisor_org().pk, contract_number="JL-1"
        )
    if contract:
        return money.record_contract(
            project,
            acting_user=officer,
            number=f"HT-{project.pk}",
            title="开发合同",
            supplier="某科技公司",
            method="open",
            amount_wan="500",
            signed_on="2025-02-01",
        )
    return None


def carry(
    project,
    officer,
    target="construction",
    *,
    started="2025-03-01",
    trial="2025-09-01",
    completed="2025-10-31",
):
    """From preparing (everything recorded) to ``target``: construction, trial, completed."""
    actions.start_construction(project, acting_user=officer, started_on=started)
    if target == "construction":
        return project
    if trial:
        actions.start_trial(project, acting_user=officer, trial_started_on=trial)
    if target == "trial":
        return project
    actions.complete_construction(project, acting_user=officer, completed_on=completed)
    return project


def upload_materials(project, officer, *, skip=()):
    for doc_type, title in ACCEPTANCE_MATERIALS.items():
        if doc_type in skip:
            continue
        upload_document(
            project,
            acting_user=officer,
            doc_type=doc_type,
            title=title,
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"{doc_type}.pdf"),
        )


# What Art. 19 asks of a passing acceptance (R19.2): products secure and reliable, crypto
# evaluation passed, no security review needed, the hardware's energy efficiency, no new data
# centre. ``file_unit_acceptance(..., **ART19)``; the page form takes the same keys.
ART19 = {
    "products_reliability": "all",
    "crypto_evaluation": "passed",
    "security_review": "not_applicable",
    "energy_note": "部署于数字重庆云平台，服务器为一级能效产品。",
}


def accept_archives(project, bdb, on="2025-11-05"):
    return actions.accept_archives(
        project,
        acting_user=bdb,
        checklist={"文书档案": True, "电子文件": True, "声像档案": True},
        accepted_on=on,
    )


def delivered(
    walker, personas, name=SMALL, wan="800", target="completed", archived_on="2025-11-05", **dates
):
    """Approved, prepared and carried to ``target``; "documents" adds every material and
    "archived" the archive acceptance too."""
    officer = walker.officer
    project = approved(walker, name, wan)
    prepare(project, officer)
    carry(project, officer, "completed" if target in ("documents", "archived") else target, **dates)
    if target in ("documents", "archived"):
        upload_materials(project, officer)
    if target == "archived":
        accept_archives(project, personas.bdb, archived_on)
    return project


def accepted(walker, personas, *, completed="2024-06-30", held="2024-07-10", golive="2024-08-01"):
    """A small project accepted by its unit and live: the base of the Art. 30 window."""
    officer = walker.officer
    project = approved(walker)
    prepare(project, officer)
    carry(
        project, officer, "completed", started="2024-01-02", trial="2024-04-01", completed=completed
    )
    upload_materials(project, officer)
    accept_archives(project, personas.bdb, on=completed)
    actions.file_unit_acceptance(
        project, acting_user=officer, passed=True, held_on=held, conclusion="验收通过。", **ART19
    )
    if golive:
        actions.go_live(project, acting_user=officer, golive_on=golive)
    return project


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def full_indicators():
    """One indicator under every second-level category: a complete performance table."""
    from investment.models import IndicatorCategory

    return [
        {
            "category": c.pk,
            "name": f"{c.name}示例",
            "target_value": "100",
            "unit": "%",
            "is_quantitative": True,
            "formula": "完成数/计划数×100%",
        }
        for c in IndicatorCategory.objects.filter(parent__isnull=False)
    ]


def fund(project, personas, *, year, plan_wan="300", budget_wan="200"):
    """DRC plans ``plan_wan`` for ``year``, Finance budgets ``budget_wan``: returns the line."""
    money.save_performance_table(
        project,
        acting_user=personas.jw_officer,
        year=year,
        overall_goal="实现学生资助对象精准认定。",
        indicators=full_indicators(),
    )
    money.add_plan_entry(acting_user=personas.drc, year=year, project=project, amount_wan=plan_wan)
    money.publish_plan(acting_user=personas.drc, year=year, basis="年度计划")
    return money.add_budget_line(
        acting_user=personas.finance, project=project, year=year, amount_wan=budget_wan
    )


def pay(personas, contract, line, *, paid_on, wan, voucher):
    return money.record_payment(
        acting_user=personas.jw_officer,
        contract=contract,
        budget_line=line,
        paid_on=paid_on,
        amount_wan=wan,
        payee="某科技公司",
        voucher_number=voucher,
    )
