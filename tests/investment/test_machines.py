"""The lifecycles of the investment chapter: plan versions (Art. 10), Art. 11 requests (Art. 11)
and change requests (Art. 26). Every transition is taken by its action; a state never changes
outside its machine; a step taken in the wrong state is refused citing the article."""

import pytest

from core.enums import ActionCode
from core.errors import ActionBlocked, ActionForbidden
from core.machines import UndeclaredStateChange, machine
from core.models import LedgerEvent
from investment import actions
from investment.models import (
    Art11Request,
    Art11State,
    ChangeRequest,
    ChangeState,
    PlanState,
    PlanVersion,
)

pytestmark = pytest.mark.django_db
ITEMS = [{"name": "软件开发", "amount_wan": "600"}, {"name": "硬件", "amount_wan": "200"}]


def initiate(personas, project, **extra):
    return actions.initiate_art11(
        acting_user=personas.finance,
        project=project,
        year=project.year,
        amount_wan="100",
        basis="市政府明确要求当年实施。",
        budget_source="预备费",
        **extra,
    )


def with_baseline(project, personas):
    actions.set_baseline(project, acting_user=personas.jw_officer, goals="目标", items=ITEMS)
    return project


def submit(project, personas, software, hardware, circumstance="optimise"):
    return actions.submit_change(
        project,
        acting_user=personas.jw_officer,
        reason="调整",
        circumstance=circumstance,
        items=[
            {"name": "软件开发", "amount_wan": software},
            {"name": "硬件", "amount_wan": hardware},
        ],
    )


def moves(obj) -> list[tuple[str, str]]:
    events = LedgerEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return [(e.from_state, e.to_state) for e in events.order_by("seq") if e.from_state]


def test_R10_1_plan_version_publish_and_supersede(approved, personas):
    year = approved.year
    actions.compile_plan(acting_user=personas.drc, year=year)
    first = actions.publish_plan(acting_user=personas.drc, year=year)
    assert first.state == PlanState.PUBLISHED and moves(first) == [("draft", "published")]
    draft = actions.open_plan_version(acting_user=personas.drc, year=year, basis="年中调整")
    second = actions.publish_plan(draft, acting_user=personas.drc)
    first.refresh_from_db()
    assert second.state == PlanState.PUBLISHED and first.state == PlanState.SUPERSEDED
    assert moves(first) == [("draft", "published"), ("published", "superseded")]
    # a published version is never published again: the state refuses, citing Art. 10
    [finding] = actions.publish_plan.check(second, personas.drc)
    assert (finding.rule_id, finding.article) == ("R10.1.state", "第十条")


def test_R11_1_every_step_of_the_art11_machine(approved, personas):
    req = initiate(personas, approved)
    assert req.state == machine("art11_request").initial == Art11State.INITIATED
    actions.list_art11(req, acting_user=personas.bdb)
    actions.approve_art11(req, acting_user=personas.drc)
    actions.budget_art11(req, acting_user=personas.finance)
    req.refresh_from_db()
    assert moves(req) == [
        ("initiated", "listed"),
        ("listed", "approved"),
        ("approved", "budgeted"),
    ]
    # BDB refuses before listing, DRC after: each only in its own turn (others: 404)
    unlisted, listed = initiate(personas, approved), initiate(personas, approved)
    actions.list_art11(listed, acting_user=personas.bdb)
    with pytest.raises(ActionForbidden):
        actions.reject_art11(unlisted, acting_user=personas.drc, opinion="不符合")
    with pytest.raises(ActionForbidden):
        actions.reject_art11(listed, acting_user=personas.bdb, opinion="不符合")
    actions.reject_art11(unlisted, acting_user=personas.bdb, opinion="不属于申报范围。")
    actions.reject_art11(listed, acting_user=personas.drc, opinion="理由不充分。")
    assert set(Art11Request.objects.values_list("state", flat=True)) == {
        Art11State.BUDGETED,
        Art11State.REJECTED,
    }
    # a budgeted request cannot be refused any more: the state says why, citing Art. 11
    with pytest.raises(ActionBlocked) as exc:
        actions.reject_art11(req, acting_user=personas.drc, opinion="迟了")
    assert [(f.rule_id, f.article) for f in exc.value.findings] == [("R11.1.state", "第十一条")]


def test_R26_1_every_step_of_the_change_machine(approved, personas):
    with_baseline(approved, personas)
    filed = submit(approved, personas, "680", "120")  # 10 %: filed at once
    assert filed.state == ChangeState.FILED and moves(filed) == [("pending", "filed")]
    assert LedgerEvent.objects.filter(action=ActionCode.CHANGE_FILED).count() == 1
    pending = submit(approved, personas, "730", "70", circumstance="")
    assert pending.state == ChangeState.PENDING and moves(pending) == []
    actions.reject_change(pending, acting_user=personas.drc, opinion="理由不充分。")
    again = submit(approved, personas, "730", "70", circumstance="")
    actions.approve_change(again, acting_user=personas.drc, opinion="同意。")
    pending.refresh_from_db()
    again.refresh_from_db()
    assert moves(pending) == [("pending", "rejected")] and moves(again) == [("pending", "approved")]
    # a filing needs no decision: DRC is told why, citing Art. 26
    with pytest.raises(ActionBlocked) as exc:
        actions.approve_change(filed, acting_user=personas.drc, opinion="同意")
    [finding] = exc.value.findings
    assert (finding.rule_id, finding.article) == ("R26.1.state", "第二十六条")
    assert finding.remedy


def test_a_raw_save_or_update_cannot_change_an_investment_state(approved, personas):
    with_baseline(approved, personas)
    actions.compile_plan(acting_user=personas.drc, year=approved.year)
    version = PlanVersion.objects.get()
    req = initiate(personas, approved)
    change = submit(approved, personas, "730", "70", circumstance="")
    for obj, state in (
        (version, PlanState.PUBLISHED),
        (req, Art11State.BUDGETED),
        (change, ChangeState.APPROVED),
    ):
        before = obj.state
        obj.state = state
        with pytest.raises(UndeclaredStateChange):
            obj.save()
        with pytest.raises(UndeclaredStateChange):
            type(obj).objects.filter(pk=obj.pk).update(state=state)
        obj.refresh_from_db()
        assert obj.state == before
    # a new change request starts pending (the machine's initial state), never decided
    with pytest.raises(UndeclaredStateChange):
        ChangeRequest.objects.create(
            project=approved,
            number=99,
            new_total=change.new_total,
            moved_amount=0,
            cumulative_moved=0,
            reason="绕过",
            classification="filing",
            state=ChangeState.APPROVED,
            created_by=personas.jw_officer,
        )
