"""Helpers for the SPM tests: reports at a given moment with SPM counts, and
a comparable snapshot of the aggregate tables."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents.models import Agency
from incidents.services import incident_assign, incident_transition, incident_update
from spm.models import MEASURES, IncidentStatState, StatDaily, StatMonthly, StatOpenDue
from tests import factories

WIB = ZoneInfo("Asia/Jakarta")


def at(y, m, d, hh=9, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=WIB)


@pytest.fixture
def spm_report(personas):
    """spm_report(category, when, must=, served=, arrive_after=timedelta, desa=, status=) -> Incident.

    Created at `when` through incident_create, then counts and arrival recorded by
    the koordinator through incident_update (so the change hook runs each time)."""

    def make(category, when, *, must=None, served=None, arrive_after=None, desa=factories.DESA_RUPIT, status=None):
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
                incident_assign(incident=incident, actor=actor, agency=Agency.objects.get(code="bpbd"), version=incident.version)
                incident_transition(incident=incident, actor=actor, to="ditangani", version=incident.version)
            if status == "selesai":
                incident_transition(incident=incident, actor=actor, to="selesai", note="Tertangani.", version=incident.version)
            if status == "ditolak":
                incident_transition(incident=incident, actor=actor, to="ditolak", note="Bukan kejadian nyata.", version=incident.version)
        incident.refresh_from_db()
        return incident

    return make


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
        (str(r["due_hour"].astimezone(WIB)), r["category_id"], r["kecamatan_id"], r["status"], r["n"])
        for r in StatOpenDue.objects.values("due_hour", "category_id", "kecamatan_id", "status", "n")
        if r["n"]
    }
    states = {(s.incident_id, s.day, s.status, s.due_hour, tuple(sorted(s.measures.items()))) for s in IncidentStatState.objects.all()}
    return {
        "daily": rows(StatDaily, ["day", "category_id", "desa_id", "kecamatan_id", "status"]),
        "monthly": rows(StatMonthly, ["month", "category_id", "kecamatan_id", "status"]),
        "due": due,
        "states": states,
    }
