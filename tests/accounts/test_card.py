"""The "您现在可以办理" card of an organisation's and a person's page: what the platform admin
may do there, for whom, and nothing for anyone else; the directory's actions over the action
API with their contracts; the sign-in records that only the authentication machinery takes."""

import pytest
from django.utils import timezone

from accounts import actions
from accounts.models import ApiToken, Membership, Organisation, User
from accounts.roles import Role
from core.enums import ActionCode
from core.models import LedgerEvent
from core.offers import next_steps

from ..api.helpers import assert_error, post_json

STRONG = "Chongqing#2026ok"


def _offered(page_obj, user) -> dict[str, list]:
    steps = next_steps(page_obj, user)
    found: dict[str, list] = {}
    for offer in steps.enabled:
        if not offer.action.name.startswith("accounts."):
            continue  # other chapters offer theirs on an organisation's page too
        found.setdefault(offer.action.function_name, []).append(offer.target)
    return found


def test_person_card_offers_each_administrator_their_own_duty(personas):
    """三权分立: the system administrator keeps the account, the security administrator its
    roles and credentials, the audit administrator is offered nothing."""
    person = personas.jw_officer
    token, _raw = actions.create_api_token(person, acting_user=person, name="对接")
    offered = _offered(person, personas.admin)
    assert {"update_user", "deactivate_user"} <= set(offered)
    assert not {"reset_password", "grant_role", "revoke_role", "revoke_api_token"} & set(offered)
    assert "unlock_user" not in offered and "activate_user" not in offered
    offered = _offered(person, personas.security)
    assert {"reset_password", "grant_role"} <= set(offered)
    assert not {"update_user", "deactivate_user"} & set(offered)
    membership = Membership.objects.get(user=person, is_active=True)
    assert offered["revoke_role"] == [membership]
    assert offered["revoke_api_token"] == [token]
    assert "create_api_token" not in offered  # its page shows the key once
    assert _offered(person, personas.audit_admin) == {}


def test_person_card_offers_unlock_while_locked_and_reopening_while_closed(personas):
    person = personas.wj_officer
    User.objects.filter(pk=person.pk).update(
        failed_logins=5, locked_until=timezone.now() + timezone.timedelta(minutes=5)
    )
    person.refresh_from_db()
    assert "unlock_user" in _offered(person, personas.security)
    assert "unlock_user" not in _offered(person, personas.admin)
    actions.set_user_active(person, acting_user=personas.admin, active=False, reason="调离")
    person.refresh_from_db()
    offered = _offered(person, personas.admin)
    assert "activate_user" in offered and "deactivate_user" not in offered


def test_admin_is_not_offered_closing_their_own_account(personas):
    assert "deactivate_user" not in _offered(personas.admin, personas.admin)


@pytest.mark.parametrize("who", ["jw_officer", "jw_head", "auditor", "bdb"])
def test_card_offers_the_directory_to_nobody_but_the_admin(personas, who):
    user = getattr(personas, who)
    org = Organisation.objects.get(name="重庆市教育委员会")
    for page_obj in (personas.jw_officer, org):
        offers = next_steps(page_obj, user).offers
        assert not [o for o in offers if o.action.name.startswith("accounts.")]


def test_pages_show_the_card(personas, login):
    client = login(personas.admin)
    org = Organisation.objects.get(name="重庆市教育委员会")
    html = client.get(f"/accounts/manage/organisations/{org.pk}/").content.decode()
    assert 'data-testid="next-steps"' in html and 'data-testid="act-update-organisation"' in html
    html = client.get(f"/accounts/manage/users/{personas.jw_officer.pk}/").content.decode()
    assert 'data-testid="act-deactivate-user"' in html
    html = (
        login(personas.security)
        .get(f"/accounts/manage/users/{personas.jw_officer.pk}/")
        .content.decode()
    )
    for testid in ("act-grant-role", "act-revoke-role", "act-reset-password"):
        assert f'data-testid="{testid}"' in html, testid
    assert 'type="password"' in html and "Chongqing" not in html


def test_card_form_revokes_a_role_with_its_reason(personas, login):
    membership = Membership.objects.get(user=personas.jw_head, is_active=True)
    prefix = f"revoke_role-{membership.pk}"
    response = login(personas.security).post(
        f"/act/accounts.revoke_role/{membership.pk}/",
        {f"{prefix}-reason": "岗位调整", "next": f"/accounts/manage/users/{personas.jw_head.pk}/"},
        follow=True,
    )
    assert "已撤销“市教委 · 单位负责人”角色。" in response.content.decode()
    membership.refresh_from_db()
    assert not membership.is_active
    assert LedgerEvent.objects.get(action=ActionCode.ROLE_REVOKED).reason == "岗位调整"


# -- the action API ---------------------------------------------------------------------------------


def test_grant_role_over_the_action_api(personas, login):
    person = actions.create_user(
        acting_user=personas.admin, username="zgh_new", full_name="新人", password=STRONG
    )
    org = Organisation.objects.get(name="重庆市总工会")
    url = f"/api/actions/accounts.grant_role/{person.pk}"
    body = assert_error(
        post_json(login(personas.security), url, {"organisation": org.pk}), 422, "invalid"
    )
    assert body["errors"]["role"] == "请选择角色。"
    body = assert_error(
        post_json(login(personas.security), url, {"organisation": org.pk, "role": Role.AUDITOR}),
        422,
        "invalid",
    )
    assert "不能担任“审计人员”" in body["message"]
    response = post_json(
        login(personas.security), url, {"organisation": org.pk, "role": "unit_head"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["result_type"] == "accounts.membership"
    assert person.role_codes() == {Role.UNIT_HEAD}
    # anyone else: the action does not exist for them
    assert_error(
        post_json(login(personas.jw_head), url, {"organisation": org.pk, "role": "unit_officer"}),
        404,
        "not_found",
    )


def test_create_organisation_over_the_action_api_checks_its_contract(personas, login):
    client = login(personas.admin)
    body = assert_error(
        post_json(
            client, "/api/actions/accounts.create_organisation", {"name": "某局", "kind": "unit"}
        ),
        422,
        "invalid",
    )
    assert "第二条" in body["errors"]["unit_category"]
    response = post_json(
        client,
        "/api/actions/accounts.create_organisation",
        {"name": "重庆市某某局", "kind": "unit", "unit_category": "1"},
    )
    assert response.status_code == 200, response.content
    org = Organisation.objects.get(name="重庆市某某局")
    assert org.is_active and response.json()["result_id"] == str(org.pk)


# -- sign-in records ----------------------------------------------------------------------------------


def test_sign_in_records_cannot_be_forced_through_the_api_or_the_action_page(personas, login):
    victim = personas.wj_officer
    client = login(personas.jw_officer)
    for _ in range(6):
        assert_error(
            post_json(
                client, "/api/actions/accounts.record_failed_login", {"username": victim.username}
            ),
            404,
            "not_found",
        )
    assert_error(
        post_json(client, f"/api/actions/accounts.record_login/{personas.jw_officer.pk}", {}),
        404,
        "not_found",
    )
    assert client.post(f"/act/accounts.record_logout/{personas.jw_officer.pk}/").status_code == 404
    victim.refresh_from_db()
    assert victim.failed_logins == 0 and not victim.is_locked()
    assert not LedgerEvent.objects.filter(action=ActionCode.LOGIN_FAILED).exists()


def test_a_person_without_any_role_signs_in_and_is_recorded(personas, client):
    person = actions.create_user(
        acting_user=personas.admin, username="no_role_yet", full_name="新人", password=STRONG
    )
    assert client.login(username="no_role_yet", password=STRONG)
    event = LedgerEvent.objects.get(action=ActionCode.LOGIN)
    assert event.actor_id == person.pk and event.organisation_id is None


def test_token_created_from_the_action_is_usable_and_only_hashed(personas):
    token, raw = actions.create_api_token(personas.drc, acting_user=personas.drc, name="对接")
    assert token.expires_at is not None and ApiToken.objects.get(pk=token.pk).key_hash != raw
