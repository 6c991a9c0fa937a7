"""One helper restricts every queryset; missing and forbidden both answer 404."""

import pytest
from django.http import Http404

from accounts.models import User
from accounts.scoping import for_user, get_visible_or_404
from core.enums import ActionCode
from core.ledger import record_event
from core.models import LedgerEvent


@pytest.fixture
def unit_events(personas):
    jw = personas.jw_officer.primary_organisation
    wj = personas.wj_officer.primary_organisation
    return (
        record_event(ActionCode.ORG_UPDATED, organisation=jw, object_repr="市教委事项"),
        record_event(ActionCode.ORG_UPDATED, organisation=wj, object_repr="卫健委事项"),
    )


def test_unit_officer_sees_only_own_unit_events(personas, unit_events):
    jw_event, wj_event = unit_events
    visible = for_user(LedgerEvent, personas.jw_officer)
    assert visible.filter(pk=jw_event.pk).exists()
    assert not visible.filter(pk=wj_event.pk).exists()


def test_auditor_and_admin_see_everything(personas, unit_events):
    for user in (personas.auditor, personas.admin):
        assert for_user(LedgerEvent, user).filter(pk__in=[e.pk for e in unit_events]).count() == 2


def test_get_visible_or_404_hides_forbidden_like_missing(personas, unit_events):
    _, wj_event = unit_events
    with pytest.raises(Http404):
        get_visible_or_404(LedgerEvent, personas.jw_officer, seq=wj_event.seq)
    with pytest.raises(Http404):
        get_visible_or_404(LedgerEvent, personas.jw_officer, seq=999_999)
    with pytest.raises(Http404):
        get_visible_or_404(LedgerEvent, personas.jw_officer, seq="not-a-number")


def test_ledger_pages_404_for_other_units_events(personas, unit_events, login):
    _, wj_event = unit_events
    client = login(personas.jw_officer)
    assert client.get(f"/ledger/{wj_event.seq}/").status_code == 404
    assert client.get("/ledger/999999/").status_code == 404
    assert login(personas.auditor).get(f"/ledger/{wj_event.seq}/").status_code == 200


def test_users_are_scoped_to_own_organisation(personas):
    visible = set(for_user(User, personas.jw_officer).values_list("username", flat=True))
    assert visible == {"jw_tianbao", "jw_fuze"}
    assert for_user(User, personas.auditor).count() == User.objects.count()


def test_anonymous_sees_nothing(db, personas):
    from django.contrib.auth.models import AnonymousUser

    assert for_user(LedgerEvent, AnonymousUser()).count() == 0


def test_model_without_scope_cannot_be_exposed(personas):
    from core.models import Notification

    with pytest.raises(TypeError, match="for_user"):
        for_user(Notification, personas.jw_officer)


def test_workbench_shows_roles_and_empty_todos_for_unit_officer(personas, login):
    html = login(personas.jw_officer).get("/").content.decode()
    assert "填报人" in html and "重庆市教育委员会" in html
    assert "暂无待办事项" in html


def test_new_unit_officer_sees_own_unit_people_only(personas):
    from tests.factories import MembershipFactory, UserFactory

    membership = MembershipFactory()
    colleague = UserFactory()
    MembershipFactory(user=colleague, organisation=membership.organisation, role="unit_head")
    visible = set(for_user(User, membership.user).values_list("pk", flat=True))
    assert visible == {membership.user.pk, colleague.pk}
    assert personas.jw_officer.pk not in visible


def test_deactivated_membership_no_longer_grants_sight(personas):
    from tests.factories import MembershipFactory

    membership = MembershipFactory()
    event = record_event(
        ActionCode.ORG_UPDATED, organisation=membership.organisation, object_repr="x"
    )
    user = membership.user
    assert for_user(LedgerEvent, user).filter(pk=event.pk).exists()
    membership.is_active = False
    membership.save()
    user._memberships_cache = None
    assert not for_user(LedgerEvent, user).filter(pk=event.pk).exists()
