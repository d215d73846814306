"""Celery tasks of the report side: thin wrappers around services."""

import uuid

from incidents.models import Incident
from incidents.workflow.escalation import escalation_messages, incidents_escalate_overdue
from kitaaman.models import OutboundMessage
from kitaaman.outbound import outbound_enqueue
from kitaaman.task_names import task
from kitaaman.tasks import DELIVERY_TASK


@task(name="incidents.workflow.tasks.sla_sweep", old_names=("incidents.tasks.sla_sweep",), ignore_result=True)
def sla_sweep():
    """Escalate reports that passed their deadline (beat: every 15 minutes)."""

    return incidents_escalate_overdue()


@task(
    name="incidents.workflow.tasks.send_escalation_notice",
    old_names=("incidents.tasks.send_escalation_notice",),
    **DELIVERY_TASK,
)
def send_escalation_notice(self, incident_id: int, event_id: int):
    """Tell the koordinator and the kecamatan's petugas. The outbox row id is
    the task id and keys each message in the ledger, so a redelivered task records nothing twice."""

    incident = Incident.objects.select_related("category", "kecamatan").filter(pk=incident_id).first()
    if incident is None or incident.escalated_at is None:
        return None
    message_id = self.request.id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"kitaaman:escalation:{event_id}"))
    return outbound_enqueue(
        message_id=message_id,
        kind=OutboundMessage.Kind.ESCALATION,
        messages=escalation_messages(incident),
        incident_id=incident.pk,
    )
