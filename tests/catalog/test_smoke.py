from catalog import actions, eligibility
from catalog.models import OMDecision
from policy.lookup import forget_policies


def _system(personas, code, **extra):
    fields = dict(
        name=f"系统{code}",
        category="business",
        mlps_result="pass",
        mlps_evaluated_on="2026-06-01",
        crypto_result="pass",
        crypto_assessed_on="2026-06-01",
    )
    fields.update(extra)
    return actions.register_system(
        acting_user=personas.jw_officer,
        unit=personas.jw_officer.primary_organisation,
        code=code,
        **fields,
    )


def test_om_decisions_explain_each_reason(personas):
    ok = _system(personas, "S1")
    actions.curate_system(ok, acting_user=personas.bdb)
    missing = _system(personas, "S2")
    crypto = _system(personas, "S3", crypto_result="fail")
    actions.curate_system(crypto, acting_user=personas.bdb)
    result = actions.decide_om_funding(acting_user=personas.finance, budget_year=2027)
    assert result["systems"] == 3 and result["eligible"] == 1
    by = {d.system.code: d for d in OMDecision.objects.filter(run__code=result["run"])}
    assert by["S1"].eligible
    assert {r["rule_id"] for r in by["S2"].reasons} == {"R31.3"}
    assert {r["rule_id"] for r in by["S3"].reasons} == {"R32.1"}
    assert by["S3"].reasons[0]["article"] == "第三十二条"
    now = eligibility.evaluate_systems([missing.pk])
    assert now[missing.pk]["reasons"][0]["facts"] == {"catalogued": False}


def test_partial_update_cannot_leave_a_pair_incomplete(personas):
    import pytest

    from core.errors import ActionInvalid

    system = _system(personas, "S9")
    with pytest.raises(ActionInvalid) as exc:
        actions.update_system(system, acting_user=personas.jw_officer, hosting="other")
    assert "第二十条" in exc.value.errors["hosting_justification"]
    actions.update_system(
        system, acting_user=personas.jw_officer, hosting="other", hosting_justification="涉及专网"
    )


def test_zombie_thresholds_come_from_the_policy(personas):
    from policy.models import PolicyParameter

    system = _system(personas, "S7", monthly_visits=15)
    actions.curate_system(system, acting_user=personas.bdb)
    run = actions.decide_om_funding(acting_user=personas.finance, budget_year=2027)
    decision = OMDecision.objects.get(run__code=run["run"], system=system)
    assert not [w for w in decision.warnings if w["rule_id"] == "R33.1.zombie"]
    PolicyParameter.objects.filter(key="zombie_min_monthly_visits").update(value="20")
    forget_policies()  # an update() sends no signal: the process's kept versions are stale
    run = actions.decide_om_funding(acting_user=personas.finance, budget_year=2027)
    warning = next(
        w
        for w in OMDecision.objects.get(run__code=run["run"], system=system).warnings
        if w["rule_id"] == "R33.1.zombie"
    )
    assert warning["facts"]["min_monthly_visits"] == 20 and warning["article"] == "第三十三条"
