"""Notification fan-out. Each function writes outbox rows inside the caller's
transaction; delivery happens in Celery tasks (see tasks.py)."""

from .models import Incident


def notify_incident_created(incident: Incident) -> None:
    # Filled in by the triage desk: high-priority reports alert the koordinator
    # and the petugas of the kecamatan.
    return None
