"""The authorization matrix (issue 16 pt 4): every page without parameters and every action,
asked as every role and anonymously.

- A page answers 200, a redirect to sign in (anonymous) or 404, never 403 nor a server error;
  for a signed-in person, the pages of their menu open and the administrators' pages open to
  their administrators only (三权分立).
- An action that creates its object (``/act/<name>/``) is refused with 404 to whoever it does
  not permit, and nothing is changed; whoever it permits reaches its form.
- The audit administrator is permitted no action but those on their own account, and reads the
  whole ledger and the security log.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from core import actions as registry
from core import navigation
from core.models import LedgerEvent

pytestmark = pytest.mark.django_db

ROLES = [
    "admin",
    "security",
    "audit_admin",
    "jw_officer",
    "jw_head",
    "district_officer",
    "bdb",
    "drc",
    "finance",
    "cac",
    "psb",
    "crypto",
    "secrecy",
    "gov",
    "auditor",
    "consultant",
    "supervisor",
]
#: pages that are not pages of the product (they answer files, probes or redirects only)
NOT_PAGES = ("/api/", "/static/", "/media/", "/healthz", "/readyz", "/metrics", "/i18n/")
#: the administrators' pages, and who opens them
ADMIN_PAGES = {
    "/accounts/manage/organisations/": {"admin", "security"},  # security grants roles in them
    "/accounts/manage/users/": {"admin", "security"},
    "/accounts/security-log/": {"audit_admin", "auditor"},
}


def plain_pages() -> list[str]:
    """Every address of the product without a parameter."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and "<" not in route and "(" not in route:
                path = "/" + route.lstrip("^").rstrip("$")
                if not path.startswith(NOT_PAGES) and not path.endswith((".xlsx", ".csv")):
                    found.append(path)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def flat_menu(user) -> list[dict]:
    entries = navigation.items_for(user)
    return [c for e in entries for c in (e.get("children") or [e])]


def test_every_plain_page_as_every_role(personas, client):
    pages = plain_pages()
    assert len(pages) > 40, pages
    anonymous = {p: client.get(p).status_code for p in pages}
    assert set(anonymous.values()) <= {200, 302, 404, 405}, anonymous
    for who in ROLES:
        user = getattr(personas, who)
        client.force_login(user)
        menu = {item["url"] for item in flat_menu(user)}
        answers = {p: client.get(p).status_code for p in pages}
        errors = {p: s for p, s in answers.items() if s >= 500 or s == 403}
        assert not errors, (who, errors)
        closed = {p for p in menu if answers.get(p, 200) not in (200, 302)}
        assert not closed, (who, closed)  # the menu leads only to pages that open
        for page, admins in ADMIN_PAGES.items():
            assert (answers[page] == 200) == (who in admins), (who, page, answers[page])


def test_every_creating_action_is_refused_to_whom_it_does_not_permit(personas, client):
    creating = [a for a in registry.registered().values() if a.model is None]
    assert len(creating) > 10
    events = LedgerEvent.objects.exclude(action__startswith="auth.").count()  # not sign-ins
    for who in ROLES:
        user = getattr(personas, who)
        client.force_login(user)
        for act in creating:
            url = f"/act/{act.name}/"
            permitted = act.permitted(None, user)
            status = client.get(url).status_code
            assert (status == 404) == (not permitted), (who, act.name, status)
            if not permitted:
                assert client.post(url, {}).status_code == 404, (who, act.name)
    # nothing was done by a refused request
    assert LedgerEvent.objects.exclude(action__startswith="auth.").count() == events


def test_the_administrators_duties_do_not_overlap(personas):
    """Each administrative action is the duty of exactly one of the system and security
    administrators, and never of the audit administrator."""
    from accounts.duties import duty_of, holds_duty

    admins = {"admin": personas.admin, "security": personas.security}
    checked = 0
    for act in registry.registered().values():
        if not act.name.startswith("accounts.") or act.roles == ():
            continue  # one's own account (sign-in, password, second factor)
        duty = duty_of(act.name)
        holders = {name for name, user in admins.items() if holds_duty(user, duty)}
        assert len(holders) == 1, (act.name, holders)
        assert not holds_duty(personas.audit_admin, duty), act.name
        checked += 1
    assert checked >= 12


def test_the_audit_administrator_reads_the_ledger_and_changes_nothing(personas, login):
    client = login(personas.audit_admin)
    page = client.get("/ledger/")
    assert page.status_code == 200
    assert page.context["page_obj"].paginator.count == LedgerEvent.objects.count()
    log = client.get("/accounts/security-log/").content.decode()
    assert "授予角色" in log and "新建项目需求" not in log
    for act in registry.registered().values():
        if act.model is None and act.roles:  # roles () : anyone's own settings and account
            assert not act.permitted(None, personas.audit_admin), act.name
    # the business stays closed: no project list beyond what any reader without a unit sees
    assert client.get("/accounts/manage/users/").status_code == 404
