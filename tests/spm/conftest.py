"""Helpers for the SPM tests: reports at a given moment with SPM counts, and
a comparable snapshot of the aggregate tables."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents.models import Agency
from incidents.workflow.services import incident_assign, incident_transition, incident_update
from spm.aggregates import MEASURES, IncidentStatState, StatDaily, StatMonthly, StatMonthlyDesa, StatOpenDue
from tests import factories

WIB = ZoneInfo("Asia/Jakarta")


def at(y, m, d, hh=9, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=WIB)


def make_spm_report(
    personas, category, when, *, must=None, served=None, arrive_after=None, desa=factories.DESA_RUPIT, status=None
):
    """A report created at `when` through incident_create, then counts and arrival
    recorded by the koordinator through incident_update (so the change hook runs
    each time), then moved to `status` through incident_transition."""
    actor = personas.koordinator
    with time_machine.travel(when, tick=False):
        incident = factories.make_incident(category=category, desa=desa)
    with time_machine.travel(when + timedelta(hours=2), tick=False):
        changes = {}
        if must is not None:
            changes["spm_must_serve"] = must
        if served is not None:
            changes["spm_served"] = served
        if arrive_after is not None:
            changes["arrived_at"] = incident.reported_at + arrive_after
        if changes:
            incident_update(incident=incident, actor=actor, version=incident.version, **changes)
        if status in ("diverifikasi", "ditangani", "selesai"):
            incident_transition(incident=incident, actor=actor, to="diverifikasi", version=incident.version)
        if status in ("ditangani", "selesai"):
            incident_assign(
                incident=incident, actor=actor, agency=Agency.objects.get(code="bpbd"), version=incident.version
            )
            incident_transition(incident=incident, actor=actor, to="ditangani", version=incident.version)
        if status == "selesai":
            incident_transition(
                incident=incident, actor=actor, to="selesai", note="Tertangani.", version=incident.version
            )
        if status == "ditolak":
            incident_transition(
                incident=incident, actor=actor, to="ditolak", note="Bukan kejadian nyata.", version=incident.version
            )
    incident.refresh_from_db()
    return incident


@pytest.fixture
def spm_report(personas):
    """spm_report(category, when, must=, served=, arrive_after=timedelta, desa=, status=) -> Incident."""

    def make(category, when, **kwargs):
        return make_spm_report(personas, category, when, **kwargs)

    return make


def seed_q1_2026(personas):
    """The hand-computed first quarter of 2026 used by the computation and browser tests.

    Q1 2026, kabupaten: tibum 25/30 = 83,33 %; info-bencana 400/3.500 = 11,43 %;
    siaga-bencana no target; evakuasi-bencana 0/40 = 0 %; kebakaran 8/20 = 40 %."""
    from datetime import date

    from spm import services
    from spm.models import QualityItem, Service

    make = lambda *a, **k: make_spm_report(personas, *a, **k)  # noqa: E731
    minute = timedelta(minutes=1)
    # tibum: Rupit 15 of 20, Nibung 10 of 10; a rejected report never counts.
    make("ketertiban-umum", at(2026, 3, 2), must=20, served=15)
    make("ketertiban-umum", at(2026, 3, 9), must=10, served=10, desa=factories.DESA_NIBUNG)
    make("ketertiban-umum", at(2026, 3, 10), must=100, served=0, status="ditolak")
    # evakuasi-bencana: 40 victims, nobody served yet.
    make("bencana-banjir", at(2026, 2, 14), must=40, served=0)
    # kebakaran: on scene at exactly 15:00 counts, at 15:01 does not, no arrival does not.
    make("kebakaran-permukiman", at(2026, 1, 5), must=10, served=8, arrive_after=15 * minute)
    make("kebakaran-permukiman", at(2026, 1, 6), must=6, served=6, arrive_after=15 * minute + timedelta(seconds=1))
    make("kebakaran-permukiman", at(2026, 1, 7), must=4, served=4)
    # info-bencana: Rupit 1,000 (banjir) + 500 (longsor); 2,000 for the whole kabupaten.
    tim = personas.tim_efektif
    services.target_save(
        actor=tim, service="info-bencana", year=2026, kecamatan=factories.RUPIT, hazard="banjir", value=1000
    )
    services.target_save(
        actor=tim, service="info-bencana", year=2026, kecamatan=factories.RUPIT, hazard="tanah-longsor", value=500
    )
    services.target_save(
        actor=tim, service="info-bencana", year=2026, kecamatan=None, value=2000, note="Kajian risiko 2025"
    )
    for day, desa, people in (
        (date(2026, 2, 3), factories.DESA_RUPIT, 300),
        (date(2026, 4, 8), factories.DESA_RUPIT, 600),
        (date(2026, 3, 3), factories.DESA_NIBUNG, 100),
    ):
        services.activity_create(
            actor=tim,
            service="info-bencana",
            date_value=day,
            desa=desa,
            hazard="banjir",
            people_reached=people,
            description="Sosialisasi rawan banjir",
        )
    # Quality of tibum in Q1: 4 of 5 equally weighted items met.
    tibum = Service.objects.get(code="tibum")
    items = list(QualityItem.objects.filter(service=tibum).order_by("sort_order"))
    services.assessment_save(
        actor=tim, service=tibum, year=2026, quarter=1, checks={i.pk: {"met": n < 4} for n, i in enumerate(items)}
    )


def stats_snapshot():
    """Non-zero aggregate rows as comparable tuples."""

    def rows(model, keys):
        out = set()
        for row in model.objects.values(*keys, *MEASURES):
            measures = tuple(row[m] for m in MEASURES)
            if any(measures):
                out.add((tuple(str(row[k]) for k in keys), measures))
        return out

    due = {
        (str(r["due_day"]), r["kecamatan_id"], r["status"], str(r["received_month"]), r["n"])
        for r in StatOpenDue.objects.values("due_day", "kecamatan_id", "status", "received_month", "n")
        if r["n"]
    }
    per_desa = {
        (str(r["month"]), r["desa_id"], r["kecamatan_id"], r["status"], r["n"])
        for r in StatMonthlyDesa.objects.values("month", "desa_id", "kecamatan_id", "status", "n")
        if r["n"]
    }
    states = {
        (s.incident_id, s.day, s.status, s.due_day, tuple(sorted(s.measures.items())))
        for s in IncidentStatState.objects.all()
    }
    return {
        "daily": rows(StatDaily, ["day", "category_id", "desa_id", "kecamatan_id", "status"]),
        "monthly": rows(StatMonthly, ["month", "category_id", "kecamatan_id", "status"]),
        "due": due,
        "per_desa": per_desa,
        "states": states,
    }
