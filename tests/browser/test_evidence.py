"""Duplicate construction in the browser (Art. 8, R8.5): BDB's reviewer opens a submitted
project of 市教委 whose requirement duplicates 市卫生健康委's catalogued system, reads the
evidence beside the list review — the system, its unit, the similarity and what is shared —
and records a conclusion for that match on the "您现在可以办理" card; the conclusion is then
shown with the evidence.

The city and the draft are set up with the real actions (``tests/evidence/conftest.py``);
the submission indexes the project and stores the matches its list review is decided on."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from evidence import check
from tests.evidence.conftest import city, drafted  # noqa: F401  (fixtures)

from .helpers import login, messages, shot, submit_form

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the policy versions loaded by migrations survive the flush
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SYSTEM = "电子健康档案共享调阅系统"
ACTION = "evidence.record_match_conclusion"


def _conclusion_offer(page):
    """The card's offer to record a conclusion for the match with the health system."""
    offers = page.locator(f"[data-testid='offer'][data-action='{ACTION}']")
    return offers.filter(has_text=SYSTEM)


def test_reviewer_reads_the_evidence_and_records_a_conclusion(
    live_server,
    page,
    artifacts,
    city,  # noqa: F811
    drafted,  # noqa: F811
    walker,
):
    walker.submit(drafted)  # indexed and compared once committed (evidence.indexing)
    match_set = check.current_set(drafted)
    assert match_set is not None and match_set.matches.filter(target_name=SYSTEM).exists()

    login(page, live_server, "dsj_shenhe")
    page.goto(f"{live_server.url}{drafted.get_absolute_url()}")
    panel = page.get_by_test_id("evidence-panel")
    expect(panel).to_be_visible()

    # the evidence: the other unit's system, its similarity, and what is shared
    row = panel.get_by_test_id("evidence-match").filter(has_text=SYSTEM)
    expect(row).to_have_count(1)
    text = row.inner_text()
    assert "市卫生健康委" in text and "系统" in text
    percent = int(re.search(r"(\d+)%", text).group(1))
    assert percent >= 30, text
    expect(row.get_by_test_id("evidence-flag")).to_have_text("疑似重复")
    assert "相同功能：电子健康档案共享调阅" in text
    assert "相同数据项：" in text and "诊断结果" in text
    assert "共同词语：" in text and "电子健康档案" in text
    expect(row.get_by_test_id("evidence-conclusion")).to_have_text("待记录")
    shot(page, artifacts, "evidence-1-reviewer-reads")
    panel.screenshot(path=str(artifacts / "evidence-1-panel.png"))

    # the card offers a conclusion per match; a reuse needs its reasons (R8.5)
    offer = _conclusion_offer(page)
    expect(offer).to_have_count(1)
    assert f"{SYSTEM}" in offer.inner_text() and f"相似度 {percent}%" in offer.inner_text()
    offer.get_by_test_id("act-record-match-conclusion-open").click()
    offer.get_by_label("审核结论").select_option(label="复用已有系统")
    submit_form(page, offer.get_by_test_id("act-record-match-conclusion"))
    expect(page.get_by_text("请说明复用、并入或退回的理由和要求。").first).to_be_visible()

    page.goto(f"{live_server.url}{drafted.get_absolute_url()}")
    offer = _conclusion_offer(page)
    offer.get_by_test_id("act-record-match-conclusion-open").click()
    offer.get_by_label("审核结论").select_option(label="复用已有系统")
    offer.get_by_label("结论说明").fill(
        "复用市卫生健康委电子健康档案共享调阅系统，不新建调阅功能。"
    )
    submit_form(page, offer.get_by_test_id("act-record-match-conclusion"))
    assert f"已记录与“{SYSTEM}”的比对结论：复用已有系统。" in messages(page)

    # the conclusion is shown with the evidence, with who recorded it
    page.goto(f"{live_server.url}{drafted.get_absolute_url()}")
    row = page.get_by_test_id("evidence-panel").get_by_test_id("evidence-match")
    row = row.filter(has_text=SYSTEM)
    conclusion = row.get_by_test_id("evidence-conclusion")
    expect(conclusion).to_contain_text("复用已有系统")
    expect(conclusion).to_contain_text("不新建调阅功能")
    reviewer = city["p"].bdb
    expect(conclusion).to_contain_text(reviewer.get_full_name() or reviewer.username)
    # the card now names the recorded conclusion for this match
    assert "现结论：复用已有系统" in _conclusion_offer(page).inner_text()
    shot(page, artifacts, "evidence-2-conclusion-recorded")
    page.get_by_test_id("evidence-panel").screenshot(path=str(artifacts / "evidence-2-panel.png"))
