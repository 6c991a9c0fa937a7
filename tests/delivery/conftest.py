"""Delivery fixtures: approved projects from the real lifecycle, and helpers that carry them
through construction with the real actions."""

import pytest
from django.core.files.base import ContentFile

from accounts.models import Organisation
from delivery import actions
from delivery.services import ACCEPTANCE_MATERIALS
from documents.actions import upload_document
from investment import actions as money


@pytest.fixture
def built(walker):
    """Returns ``build(name, wan, target)``: an approved project carried to ``target`` phase
    (construction, trial, completed, archived) with the real actions of 市教委."""
    officer = walker.officer

    def build(name="学生资助精准认定系统", wan="800", target="construction", started="2025-03-01"):
        project = walker.walk(walker.create(name, wan), "approved")
        actions.set_implementation(
            project,
            acting_user=officer,
            implementing_agency="市教委信息中心",
            responsible_person="张明",
            responsible_phone="023-00000000",
        )
        supervisor = Organisation.objects.filter(kind="supervisor").first()
        actions.assign_supervisor(project, acting_user=officer, supervisor=supervisor.pk)
        money.record_contract(
            project,
            acting_user=officer,
            number=f"HT-{project.pk}",
            title="开发合同",
            supplier="某科技公司",
            method="open",
            amount_wan="500",
            signed_on="2025-02-01",
        )
        actions.start_construction(project, acting_user=officer, started_on=started)
        if target == "construction":
            return project
        actions.start_trial(project, acting_user=officer, trial_started_on="2025-09-01")
        if target == "trial":
            return project
        actions.complete_construction(project, acting_user=officer, completed_on="2025-10-31")
        if target == "completed":
            return project
        for doc_type, title in ACCEPTANCE_MATERIALS.items():
            upload_document(
                project,
                acting_user=officer,
                doc_type=doc_type,
                title=title,
                file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"{doc_type}.pdf"),
            )
        return project

    return build
