from celery import shared_task
from django.db import InterfaceError, OperationalError

from .outbound import TASK_SEND_OUTBOUND, TransientDeliveryError, outbound_requeue, outbound_send
from .outbox import outbox_relay as relay

DELIVERY_MAX_RETRIES = 5

# A task whose work must be done once it is taken: bound (it retries itself),
# acknowledged only after it finishes and re-queued when its worker process
# dies; its return value is not kept.
RELIABLE_TASK = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
}

# Options of every task that produces or sends messages to people.
DELIVERY_TASK = {
    **RELIABLE_TASK,
    "max_retries": DELIVERY_MAX_RETRIES,
    # A database that blips is transient too.
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
}


def retry_countdown(retries: int) -> int:
    # 1, 2, 4, 8, 16 minutes: well under the broker's visibility timeout.
    return min(60 * 2**retries, 30 * 60)


def final_attempt(task) -> bool:
    """Eagerly (no broker) every attempt may be followed by the outbox's next one."""
    return not task.request.is_eager and task.request.retries >= task.max_retries


# Not acks_late: a lost relay run costs nothing, the next minute's run picks
# the same rows (FOR UPDATE SKIP LOCKED keeps two runs from publishing one row).
@shared_task(name="kitaaman.tasks.outbox_relay", ignore_result=True)
def outbox_relay():
    return relay()


def send(task, message_id: str):
    try:
        return outbound_send(message_id=message_id, final_attempt=final_attempt(task))
    except TransientDeliveryError as exc:
        # Eagerly (no broker) a retry would run at once inside the request;
        # the outbox keeps the message for a later relay run instead.
        if task.request.is_eager:
            raise
        raise task.retry(exc=exc, countdown=exc.retry_after or retry_countdown(task.request.retries))


@shared_task(name=TASK_SEND_OUTBOUND, **DELIVERY_TASK)
def send_outbound(self, message_id: str):
    """The one task that sends messages: every row of `message_id` not sent yet."""
    return send(self, message_id)


# Not acks_late: a lost sweep costs nothing, the next one finds the same rows.
@shared_task(name="kitaaman.tasks.requeue_outbound", ignore_result=True)
def requeue_outbound():
    return outbound_requeue()
