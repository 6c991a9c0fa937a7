"""Rectification orders (Art. 35 ¶1, R35.2; Art. 24, 34, 36, 37, R37.2): any of the seven
authorities orders within its duties; an order may be raised from an incident, a request, an
evaluation result, an audit finding or a refused O&M decision, and keeps its source."""

import datetime as dt

import pytest
from django.utils import timezone

from catalog.models import InformationSystem, OMDecision, OMRun
from core.errors import ActionBlocked, ActionForbidden
from core.offers import next_steps
from delivery.models import Incident
from investment.models import EvaluationResult
from policy.models import PolicyVersion
from supervision import actions
from supervision.compliance import findings_against
from supervision.models import OrderSource, OrderState, RectificationOrder

from .conftest import ORDER, days

SEVEN = ("drc", "cac", "psb", "finance", "bdb", "crypto", "secrecy")


def unit_order(unit, user, **fields):
    data = {**ORDER, "deadline": days(30), **fields}
    return actions.order_unit_rectification(unit, acting_user=user, **data)


def test_R35_2_an_authority_orders_within_its_duties(personas, project, order_on):
    order = order_on(project)
    assert order.state == OrderState.ISSUED and order.origin == OrderSource.DIRECT
    assert order.number.startswith("渝发改整改〔") and order.authority.authority == "drc"
    articles = [c["article"] for c in order.clauses]
    assert articles == ["第三十五条", "第二十五条"]
    assert "限期整改" not in order.notice_text or "第三十五条" in order.notice_text
    assert order.unit == project.unit and order.project == project


def test_R35_2_an_order_outside_the_authority_duties_is_blocked(personas, project):
    with pytest.raises(ActionBlocked) as exc:
        unit_order(project.unit, personas.crypto, duty="funds", project=project.pk)
    [finding] = exc.value.findings
    assert finding.rule_id == "R35.2" and finding.article == "第三十五条"
    assert "资金使用" in finding.message and "密码应用" in finding.remedy
    assert not RectificationOrder.objects.exists()
    # within its duty the same authority may order
    order = unit_order(project.unit, personas.crypto, duty="crypto", project=project.pk)
    assert order.authority.authority == "crypto"


def test_R35_2_each_of_the_seven_authorities_can_order_and_no_one_else(personas, project):
    duty = {
        "drc": "approval",
        "cac": "network_security",
        "psb": "network_security",
        "finance": "funds",
        "bdb": "data_sharing",
        "crypto": "crypto",
        "secrecy": "secrecy",
    }
    users = {
        "drc": personas.drc,
        "cac": personas.cac,
        "psb": personas.psb,
        "finance": personas.finance,
        "bdb": personas.bdb,
        "crypto": personas.crypto,
        "secrecy": personas.secrecy,
    }
    for code in SEVEN:
        order = unit_order(project.unit, users[code], duty=duty[code])
        assert order.authority.authority == code
    for user in (
        personas.auditor,
        personas.gov,
        personas.jw_officer,
        personas.consultant,
        personas.supervisor,
    ):
        with pytest.raises(ActionForbidden):
            unit_order(project.unit, user)


def test_an_order_on_a_system(personas, jw_unit):
    system = InformationSystem.objects.create(
        code="SYS-JW-9", name="学籍管理系统", unit=jw_unit, category="business"
    )
    order = actions.order_system_rectification(
        system, acting_user=personas.bdb, **{**ORDER, "duty": "data_sharing", "deadline": days(20)}
    )
    assert order.system == system and order.project is None and order.unit == jw_unit


def test_an_order_raised_from_an_incident_keeps_its_source(personas, project):
    incident = Incident.objects.create(
        project=project,
        kind="delay",
        description="进度滞后 6 个月。",
        reported_by=personas.jw_officer,
    )
    steps = next_steps(project, personas.drc)
    offered = [o for o in steps.offers if o.action.name == "supervision.order_from_incident"]
    assert [o.target for o in offered] == [incident]
    assert "进度滞后" in offered[0].form.initial["problem"]
    order = actions.order_from_incident(
        incident, acting_user=personas.drc, **{**ORDER, "deadline": days(30)}
    )
    assert order.origin == OrderSource.INCIDENT and order.source == incident
    assert order.clauses[0]["article"] == "第二十四条"
    # not offered again, and refused when forced
    assert not [
        o
        for o in next_steps(project, personas.drc).offers
        if o.action.name == "supervision.order_from_incident"
    ]
    with pytest.raises(ActionBlocked) as exc:
        actions.order_from_incident(
            incident,
            acting_user=personas.finance,
            **{**ORDER, "duty": "funds", "deadline": days(30)},
        )
    assert exc.value.findings[0].rule_id == "R35.2.raised"
    # Art. 24 is DRC's and Finance's
    with pytest.raises(ActionForbidden):
        actions.order_from_incident(
            incident, acting_user=personas.bdb, **{**ORDER, "deadline": days(30)}
        )


def _result(project, grade, user):
    return EvaluationResult.objects.create(
        project=project,
        kind="post",
        completed_on=dt.date(2026, 6, 30),
        grade=grade,
        conclusion="数据共享不充分，系统使用率低。",
        recorded_by=user,
    )


def test_R37_2_an_evaluation_result_with_problems_leads_to_a_rectification_opinion(
    personas, project
):
    result = _result(project, "差", personas.drc)
    [finding] = findings_against(project)
    assert finding.rule_id == "R37.2" and finding.article == "第三十七条" and not finding.blocks
    order = actions.order_from_evaluation(
        result,
        acting_user=personas.bdb,
        **{**ORDER, "duty": "data_sharing", "deadline": days(30)},
    )
    assert order.origin == OrderSource.EVALUATION and order.source == result
    assert findings_against(project) == []


def test_R37_2_a_result_without_problems_warns_before_ordering(personas, project):
    result = _result(project, "优", personas.drc)
    assert findings_against(project) == []
    offered = [
        o
        for o in next_steps(project, personas.bdb).offers
        if o.action.name == "supervision.order_from_evaluation"
    ]
    [offer] = offered
    assert offer.enabled and [f.rule_id for f in offer.warnings] == ["R37.2.grade"]
    # only DRC, Finance, BDB and 市委网信办 act on evaluation results
    with pytest.raises(ActionForbidden):
        actions.order_from_evaluation(
            result, acting_user=personas.psb, **{**ORDER, "deadline": days(30)}
        )


def test_an_order_raised_from_a_refused_request(personas, project, request_on):
    req = request_on(project)
    steps = next_steps(req, personas.drc)
    assert "supervision.order_from_request" not in {o.action.name for o in steps.offers}
    actions.decline_request(req, acting_user=personas.jw_officer, reason="不提供。")
    req.refresh_from_db()
    assert "supervision.order_from_request" in next_steps(req, personas.drc).names()
    order = actions.order_from_request(
        req, acting_user=personas.drc, **{**ORDER, "deadline": days(15)}
    )
    assert order.origin == OrderSource.REQUEST and order.clauses[0]["article"] == "第三十四条"


def test_an_order_raised_from_a_refused_om_decision(personas, jw_unit):
    system = InformationSystem.objects.create(
        code="SYS-JW-1", name="教育管理平台", unit=jw_unit, category="business"
    )
    run = OMRun.objects.create(
        code="OM-2027-1",
        budget_year=2027,
        policy=PolicyVersion.objects.first(),
        decided_at=timezone.now(),
    )
    refused = OMDecision.objects.create(
        system=system,
        run=run,
        eligible=False,
        reasons=[{"rule_id": "R31.3", "kind": "not_catalogued", "facts": {}}],
    )
    assert "supervision.order_from_om_decision" in next_steps(refused, personas.finance).names()
    order = actions.order_from_om_decision(
        refused, acting_user=personas.finance, **{**ORDER, "duty": "funds", "deadline": days(30)}
    )
    assert order.system == system and order.origin == OrderSource.OM_DECISION
    assert "R31.3" in order.breached_article or order.breached_article


def test_withdraw_and_extend(personas, project, order_on, overdue_order):
    order = order_on(project)
    actions.withdraw_order(order, acting_user=personas.drc, reason="发文有误。")
    order.refresh_from_db()
    assert order.state == OrderState.WITHDRAWN
    late = overdue_order(project)
    actions.extend_rectification(
        late, acting_user=personas.drc, deadline=days(20), reason="再给一次机会。"
    )
    late.refresh_from_db()
    assert (
        late.state == OrderState.ISSUED
        and late.was_overdue
        and late.extensions[0]["from_state"] == "overdue"
    )


def test_the_notice_and_the_ledger_stay_chinese_whatever_the_reader_s_language(
    personas, project, order_on
):
    from django.utils import translation

    from core.models import LedgerEvent

    with translation.override("en"):
        order = order_on(project)
        assert str(order.get_duty_display()) == "Approval requirements and construction management"
    assert "经批复要求及建设管理监督检查" in order.notice_text
    event = LedgerEvent.objects.filter(object_type="supervision.rectificationorder").get()
    assert "批复要求及建设管理" in event.reason
