"""Celery tasks of the report side: thin wrappers around services."""

import uuid

from celery import shared_task

from incidents.models import Incident
from incidents.workflow.escalation import escalation_messages, incidents_escalate_overdue
from kitaaman.delivery import TransientDeliveryError, deliver


@shared_task(name="incidents.tasks.sla_sweep", ignore_result=True)
def sla_sweep():
    """Escalate reports that passed their deadline (beat: every 15 minutes)."""

    return incidents_escalate_overdue()


@shared_task(
    name="incidents.tasks.send_escalation_notice", bind=True, ignore_result=True, acks_late=True, max_retries=5
)
def send_escalation_notice(self, incident_id: int, event_id: int):
    """Tell the koordinator and the kecamatan's petugas. The outbox row id is
    the task id and keys each delivery row, so a redelivered task sends nothing twice."""

    incident = Incident.objects.select_related("category", "kecamatan").filter(pk=incident_id).first()
    if incident is None or incident.escalated_at is None:
        return None
    message_id = self.request.id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"kitaaman:escalation:{event_id}"))
    try:
        return deliver(
            message_id=message_id,
            kind="escalation",
            messages=escalation_messages(incident),
            incident_id=incident.pk,
            final_attempt=not self.request.is_eager and self.request.retries >= self.max_retries,
        )
    except TransientDeliveryError as exc:
        if self.request.is_eager:
            raise
        raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 1800))
