"""The demo city (``seed_demo``: every chapter's demo data, then this chapter's documents and
ratings), seeded once per test module inside a transaction that is rolled back at the end, so
the figures the tests count by hand are those of ``make run``."""

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker, tmp_path_factory, _key_dir):
    from django.conf import settings

    # the documents are signed with the session's key store (tests/conftest.py) and stored in
    # a folder of this module
    saved = {
        k: getattr(settings, k) for k in ("MEDIA_ROOT", "GOVIT_KEY_DIR", "GOVIT_KEYS_AUTOCREATE")
    }
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.GOVIT_KEY_DIR = _key_dir
    settings.GOVIT_KEYS_AUTOCREATE = True
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            from tests.conftest import ensure_reference_data

            ensure_reference_data()
            call_command("seed_demo", verbosity=0)
            from accounts.models import User

            yield {u.username: u for u in User.objects.filter(is_active=True)}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            for key, value in saved.items():
                setattr(settings, key, value)
