"""Lists page by ``page``/``page_size`` or by ``limit``/``offset`` (issue 17): both are
honoured, both are capped at MAX_PAGE_SIZE, and a bad value is a 422 in Chinese."""

import pytest

from bench.bench_gates import populate
from core.api import MAX_PAGE_SIZE

from .helpers import assert_error


@pytest.fixture
def auditor(personas, login):
    return login(personas.auditor)


def _ids(response, key="id") -> list:
    assert response.status_code == 200, response.content
    return [item[key] for item in response.json()["items"]]


def test_limit_and_offset_pick_the_same_rows_as_pages(auditor, walker):
    populate(5, unit=walker.officer.primary_organisation, user=walker.officer, year=2027)
    everything = _ids(auditor.get("/api/projects/", {"page_size": 100}))
    assert len(everything) >= 5
    assert _ids(auditor.get("/api/projects/", {"limit": 2, "offset": 1})) == everything[1:3]
    assert _ids(auditor.get("/api/projects/", {"limit": 2})) == everything[:2]
    # page and page_size still work, and offset wins over page when both are given
    assert _ids(auditor.get("/api/projects/", {"page": 2, "page_size": 2})) == everything[2:4]
    assert (
        _ids(auditor.get("/api/projects/", {"page": 2, "offset": 0, "limit": 1})) == everything[:1]
    )
    body = auditor.get("/api/projects/", {"limit": 1, "offset": 3}).json()
    assert body["count"] == len(everything)


def test_limit_is_capped_and_bad_values_are_refused(auditor):
    body = assert_error(auditor.get("/api/ledger", {"limit": MAX_PAGE_SIZE + 1}), 422, "invalid")
    assert body["errors"] == {"limit": f"不能大于 {MAX_PAGE_SIZE}"}
    assert_error(auditor.get("/api/ledger", {"offset": -1}), 422, "invalid")
    assert len(_ids(auditor.get("/api/ledger", {"page_size": 10_000}), "seq")) <= MAX_PAGE_SIZE


def test_a_total_beyond_the_exact_limit_is_said_to_be_more(auditor, walker, settings):
    """Counting a whole city's matches costs more than the page (issue 17): the API and the
    pages count exactly up to GOVIT_EXACT_COUNT_LIMIT and beyond it say "more than"."""
    populate(6, unit=walker.officer.primary_organisation, user=walker.officer, year=2027)
    exact = auditor.get("/api/projects/", {"limit": 2}).json()
    assert exact["count_exact"] is True and exact["count"] >= 6
    settings.GOVIT_EXACT_COUNT_LIMIT = 4
    body = auditor.get("/api/projects/", {"limit": 2}).json()
    assert (body["count"], body["count_exact"]) == (4, False)
    # paging on past the bound still returns the rows
    assert len(_ids(auditor.get("/api/projects/", {"limit": 2, "offset": 4}))) == 2
    settings.GOVIT_PAGE_SIZE = 2
    page = auditor.get("/projects/").content.decode()
    assert "超过 4 条" in page and "共 " not in page.split("超过 4 条")[0][-200:]
    settings.GOVIT_EXACT_COUNT_LIMIT = 1_000
    assert f"共 {exact['count']} 条" in auditor.get("/projects/").content.decode()
