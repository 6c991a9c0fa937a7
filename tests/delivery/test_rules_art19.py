"""Art. 19 at acceptance (R19.2): the secure-and-reliable status of the products, the crypto
application evaluation and security review, and the energy efficiency of the hardware and any
new data centre are important parts of the completion acceptance. A passing acceptance records
each, on either path (filed by the unit, ``delivery.acceptance``; decided by BDB,
``delivery.acceptance_result``); a new data centre above the policy's PUE ceiling does not
pass."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from core.errors import ActionBlocked
from delivery import actions
from delivery.models import Acceptance, AcceptanceState, Phase
from policy.models import Decision, Outcome, PolicyParameter, PolicyVersion
from policy.parameters import SPECS
from policy.replay import replay_decision

from .helpers import ART19, BIG, delivered

pytestmark = pytest.mark.django_db

NEW_DC = {"new_data_centre": True, "pue": "1.25"}


def _file(project, user, passed=True, **art19):
    return actions.file_unit_acceptance(
        project,
        acting_user=user,
        passed=passed,
        held_on="2025-11-20",
        conclusion="专家组验收结论。",
        **art19,
    )


def _r19(exc):
    findings = [f for f in exc.value.findings if f.rule_id == "R19.2"]
    assert findings and all(f.article == "第十九条" and f.blocks and f.remedy for f in findings)
    return findings


def _without(key):
    return {k: v for k, v in ART19.items() if k != key}


@pytest.fixture
def archived(walker, personas):
    """A small project of 市教委, completed, with materials and archives: the unit files."""
    return delivered(walker, personas, target="archived")


# -- recorded and shown ------------------------------------------------------------------------


def test_R19_2_a_passing_acceptance_records_art19_and_its_decision_keeps_the_facts(
    archived, personas
):
    acceptance = _file(archived, personas.jw_officer, **ART19, **NEW_DC)
    assert acceptance.state == AcceptanceState.PASSED
    acceptance.refresh_from_db()
    assert acceptance.products_reliability == "all" and acceptance.crypto_evaluation == "passed"
    assert acceptance.security_review == "not_applicable"
    assert acceptance.energy_note == ART19["energy_note"]
    assert acceptance.new_data_centre and acceptance.pue == Decimal("1.25")
    # the decision holds what R19.2 read, so that it can be replayed from its own record
    decision = Decision.objects.filter(gate="delivery.acceptance").latest("created_at")
    assert decision.outcome != Outcome.BLOCK and "R19.2" in decision.rule_ids
    assert decision.inputs["pue"] == "1.25" and decision.inputs["passed"] is True
    assert decision.inputs["products_reliability"] == "all"


def test_R19_2_is_not_shown_on_the_card_before_the_result_is_entered(archived, personas):
    findings = actions.file_unit_acceptance.check(archived, personas.jw_officer)
    assert not [f for f in findings if f.rule_id == "R19.2"]


# -- not recorded ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("products_reliability", "软硬件产品安全可靠情况"),
        ("crypto_evaluation", "密码应用安全性评估情况"),
        ("security_review", "安全审查情况"),
        ("energy_note", "硬件设备能源利用效率情况"),
    ],
)
def test_R19_2_a_passing_acceptance_without_each_part_is_blocked(archived, personas, key, label):
    with pytest.raises(ActionBlocked) as exc:
        _file(archived, personas.jw_officer, **_without(key))
    [finding] = _r19(exc)
    assert finding.facts["missing"] == [label] and label in finding.message
    assert "第十九条" in finding.message and "登记" in finding.remedy
    assert not Acceptance.objects.filter(project=archived).exists()
    archived.delivery.refresh_from_db()
    assert archived.delivery.phase == Phase.COMPLETED


def test_R19_2_a_failed_acceptance_need_not_state_art19(archived, personas):
    acceptance = _file(archived, personas.jw_officer, passed=False)
    assert acceptance.state == AcceptanceState.FAILED and acceptance.products_reliability == ""


# -- secure and reliable products ----------------------------------------------------------------


def test_R19_2_products_status_unstated_is_blocked(archived, personas):
    with pytest.raises(ActionBlocked) as exc:
        _file(archived, personas.jw_officer, **{**ART19, "products_reliability": "unstated"})
    [finding] = _r19(exc)
    assert "未说明" in finding.message and finding.facts["products_reliability"] == "unstated"


def test_R19_2_partly_secure_products_need_an_explanation(archived, personas):
    partial = {**ART19, "products_reliability": "partial"}
    with pytest.raises(ActionBlocked) as exc:
        _file(archived, personas.jw_officer, **partial)
    [finding] = _r19(exc)
    assert "部分安全可靠" in finding.message and "说明" in finding.remedy
    acceptance = _file(
        archived, personas.jw_officer, **partial, products_note="签章服务器沿用原设备。"
    )
    assert acceptance.state == AcceptanceState.PASSED
    assert acceptance.products_note == "签章服务器沿用原设备。"


# -- crypto evaluation and security review ---------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "words"),
    [("not_done", "未开展密码应用安全性评估"), ("failed", "密码应用安全性评估未通过")],
)
def test_R19_2_without_a_passed_crypto_evaluation_is_blocked(archived, personas, status, words):
    with pytest.raises(ActionBlocked) as exc:
        _file(archived, personas.jw_officer, **{**ART19, "crypto_evaluation": status})
    [finding] = _r19(exc)
    assert words in finding.message and "密码应用安全性评估" in finding.remedy


def test_R19_2_a_failed_security_review_is_blocked_a_passed_one_passes(archived, personas):
    with pytest.raises(ActionBlocked) as exc:
        _file(archived, personas.jw_officer, **{**ART19, "security_review": "failed"})
    [finding] = _r19(exc)
    assert "安全审查未通过" in finding.message
    acceptance = _file(archived, personas.jw_officer, **{**ART19, "security_review": "passed"})
    assert acceptance.state == AcceptanceState.PASSED


# -- energy efficiency of a new data centre (PUE) ----------------------------------------------------


def test_R19_2_a_new_data_centre_needs_its_pue(archived, personas):
    with pytest.raises(ActionBlocked) as exc:
        _file(archived, personas.jw_officer, **ART19, new_data_centre=True)
    [finding] = _r19(exc)
    assert finding.facts["missing"] == ["新建数据中心电能使用效率（PUE）"]


def test_R19_2_a_new_data_centre_above_the_policy_pue_is_blocked(archived, personas):
    with pytest.raises(ActionBlocked) as exc:
        _file(archived, personas.jw_officer, **ART19, new_data_centre=True, pue="1.35")
    [finding] = _r19(exc)
    assert finding.facts == {"pue": "1.35", "new_data_centre_max_pue": "1.30"}
    assert "1.35" in finding.message and "1.30" in finding.message
    assert "第十九条" in finding.message and "1.30" in finding.remedy
    # at the ceiling it passes
    acceptance = _file(archived, personas.jw_officer, **ART19, new_data_centre=True, pue="1.30")
    assert acceptance.state == AcceptanceState.PASSED


def test_R19_2_the_ceiling_binds_a_new_data_centre_only(archived, personas):
    # the PUE of a machine room the project did not build is recorded, not judged
    acceptance = _file(archived, personas.jw_officer, **ART19, pue="1.60")
    assert acceptance.state == AcceptanceState.PASSED and acceptance.pue == Decimal("1.60")


def test_R19_2_the_ceiling_comes_from_the_policy_in_force(archived, personas):
    # given a newer municipal policy with a ceiling of 1.40
    base = PolicyVersion.objects.get(code="cq-municipal-2021")
    newer = PolicyVersion.objects.create(
        code="cq-municipal-test-pue-140",
        name="新建数据中心 PUE 上限 1.40 的修订版（测试）",
        effective_from=dt.date(2022, 1, 1),
    )
    PolicyParameter.objects.bulk_create(
        PolicyParameter(
            policy=newer,
            key=p.key,
            value="1.40" if p.key == "new_data_centre_max_pue" else p.value,
        )
        for p in base.parameters.all()
    )
    # when the unit files a new data centre at 1.35 (above the municipal 1.30), it passes
    acceptance = _file(archived, personas.jw_officer, **ART19, new_data_centre=True, pue="1.35")
    assert acceptance.state == AcceptanceState.PASSED
    decision = Decision.objects.filter(gate="delivery.acceptance").latest("created_at")
    assert decision.policy == newer


def test_R19_2_a_pue_below_one_is_not_a_pue(archived, personas):
    from core.errors import ActionInvalid

    with pytest.raises(ActionInvalid):
        _file(archived, personas.jw_officer, **ART19, new_data_centre=True, pue="0.9")


# -- BDB's path -----------------------------------------------------------------------------------


def test_R19_2_binds_the_result_bdb_records(walker, personas):
    project = delivered(walker, personas, name=BIG, wan="3500", target="archived")
    acceptance = actions.apply_acceptance(project, acting_user=personas.jw_officer)

    def decide(**art19):
        return actions.decide_acceptance(
            acceptance,
            acting_user=personas.bdb,
            passed=True,
            held_on="2025-11-20",
            conclusion="专家组验收结论。",
            **art19,
        )

    with pytest.raises(ActionBlocked) as exc:
        decide()
    [finding] = _r19(exc)
    assert len(finding.facts["missing"]) == 4
    with pytest.raises(ActionBlocked) as exc:
        decide(**ART19, new_data_centre=True, pue="1.31")
    assert "1.31" in _r19(exc)[0].message
    blocked = Decision.objects.filter(gate="delivery.acceptance_result").latest("created_at")
    assert blocked.outcome == Outcome.BLOCK
    # R19.2 reads only the decision's own facts and policy: it replays from its record
    assert replay_decision(blocked).status == "identical"
    acceptance.refresh_from_db()
    assert acceptance.state == AcceptanceState.APPLIED
    decided = decide(**ART19, **NEW_DC)
    assert decided.state == AcceptanceState.PASSED and decided.pue == Decimal("1.25")
    decision = Decision.objects.filter(gate="delivery.acceptance_result").latest("created_at")
    assert decision.outcome == Outcome.PASS and decision.inputs["new_data_centre"] is True


# -- the parameter, the API and the catalogue of rules ----------------------------------------------


def test_the_pue_ceiling_is_a_parameter_of_art19_not_set_by_the_measures():
    spec = SPECS["new_data_centre_max_pue"]
    assert spec.article == "第十九条" and "规章未定" in str(spec.note)
    for version in PolicyVersion.objects.all():
        assert version.p.new_data_centre_max_pue == Decimal("1.30")


def test_the_api_takes_and_returns_art19(archived, personas, login):
    from tests.api.helpers import post_json

    client = login(personas.jw_officer)
    url = f"/api/delivery/projects/{archived.pk}/acceptance/file"
    result = {"passed": True, "held_on": "2025-11-20", "conclusion": "验收通过。"}
    response = post_json(client, url, {**result, **ART19, "new_data_centre": True, "pue": "1.5"})
    assert response.status_code == 409
    findings = response.json()["findings"]
    assert [f["rule_id"] for f in findings if f["severity"] == "block"] == ["R19.2"]
    response = post_json(client, url, {**result, **ART19, **NEW_DC})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["pue"] == "1.25" and body["new_data_centre"] is True
    assert body["products_reliability_label"] == "全部安全可靠"
    assert body["crypto_evaluation_label"] == "密码应用安全性评估通过"
    assert body["security_review_label"] == "不涉及安全审查"


def test_the_rules_page_shows_R19_2_implemented(personas, login):
    html = login(personas.jw_officer).get("/policy/rules/").content.decode()
    # the rule, in both gates that record an acceptance result
    rule = re.search(r"<tr><td class=\"font-monospace\">R19\.2</td>.*?</tr>", html, re.S)
    assert rule and "delivery.acceptance）" in rule.group(0)
    assert "delivery.acceptance_result" in rule.group(0)
    # and the requirement, covered
    covered = re.search(
        r"<tr><td class=\"font-monospace\">R19\.2</td><td>第十九条</td><td class=\"small\">.*?</tr>",
        html,
        re.S,
    )
    assert covered and "已实现" in covered.group(0)
