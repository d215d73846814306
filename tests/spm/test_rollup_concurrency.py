"""Concurrent writes to the same aggregate key (PostgreSQL): the upsert adds,
never loses a report, and the result equals a rebuild."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection

from incidents.reference.seed import seed_reference
from spm.aggregates import StatMonthly
from spm.rollup import rebuild_stats
from spm.seed import seed_spm
from tests import factories
from tests.spm.conftest import stats_snapshot

pytestmark = pytest.mark.django_db(transaction=True)
WIB = ZoneInfo("Asia/Jakarta")


def test_parallel_reports_on_one_key(require_postgres):
    seed_reference(apps)
    seed_spm(apps)
    errors, barrier = [], threading.Barrier(4)

    def worker():
        try:
            barrier.wait()
            for _ in range(5):
                factories.make_incident(category="ketertiban-umum")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    month = datetime.now(WIB).date().replace(day=1)
    assert StatMonthly.objects.get(month=month, status="baru", category__code="ketertiban-umum").n == 20
    incremental = stats_snapshot()
    rebuild_stats()
    assert stats_snapshot() == incremental
