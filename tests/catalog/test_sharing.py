"""Data sharing between units (第十四条): request, answer within the period, usage feedback."""

import datetime as dt

from catalog import actions
from catalog.models import SharingFeedback, SharingRequest
from core.dates import today
from core.todos import todos_for

from .test_pages import register, resource_fields


def _resource(personas, **over):
    system = register(personas, "JW-SHARE")
    return actions.save_resource(
        acting_user=personas.jw_officer,
        provider=personas.jw_officer.primary_organisation,
        items=[{"name": "学籍号", "data_type": "char", "length": 20}],
        systems=[system],
        **resource_fields(**over),
    )


def test_request_answer_and_feedback(personas, login):
    res = _resource(personas)
    assert (
        'data-testid="act-request-sharing-open"'
        in login(personas.wj_officer).get(f"/catalog/resources/{res.pk}/").content.decode()
    )
    assert (
        login(personas.wj_officer).get(f"/catalog/resources/{res.pk}/request/").status_code == 200
    )
    response = login(personas.wj_officer).post(
        f"/catalog/resources/{res.pk}/request/", {"purpose": ""}
    )
    assert "请填写用途。" in response.content.decode()
    response = login(personas.wj_officer).post(
        f"/catalog/resources/{res.pk}/request/", {"purpose": "核验就医学生身份"}
    )
    assert response.status_code == 302 and response.url == "/catalog/sharing/mine/"
    req = SharingRequest.objects.get()
    assert req.requester == personas.wj_officer.primary_organisation
    assert req.due_on > today()
    page = login(personas.wj_officer).get("/catalog/sharing/mine/").content.decode()
    assert "核验就医学生身份" in page and "待答复" in page and "feedback-link" not in page

    # the provider sees it to answer, and as a to-do
    assert any("答复共享申请" in t.title for t in todos_for(personas.jw_officer))
    page = login(personas.jw_officer).get("/catalog/sharing/incoming/").content.decode()
    assert "answer-link" in page
    # the request's page offers the answer to the provider, and the resource's page too
    page = login(personas.jw_officer).get(f"/catalog/sharing/{req.pk}/").content.decode()
    assert 'data-testid="act-answer-sharing-open"' in page
    page = login(personas.jw_officer).get(f"/catalog/resources/{res.pk}/").content.decode()
    assert 'data-testid="act-answer-sharing-open"' in page and "核验就医学生身份" in page
    page = login(personas.wj_officer).get(f"/catalog/sharing/{req.pk}/").content.decode()
    assert "act-answer-sharing" not in page
    # refusing (the 同意共享 box left unticked) needs a reason
    response = login(personas.jw_officer).post(f"/catalog/sharing/{req.pk}/answer/", {"answer": ""})
    assert "不予共享的，请填写答复意见说明理由。" in response.content.decode()
    req.refresh_from_db()
    assert req.state == "pending"
    # the requester cannot answer its own request
    assert (
        login(personas.wj_officer)
        .post(f"/catalog/sharing/{req.pk}/answer/", {"grant": "1"})
        .status_code
        == 404
    )
    response = login(personas.jw_officer).post(
        f"/catalog/sharing/{req.pk}/answer/", {"grant": "1", "answer": "同意"}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.state == "granted" and req.answered_by == personas.jw_officer

    page = login(personas.wj_officer).get("/catalog/sharing/mine/").content.decode()
    assert "同意共享" in page and "feedback-link" in page
    page = login(personas.wj_officer).get(f"/catalog/sharing/{req.pk}/").content.decode()
    assert 'data-testid="act-report-sharing-usage-open"' in page
    response = login(personas.wj_officer).post(
        f"/catalog/sharing/{req.pk}/feedback/",
        {"usage": "已用于 1200 名学生核验", "satisfied": "on"},
    )
    assert response.status_code == 302
    fb = SharingFeedback.objects.get()
    assert fb.satisfied and fb.reported_by == personas.wj_officer
    assert (
        "已用于 1200 名学生核验"
        in login(personas.wj_officer).get("/catalog/sharing/mine/").content.decode()
    )
    # the provider cannot report the requester's usage
    assert (
        login(personas.jw_officer)
        .post(f"/catalog/sharing/{req.pk}/feedback/", {"usage": "x"})
        .status_code
        == 404
    )


def test_no_request_for_own_or_unshared_resource(personas, login):
    res = _resource(personas)
    assert (
        login(personas.jw_officer).get(f"/catalog/resources/{res.pk}/request/").status_code == 404
    )
    closed = actions.save_resource(
        acting_user=personas.jw_officer,
        provider=personas.jw_officer.primary_organisation,
        items=[{"name": "身份证号", "data_type": "char"}],
        **resource_fields(
            resource_code="A01.02/000002",
            share_type="none",
            share_basis="法律规定",
            share_method="",
        ),
    )
    # the card shows why it cannot be requested, citing Art. 14
    page = login(personas.wj_officer).get(f"/catalog/resources/{closed.pk}/").content.decode()
    assert 'disabled data-testid="act-request-sharing"' in page
    assert 'data-rule="R14.4.not-shared"' in page
    response = login(personas.wj_officer).post(
        f"/catalog/resources/{closed.pk}/request/", {"purpose": "x"}, follow=True
    )
    assert "不予共享" in response.content.decode()
    assert not SharingRequest.objects.exists()


def test_overdue_request_is_highlighted_with_article_14(personas, login):
    res = _resource(personas)
    req = actions.request_sharing(
        res,
        acting_user=personas.wj_officer,
        requester=personas.wj_officer.primary_organisation,
        purpose="核验",
    )
    assert (
        'data-overdue="1"'
        not in login(personas.jw_officer).get("/catalog/sharing/incoming/").content.decode()
    )
    SharingRequest.objects.filter(pk=req.pk).update(due_on=today() - dt.timedelta(days=3))
    page = login(personas.jw_officer).get("/catalog/sharing/incoming/").content.decode()
    assert 'data-overdue="1"' in page and "逾期 3 天 · 第十四条" in page
    assert "overdue-alert" in page
    todo = next(t for t in todos_for(personas.jw_officer) if "答复共享申请" in t.title)
    assert "已超过答复期限" in todo.detail

    # BDB and Finance see every request with an overdue filter; units do not have that page
    for user in (personas.bdb, personas.finance):
        page = login(user).get("/catalog/sharing/all/?overdue=on").content.decode()
        assert 'data-overdue="1"' in page
    assert login(personas.wj_officer).get("/catalog/sharing/all/").status_code == 404
    # answering late is still possible and is marked
    login(personas.jw_officer).post(
        f"/catalog/sharing/{req.pk}/answer/", {"grant": "1", "answer": ""}
    )
    page = login(personas.bdb).get("/catalog/sharing/all/?overdue=on").content.decode()
    assert 'data-overdue="1"' not in page
    assert "逾期答复" in login(personas.bdb).get("/catalog/sharing/all/").content.decode()
