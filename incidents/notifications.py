"""Notification fan-out. Each function writes outbox rows inside the caller's
transaction; delivery happens in Celery tasks, never in the request."""

from .models import Assignment, Incident, IncidentEvent


def notify_incident_created(incident: Incident) -> None:
    """A new high-priority report alerts the koordinator and the petugas of its kecamatan."""


def notify_assignment(assignment: Assignment) -> None:
    """An assignment alerts the users of the agency."""


def notify_status_change(incident: Incident, event: IncidentEvent) -> None:
    """A public status change alerts the reporter when they left an e-mail address."""
