"""Overdue as at a moment is counted three ways (the reports table, the
open-deadline aggregate for now, a snapshot kept for a closed period's end),
and the three agree; a closed period's figure is what the register showed at
its end, whatever happens afterwards."""

from datetime import datetime, timedelta

import pytest
import time_machine

from incidents.models import Agency, Incident
from incidents.workflow.services import incident_assign, incident_transition
from spm.aggregates import OverdueSnapshot, OverdueSnapshotRun
from spm.overdue import _from_aggregate, _from_reports, backlog, late_open, overdue_at, snapshot_take
from spm.tasks import overdue_snapshot
from tests.factories import DESA_NIBUNG
from tests.spm.conftest import WIB, at, make_spm_report

END_OF_SEPTEMBER = at(2026, 10, 1, 0, 0)
OCTOBER = at(2026, 10, 1, 0, 0)


@pytest.fixture
def open_reports(personas):
    make = lambda *a, **k: make_spm_report(personas, *a, **k)  # noqa: E731
    reports = {
        "june_open": make("ketertiban-umum", at(2026, 6, 1)),  # never verified: carried over
        "sept_new": make("ketertiban-umum", at(2026, 9, 2), desa=DESA_NIBUNG),  # verification late
        "sept_verified": make("ketertiban-umum", at(2026, 9, 3), status="diverifikasi"),  # follow-up late
        "sept_done": make("ketertiban-umum", at(2026, 9, 4), status="selesai"),  # closed in time
        "sept_fresh": make("ketertiban-umum", at(2026, 9, 30, 20, 0)),  # not yet due at the end
        "sept_rejected": make("ketertiban-umum", at(2026, 9, 5), status="ditolak"),
    }
    return personas, reports


@pytest.mark.django_db
def test_now_the_aggregate_and_the_reports_table_agree(open_reports):
    now = datetime(2026, 10, 20, 12, 0, tzinfo=WIB)
    with time_machine.travel(now, tick=False):
        for start in (at(2026, 7, 1, 0, 0), OCTOBER, at(2026, 1, 1, 0, 0)):
            for kecamatan in (None, "16.13.01", "16.13.03"):
                assert _from_aggregate(now, start, kecamatan) == _from_reports(now, start, kecamatan)
        # Verification late for the two never verified and the fresh one; follow-up late for the verified one.
        late = late_open(start=at(2026, 9, 1, 0, 0), end=OCTOBER, now=now)
        assert late == {"verify": 2, "followup": 1}
        # A running period reads both at once from the aggregate: the same numbers.
        for kecamatan in (None, "16.13.01"):
            start, end = at(2026, 7, 1, 0, 0), at(2027, 1, 1, 0, 0)
            together = backlog(start=start, end=end, now=now, kecamatan=kecamatan)
            assert together == (
                _from_reports(now, start, kecamatan),
                late_open(start=start, end=end, now=now, kecamatan=kecamatan),
            )


@pytest.mark.django_db
def test_a_closed_period_counts_at_its_end_and_keeps_that_count(open_reports):
    personas, reports = open_reports
    later = datetime(2026, 10, 20, 12, 0, tzinfo=WIB)
    with time_machine.travel(later, tick=False):
        from_table = _from_reports(END_OF_SEPTEMBER, at(2026, 7, 1, 0, 0), None)
        assert (from_table.in_period, from_table.carried_over) == (2, 1)
        # A closed period reads its snapshot, which counts the same.
        figure = overdue_at(at=END_OF_SEPTEMBER, period_start=at(2026, 7, 1, 0, 0), now=later)
        assert figure == from_table
        assert OverdueSnapshotRun.objects.filter(at=END_OF_SEPTEMBER).count() == 1
        # Closing a report afterwards does not rewrite what September's end showed.
        incident = Incident.objects.get(pk=reports["sept_verified"].pk)
        bpbd = Agency.objects.get(code="bpbd")
        incident_assign(incident=incident, actor=personas.koordinator, agency=bpbd, version=incident.version)
        incident_transition(incident=incident, actor=personas.koordinator, to="ditangani", version=incident.version)
        incident.refresh_from_db()
        incident_transition(
            incident=incident, actor=personas.koordinator, to="selesai", note="Selesai.", version=incident.version
        )
        again = overdue_at(at=END_OF_SEPTEMBER, period_start=at(2026, 7, 1, 0, 0), now=later)
        assert again == figure
        # ...and the reports table, asked as at that moment, still agrees (closed after it = open at it).
        assert _from_reports(END_OF_SEPTEMBER, at(2026, 7, 1, 0, 0), None) == figure


@pytest.mark.django_db
def test_the_snapshot_is_taken_once_even_when_asked_twice(open_reports):
    with time_machine.travel(datetime(2026, 10, 1, 0, 5, tzinfo=WIB), tick=False):
        overdue_snapshot()  # what beat runs at 00:05 WIB
        rows = OverdueSnapshot.objects.filter(at=END_OF_SEPTEMBER).count()
        snapshot_take(END_OF_SEPTEMBER)
        overdue_snapshot(END_OF_SEPTEMBER.isoformat())
        assert OverdueSnapshot.objects.filter(at=END_OF_SEPTEMBER).count() == rows > 0
        assert OverdueSnapshotRun.objects.filter(at=END_OF_SEPTEMBER).count() == 1


@pytest.mark.django_db
def test_a_moment_with_nothing_open_is_still_recorded(personas):
    moment = datetime(2026, 3, 1, 0, 0, tzinfo=WIB)
    with time_machine.travel(moment + timedelta(days=3), tick=False):
        figure = overdue_at(at=moment, period_start=datetime(2026, 2, 1, 0, 0, tzinfo=WIB))
        assert (figure.total, figure.open_total) == (0, 0)
        assert OverdueSnapshotRun.objects.filter(at=moment).exists()
