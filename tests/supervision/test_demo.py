"""The supervision demo on the demo projects it names (built here directly): a request answered
and one overdue; an order verified done, one overdue with a criticism, a project deferred and
one terminated; audit findings with a response; register entries proposed, confirmed,
dismissed and concluded. Seeding twice adds nothing."""

from core.ledger import verify_ledger
from projects.models import ProjectState
from supervision.demo import LEGACY, seed_supervision
from supervision.models import (
    AuditFinding,
    RectificationOrder,
    Sanction,
    SupervisionRequest,
    ViolationEntry,
)

APPROVED = (
    ("教育数据共享交换平台", "jw"),
    ("互联网医院处方流转监管子系统", "wj"),
    ("全民健康数据质量监测系统", "wj"),
    ("学生资助资金发放监管系统", "jw"),
    ("医疗机构电子证照管理系统", "wj"),
    ("教育数据治理平台（一期）", "jw"),
)


def test_the_demo_tells_the_chapter_s_story_once(people, make_project, jw_unit, wj_unit):
    units = {"jw": jw_unit, "wj": wj_unit}
    for name, unit in APPROVED:
        make_project(name, unit=units[unit])
    for name, _number in LEGACY:
        make_project(name, state=ProjectState.LISTED)
    seed_supervision(people)
    counts = [
        m.objects.count()
        for m in (SupervisionRequest, RectificationOrder, Sanction, AuditFinding, ViolationEntry)
    ]
    seed_supervision(people)
    assert counts == [
        m.objects.count()
        for m in (SupervisionRequest, RectificationOrder, Sanction, AuditFinding, ViolationEntry)
    ]
    assert sorted(SupervisionRequest.objects.values_list("state", flat=True)) == [
        "closed",
        "overdue",
    ]
    assert sorted(RectificationOrder.objects.values_list("state", flat=True)) == [
        "failed",
        "overdue",
        "overdue",
        "rectified",
    ]
    assert sorted(Sanction.objects.values_list("kind", flat=True)) == [
        "criticism",
        "deferral",
        "suspension",
        "termination",
    ]
    assert sorted(AuditFinding.objects.values_list("state", flat=True)) == ["open", "responded"]
    assert sorted(ViolationEntry.objects.values_list("state", flat=True)) == [
        "concluded",
        "confirmed",
        "dismissed",
        "proposed",
    ]
    assert Sanction.objects.public().count() == 1
    assert verify_ledger().ok
