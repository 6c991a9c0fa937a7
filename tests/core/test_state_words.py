"""Issue 18, point 3: states, gates and policies reach a person by their Chinese names; codes
stay in a tooltip (and the API)."""

import re

import pytest

from core.machines import state_label_of
from core.models import LedgerEvent
from projects.models import ProjectState

pytestmark = pytest.mark.django_db


def test_state_label_of_uses_the_objects_machine_then_any_then_outcomes():
    assert state_label_of("projects.project", "draft") == "草稿"
    assert state_label_of("catalog.informationsystem", "catalogued") == "已纳入总目录"
    assert state_label_of("accounts.user", "bdb_reviewer") == "大数据局审核人"
    assert state_label_of("policy.decision", "block") == "阻断"
    assert state_label_of("x.y", "") == ""


def test_ledger_pages_show_states_in_words(walker, personas, login):
    walker.submit(walker.create("学生资助精准认定系统", "800"))
    client = login(personas.auditor)
    html = client.get("/ledger/").content.decode()
    cells = re.findall(r'<span title="([^"]*)">([^<]*)</span>', html)
    shown = [words for codes, words in cells if "→" in codes]
    assert shown and "草稿 → 已申报，待大数据局审核" in shown
    assert not any(re.search(r"[a-z]_?[a-z]+ →|→ [a-z]", w) for w in shown), shown
    event = LedgerEvent.objects.filter(to_state=ProjectState.SUBMITTED).latest("seq")
    page = client.get(f"/ledger/{event.seq}/").content.decode()
    assert "草稿 → 已申报，待大数据局审核" in page


def test_decision_pages_name_the_gate_and_the_policy(walker, personas, login):
    walker.submit(walker.create("学生资助精准认定系统", "800"))
    client = login(personas.auditor)
    html = client.get("/policy/decisions/").content.decode()
    assert "申报项目需求" in html and '<td title="projects.submit">' in html
    assert ">cq-municipal-2021<" not in html
