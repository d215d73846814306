"""Tasks of the message channels, published by the outbox relay with the
outbox row id as task id. Thin: primary keys in, one service call.

Both are idempotent: processing takes only messages still pending (under the
sender's lock) and sending claims the message row first, so a task that
runs twice changes and sends nothing twice."""

from celery import shared_task

from incidents.channels.models import InboundMessage
from incidents.channels.outbound import TransientSendError, outbound_send
from incidents.channels.processing import inbound_process_sender
from incidents.channels.services import inbound_pending_requeue
from incidents.notify.tasks import TASK_OPTIONS, retry_countdown


@shared_task(name="incidents.channels.tasks.process_inbound", **TASK_OPTIONS)
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


@shared_task(name="incidents.channels.tasks.send_outbound", **TASK_OPTIONS)
def send_outbound(self, outbound_id: str):
    request = self.request
    final = not request.is_eager and request.retries >= self.max_retries
    try:
        return outbound_send(outbound_id=outbound_id, final_attempt=final)
    except TransientSendError as exc:
        if request.is_eager:
            raise
        raise self.retry(exc=exc, countdown=retry_countdown(request.retries))


# Not acks_late: a lost sweep costs nothing, the next one finds the same messages.
@shared_task(name="incidents.channels.tasks.requeue_pending", ignore_result=True)
def requeue_pending():
    return inbound_pending_requeue()
