"""Supervision fixtures: projects of 市教委 in a given state (built directly, so that the
chapter's tests do not depend on the other chapters' flows), and helpers that issue the
chapter's records with the real actions."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from core.dates import today
from core.machines import creating_in
from projects.models import Project, ProjectState
from supervision import actions

_codes = itertools.count(1)


@pytest.fixture
def jw_unit(personas):
    return personas.jw_officer.primary_organisation


@pytest.fixture
def wj_unit(personas):
    return personas.wj_officer.primary_organisation


@pytest.fixture
def make_project(personas, jw_unit):
    """``make_project(name, state=approved, kind=new, unit=市教委)``: a project row in a state."""

    def _make(
        name="学生资助精准认定系统",
        *,
        state=ProjectState.APPROVED,
        kind="new",
        unit=None,
        wan="800",
    ):
        project = Project(
            code=f"TEST-{next(_codes):04d}",
            unit=unit or jw_unit,
            name=name,
            kind=kind,
            year=today().year,
            total_investment=Decimal(wan) * 10000,
            state=state,
            created_by=personas.jw_officer,
        )
        if state == ProjectState.APPROVED:
            project.approved_at = timezone.now() - dt.timedelta(days=200)
            project.approved_total = project.total_investment
        with creating_in(project):
            project.save()
        return project

    return _make


@pytest.fixture
def project(make_project):
    return make_project()


def days(n):
    return (today() + dt.timedelta(days=n)).isoformat()


ORDER = {
    "duty": "approval",
    "problem": "未按批复的建设内容实施，擅自增加移动端模块。",
    "breached": "项目应当严格按照批复的建设内容实施",
    "breached_article": "第二十五条",
    "requirement": "停止实施批复外内容，说明原因并报送整改方案。",
}


@pytest.fixture
def order_on(personas):
    """``order_on(project, by=DRC, deadline_days=30, **fields)``: an order issued on a project."""

    def _order(project, *, by=None, deadline_days=30, **fields):
        data = {**ORDER, "deadline": days(deadline_days), **fields}
        return actions.order_rectification(project, acting_user=by or personas.drc, **data)

    return _order


@pytest.fixture
def overdue_order(order_on, personas):
    """An order of DRC whose deadline passed without a report (issued 60 days ago)."""

    def _overdue(project, **fields):
        order = order_on(
            project,
            issued_on=days(-60),
            deadline=days(-30),
            **fields,
        )
        actions.record_rectification_overdue(order, acting_user=personas.drc)
        order.refresh_from_db()
        return order

    return _overdue


@pytest.fixture
def request_on(personas):
    def _request(project, *, by=None, deadline_days=15, **fields):
        data = {
            "purpose": "inspection",
            "matter": "请提供项目合同、支付凭证和监理月报。",
            "deadline": days(deadline_days),
            **fields,
        }
        return actions.request_materials(project, acting_user=by or personas.drc, **data)

    return _request


SANCTION = {"reasons": "逾期未整改，经督促仍未报告整改情况。"}
