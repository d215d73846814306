"""Bring a report to any status through the services (shared by workflow tests)."""

from incidents.models import Status
from incidents.workflow.services import incident_assign, incident_transition
from tests.factories import DESA_RUPIT, make_incident


def incident_in(status, koordinator, *, desa=DESA_RUPIT, category="bencana-banjir", original=None):
    incident = make_incident(category=category, desa=desa)
    if status == Status.BARU:
        return incident
    if status == Status.DITOLAK:
        incident_transition(incident=incident, actor=koordinator, to=Status.DITOLAK, note="Bukan kewenangan daerah.")
        return incident
    if status == Status.DUPLIKAT:
        original = original or make_incident(category=category, desa=desa)
        incident_transition(
            incident=incident, actor=koordinator, to=Status.DUPLIKAT, duplicate_of=original.tracking_code
        )
        return incident
    incident_transition(incident=incident, actor=koordinator, to=Status.DIVERIFIKASI)
    if status == Status.DIVERIFIKASI:
        return incident
    incident_assign(incident=incident, actor=koordinator, agency="bpbd")
    incident_transition(incident=incident, actor=koordinator, to=Status.DITANGANI)
    if status == Status.DITANGANI:
        return incident
    incident_transition(incident=incident, actor=koordinator, to=Status.SELESAI, note="Air sudah surut.")
    return incident


def valid_input(source, target, other=None):
    """Arguments a transition needs besides who and where to."""
    if target == Status.DITOLAK:
        return {"note": "Di luar wilayah kabupaten."}
    if target == Status.DUPLIKAT:
        return {"duplicate_of": other.tracking_code if other is not None else None}
    if target == Status.SELESAI:
        return {"note": "Penanganan tuntas."}
    if source == Status.SELESAI and target == Status.DITANGANI:
        return {"note": "Warga melaporkan air naik lagi."}
    return {}
