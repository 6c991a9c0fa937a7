"""Data sharing (Art. 14, 31): a system whose resources are not shared as required or that
collects again what an authoritative source already holds gets no O&M funding (R31.2); data
that should be generally shared is not opened only to named companies (R14.4); sharing scope,
security and crypto facts are recorded with the decision (R14.5)."""

import datetime as dt

import pytest

from catalog import actions
from catalog.demo import ask, make_overdue, publish_resource, register
from catalog.models import OMDecision, SharingState
from core.dates import today
from core.errors import ActionBlocked, ActionForbidden, ActionInvalid

pytestmark = pytest.mark.django_db

POPULATION = ["身份证号:char:18", "姓名:char:50", "出生日期:date"]


def decide(personas, year=2027, **kw):
    result = actions.decide_om_funding(acting_user=personas.finance, budget_year=year, **kw)
    return {d.system.code: d for d in OMDecision.objects.filter(run__code=result["run"])}


def rule_ids(decision):
    return {r["rule_id"] for r in decision.reasons}


@pytest.fixture
def health(personas):
    """市卫生健康委's platform providing the authoritative 人口 resource."""
    system = register(personas.wj_officer, "WJ-1", "全民健康信息平台", curate_by=personas.bdb)
    resource = publish_resource(
        personas.wj_officer,
        "A01.01/000001",
        "全员人口基础信息",
        POPULATION,
        systems=[system],
        classification="base",
        is_authoritative=True,
    )
    return system, resource


# -- overdue sharing requests ----------------------------------------------------------------


def test_R31_2_overdue_unanswered_request_makes_provider_ineligible(personas, health):
    # given 市教委 asked for 人口 and the answer period ran out without an answer
    request = make_overdue(ask(personas.jw_officer, health[1], "学生资助身份核验"))
    assert request.state == SharingState.PENDING and request.due_on < today()
    # then the providing system gets no O&M funding
    decision = decide(personas)["WJ-1"]
    assert rule_ids(decision) == {"R31.2"}
    reason = decision.explained_reasons[0]
    assert reason["article"] == "第三十一条" and "超过答复期限未答复" in reason["message"]
    assert reason["facts"] == {"overdue_requests": 1}


def test_R31_2_request_answered_in_time_is_eligible(personas, health):
    request = ask(personas.jw_officer, health[1], "学生资助身份核验")
    # the answer period is the policy's (10 days)
    assert request.due_on == request.requested_on + dt.timedelta(days=10)
    actions.answer_sharing(request, acting_user=personas.wj_officer, grant=True, answer="同意。")
    actions.report_sharing_usage(request, acting_user=personas.jw_officer, usage="已用于身份核验。")
    assert decide(personas)["WJ-1"].eligible


def test_R31_2_pending_request_within_the_period_is_eligible(personas, health):
    ask(personas.jw_officer, health[1], "学生资助身份核验")
    assert decide(personas)["WJ-1"].eligible


def test_R31_2_request_overdue_on_a_later_day_is_ineligible(personas, health):
    # decisions taken "as of" a later day see the request overdue then
    ask(personas.jw_officer, health[1], "学生资助身份核验")
    from catalog import eligibility

    later = eligibility.decide(2027, today=today() + dt.timedelta(days=11))
    decision = OMDecision.objects.get(run__code=later["run"], system__code="WJ-1")
    assert rule_ids(decision) == {"R31.2"}


def test_R31_2_refusal_needs_a_reason_and_only_the_provider_answers(personas, health):
    request = ask(personas.jw_officer, health[1], "学生资助身份核验")
    with pytest.raises(ActionForbidden):
        actions.answer_sharing(request, acting_user=personas.jw_officer, grant=True, answer="")
    actions.answer_sharing(
        request, acting_user=personas.wj_officer, grant=False, answer="超出法定职责范围。"
    )
    with pytest.raises(ActionBlocked) as answered:
        actions.answer_sharing(request, acting_user=personas.wj_officer, grant=True, answer="")
    assert [f.rule_id for f in answered.value.findings] == ["R14.4.state"]
    # a refusal without its reason is not an answer
    other = ask(personas.jw_officer, health[1], "学籍核验")
    with pytest.raises(ActionInvalid) as invalid:
        actions.answer_sharing(other, acting_user=personas.wj_officer, grant=False, answer="")
    assert "answer" in invalid.value.errors
    assert decide(personas)["WJ-1"].eligible


# -- resources opened only to named recipients (R14.4) ----------------------------------------


def _hospital(personas, **over):
    system = register(personas.wj_officer, "WJ-3", "互联网医院监管平台", curate_by=personas.bdb)
    publish_resource(
        personas.wj_officer,
        "C05.03/000001",
        "互联网诊疗服务信息",
        ["诊疗机构编码:char:30", "诊疗人次:number"],
        systems=[system],
        **over,
    )
    return system


def test_R31_2_unconditional_resource_open_only_to_named_recipients_is_ineligible(personas):
    _hospital(
        personas,
        open_type="conditional",
        open_scope="named",
        named_recipients="某互联网医疗科技有限公司",
    )
    decision = decide(personas)["WJ-3"]
    assert rule_ids(decision) == {"R31.2"}
    assert decision.reasons[0]["facts"] == {"resources": ["C05.03/000001"]}
    assert "特定企业或组织" in decision.explained_reasons[0]["message"]


def test_R14_4_resource_open_to_all_is_eligible(personas):
    _hospital(personas, open_type="open")
    assert decide(personas)["WJ-3"].eligible


def test_R14_4_conditional_resource_open_to_named_recipients_is_not_this_finding(personas):
    # only data that should be *generally* shared (无条件共享) is concerned
    _hospital(
        personas,
        share_type="conditional",
        share_conditions="仅限卫生健康监管用途。",
        open_type="conditional",
        open_scope="named",
        named_recipients="某互联网医疗科技有限公司",
    )
    assert decide(personas)["WJ-3"].eligible


# -- duplicate collection ---------------------------------------------------------------------


def _aid(personas, items):
    system = register(personas.jw_officer, "JW-2", "学生资助管理系统", curate_by=personas.bdb)
    publish_resource(
        personas.jw_officer,
        "A02.03/000001",
        "学生资助对象信息",
        items,
        systems=[system],
    )
    return system


def test_R31_2_duplicate_collection_in_another_unit_is_ineligible(personas, health):
    # 身份证　号 (full-width space) normalises to 身份证号 of the authoritative 人口 resource
    assert actions.item_key("身份证\u3000号", "char") == actions.item_key("身份证号", "char")
    _aid(personas, ["身份证\u3000号:char:18", "资助金额:money"])
    decisions = decide(personas)
    decision = decisions["JW-2"]
    assert rule_ids(decision) == {"R31.2"}
    reason = decision.explained_reasons[0]
    # the finding names both systems and both items
    assert "学生资助管理系统" in reason["message"] and "身份证\u3000号" in reason["message"]
    assert "A01.01/000001" in reason["message"] and "WJ-1" in reason["message"]
    (dup,) = reason["facts"]["duplicates"]
    assert dup["item"] == "身份证\u3000号" and dup["source"] == "A01.01/000001"
    assert dup["source_item"] == "身份证号" and dup["source_systems"] == ["WJ-1"]
    # the authoritative source itself is eligible
    assert decisions["WJ-1"].eligible


def _resave(officer, resource, **over):
    """Save ``resource`` again through the action with its own values, changed by ``over``."""
    fields = {
        f: getattr(resource, f)
        for f in (
            "classification",
            "class_code",
            "resource_code",
            "name",
            "summary",
            "format",
            "share_type",
            "share_method",
            "open_type",
            "update_cycle",
            "is_authoritative",
        )
    }
    items = [
        {"name": i.name, "data_type": i.data_type, "length": i.length} for i in resource.items.all()
    ]
    return actions.save_resource(
        acting_user=officer,
        provider=resource.provider_id,
        items=items,
        resource=resource.pk,
        **{**fields, **over},
    )


def test_R31_2_a_unit_cannot_name_or_withdraw_an_authoritative_source(personas, health):
    # 市教委 may not make its copy the source, which would clear its own duplicate finding
    aid = _aid(personas, ["身份证号:char:18"])
    copy = aid.resources.get()
    with pytest.raises(ActionBlocked) as refused:
        _resave(personas.jw_officer, copy, is_authoritative=True)
    (finding,) = refused.value.findings
    assert finding.rule_id == "R31.2.bdb-determines" and finding.article == "第三十一条"
    assert "市大数据发展局" in finding.message and "第三十一条" in finding.message
    # nor may 市卫生健康委 withdraw its own source; editing the rest of it stays its own
    with pytest.raises(ActionBlocked):
        _resave(personas.wj_officer, health[1], is_authoritative=False)
    _resave(personas.wj_officer, health[1], summary="全员人口基础信息（更新）")
    assert "R31.2" in rule_ids(decide(personas)["JW-2"])
    # BDB decides: withdrawn, the copy is no longer duplicate collection
    _resave(personas.bdb, health[1], is_authoritative=False)
    assert decide(personas)["JW-2"].eligible


def test_R31_2_same_item_in_the_authoritative_units_own_system_is_not_duplicate(personas, health):
    ehr = register(personas.wj_officer, "WJ-2", "电子健康档案系统", curate_by=personas.bdb)
    publish_resource(
        personas.wj_officer, "C05.02/000001", "电子健康档案", POPULATION, systems=[ehr]
    )
    assert decide(personas)["WJ-2"].eligible


def test_R31_2_same_name_other_data_type_or_no_authoritative_source_is_not_duplicate(
    personas,
):
    # 身份证号 as a number is another item; and a non-authoritative copy is no source
    other = register(personas.wj_officer, "WJ-9", "某统计系统", curate_by=personas.bdb)
    publish_resource(personas.wj_officer, "C09.01/000001", "人口统计", POPULATION, systems=[other])
    _aid(personas, ["身份证号:char:18"])
    assert decide(personas)["JW-2"].eligible


def test_R31_2_blocked_and_passing_in_one_run(personas, health):
    _aid(personas, ["身份证 号:char:18"])
    ok = register(personas.jw_officer, "JW-1", "教育管理平台", curate_by=personas.bdb)
    publish_resource(
        personas.jw_officer, "A02.01/000001", "学籍信息", ["学籍号:char:19"], systems=[ok]
    )
    decisions = decide(personas)
    assert not decisions["JW-2"].eligible and decisions["JW-1"].eligible


# -- R14.5: sharing, security and crypto facts feed the decision ------------------------------


def test_R14_5_decision_records_sharing_security_and_crypto_facts(personas, health):
    register(
        personas.jw_officer,
        "JW-5",
        "教师资格考试系统",
        curate_by=personas.bdb,
        crypto_result="fail",
    )
    _hospital(personas, open_type="conditional", open_scope="named", named_recipients="某公司")
    decisions = decide(personas)
    crypto = decisions["JW-5"].reasons[0]["facts"]
    assert crypto["crypto_result"] == "fail" and crypto["crypto_assessed_on"]
    assert decisions["WJ-3"].reasons[0]["facts"]["resources"] == ["C05.03/000001"]
