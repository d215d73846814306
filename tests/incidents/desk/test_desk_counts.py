"""The desk's status counts: read from the SPM rollups for every role whose
visibility is a set of kecamatan, counted from the rows for a mitra, and in
every case equal to counting the reports the user may see."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents import signals
from incidents.desk import queue
from incidents.models import Incident, Status
from incidents.selectors import incidents_visible_to
from incidents.staff.services import staff_user_create
from incidents.workflow.services import incident_assign, incident_transition
from spm.desk_counts import desk_status_counts
from tests.factories import DESA_NIBUNG

pytestmark = pytest.mark.django_db

ROLES = ["officer_rupit", "officer_nibung", "koordinator", "mitra_bpbd", "mitra_polres", "tim_efektif", "pimpinan"]


def counted(user) -> dict:
    qs = incidents_visible_to(user)
    counts = {s: qs.filter(status=s).count() for s in Status.values}
    counts["overdue"] = qs.filter(due_at__lt=timezone.now()).count()
    counts["assignment_requested"] = qs.filter(assignment_requested_at__isnull=False).count()
    counts["open"] = counts[Status.BARU] + counts[Status.DIVERIFIKASI] + counts[Status.DITANGANI]
    return counts


@pytest.fixture
def history(personas, make_incident):
    """Reports in two kecamatan through the workflow, some of them overdue."""
    k = personas.koordinator
    with time_machine.travel(timezone.now() - timedelta(days=20), tick=False):
        old = [make_incident(), make_incident(desa=DESA_NIBUNG), make_incident(category="ketertiban-umum")]
        incident_transition(incident=old[0], actor=k, to=Status.DIVERIFIKASI)
    fresh = [make_incident() for _ in range(3)] + [make_incident(desa=DESA_NIBUNG)]
    incident_transition(incident=fresh[0], actor=k, to=Status.DIVERIFIKASI)
    incident_assign(incident=fresh[0], actor=k, agency="bpbd")
    incident_transition(incident=fresh[0], actor=k, to=Status.DITANGANI)
    incident_transition(incident=fresh[0], actor=k, to=Status.SELESAI, note="Tuntas")
    incident_transition(incident=fresh[1], actor=k, to=Status.DITOLAK, note="Bukan kewenangan")
    incident_transition(incident=fresh[2], actor=k, to=Status.DIVERIFIKASI)
    incident_assign(incident=fresh[2], actor=k, agency="polres")
    incident_transition(incident=fresh[2], actor=k, to=Status.DITANGANI)
    incident_transition(incident=fresh[2], actor=k, to=Status.SELESAI, note="Tuntas")
    incident_transition(incident=fresh[2], actor=k, to=Status.DITANGANI, note="Terulang")
    incident_transition(incident=fresh[3], actor=k, to=Status.DIVERIFIKASI)
    incident_assign(incident=fresh[3], actor=k, agency="bpbd")
    return old + fresh


def test_counts_equal_the_reports_each_role_may_see(personas, history):
    both = staff_user_create(username="petugas_dua", role="petugas", kecamatan_codes=["16.13.01", "16.13.03"])
    users = [getattr(personas, name) for name in ROLES] + [personas.admin, both]
    assert counted(personas.koordinator)["overdue"] >= 2
    assert counted(personas.koordinator)[Status.SELESAI] == 1
    for user in users:
        cache.clear()
        assert queue.status_counts(user) == counted(user), user.username


@pytest.mark.parametrize("who, from_rollups", [("koordinator", True), ("officer_rupit", True), ("mitra_bpbd", False)])
def test_rollups_serve_kecamatan_scopes_and_rows_serve_a_mitra(personas, history, who, from_rollups):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        queue.status_counts(getattr(personas, who))
    queries = [q["sql"] for q in ctx.captured_queries]
    assert any("spm_statmonthly" in sql for sql in queries) is from_rollups
    grouped_rows = [sql for sql in queries if 'FROM "incidents_incident"' in sql and "GROUP BY" in sql]
    assert bool(grouped_rows) is not from_rollups


@pytest.mark.parametrize("later", [timedelta(seconds=1), timedelta(days=2), timedelta(days=40)])
def test_overdue_from_rollups_equals_the_rows_at_any_moment(history, later):
    """Deadlines that passed earlier today are read live, older ones from the rollup."""
    due = Incident.objects.filter(due_at__isnull=False).order_by("-due_at").first().due_at
    now = due + later
    codes = ["16.13.01", "16.13.03"]
    expected = Incident.objects.filter(kecamatan_id__in=codes, due_at__lt=now).count()
    assert expected > 0
    assert desk_status_counts(kecamatan_codes=codes, now=now)["overdue"] == expected


def test_a_user_without_a_role_counts_nothing(django_user_model, history):
    nobody = django_user_model.objects.create_user("warga", password="x")
    counts = queue.status_counts(nobody)
    assert counts["open"] == 0 and counts["overdue"] == 0 and sum(counts[s] for s in Status.values) == 0


def test_without_rollups_the_rows_are_counted_and_agree(personas, history, monkeypatch):
    """incidents alone (no app fills the slot) counts its own rows, to the same figures."""
    cache.clear()
    from_rollups = queue.status_counts(personas.koordinator)
    monkeypatch.setattr(signals.desk_status_counts, "function", None)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        from_rows = queue.status_counts(personas.koordinator)
    assert not any("spm_statmonthly" in q["sql"] for q in ctx.captured_queries)
    assert from_rows == from_rollups == counted(personas.koordinator)
