"""Concurrent appends keep one unbroken chain (PostgreSQL advisory lock)."""

import threading

import pytest
from django.db import connection

from core.enums import ActionCode
from core.ledger import record_event, verify_ledger
from core.models import LedgerEvent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_parallel_appends_form_a_single_valid_chain():
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)
    before = LedgerEvent.objects.count()  # the seeded directory's events (tests/conftest.py)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(15):
                record_event(ActionCode.ORG_UPDATED, object_repr=f"线程{n}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert LedgerEvent.objects.count() == before + 60
    result = verify_ledger()
    assert result.ok and result.checked == before + 60
