"""Tasks of the message channels, published by the outbox relay with the
outbox row id as task id. Thin: primary keys in, one service call.

Processing is idempotent: it takes only messages still pending (under the
sender's lock), so a task that runs twice changes nothing twice. Answers are
sent by the outbound ledger's task (kitaaman.tasks.send_outbound)."""

from celery import shared_task

from incidents.channels.models import InboundMessage
from incidents.channels.processing import inbound_process_sender
from incidents.channels.services import inbound_pending_requeue
from kitaaman.outbound import TASK_SEND_OUTBOUND
from kitaaman.task_names import ALIASES
from kitaaman.tasks import DELIVERY_TASK, retry_countdown, send


@shared_task(name="incidents.channels.tasks.process_inbound", **DELIVERY_TASK)
def process_inbound(self, inbound_id: int):
    message = InboundMessage.objects.filter(pk=inbound_id).values("channel", "sender").first()
    if message is None:
        return 0
    try:
        return inbound_process_sender(channel=message["channel"], sender=message["sender"])
    except Exception as exc:
        # Eagerly (no broker) the outbox keeps the task for a later relay run.
        if self.request.is_eager or self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries))


# The name answers were sent under before the outbound ledger was one: tasks
# queued with it still run. An answer is its own batch (message id = row id).
ALIASES["incidents.channels.tasks.send_outbound"] = TASK_SEND_OUTBOUND


@shared_task(name="incidents.channels.tasks.send_outbound", **DELIVERY_TASK)
def send_outbound(self, outbound_id: str):
    return send(self, outbound_id)


# Not acks_late: a lost sweep costs nothing, the next one finds the same messages.
@shared_task(name="incidents.channels.tasks.requeue_pending", ignore_result=True)
def requeue_pending():
    return inbound_pending_requeue()
