"""The "您现在可以办理" card on the catalog's object pages: each role is offered what it may do on
a system, a data resource, a sharing request and an O&M decision, and sees why it cannot do
the rest (the findings with their article)."""

import pytest

from catalog import actions
from catalog.demo import ask, publish_resource, register
from catalog.models import OMDecision
from core.offers import next_steps

pytestmark = pytest.mark.django_db


def _card(obj, user):
    """The catalog's offers on the card (other chapters may add their own)."""
    steps = next_steps(obj, user)
    enabled = {n for n in steps.names() if n.startswith("catalog.")}
    blocked = {
        o.action.name: o.blocking for o in steps.blocked if o.action.name.startswith("catalog.")
    }
    return enabled, blocked


def test_system_card_offers_each_role_its_act(personas, login):
    system = register(
        personas.jw_officer, "JW-ISO", "考试指挥系统", network="isolated", isolation_reason="涉密"
    )
    enabled, _blocked = _card(system, personas.jw_officer)
    assert enabled == {"catalog.update_system"}
    enabled, _blocked = _card(system, personas.bdb)
    assert {"catalog.update_system", "catalog.curate_system", "catalog.review_isolation"} <= enabled
    enabled, blocked = _card(system, personas.gov)
    assert not enabled
    assert [f.rule_id for f in blocked["catalog.review_isolation"]] == ["R31.1.bdb-first"]
    assert _card(system, personas.auditor) == (set(), {})
    page = login(personas.bdb).get(f"/catalog/systems/{system.pk}/").content.decode()
    assert 'data-testid="act-curate-system-open"' in page
    assert 'data-testid="act-review-isolation-open"' in page


def test_resource_card_offers_the_provider_its_edit_and_others_a_request(personas, login):
    system = register(personas.wj_officer, "WJ-1", "全民健康信息平台")
    resource = publish_resource(
        personas.wj_officer, "A01/000001", "人口", ["姓名:char"], systems=[system]
    )
    enabled, _blocked = _card(resource, personas.wj_officer)
    assert enabled == {"catalog.update_resource"}
    enabled, _blocked = _card(resource, personas.jw_officer)
    assert enabled == {"catalog.request_sharing"}
    request = ask(personas.jw_officer, resource, "核验")
    enabled, _blocked = _card(resource, personas.wj_officer)
    assert enabled == {"catalog.update_resource", "catalog.answer_sharing"}
    page = login(personas.wj_officer).get(f"/catalog/resources/{resource.pk}/").content.decode()
    assert "市教委" in page or "教育委员会" in page  # the answer names the requesting unit
    # the request's own page: the provider answers, the requester waits
    assert _card(request, personas.wj_officer)[0] == {"catalog.answer_sharing"}
    assert _card(request, personas.jw_officer) == (set(), {})
    actions.answer_sharing(request, acting_user=personas.wj_officer, grant=True, answer="")
    request.refresh_from_db()
    assert _card(request, personas.jw_officer)[0] == {"catalog.report_sharing_usage"}
    assert _card(request, personas.wj_officer) == (set(), {})


def test_R14_4_unshared_resource_card_cites_article_14(personas):
    resource = publish_resource(
        personas.wj_officer,
        "A01/000002",
        "病历",
        ["病历号:char"],
        share_type="none",
        share_basis="《医疗机构病历管理规定》",
        share_method="",
    )
    steps = next_steps(resource, personas.jw_officer)
    (offer,) = [o for o in steps.blocked if o.action.name == "catalog.request_sharing"]
    (finding,) = offer.blocking
    assert finding.rule_id == "R14.4.not-shared" and finding.article == "第十四条"
    assert "病历管理规定" in finding.message and finding.remedy


def test_om_decision_card_offers_what_would_change_the_decision(personas, login):
    system = register(personas.jw_officer, "JW-1", "教育统计系统")  # not curated: R31.3
    result = actions.decide_om_funding(acting_user=personas.finance, budget_year=2027)
    decision = OMDecision.objects.get(run__code=result["run"], system=system)
    assert "catalog.curate_system" in _card(decision, personas.bdb)[0]
    assert _card(decision, personas.jw_officer)[0] == {"catalog.update_system"}
    assert _card(decision, personas.finance) == (set(), {})
    page = login(personas.bdb).get(f"/catalog/om-decisions/{decision.pk}/").content.decode()
    assert 'data-testid="act-curate-system-open"' in page
