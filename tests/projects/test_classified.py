"""Classified projects (Art. 8 ¶3, R8.3): refused online; DRC keeps a non-classified stub
(code, unit, amount) so that totals stay complete; stubs are not shown to unit officers."""

from decimal import Decimal

import pytest

from accounts.models import Organisation
from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from policy.models import Decision
from projects import actions
from projects.models import ClassifiedStub, Project

STUBS = "/projects/classified-stubs/"


@pytest.fixture
def jw_unit(people):
    return Organisation.objects.get(short_name="市教委")


def test_R8_3_classified_project_is_refused_and_nothing_is_created(planned, personas, jw_unit):
    # given a unit officer of 市教委
    before = Project.objects.count()
    # when they try to create a classified project
    with pytest.raises(ActionBlocked) as exc:
        actions.create_project(
            acting_user=personas.jw_officer,
            unit=jw_unit,
            is_classified=True,
            name="某涉密系统",
            kind="new",
            year=2026,
            total_investment_wan="500",
        )
    # then the refusal cites 第八条 and points to the offline channel
    finding = next(f for f in exc.value.findings if f.rule_id == "R8.3")
    assert finding.article == "第八条" and "线下" in finding.remedy
    assert Project.objects.count() == before
    # and the refusal is kept as a decision, so it can be explained later
    assert Decision.objects.filter(gate="projects.create", outcome="block").exists()


def test_R8_3_drc_records_a_stub_with_code_unit_and_amount_only(personas, jw_unit):
    stub = actions.record_classified_stub(
        acting_user=personas.drc, unit=jw_unit.pk, year=2026, amount_wan="1,200.5"
    )
    assert stub.code == "SM-2026-0001"
    assert stub.unit == jw_unit and stub.amount == Decimal("12005000.00")
    named = actions.record_classified_stub(
        acting_user=personas.drc, unit=jw_unit, year=2026, amount_wan="80", code="JW-M-7"
    )
    assert named.code == "JW-M-7"
    # the model holds nothing else
    fields = {f.name for f in ClassifiedStub._meta.concrete_fields}
    assert fields == {"id", "code", "unit", "year", "amount", "recorded_by", "recorded_at"}


def test_R8_3_stub_refused_for_a_unit_officer(personas, jw_unit):
    with pytest.raises(ActionForbidden):
        actions.record_classified_stub(
            acting_user=personas.jw_officer, unit=jw_unit.pk, year=2026, amount_wan="100"
        )
    assert not ClassifiedStub.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0", "金额须大于零"), ("-5", "金额须大于零"), ("十万", "金额应为数字"), ("", "请填写金额")],
)
def test_R8_3_stub_refuses_bad_amounts_in_chinese(personas, jw_unit, amount, message):
    with pytest.raises(ActionInvalid) as exc:
        actions.record_classified_stub(
            acting_user=personas.drc, unit=jw_unit.pk, year=2026, amount_wan=amount
        )
    assert message in exc.value.errors["amount_wan"]
    assert not ClassifiedStub.objects.exists()


def test_R8_3_stub_refuses_duplicate_code(personas, jw_unit):
    actions.record_classified_stub(
        acting_user=personas.drc, unit=jw_unit.pk, year=2026, amount_wan="10", code="SM-X"
    )
    with pytest.raises(ActionInvalid) as exc:
        actions.record_classified_stub(
            acting_user=personas.drc, unit=jw_unit.pk, year=2026, amount_wan="10", code="SM-X"
        )
    assert "存根编号已存在" in exc.value.errors["code"]


def test_R8_3_stub_page_for_drc_records_and_totals_by_year(personas, login, jw_unit):
    client = login(personas.drc)
    html = client.get(STUBS).content.decode()
    assert "线下" in html and "第八条" in html and 'data-testid="stub-form"' in html
    bad = client.post(STUBS, {"unit": jw_unit.pk, "year": 2026, "amount_wan": "-1"})
    assert bad.status_code == 422 and "金额须大于零" in bad.content.decode()
    for amount in ("100", "250.25"):
        resp = client.post(STUBS, {"unit": jw_unit.pk, "year": 2026, "amount_wan": amount})
        assert resp.status_code == 302
    actions.record_classified_stub(
        acting_user=personas.drc, unit=jw_unit.pk, year=2025, amount_wan="40"
    )
    html = client.get(STUBS).content.decode()
    assert "SM-2026-0001" in html and "SM-2026-0002" in html and "SM-2025-0001" in html
    totals = html.split('data-testid="stub-totals"')[1].split("</table>")[0]
    assert "350.25" in totals and "40.00" in totals


def test_R8_3_stubs_are_not_visible_to_unit_officers(personas, login, jw_unit):
    actions.record_classified_stub(
        acting_user=personas.drc, unit=jw_unit.pk, year=2026, amount_wan="100", code="SM-HIDE"
    )
    for reader in (personas.finance, personas.bdb, personas.auditor):
        assert "SM-HIDE" in login(reader).get(STUBS).content.decode()
    client = login(personas.jw_officer)
    resp = client.get(STUBS)
    html = resp.content.decode()
    assert resp.status_code == 200 and "SM-HIDE" not in html and "stub-form" not in html
    assert "线下" in html  # the officer still learns where classified projects go
    post = client.post(STUBS, {"unit": jw_unit.pk, "year": 2026, "amount_wan": "1"})
    assert post.status_code == 404
    assert ClassifiedStub.objects.count() == 1
    # the bureau reviewer reads stubs but cannot record one
    bdb = login(personas.bdb)
    assert bdb.post(STUBS, {"unit": jw_unit.pk, "year": 2026, "amount_wan": "1"}).status_code == 404
