"""The evidence API: a project's evidence, the findings list with its filter, the rolling
list, and the conclusion action's contract messages."""

import pytest

from evidence import check
from evidence.models import Match
from tests.api.helpers import assert_error, post_json
from tests.evidence.conftest import city, drafted  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_project_evidence_and_findings(city, drafted, client, make_token, bearer):  # noqa: F811
    check.scan_project(drafted)
    _token, raw = make_token(city["p"].jw_officer)
    body = client.get(f"/api/evidence/projects/{drafted.pk}", headers=bearer(raw)).json()
    assert body["matches"][0]["name"] == "电子健康档案共享调阅系统"
    assert body["matches"][0]["flagged"] and body["matches"][0]["similarity_percent"] >= 30
    assert body["findings"][0]["source_code"] == "WJ-002/1"
    listing = client.get("/api/evidence/findings?state=open", headers=bearer(raw)).json()
    assert listing["count"] == 1
    bad = client.get("/api/evidence/findings?state=nonsense", headers=bearer(raw))
    assert_error(bad, 422, "invalid")


def test_conclusion_contract_messages(city, drafted, walker, client, make_token, bearer):  # noqa: F811
    walker.submit(drafted)
    check.take_snapshot(drafted, trigger="test")
    match = Match.objects.filter(project=drafted).first()
    _token, raw = make_token(city["p"].bdb)
    url = f"/api/actions/evidence.record_match_conclusion/{match.pk}"
    body = assert_error(post_json(client, url, {"conclusion": "merge"}, headers=bearer(raw)),
                        422, "invalid")  # fmt: skip
    assert "请说明" in str(body)
    ok = post_json(client, url, {"conclusion": "not_duplicate"}, headers=bearer(raw))
    assert ok.status_code == 200, ok.content
