"""Issue 18, point 9: accessibility. axe-core (the npm package pinned in package-lock.json, which
``make assets`` copies to tests/browser/vendor/; never a CDN) checks every page of each role's
menu, its workbench and a project against WCAG 2 A and AA: no critical and no serious violation.
Every main action is reached with the Tab key and shows where the focus is; the pages neither
scroll sideways at 1280x720 nor on a 390-pixel-wide phone, whose menu opens from the keyboard.

The demo city (``seed_demo``) is seeded once for the module and served by a live server of the
module's own, so each role's test reads the same city without seeding it again. A page several
menus share is checked under the first role that has it; the pages a role's work shapes (the
workbench with its to-dos, a project with its next steps, the notifications, the project list)
are checked for every role."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import horizontal_overflow, login

# the city is committed once by the module's fixture; each test only reads it (and its sign-ins
# are written by the server's own thread), so the tests need no flush of their own
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# one person for each role; the menu shown to each is the list of its main pages
ROLES = {
    "platform_admin": "admin",
    "unit_officer": "jw_tianbao",
    "unit_head": "jw_fuze",
    "district_officer": "yz_tianbao",
    "bdb_reviewer": "dsj_shenhe",
    "drc_officer": "fgw_jingban",
    "finance_officer": "czj_jingban",
    "security_reviewer": "wxb_shencha",
    "gov_approver": "szf_shenpi",
    "auditor": "sjj_shenji",
    "consultant": "zx_pinggu",
    "supervisor": "jl_gongchengshi",
}
SHAPED_BY_ROLE = {"/", "/notifications/", "/projects/"}
_checked: set[str] = set()  # pages already checked under an earlier role of this module

RUN_AXE = """async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
                                     resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""


@pytest.fixture(autouse=True)
def _reference_data():
    """The module's city has the reference data; tests/browser/conftest.py's would flush it."""


def _empty_the_database() -> None:
    """Leave the test database as migrations made it, for the tests that run next."""
    from django.core.management import call_command
    from django.db import connection

    from tests.conftest import ensure_reference_data

    serialized = getattr(connection, "_test_serialized_contents", None)
    postgres = connection.vendor == "postgresql"
    if postgres:  # the ledger refuses a TRUNCATE (its statement trigger) but for this flush
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE core_ledgerevent DISABLE TRIGGER USER")
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=bool(serialized))
    if serialized:
        connection.creation.deserialize_db_from_string(serialized)
    ensure_reference_data()
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE core_ledgerevent ENABLE TRIGGER USER")


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker, tmp_path_factory, _key_dir):
    """The demo city, seeded once and served by a live server of this module's own: yields
    ``(url, pk of a project under construction)``."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make assets` copies it from node_modules/axe-core")
    from django.conf import settings
    from django.core.management import call_command
    from pytest_django.live_server_helper import LiveServer

    from tests.conftest import ensure_reference_data

    names = ("MEDIA_ROOT", "GOVIT_KEY_DIR", "GOVIT_KEYS_AUTOCREATE", "GOVIT_ANCHOR_DIR")
    saved = {k: getattr(settings, k) for k in names}
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("a11y-media")
    settings.GOVIT_KEY_DIR = _key_dir
    settings.GOVIT_KEYS_AUTOCREATE = True
    settings.GOVIT_ANCHOR_DIR = tmp_path_factory.mktemp("a11y-anchors")
    with django_db_blocker.unblock():
        try:
            ensure_reference_data()
            call_command("seed_demo", verbosity=0)
            from delivery.models import Delivery

            building = Delivery.objects.filter(started_on__isnull=False).first()
            assert building is not None, "the demo city has a project under construction"
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            try:
                yield server.url, building.project_id
            finally:
                server._live_server_modified_settings.disable()
                server.stop()
        finally:
            _empty_the_database()
            for key, value in saved.items():
                setattr(settings, key, value)


@pytest.fixture
def context(browser):
    """One browser context for a role; axe-core is put into each page from the file served by
    no one (the platform's Content-Security-Policy rightly refuses inline scripts)."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 720}, bypass_csp=True
    )
    yield context
    context.close()


def _violations(page) -> list[str]:
    """axe-core's critical and serious violations on the page, one line each: the page, the
    impact, the rule, what it asks and the first elements that break it."""
    page.add_script_tag(path=str(AXE))
    path = page.evaluate("location.pathname")
    return [
        f"{path} {v['impact']} {v['id']}: {v['help']} {v['targets']}"
        for v in page.evaluate(RUN_AXE)
    ]


def _menu(page) -> list[str]:
    return page.eval_on_selector_all(
        "#mainnav a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
    )


@pytest.mark.parametrize("role", list(ROLES))
def test_each_page_of_each_role_has_no_serious_accessibility_violation(city, context, role):
    base, building = city
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base, ROLES[role])
    pages = list(dict.fromkeys(["/", *_menu(page), "/notifications/"]))
    found: list[str] = []
    for path in pages:
        if path in _checked and path not in SHAPED_BY_ROLE:
            continue
        response = page.goto(f"{base}{path}")
        assert response is not None and response.ok, (role, path, response and response.status)
        found += _violations(page)
        _checked.add(path)
        if path == "/projects/":  # a project the role sees: the one being built, or its first
            response = page.goto(f"{base}/projects/{building}/")
            if not response or not response.ok:
                page.goto(f"{base}/projects/")
                first = page.locator("main table a[href^='/projects/']").first
                if not first.count():
                    continue
                first.click()
                page.wait_for_load_state()
            found += _violations(page)
    assert not found, f"{role} ({ROLES[role]}):\n" + "\n".join(found)


def test_the_pages_open_to_anyone_have_no_serious_accessibility_violation(city, context):
    base, _ = city
    page = context.new_page()
    found: list[str] = []
    for path in ("/accounts/login/", "/open/", "/verify/"):
        response = page.goto(f"{base}{path}")
        assert response is not None and response.ok, (path, response and response.status)
        found += _violations(page)
    assert not found, "\n".join(found)


def _focus_walk(page, presses: int) -> list[dict]:
    """Press Tab ``presses`` times; for each stop, what has the focus and whether it shows."""
    stops = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate(
                """() => { const e = document.activeElement, s = getComputedStyle(e);
                  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                               || s.boxShadow !== 'none';
                  return {tag: e.tagName, text: (e.innerText || e.value || '').trim().slice(0, 30),
                          testid: e.dataset.testid || '', href: e.getAttribute('href') || '',
                          type: e.type || '', name: e.name || '', shown: ring}; }"""
            )
        )
    return stops


def test_the_keyboard_reaches_the_main_actions_and_shows_the_focus(city, context):
    base, _ = city
    page = context.new_page()
    login(page, base, "jw_tianbao")
    page.goto(f"{base}/")
    stops = _focus_walk(page, 40)
    reached = {s["testid"] for s in stops} | {s["href"] for s in stops} | {s["text"] for s in stops}
    assert {"todo", "user-menu", "项目", "/notifications/"} <= reached, stops
    hidden = [s for s in stops if s["tag"] != "BODY" and not s["shown"]]
    assert not hidden, hidden
    # a menu group opens with Enter; the arrow keys go through its entries, Enter follows one
    page.get_by_role("button", name="项目", exact=True).focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    entry = page.evaluate("document.activeElement.getAttribute('href')")
    assert entry and entry.startswith("/"), entry
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}{entry}"

    # a form: every field, then the button that submits it
    page.goto(f"{base}/projects/new/")
    stops = _focus_walk(page, 80)
    names = [s["name"] for s in stops if s["tag"] in {"INPUT", "SELECT", "TEXTAREA"}]
    fields = page.eval_on_selector_all(
        "main form[method=post] :is(input, select, textarea):not([type=hidden]):visible",
        "els => els.map(e => e.name)",
    )
    assert fields and set(fields) <= set(names), (fields, names)
    assert any(s["tag"] == "BUTTON" and s["type"] == "submit" for s in stops), stops
    hidden = [s for s in stops if s["tag"] != "BODY" and not s["shown"]]
    assert not hidden, hidden


@pytest.mark.parametrize("width, height", [(1280, 720), (390, 844)])
def test_main_pages_fit_the_screen_without_sideways_scrolling(city, context, width, height):
    base, building = city
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    login(page, base, "jw_tianbao")
    for path in ("/", "/projects/", f"/projects/{building}/", "/notifications/", "/delivery/"):
        page.goto(f"{base}{path}")
        overflow, wide = horizontal_overflow(page)
        assert overflow <= 0, (width, path, overflow, wide)
    if width < 992:  # the phone's menu is folded behind a button the keyboard opens
        page.goto(f"{base}/")
        toggler = page.locator(".navbar-toggler")
        for _ in range(5):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('navbar-toggler')"):
                break
        assert page.evaluate("document.activeElement.classList.contains('navbar-toggler')")
        page.keyboard.press("Enter")
        page.locator("#mainnav.show").wait_for()
        assert toggler.get_attribute("aria-expanded") == "true"
        assert page.locator("#mainnav a[href='/notifications/']").is_visible()
        assert page.get_by_role("button", name="项目", exact=True).is_visible()
