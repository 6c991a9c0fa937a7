"""The demo city (``seed_demo``: every chapter's demo data, then this chapter's documents and
ratings), seeded once per test module inside a transaction that is rolled back at the end, so
the figures the tests count by hand are those of ``make run``."""

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    media = tmp_path_factory.mktemp("media")
    old_media = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = media
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
            settings.MEDIA_ROOT = old_media
