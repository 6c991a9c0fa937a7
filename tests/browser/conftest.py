"""Playwright driving Debian's Chromium (never a downloaded browser)."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make for
# set-up are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI needs Debian's chromium at /usr/bin/chromium")
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Browser tests run against a live server on a flushed database: make sure the policy
    versions and the indicator tree are there whatever ran before on this worker."""
    if "django_db_setup" in request.fixturenames or request.node.get_closest_marker("django_db"):
        from tests.conftest import ensure_reference_data

        request.getfixturevalue("transactional_db")
        ensure_reference_data()


def _leave_as_a_walk_does(dialog):
    """A walk that moves on from a page with typed input means to leave (static/govit/app.js
    asks first, as a person should be asked); other dialogs are dismissed as Playwright does
    by default. tests/browser/test_login_workbench.py checks the question itself."""
    if dialog.type == "beforeunload":
        dialog.accept()
    else:
        dialog.dismiss()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", _leave_as_a_walk_does)
    yield page
    context.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
