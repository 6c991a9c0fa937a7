"""Small helpers shared by the browser tests: sign in through the real login page, sign out
through the user menu, and post a form the way a user does (click, then wait for the page the
server answers with)."""

from __future__ import annotations

from accounts.demo import DEMO_PASSWORD

LOGIN_PATH = "/accounts/login/"
_SELECTOR_PREFIXES = ("css=", "xpath=", "text=", "#", ".", "[", "//")


def _url(live_server) -> str:
    return getattr(live_server, "url", live_server)


def logout(page, live_server) -> None:
    """Sign out whoever is signed in (through the user menu), ending on the login page."""
    base = _url(live_server)
    if not page.url.startswith(base) or LOGIN_PATH in page.url:
        page.goto(f"{base}/")
    if LOGIN_PATH in page.url:
        return
    page.get_by_test_id("user-menu").click()
    with page.expect_navigation():
        page.get_by_test_id("logout").click()
    page.wait_for_url(f"**{LOGIN_PATH}**")


def login(page, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign out any current user, then sign in as ``username`` on the real login page; ends
    on the page the login redirects to (the workbench)."""
    logout(page, live_server)
    if LOGIN_PATH not in page.url:
        page.goto(f"{_url(live_server)}{LOGIN_PATH}")
    page.get_by_label("登录名").fill(username)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    if LOGIN_PATH in page.url:
        error = page.get_by_test_id("login-error")
        detail = error.inner_text() if error.count() else page.url
        raise AssertionError(f"{username} could not sign in: {detail}")


def _locator(page, target):
    if not isinstance(target, str):
        return target  # a Locator already
    if target.startswith(_SELECTOR_PREFIXES):
        return page.locator(target)
    return page.get_by_test_id(target)


def submit_form(page, target) -> None:
    """Click a submit button and wait for the page the server answers with (also after a
    redirect). ``target``: a data-testid, a CSS/xpath selector ('#id', '[name=x]', 'css=…')
    or a Playwright Locator."""
    button = _locator(page, target)
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state()


def messages(page) -> str:
    """The text of the flash messages shown at the top of the page."""
    alerts = page.locator("main .alert[role=alert]")
    return "\n".join(alerts.all_inner_texts())


def shot(page, artifacts, name: str) -> None:
    """A full-page screenshot ``artifacts/<name>.png``."""
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def horizontal_overflow(page) -> tuple[int, list[str]]:
    """How many pixels the page is wider than the window (0 or less: no sideways scrolling),
    and the first few elements that stick out past its right edge."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    wide = page.evaluate(
        """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right
           > document.documentElement.clientWidth + 1).slice(0, 5)
           .map(e => e.tagName + '.' + e.className + ' ' + (e.getAttribute('data-testid')||''))"""
    )
    return overflow, wide
