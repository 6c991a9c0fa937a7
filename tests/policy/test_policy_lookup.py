"""Policy versions as data, and lookup of the policy in force by district and date."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Organisation
from policy.lookup import NoPolicyInForce, forget_policies, policy_in_force
from policy.models import PolicyParameter, PolicyVersion
from policy.parameters import SPECS


def test_municipal_policy_is_loaded_with_typed_parameters(db):
    policy = PolicyVersion.objects.get(code="cq-municipal-2021")
    assert policy.document == "渝府办发〔2021〕122号"
    assert policy.param("approval_threshold") == Decimal("30000000.00")
    assert policy.param("change_ratio") == Decimal("0.15")
    assert policy.param("acceptance_window_months") == 6
    assert (policy.param("self_eval_start_months"), policy.param("self_eval_end_months")) == (
        12,
        24,
    )
    assert (policy.param("master_plan_min_years"), policy.param("master_plan_max_years")) == (3, 5)
    assert policy.param("performance_report_due") == (12, 31)
    assert set(policy.params) == set(SPECS)


def test_unit_gets_municipal_policy(personas):
    unit = personas.jw_officer.primary_organisation
    assert policy_in_force(unit, dt.date(2026, 1, 1)).code == "cq-municipal-2021"


def test_district_unit_gets_district_policy(personas):
    unit = personas.district_officer.primary_organisation
    policy = policy_in_force(unit, dt.date(2026, 1, 1))
    assert policy.code == "cq-yuzhong-example-2022"
    assert policy.param("approval_threshold") == Decimal("10000000.00")


def test_district_unit_before_its_policy_falls_back_to_municipal(personas):
    unit = personas.district_officer.primary_organisation
    assert policy_in_force(unit, dt.date(2021, 12, 31)).code == "cq-municipal-2021"


def test_no_policy_before_the_measures_took_effect(personas):
    unit = personas.jw_officer.primary_organisation
    with pytest.raises(NoPolicyInForce):
        policy_in_force(unit, dt.date(2021, 11, 9))
    assert policy_in_force(unit, dt.date(2021, 11, 10)).code == "cq-municipal-2021"


def test_a_newer_version_supersedes_from_its_effective_date(personas):
    base = PolicyVersion.objects.get(code="cq-municipal-2021")
    newer = PolicyVersion.objects.create(
        code="cq-municipal-2027", name="修订版", effective_from=dt.date(2027, 1, 1)
    )
    for p in base.parameters.all():
        PolicyParameter.objects.create(policy=newer, key=p.key, value=p.value)
    newer.parameters.filter(key="approval_threshold").update(value="50000000.00")
    forget_policies()  # an update() sends no signal: the process's kept versions are stale
    unit = personas.jw_officer.primary_organisation
    assert policy_in_force(unit, dt.date(2026, 12, 31)).code == "cq-municipal-2021"
    assert policy_in_force(unit, dt.date(2027, 1, 1)).param("approval_threshold") == Decimal(
        "50000000.00"
    )


def test_other_district_without_policy_uses_municipal(db):
    district = Organisation.objects.create(
        name="重庆市江北区人民政府", kind="district", division_code="500105"
    )
    unit = Organisation.objects.create(name="江北区大数据局", kind="unit", district=district)
    assert policy_in_force(unit, dt.date(2026, 1, 1)).code == "cq-municipal-2021"


def test_missing_parameter_is_a_configuration_error(db):
    broken = PolicyVersion.objects.create(
        code="broken", name="缺参数", effective_from=dt.date(2030, 1, 1)
    )
    with pytest.raises(LookupError, match="缺少参数"):
        broken.param("approval_threshold")


@pytest.mark.parametrize(
    "key,raw",
    [
        ("change_ratio", "1.5"),
        ("approval_threshold", "-1"),
        ("acceptance_window_months", "six"),
        ("performance_report_due", "13-01"),
    ],
)
def test_bad_parameter_values_are_refused(key, raw):
    with pytest.raises(ValueError, match="无效"):
        SPECS[key].parse(raw)


def test_the_process_keeps_the_versions_it_read_until_one_changes(db):
    """Versions come with migrations and never change once loaded: a second page or gate
    reads the policy in force without a query; saving a version or a parameter forgets."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.memo import memo_scope
    from policy.lookup import code_in_force, policy_in_force

    with memo_scope():
        first = policy_in_force(None, dt.date(2026, 6, 1))
        code_in_force(None, dt.date(2026, 6, 1))
    with CaptureQueriesContext(connection) as captured, memo_scope():
        again = policy_in_force(None, dt.date(2026, 6, 1))
        code = code_in_force(None, dt.date(2026, 6, 1))
    assert again.pk == first.pk and code == first.code
    assert len(captured) == 0
    newer = PolicyVersion.objects.create(
        code="cq-kept-2026", name="新版本", effective_from=dt.date(2026, 5, 1)
    )
    with CaptureQueriesContext(connection) as captured, memo_scope():
        assert policy_in_force(None, dt.date(2026, 6, 1)).pk == newer.pk
        assert code_in_force(None, dt.date(2026, 6, 1)) == "cq-kept-2026"
    assert len(captured) >= 1
