"""Security conditions of O&M funding (Art. 17, 18, 20, 32, 33): failed or missing crypto and
MLPS assessments and major hazards refuse funding (R32.1); stale assessments (R17.1, R18.1),
hosting outside the cloud without a reason (R20.1) and zombie indicators only warn."""

import datetime as dt

import pytest

from catalog import actions
from catalog.demo import register
from catalog.models import InformationSystem, OMDecision
from core.dates import today

pytestmark = pytest.mark.django_db


def decide(personas, year=2027):
    result = actions.decide_om_funding(acting_user=personas.finance, budget_year=year)
    return {d.system.code: d for d in OMDecision.objects.filter(run__code=result["run"])}


def rule_ids(rows):
    return {r["rule_id"] for r in rows}


def _days_ago(n):
    return (today() - dt.timedelta(days=n)).isoformat()


def _one(personas, **over):
    register(personas.jw_officer, "JW-S", "教师资格考试系统", curate_by=personas.bdb, **over)
    return decide(personas)["JW-S"]


# -- R32.1 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("over", "words"),
    [
        ({"crypto_result": "fail"}, "密码应用安全性评估结论为“不符合”"),
        ({"mlps_result": "fail"}, "等级保护测评结论为“不符合”"),
        ({"crypto_result": "", "crypto_assessed_on": None}, "未开展密码应用安全性评估"),
        ({"mlps_result": "", "mlps_evaluated_on": None}, "未开展网络安全等级保护测评"),
        ({"major_hazard": True, "hazard_note": "管理后台暴露在互联网。"}, "重大安全隐患"),
    ],
    ids=["crypto-fail", "mlps-fail", "crypto-never", "mlps-never", "major-hazard"],
)
def test_R32_1_security_failures_are_ineligible(personas, over, words):
    decision = _one(personas, **over)
    assert not decision.eligible and rule_ids(decision.reasons) == {"R32.1"}
    (reason,) = decision.explained_reasons
    assert reason["article"] == "第三十二条" and "第三十二条" in reason["message"]
    assert words in reason["message"]


def test_R32_1_every_failure_is_listed(personas):
    decision = _one(
        personas, crypto_result="fail", mlps_result="fail", major_hazard=True, hazard_note="漏洞"
    )
    assert len(decision.reasons) == 3


@pytest.mark.parametrize("result", ["pass", "basic"])
def test_R32_1_pass_and_basic_pass_are_eligible(personas, result):
    decision = _one(personas, crypto_result=result, mlps_result=result)
    assert decision.eligible and decision.reasons == []


def test_R32_1_repaired_system_becomes_eligible(personas):
    register(personas.jw_officer, "JW-S", "考试系统", curate_by=personas.bdb, crypto_result="fail")
    assert not decide(personas)["JW-S"].eligible
    system = InformationSystem.objects.get(code="JW-S")
    actions.update_system(
        system,
        acting_user=personas.jw_officer,
        crypto_result="basic",
        crypto_assessed_on=_days_ago(1),
    )
    assert decide(personas)["JW-S"].eligible


def test_R32_1_assessment_result_needs_its_date(personas):
    from core.errors import ActionInvalid

    with pytest.raises(ActionInvalid) as exc:
        register(personas.jw_officer, "JW-S", "考试系统", crypto_assessed_on=None)
    assert "crypto_assessed_on" in exc.value.errors


# -- R17.1 / R18.1 periodic assessments (warnings) -----------------------------------------------


def test_R17_1_R18_1_stale_assessments_warn_but_stay_eligible(personas):
    decision = _one(personas, mlps_evaluated_on=_days_ago(400), crypto_assessed_on=_days_ago(380))
    assert decision.eligible and decision.reasons == []
    assert rule_ids(decision.warnings) == {"R17.1", "R18.1"}
    by = {w["rule_id"]: w for w in decision.explained_warnings}
    assert by["R17.1"]["article"] == "第十七条" and by["R18.1"]["article"] == "第十八条"
    # the period comes from the policy in force (12 months), not from the code
    assert by["R17.1"]["facts"]["period_months"] == 12
    assert "12 个月" in by["R18.1"]["message"]


def test_R17_1_R18_1_recent_assessments_do_not_warn(personas):
    decision = _one(personas, mlps_evaluated_on=_days_ago(300), crypto_assessed_on=_days_ago(30))
    assert decision.eligible and decision.warnings == []


# -- R20.1 hosting ------------------------------------------------------------------------------


def test_R20_1_system_outside_the_cloud_without_reason_warns(personas):
    register(personas.jw_officer, "JW-S", "考试系统", curate_by=personas.bdb)
    # the actions refuse "other" without a justification; entries older than that rule (or
    # created from a project before it was checked) can still lack one
    InformationSystem.objects.filter(code="JW-S").update(hosting="other", hosting_justification="")
    decision = decide(personas)["JW-S"]
    assert decision.eligible and rule_ids(decision.warnings) == {"R20.1.system"}
    assert decision.warnings[0]["article"] == "第二十条"


def test_R20_1_system_outside_the_cloud_with_reason_passes(personas):
    decision = _one(personas, hosting="other", hosting_justification="涉密数据须部署在专用机房。")
    assert decision.eligible and decision.warnings == []


def test_R20_1_the_action_refuses_other_hosting_without_reason(personas):
    from core.errors import ActionInvalid

    with pytest.raises(ActionInvalid) as exc:
        register(personas.jw_officer, "JW-S", "考试系统", hosting="other")
    assert "第二十条" in exc.value.errors["hosting_justification"]


# -- zombie indicators (Art. 33, warnings) --------------------------------------------------------


def test_R33_1_zombie_indicators_warn(personas):
    decision = _one(
        personas,
        monthly_visits=3,
        detached_from_business=True,
        replaceable_by="教育管理公共服务平台",
        last_maintained_on=_days_ago(500),
        status="stopped",
    )
    assert decision.eligible and rule_ids(decision.warnings) == {"R33.1.zombie"}
    facts = decision.warnings[0]["facts"]
    assert facts["signs"] == ["detached", "replaceable", "unused", "unmaintained", "stopped"]
    (warning,) = decision.explained_warnings
    assert "月访问量仅 3" in warning["message"] and "已停用" in warning["message"]
    assert "可被“教育管理公共服务平台”替代" in warning["message"]
    assert facts["min_monthly_visits"] == 10 and facts["policy"] == "cq-municipal-2021"


def test_R33_1_busy_maintained_system_has_no_zombie_warning(personas):
    assert _one(personas).warnings == []


def test_R32_1_a_malformed_assessment_date_is_reported_as_malformed(personas):
    from catalog.demo import sound
    from core.errors import ActionInvalid

    officer = personas.jw_officer
    with pytest.raises(ActionInvalid) as refused:
        actions.register_system(
            acting_user=officer,
            unit=officer.primary_organisation,
            code="JW-DATE",
            name="日期有误的系统",
            **sound(crypto_result="pass", crypto_assessed_on="2025/13/40"),
        )
    # the date's own message, not "登记密评结论时须填写评估日期"
    assert refused.value.errors["crypto_assessed_on"] == "最近密评日期格式应为 2025-03-18。"
