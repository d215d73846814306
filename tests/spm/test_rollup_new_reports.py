"""New reports take the short path of the change hook (one statement on
PostgreSQL): the aggregates it writes equal a rebuild, and a report is never
counted twice."""

from datetime import timedelta

import pytest
import time_machine

from incidents.models import Category
from spm import rollup
from spm.aggregates import IncidentStatState, StatDaily, StatMonthly, StatOpenDue
from spm.rollup import rebuild_stats
from tests import factories
from tests.spm.conftest import at, stats_snapshot

pytestmark = pytest.mark.django_db

# Categories of every SPM service and none, over two desa in two kecamatan.
BURST = [
    ("bencana-banjir", factories.DESA_RUPIT),
    ("kebakaran-permukiman", factories.DESA_RUPIT),
    ("ketertiban-umum", factories.DESA_NIBUNG),
    ("konflik-antarwarga", factories.DESA_NIBUNG),
    ("bencana-banjir", factories.DESA_NIBUNG),
]


def test_a_burst_of_new_reports_equals_a_rebuild():
    # Across a month's end in WIB (UTC is still on the 31st), so days, months
    # and deadline days all get more than one key.
    start = at(2026, 3, 31, 23, 40)
    for i in range(30):
        category, desa = BURST[i % len(BURST)]
        with time_machine.travel(start + timedelta(minutes=3 * i), tick=False):
            factories.make_incident(category=category, desa=desa)
    incremental = stats_snapshot()
    assert sum(row.n for row in StatMonthly.objects.all()) == 30
    assert StatMonthly.objects.values("month").distinct().count() == 2
    assert StatDaily.objects.values("day").distinct().count() == 2
    assert sum(row.n for row in StatOpenDue.objects.all()) == 30
    assert IncidentStatState.objects.count() == 30
    rebuild_stats()
    assert stats_snapshot() == incremental


def test_the_hook_run_twice_for_a_new_report_counts_it_once():
    with time_machine.travel(at(2026, 6, 1), tick=False):
        incident = factories.make_incident(category="kebakaran-permukiman")
    before = stats_snapshot()
    rollup.incident_changed(incident=incident, previous=None)
    assert stats_snapshot() == before
    rebuild_stats()
    assert stats_snapshot() == before


def test_the_category_the_intake_loaded_is_not_read_again(django_assert_num_queries):
    with time_machine.travel(at(2026, 6, 2), tick=False):
        incident = factories.make_incident(category="kebakaran-permukiman")
    StatMonthly.objects.all().delete()
    IncidentStatState.objects.all().delete()
    Category.objects.filter(pk=incident.category_id).update(spm_service="")
    # The service comes from the category the caller loaded (the intake's),
    # not from another query; a fire report without an arrival needs no
    # fire standard either.
    with django_assert_num_queries(1 if rollup.connection.vendor == "postgresql" else 5):
        rollup.incident_changed(incident=incident, previous=None)
    row = StatMonthly.objects.get(category_id=incident.category_id)
    assert (row.n, row.fire_n) == (1, 1)
