"""The demo city (``seed_demo``: every chapter's demo data, then this chapter's documents and
ratings), seeded once per test module inside a transaction that is rolled back at the end, so
the figures the tests count by hand are those of ``make run``."""

import pytest

from tests.conftest import demo_city


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker, tmp_path_factory, _key_dir):
    yield from demo_city(django_db_blocker, tmp_path_factory, _key_dir)
