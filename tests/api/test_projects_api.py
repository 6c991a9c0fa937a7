"""/api/projects/: projects and their lifecycle over JSON (第八条、第九条), scoped per user."""

import pytest

from core.enums import ActionCode
from core.models import LedgerEvent
from planning.services import current_filed_revision
from policy.models import Decision, Outcome
from projects.models import Project, ProjectState, ReviewKind
from projects.walk import JOINT_USER, OPINION_TEXT

from .helpers import assert_error, post_json

BASE = "/api/projects/"
CRITERIA = {
    c: {"verdict": "pass", "opinion": "符合要求。"}
    for c in ("basis", "integration", "sharing", "common_needs", "governance")
}
CHAPTERS = ("data_governance", "data_sharing", "security", "crypto", "intensive")


def _item_key(user, name):
    revision = current_filed_revision(user.primary_organisation)
    return str(revision.items.get(name=name).key)


def _payload(personas, name="学生资助精准认定系统", wan="800", **extra):
    data = {
        "name": name,
        "kind": "new",
        "year": 2026,
        "total_investment_wan": wan,
        "plan_item": _item_key(personas.jw_officer, name),
        "requirement": f"{name}：按总体方案建设，支撑业务协同和数据共享。",
        "basis": "《重庆市市级政务信息化项目管理办法》及本部门整合建设总体方案。",
        "integration_plan": "整合本部门现有 3 个业务系统。",
        "sharing_plan": "通过市一体化数据资源平台共享。",
        "secure_reliable_statement": "采用通过安全可靠测评的国产软硬件。",
        "share_conditions": "经申请审核后向有关政务部门共享。",
        "mlps_level": 3,
        "crypto_status": "已编制密码应用方案",
    }
    data.update(extra)
    return data


def _create(client, personas, **extra):
    response = post_json(client, BASE, _payload(personas, **extra))
    assert response.status_code == 201, response.content
    return response.json()


def _open_review(client, project_id, kind, authority=""):
    body = client.get(f"{BASE}{project_id}").json()
    return next(
        r
        for r in body["reviews"]
        if r["kind"] == kind and r["is_open"] and (not authority or r["authority"] == authority)
    )


# -- create, submit, findings ------------------------------------------------------------------


def test_create_and_submit(personas, planned, login):
    client = login(personas.jw_officer)
    created = _create(client, personas)
    assert created["state"] == "draft" and created["state_label"] == "草稿"
    assert created["code"].startswith("XM-2026-")
    assert created["total_investment"] == "8000000.00"
    assert created["total_investment_wan"] == "800.00"
    assert created["channel"] == "platform" and created["unit_name"] == "重庆市教育委员会"
    assert created["plan_item_name"] == "学生资助精准认定系统"
    assert created["available_transitions"] == ["submit"]

    response = client.post(f"{BASE}{created['id']}/submit")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "submitted" and body["submitted_at"]
    assert [(r["kind"], r["authority"], r["state"]) for r in body["reviews"]] == [
        ("list", "bdb", "pending")
    ]
    assert body["available_transitions"] == ["withdraw"]
    assert LedgerEvent.objects.filter(
        action=ActionCode.PROJECT_SUBMITTED, object_id=str(created["id"])
    ).exists()


def test_unit_id_is_optional_for_a_one_unit_officer(personas, planned, login):
    body = _create(login(personas.jw_officer), personas)
    assert body["unit_id"] == personas.jw_officer.primary_organisation.pk


def test_blocked_submit_answers_409_with_the_article(personas, planned, login):
    client = login(personas.jw_officer)
    project = _create(client, personas, requirement="")
    body = assert_error(client.post(f"{BASE}{project['id']}/submit"), 409, "blocked")
    assert "第八条" in body["message"]
    finding = next(f for f in body["findings"] if f["rule_id"] == "R8.1")
    assert finding["article"] == "第八条" and finding["severity"] == "block"
    assert finding["message"] and finding["remedy"] and isinstance(finding["facts"], dict)
    # the refusal is kept as a decision and the project stays a draft
    assert Decision.objects.get(pk=body["decision_id"]).outcome == Outcome.BLOCK
    assert Project.objects.get(pk=project["id"]).state == ProjectState.DRAFT


def test_findings_preview_does_not_store_a_decision(personas, planned, login):
    client = login(personas.jw_officer)
    project = _create(client, personas, requirement="")
    before = Decision.objects.count()
    body = client.get(f"{BASE}{project['id']}/findings", {"transition": "submit"}).json()
    assert body["gate"] == "projects.submit" and body["blocks"] is True
    assert "R8.1" in {f["rule_id"] for f in body["findings"]}
    assert Decision.objects.count() == before

    client.patch(
        f"{BASE}{project['id']}", {"requirement": "补充需求说明。"}, content_type="application/json"
    )
    body = client.get(f"{BASE}{project['id']}/findings", {"transition": "submit"}).json()
    assert body["blocks"] is False

    withdraw = client.get(f"{BASE}{project['id']}/findings", {"transition": "withdraw"}).json()
    assert withdraw == {"transition": "withdraw", "gate": "", "blocks": False, "findings": []}
    body = assert_error(
        client.get(f"{BASE}{project['id']}/findings", {"transition": "fly"}), 422, "invalid"
    )
    assert "submit" in body["errors"]["transition"]


def test_classified_project_is_refused(personas, planned, login):
    client = login(personas.jw_officer)
    body = assert_error(
        post_json(client, BASE, _payload(personas, is_classified=True)), 409, "blocked"
    )
    assert [f["rule_id"] for f in body["findings"]] == ["R8.3"]
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", "总投资应为数字"),
        ("0", "总投资须大于零"),
        ("-5", "总投资须大于零"),
        ("1.1234567", "最多保留六位小数"),
        ("", "请填写总投资"),
    ],
)
def test_invalid_amount_is_422_in_chinese_on_the_field(personas, planned, login, amount, message):
    client = login(personas.jw_officer)
    body = assert_error(post_json(client, BASE, _payload(personas, wan=amount)), 422, "invalid")
    assert message in body["errors"]["total_investment_wan"]
    assert not Project.objects.exists()


def test_json_fraction_is_an_exact_decimal(personas, planned, login):
    client = login(personas.jw_officer)
    data = _payload(personas)
    data.pop("total_investment_wan")
    raw = '{"total_investment_wan": 812.345678, ' + __import__("json").dumps(data)[1:]
    response = client.post(BASE, raw, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["total_investment"] == "8123456.78"
    assert response.json()["total_investment_wan"] == "812.345678"


def test_missing_required_field_is_422(personas, planned, login):
    data = _payload(personas)
    del data["name"]
    body = assert_error(post_json(login(personas.jw_officer), BASE, data), 422, "invalid")
    assert body["details"][0]["loc"][-1] == "name"


def test_cannot_create_for_another_unit(personas, planned, login):
    other = personas.wj_officer.primary_organisation
    response = post_json(login(personas.jw_officer), BASE, _payload(personas, unit_id=other.pk))
    assert_error(response, 404, "not_found")


def test_update_draft(personas, planned, login):
    client = login(personas.jw_officer)
    project = _create(client, personas)
    response = client.patch(
        f"{BASE}{project['id']}",
        {"total_investment_wan": "812.5", "basis": "新的建设依据"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total_investment_wan"] == "812.50" and body["basis"] == "新的建设依据"
    assert body["name"] == "学生资助精准认定系统"  # untouched
    event = LedgerEvent.objects.get(action=ActionCode.PROJECT_UPDATED)
    assert set(event.data["changed"]) == {"total_investment", "basis"}


def test_withdraw_before_bdb_starts(personas, planned, login, walker):
    project = walker.submit(walker.create("学生资助精准认定系统", "800"))
    client = login(personas.jw_officer)
    response = post_json(client, f"{BASE}{project.pk}/withdraw", {"reason": "补充材料"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "draft"


# -- scoping --------------------------------------------------------------------------------------


def test_another_units_project_is_404_like_a_missing_one(personas, planned, login, walker):
    project = walker.create("学生资助精准认定系统", "800")
    client = login(personas.wj_officer)
    forbidden = client.get(f"{BASE}{project.pk}")
    missing = client.get(f"{BASE}999999")
    assert_error(forbidden, 404, "not_found")
    assert forbidden.json() == missing.json()
    assert_error(client.post(f"{BASE}{project.pk}/submit"), 404, "not_found")
    response = client.patch(f"{BASE}{project.pk}", {"name": "x"}, content_type="application/json")
    assert_error(response, 404, "not_found")
    assert_error(client.get(f"{BASE}{project.pk}/findings"), 404, "not_found")
    assert Project.objects.get(pk=project.pk).state == ProjectState.DRAFT


def test_a_forbidden_action_on_a_visible_project_is_404(personas, planned, login, walker):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), "listed")
    client = login(personas.jw_officer)  # sees the project but is not DRC
    assert client.get(f"{BASE}{project.pk}").status_code == 200
    assert_error(post_json(client, f"{BASE}{project.pk}/accept", {}), 404, "not_found")


def test_drafts_stay_with_the_unit(personas, planned, login, walker):
    walker.create("学生资助精准认定系统", "800")
    assert login(personas.bdb).get(BASE).json()["count"] == 0
    assert login(personas.auditor).get(BASE).json()["count"] == 1


def test_consultant_sees_only_assigned_projects(personas, planned, login, walker):
    assigned = walker.walk(walker.create("学生资助精准认定系统", "800"), "evaluation")
    other = walker.walk(walker.create("教育数据资源标准体系及数据治理工程", "600"), "listed")
    body = login(personas.consultant).get(BASE).json()
    assert [p["id"] for p in body["items"]] == [assigned.pk]
    assert_error(login(personas.consultant).get(f"{BASE}{other.pk}"), 404, "not_found")
    drc = login(personas.drc).get(BASE).json()
    assert {p["id"] for p in drc["items"]} == {assigned.pk, other.pk}


def test_list_filters_and_pagination(personas, planned, login, walker):
    first = walker.walk(walker.create("学生资助精准认定系统", "800"), "submitted")
    walker.create("教育数据资源标准体系及数据治理工程", "600")
    client = login(personas.jw_officer)
    assert client.get(BASE).json()["count"] == 2
    assert [p["id"] for p in client.get(BASE, {"state": "submitted"}).json()["items"]] == [first.pk]
    assert client.get(BASE, {"q": "学生资助"}).json()["count"] == 1
    assert client.get(BASE, {"q": first.code}).json()["count"] == 1
    assert client.get(BASE, {"kind": "om"}).json()["count"] == 0
    assert client.get(BASE, {"year": 2030}).json()["count"] == 0
    unit = personas.jw_officer.primary_organisation.pk
    assert client.get(BASE, {"unit": unit}).json()["count"] == 2
    page = client.get(BASE, {"page_size": 1}).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    assert_error(client.get(BASE, {"state": "flying"}), 422, "invalid")


# -- the whole single-stage walk ------------------------------------------------------------------


def test_single_stage_walk_through_the_api(personas, planned, login, walker):
    client = login(personas.jw_officer)
    project = _create(client, personas)
    pid = project["id"]
    for chapter in CHAPTERS:
        response = post_json(
            client, f"{BASE}{pid}/chapters", {"chapter": chapter, "text": f"{chapter} 的内容。"}
        )
        assert response.status_code == 200, response.content
    # documents are uploaded through the documents chapter (not part of this API)
    walker.attach(Project.objects.get(pk=pid), "data_catalog", "数据资源目录")
    walker.attach(Project.objects.get(pk=pid), "crypto_plan", "密码应用方案")
    assert client.post(f"{BASE}{pid}/submit").json()["state"] == "submitted"

    # BDB: 签收, list with opinions per criterion and a priority, publish the list
    bdb = login(personas.bdb)
    review = _open_review(bdb, pid, ReviewKind.LIST)
    response = bdb.post(f"{BASE}reviews/{review['id']}/start")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "in_progress"
    assert response.json()["assignee"] == personas.bdb.username
    response = post_json(
        bdb,
        f"{BASE}reviews/{review['id']}/decide-list",
        {"decision": "list", "criteria": CRITERIA, "priority": 1, "opinion": "同意列入。"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "listed" and response.json()["priority"] == 1
    response = post_json(bdb, f"{BASE}lists", {"year": 2026, "note": "第一批"})
    assert response.status_code == 201, response.content
    listed = response.json()
    assert listed["number"] == 1 and listed["state"] == "published"
    assert [(e["project_id"], e["amount_wan"]) for e in listed["entries"]] == [(pid, "800.00")]
    assert login(personas.wj_officer).get(f"{BASE}lists/{listed['id']}").status_code == 200

    # DRC accepts and commissions the consultant
    drc = login(personas.drc)
    consultant_org = personas.consultant.primary_organisation
    response = post_json(drc, f"{BASE}{pid}/accept", {"consultant": consultant_org.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "evaluation" and body["approval_path"] == "single"
    assert body["policy_code"] == "cq-municipal-2021"

    # the consultant reports
    expert = login(personas.consultant)
    review = _open_review(expert, pid, ReviewKind.EVALUATION)
    response = post_json(
        expert,
        f"{BASE}reviews/{review['id']}/evaluation-report",
        {"chapter_opinions": OPINION_TEXT, "opinion": "建设必要，方案可行。"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "joint_review"

    # five authorities agree
    for authority, username in JOINT_USER.items():
        reviewer = login(personas.users[username])
        review = _open_review(reviewer, pid, ReviewKind.JOINT, authority)
        response = post_json(
            reviewer, f"{BASE}reviews/{review['id']}/joint-opinion", {"agree": True}
        )
        assert response.status_code == 200, response.content
    assert response.json()["state"] == "drc_review"

    # DRC approves
    drc = login(personas.drc)
    review = _open_review(drc, pid, ReviewKind.DRC_APPROVAL)
    response = post_json(
        drc,
        f"{BASE}reviews/{review['id']}/approve",
        {
            "chapter_opinions": OPINION_TEXT,
            "document_number": "渝发改数〔2026〕1号",
            "opinion": "同意批复。",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "approved" and body["state_label"] == "已批复"
    assert body["approved_total"] == "8000000.00" and body["approved_total_wan"] == "800.00"
    assert body["approved_at"]
    approval = next(r for r in body["reviews"] if r["kind"] == "drc_approval")
    assert approval["document_number"] == "渝发改数〔2026〕1号"
    assert {d["doc_type"] for d in body["documents"]} == {"data_catalog", "crypto_plan"}
    doc = body["documents"][0]
    assert len(doc["sha256"]) == 64 and len(doc["sm3"]) == 64 and doc["version"] == 1
    assert [c["chapter"] for c in body["chapters"]] == sorted(CHAPTERS)


def test_two_joint_reviewers_cannot_both_return(personas, planned, login, walker):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), "joint_review")
    cac = login(personas.cac)
    review = _open_review(cac, project.pk, ReviewKind.JOINT, "cac")
    response = post_json(cac, f"{BASE}reviews/{review['id']}/return", {"opinion": "补充等保方案。"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "returned"
    # the finance review lapsed with the round: acting on it is refused for its state
    finance_review = project.reviews.get(kind=ReviewKind.JOINT, authority="finance")
    response = post_json(
        login(personas.finance), f"{BASE}reviews/{finance_review.pk}/return", {"opinion": "x"}
    )
    body = assert_error(response, 409, "blocked")
    assert [f["rule_id"] for f in body["findings"]] == ["R8.2.state"]
    assert "已失效" in body["findings"][0]["message"]


def test_return_needs_an_opinion(personas, planned, login, walker):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), "submitted")
    bdb = login(personas.bdb)
    review = _open_review(bdb, project.pk, ReviewKind.LIST)
    bdb.post(f"{BASE}reviews/{review['id']}/start")
    body = assert_error(
        post_json(bdb, f"{BASE}reviews/{review['id']}/return", {"opinion": " "}), 422, "invalid"
    )
    assert "opinion" in body["errors"]


def test_resubmit_after_return(personas, planned, login, walker):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), "submitted")
    bdb = login(personas.bdb)
    review = _open_review(bdb, project.pk, ReviewKind.LIST)
    bdb.post(f"{BASE}reviews/{review['id']}/start")
    response = post_json(
        bdb, f"{BASE}reviews/{review['id']}/return", {"opinion": "请补充系统整合方案。"}
    )
    assert response.status_code == 200, response.content
    client = login(personas.jw_officer)
    assert client.get(f"{BASE}{project.pk}").json()["available_transitions"] == ["resubmit"]
    response = client.post(f"{BASE}{project.pk}/resubmit")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted"


def test_transfer_and_copy(personas, planned, login, walker):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), "submitted")
    bdb = login(personas.bdb)
    review = _open_review(bdb, project.pk, ReviewKind.LIST)
    response = post_json(
        bdb, f"{BASE}reviews/{review['id']}/transfer", {"to_user": personas.bdb2.pk}
    )
    assert response.status_code == 200, response.content
    assert response.json()["assignee"] == personas.bdb2.username
    response = post_json(
        login(personas.bdb2),
        f"{BASE}reviews/{review['id']}/copy",
        {"recipients": [personas.psb.pk]},
    )
    assert response.status_code == 200, response.content
    # the copy gives 公安 read-only sight of the project
    assert login(personas.psb).get(f"{BASE}{project.pk}").status_code == 200


def test_lifecycle_table(personas, login):
    table = login(personas.jw_officer).get(f"{BASE}lifecycle").json()
    submit = next(t for t in table if t["code"] == "submit")
    assert submit["sources"] == ["draft"] and submit["target"] == "submitted"
    assert submit["gate"] == "projects.submit" and submit["article"] == "第八条"
    assert submit["source_labels"] == ["草稿"]
    assert {t["code"] for t in table} >= {"accept", "approve_single", "approve_fsr", "return"}


# -- frameworks and stubs --------------------------------------------------------------------------


def test_framework_flow(personas, planned, login):
    client = login(personas.jw_officer)
    response = post_json(
        client,
        f"{BASE}frameworks",
        {
            "title": "教育卫生数据协同平台",
            "goals": "学生健康数据协同",
            "main_content": "建设数据交换通道",
            "data_catalog": "学生体检数据",
        },
    )
    assert response.status_code == 201, response.content
    framework = response.json()
    fid = framework["id"]
    assert framework["state"] == "draft" and len(framework["participants"]) == 1

    # incomplete: the lead unit's flows are missing
    body = assert_error(client.post(f"{BASE}frameworks/{fid}/submit"), 409, "blocked")
    assert "第十三条" in body["message"]

    flows = {"business_flow": "业务", "data_flow": "数据", "interfaces": "接口"}
    for officer, items in ((personas.jw_officer, ["学籍"]), (personas.wj_officer, ["体检"])):
        response = post_json(
            client,
            f"{BASE}frameworks/{fid}/participants",
            {"unit_id": officer.primary_organisation.pk, "content_items": items, **flows},
        )
        assert response.status_code == 200, response.content
    assert len(response.json()["participants"]) == 2
    assert client.post(f"{BASE}frameworks/{fid}/submit").json()["state"] == "submitted"

    # a participant sees it; an outsider does not
    assert login(personas.wj_officer).get(f"{BASE}frameworks/{fid}").status_code == 200
    outsider = login(personas.users["jt_tianbao"])
    assert_error(outsider.get(f"{BASE}frameworks/{fid}"), 404, "not_found")

    response = post_json(
        login(personas.bdb), f"{BASE}frameworks/{fid}/review", {"agree": True, "opinion": "同意。"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "reviewed" and response.json()["bdb_opinion"] == "同意。"


def test_classified_stubs(personas, planned, login):
    unit = personas.jw_officer.primary_organisation
    data = {"unit_id": unit.pk, "year": 2026, "amount_wan": "1200"}
    assert_error(
        post_json(login(personas.jw_officer), f"{BASE}classified-stubs", data), 404, "not_found"
    )
    response = post_json(login(personas.drc), f"{BASE}classified-stubs", data)
    assert response.status_code == 201, response.content
    stub = response.json()
    assert stub["code"] == "SM-2026-0001" and stub["amount"] == "12000000.00"
    assert set(stub) == {
        "id", "code", "unit_id", "unit_name", "year", "amount", "amount_wan", "recorded_at"
    }  # fmt: skip
    assert login(personas.finance).get(f"{BASE}classified-stubs").json()["count"] == 1
    assert login(personas.jw_officer).get(f"{BASE}classified-stubs").json()["count"] == 0


def test_openapi_documents_the_projects_paths(db, client):
    schema = client.get("/api/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/projects/",
        "/api/projects/{project_id}",
        "/api/projects/{project_id}/findings",
        "/api/projects/{project_id}/submit",
        "/api/projects/lifecycle",
        "/api/projects/reviews/{review_id}/decide-list",
        "/api/projects/lists",
        "/api/projects/frameworks/{framework_id}",
        "/api/projects/classified-stubs",
        "/api/projects/intake/yukuaiban",
    } <= paths
    detail = schema["paths"]["/api/projects/{project_id}"]["get"]
    assert detail["summary"] == "项目详情"
