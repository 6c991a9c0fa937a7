"""O&M funding decisions for Finance (第二十八条、第三十一条至第三十三条)."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from catalog import actions
from catalog.models import OMDecision
from core.dates import today
from core.models import BackgroundJob
from core.todos import todos_for
from tests import xlsx_check

from .test_pages import register

YEAR = today().year + 1


@pytest.fixture(autouse=True)
def _tasks_at_once(immediate_tasks):
    """The run is a background job: done at once here (tests/core/test_jobs.py queues it)."""


def _systems(personas):
    ok = register(personas, "S-OK")
    actions.curate_system(ok, acting_user=personas.bdb)
    crypto = register(personas, "S-CRYPTO", crypto_result="fail")
    actions.curate_system(crypto, acting_user=personas.bdb)
    missing = register(personas, "S-MISSING")
    wj = register(personas, "S-WJ", user=personas.wj_officer)
    actions.curate_system(wj, acting_user=personas.bdb)
    return ok, crypto, missing, wj


def test_finance_runs_filters_and_reads_the_reasons(personas, login):
    _ok, crypto, _missing, _wj = _systems(personas)
    client = login(personas.finance)
    assert any(f"{YEAR} 年运维经费决定" in t.title for t in todos_for(personas.finance))
    page = client.get("/catalog/om-decisions/").content.decode()
    assert "run-form" in page and "missing-run" in page
    response = client.post("/catalog/om-decisions/run/", {"budget_year": YEAR})
    job = BackgroundJob.objects.get(owner=personas.finance)
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.state == "done" and job.result_url.endswith(f"?year={YEAR}")
    assert f"生成 {YEAR} 年运维经费决定" == job.title
    assert "4 个系统，2 个可安排，2 个不予安排" in job.summary
    assert OMDecision.objects.filter(run__budget_year=YEAR).count() == 4
    assert not any(f"{YEAR} 年运维经费决定" in t.title for t in todos_for(personas.finance))

    page = client.get(response.url).content.decode()  # the job's page: done, with its result
    assert "4 个系统，2 个可安排，2 个不予安排" in page and 'data-testid="job-result"' in page
    page = client.get(job.result_url, follow=True).content.decode()
    assert page.count('data-testid="om-row"') == 4

    page = client.get(f"/catalog/om-decisions/?year={YEAR}&eligible=0").content.decode()
    assert page.count('data-testid="om-row"') == 2
    assert "S-CRYPTO" in page and "S-MISSING" in page and "S-OK" not in page
    assert "第三十二条 · R32.1" in page and "第三十一条 · R31.3" in page

    page = client.get("/catalog/om-decisions/?rule=R32.1").content.decode()
    assert page.count('data-testid="om-row"') == 1 and "S-CRYPTO" in page
    page = client.get("/catalog/om-decisions/?q=MISSING").content.decode()
    assert page.count('data-testid="om-row"') == 1

    decision = OMDecision.objects.get(system=crypto)
    page = client.get(f"/catalog/om-decisions/{decision.pk}/").content.decode()
    assert "不予安排运行维护经费" in page
    assert 'data-rule="R32.1"' in page and "第三十二条" in page
    assert "密码应用安全性评估结论为“不符合”" in page
    assert "密评结论" in page and "不符合" in page and "crypto_result" in page  # the facts
    assert "请按密评意见整改并重新评估。" in page  # the remedy
    assert decision.policy.code in page
    # who ran it and the run's counts, from the run record
    assert f'data-testid="decided-by">{personas.finance}<' in page
    assert "4 个系统，2 个可安排" in page

    # a second run replaces the list with the latest run of the year; the first stays stored
    actions.curate_system(_missing, acting_user=personas.bdb)
    client.post("/catalog/om-decisions/run/", {"budget_year": YEAR})
    page = client.get(f"/catalog/om-decisions/?year={YEAR}&eligible=0").content.decode()
    assert page.count('data-testid="om-row"') == 1
    assert OMDecision.objects.filter(run__budget_year=YEAR).count() == 8


def test_export_of_the_filtered_list(personas, login):
    _systems(personas)
    actions.decide_om_funding(acting_user=personas.finance, budget_year=YEAR)
    response = login(personas.finance).get(f"/catalog/om-decisions/export/?year={YEAR}&eligible=0")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "预算年度",
        "系统编码",
        "系统名称",
        "所属单位",
        "是否可安排运维经费",
        "不符合的条件（条款）",
    )
    assert ws.freeze_panes == "A2"
    by_code = {r[1]: r for r in rows[1:]}
    assert set(by_code) == {"S-CRYPTO", "S-MISSING"}
    assert by_code["S-CRYPTO"][4] == "不予安排"
    assert "第三十二条 R32.1" in by_code["S-CRYPTO"][5]
    assert "不符合" in by_code["S-CRYPTO"][6]
    # a named sheet with an autofilter; the year a number, the decision time a date-time cell
    xlsx_check.check_file(response.content)
    assert ws.title == "运维经费决定" and ws.auto_filter.ref == "A1:L3"
    assert by_code["S-CRYPTO"][0] == YEAR
    [decided] = {d.replace(second=0) for d in xlsx_check.check_dates(ws, "决定时间")}
    made = OMDecision.objects.filter(run__budget_year=YEAR).first().decided_at
    assert decided == timezone.localtime(made).replace(tzinfo=None, second=0, microsecond=0)
    assert ws.cell(2, 12).number_format == "yyyy-mm-dd hh:mm"
    # ?eligible=false is the same filter (it used to be ignored and everything exported)
    spelled = login(personas.finance).get(
        f"/catalog/om-decisions/export/?year={YEAR}&eligible=false"
    )
    again = xlsx_check.read(spelled.content)["运维经费决定"]
    assert {r[1] for r in again.iter_rows(min_row=2, values_only=True)} == set(by_code)


@xlsx_check.needs_libreoffice
def test_libreoffice_reads_the_decisions_with_their_time_and_names_as_text(
    personas, login, tmp_path
):
    # given a system whose name looks like a formula
    _systems(personas)
    register(personas, "S-FORMULA", name="=1+1")
    actions.decide_om_funding(acting_user=personas.finance, budget_year=YEAR)
    content = login(personas.finance).get("/catalog/om-decisions/export/?q=FORMULA").content
    # then LibreOffice shows the name as written (not 2) and the time as a date and time
    header, row = xlsx_check.libreoffice_values(content, tmp_path, shown=True)[:2]
    assert header[:3] == ["预算年度", "系统编码", "系统名称"]
    assert row[1:3] == ["S-FORMULA", "=1+1"]
    decided = OMDecision.objects.get(system__code="S-FORMULA").decided_at
    assert row[11] == f"{timezone.localtime(decided):%Y-%m-%d %H:%M}"


def test_audit_reads_but_cannot_run(personas, login):
    _systems(personas)
    actions.decide_om_funding(acting_user=personas.finance, budget_year=YEAR)
    client = login(personas.auditor)
    page = client.get("/catalog/om-decisions/")
    assert page.status_code == 200 and "run-form" not in page.content.decode()
    assert page.content.decode().count('data-testid="om-row"') == 4
    assert client.post("/catalog/om-decisions/run/", {"budget_year": YEAR}).status_code == 404
    assert OMDecision.objects.count() == 4
    decision = OMDecision.objects.first()
    assert client.get(f"/catalog/om-decisions/{decision.pk}/").status_code == 200
    # unit staff cannot run either
    assert (
        login(personas.jw_officer)
        .post("/catalog/om-decisions/run/", {"budget_year": YEAR})
        .status_code
        == 404
    )


def test_unit_officers_see_only_their_systems_decisions(personas, login):
    _ok, crypto, _missing, wj = _systems(personas)
    actions.decide_om_funding(acting_user=personas.bdb, budget_year=YEAR)
    client = login(personas.wj_officer)
    page = client.get("/catalog/om-decisions/").content.decode()
    assert page.count('data-testid="om-row"') == 1 and "S-WJ" in page and "S-CRYPTO" not in page
    other = OMDecision.objects.get(system=crypto)
    assert client.get(f"/catalog/om-decisions/{other.pk}/").status_code == 404
    own = OMDecision.objects.get(system=wj)
    assert client.get(f"/catalog/om-decisions/{own.pk}/").status_code == 200
    rows = load_workbook(
        io.BytesIO(client.get("/catalog/om-decisions/export/").content)
    ).active.max_row
    assert rows == 2
    # the system page shows its own decision history with the articles
    page = login(personas.jw_officer).get(f"/catalog/systems/{crypto.pk}/").content.decode()
    assert "om-history" in page and "第三十二条" in page


def test_bdb_todos_for_catalogue_and_isolation(personas):
    register(personas, "T-NEW")
    iso = register(personas, "T-ISO", network="isolated", isolation_reason="依法不得联网")
    titles = [t.title for t in todos_for(personas.bdb)]
    assert any("待审核" in t for t in titles) and any("孤网初审" in t for t in titles)
    assert not any("批准保留孤网" in t.title for t in todos_for(personas.gov))
    actions.review_isolation(iso, acting_user=personas.bdb)
    assert any("批准保留孤网" in t.title for t in todos_for(personas.gov))


def test_a_bad_filter_value_is_an_error_not_ignored(personas, login):
    _systems(personas)
    actions.decide_om_funding(acting_user=personas.finance, budget_year=YEAR)
    client = login(personas.finance)
    # a year without a run is a valid filter: nothing found
    page = client.get("/catalog/om-decisions/?year=1999&eligible=0").content.decode()
    assert page.count('data-testid="om-row"') == 0 and "filter-error" not in page
    # a value that is not valid shows what is wrong, and lists nothing (not everything)
    page = client.get(f"/catalog/om-decisions/?year={YEAR}&eligible=maybe").content.decode()
    assert page.count('data-testid="om-row"') == 0 and 'data-testid="filter-error"' in page
    page = client.get("/catalog/om-decisions/?rule=R99.9").content.decode()
    assert page.count('data-testid="om-row"') == 0 and 'data-testid="filter-error"' in page
    # the export refuses it too, and sends the user back to the list with the message
    response = client.get("/catalog/om-decisions/export/?eligible=maybe")
    assert response.status_code == 302 and "eligible=maybe" in response["Location"]
    for url in ("/catalog/systems/?catalogued=maybe", "/catalog/resources/?share_type=x"):
        assert 'data-testid="filter-error"' in client.get(url).content.decode()
    response = client.get("/catalog/systems/export/?catalogued=maybe")
    assert response.status_code == 302


def test_R31_3_a_decision_reads_in_the_readers_language(personas, login):
    """A decision stores no sentence: its words are rendered from its facts when read."""
    _systems(personas)
    actions.decide_om_funding(acting_user=personas.finance, budget_year=YEAR)
    decision = OMDecision.objects.get(system__code="S-MISSING")
    client = login(personas.finance)
    page = client.get(f"/catalog/om-decisions/{decision.pk}/").content.decode()
    assert "未纳入市级政务信息系统总目录" in page
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the reader's explicit choice
    english = client.get(f"/catalog/om-decisions/{decision.pk}/").content.decode()
    assert "is not in the municipal master catalog" in english and "第三十一条" in english
