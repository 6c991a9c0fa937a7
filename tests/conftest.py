"""Shared fixtures: the demo directory and named personas (DESIGN.md)."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from accounts.demo import DEMO_PASSWORD, seed_directory

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` run only when the suite runs on PostgreSQL."""
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://…")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


@pytest.fixture(scope="session")
def _key_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(autouse=True)
def _keys_and_anchors(settings, _key_dir, tmp_path):
    """Keys made once per test session; each test's ledger has its own checkpoint file."""
    settings.GOVIT_KEY_DIR = _key_dir
    settings.GOVIT_KEYS_AUTOCREATE = True
    settings.GOVIT_ANCHOR_DIR = tmp_path / "anchors"


@pytest.fixture(autouse=True)
def _ledger_flushable(request):
    """A transactional test on PostgreSQL ends with a TRUNCATE of every table, which the
    ledger refuses (its statement trigger): lift the ledger's triggers for that flush only."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    if not transactional or not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        yield
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_ledgerevent ENABLE TRIGGER USER")
    yield
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_ledgerevent DISABLE TRIGGER USER")


@pytest.fixture
def password():
    return DEMO_PASSWORD


# -- the directory, seeded once per test database ---------------------------------------------
# Most tests start from the demo directory (``people``). Seeding it takes some 80 actions (each
# with its ledger event and notices); done for every test it was a fifth of the suite's time.
# It is seeded once, committed, when the test database is made, and each test's transaction
# rolls back to it. A transactional test ends with a flush that empties every table: the
# directory is seeded again after it (``pytest_runtest_teardown``), so the next test finds it
# as every test does. Tests that need an empty ledger say so (``empty_ledger``).

_SEEDED: dict[str, Path] = {}  # the key store and the folder of the seeded anchors
_FLUSHING = ("transactional_db", "live_server", "django_db_serialized_rollback")


def _seed_directory() -> None:
    from django.db import connection
    from django.test import override_settings

    from policy.models import PolicyVersion

    serialized = getattr(connection, "_test_serialized_contents", None)
    if serialized and not PolicyVersion.objects.exists():  # after a flush: what migrations
        connection.creation.deserialize_db_from_string(serialized)  # put there, as it was

    with override_settings(
        GOVIT_KEY_DIR=_SEEDED["keys"],
        GOVIT_KEYS_AUTOCREATE=True,
        GOVIT_ANCHOR_DIR=_SEEDED["dir"] / "anchors",
    ):
        ensure_reference_data()
        seed_directory()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, _key_dir, tmp_path_factory):
    """The test database, with the demo directory committed in it."""
    _SEEDED.update(keys=_key_dir, dir=tmp_path_factory.mktemp("seeded"))
    with django_db_blocker.unblock():
        _seed_directory()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, the directory is seeded again."""
    yield
    marker = item.get_closest_marker("django_db")
    flushed = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in getattr(item, "fixturenames", ()) for name in _FLUSHING
    )
    # after the last test the session's teardown has dropped the test database: nothing to do
    if _SEEDED and flushed and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _seed_directory()


def _directory() -> dict:
    """The demo people by username, as ``seed_directory`` returns them."""
    from accounts.demo import PEOPLE
    from accounts.models import User

    names = [person.username for person in PEOPLE]
    return {u.username: u for u in User.objects.filter(username__in=names)}


@pytest.fixture
def people(db):
    """Every demo person by username (see accounts/demo.py)."""
    users = _directory()
    if "admin" not in users:  # a test emptied the database without saying so: seed it here
        ensure_reference_data()
        users = seed_directory()
    return users


@pytest.fixture
def empty_ledger(db):
    """No event in the ledger (the seeded directory's are removed, inside the test's
    transaction): for tests that count events from the first."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_ledgerevent DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM core_ledgerevent")
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_ledgerevent ENABLE TRIGGER USER")


class Personas:
    """Named people of DESIGN.md, so tests read as stories."""

    def __init__(self, users):
        self.users = users
        self.admin = users["admin"]  # 系统管理员: organisations and accounts
        self.security = users["anquan_admin"]  # 安全管理员: roles, passwords, lockouts
        self.audit_admin = users["shenji_admin"]  # 安全审计员: reads the ledger only
        self.jw_officer = users["jw_tianbao"]  # unit officer of 市教委
        self.jw_head = users["jw_fuze"]
        self.wj_officer = users["wj_tianbao"]  # unit officer of 市卫生健康委
        self.district_officer = users["yz_tianbao"]
        self.bdb = users["dsj_shenhe"]
        self.bdb2 = users["dsj_shenhe2"]
        self.drc = users["fgw_jingban"]
        self.finance = users["czj_jingban"]
        self.cac = users["wxb_shencha"]
        self.psb = users["gaj_shencha"]
        self.crypto = users["mmj_shencha"]
        self.secrecy = users["bmj_shencha"]
        self.gov = users["szf_shenpi"]
        self.auditor = users["sjj_shenji"]
        self.consultant = users["zx_pinggu"]
        self.supervisor = users["jl_gongchengshi"]


@pytest.fixture
def personas(people):
    return Personas(people)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(scope="session")
def in_ci():
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def planned(people, settings, tmp_path):
    """The demo directory plus the demo city plan and filed master plans of 市教委 and
    市卫生健康委 (with their data-governance records); uploads go to a temporary folder."""
    from planning.demo import seed_planning

    settings.MEDIA_ROOT = tmp_path / "media"
    seed_planning(people)
    return people


@pytest.fixture
def walker(planned):
    """Drives projects of 市教委 through the lifecycle with the real actions."""
    from projects.walk import Walker

    return Walker(planned)


@pytest.fixture
def wj_walker(planned):
    from projects.walk import Walker

    return Walker(planned, "wj_tianbao")


@pytest.fixture(autouse=True)
def _policies_read_afresh():
    """The process keeps the policy versions it read (policy.lookup); a test's rolled-back
    transaction or a flush takes versions away without a signal, so each test starts afresh."""
    from policy.lookup import forget_policies

    forget_policies()
    yield
    forget_policies()


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Each test starts in the default language: a request that switched to English must not
    leak into the next test run by the same worker thread."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def ensure_reference_data():
    """Load the reference data that migrations install (policy versions, the indicator tree)
    when a transactional test's flush removed it. Serialized rollback normally restores it;
    this makes tests that need it independent of which tests ran before on the worker."""
    import importlib

    from django.apps import apps

    from investment.models import IndicatorCategory
    from policy.models import PolicyVersion

    if not PolicyVersion.objects.exists():
        importlib.import_module("policy.migrations.0002_load_policies").load(apps, None)
        # every later migration that adds a parameter to the versions (add_defaults)
        for name in sorted(
            p.stem for p in (Path(__file__).parents[1] / "policy" / "migrations").glob("0*.py")
        ):
            module = importlib.import_module(f"policy.migrations.{name}")
            if hasattr(module, "add_defaults"):
                module.add_defaults(apps, None)
    if not IndicatorCategory.objects.exists():
        importlib.import_module("investment.migrations.0002_indicator_tree").seed(apps, None)


def demo_city(django_db_blocker: Any, tmp_path_factory: Any, key_dir: Any) -> Iterator[dict]:
    """The demo city (``seed_demo``), seeded once inside a transaction that is rolled back at
    the end, so that figures counted by hand are those of ``make run``; yields the active users
    by username. A module-scoped fixture ``yield from``s it (tests/reports, the English pages)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    # the documents are signed with the session's key store and stored in a folder of their own
    saved = {
        k: getattr(settings, k) for k in ("MEDIA_ROOT", "GOVIT_KEY_DIR", "GOVIT_KEYS_AUTOCREATE")
    }
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.GOVIT_KEY_DIR = key_dir
    settings.GOVIT_KEYS_AUTOCREATE = True
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_reference_data()
            call_command("seed_demo", verbosity=0)
            from accounts.models import User

            yield {u.username: u for u in User.objects.filter(is_active=True)}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            for key, value in saved.items():
                setattr(settings, key, value)


@pytest.fixture
def immediate_tasks(settings):
    """Background jobs and tasks done at once, in the request that queues them (the queue
    itself is tested in tests/core/test_jobs.py)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
