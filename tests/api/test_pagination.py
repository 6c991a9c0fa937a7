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
