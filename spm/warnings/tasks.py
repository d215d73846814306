"""Early-warning tasks: thin, keys in, safe to run twice.

Delivery tasks are acknowledged late and re-queued when their worker dies;
the delivery rows (one per message and recipient, claimed before sending)
keep a rerun from sending twice. The periodic sweeps (expiry, external feeds)
claim their rows with conditional UPDATEs, so a second beat does no harm.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from kitaaman.delivery import TransientDeliveryError

from .approval import approval_send
from .delivery import alert_deliver, send_confirmation
from .feeds import feeds_fetch_due
from .services import alerts_expire
from .subscriptions import subscribers_purge_unconfirmed

DELIVERY_TASK = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "max_retries": 5,
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
}


def _final(task) -> bool:
    return not task.request.is_eager and task.request.retries >= task.max_retries


def _retry(task, exc):
    # Eagerly (no broker) a retry would run at once inside the request; the
    # outbox retries the message later instead.
    if task.request.is_eager:
        raise exc
    raise task.retry(exc=exc, countdown=min(60 * 2**task.request.retries, 30 * 60))


@shared_task(name="spm.warnings.tasks.deliver_alert", **DELIVERY_TASK)
def deliver_alert(self, alert_id: int):
    try:
        return alert_deliver(alert_id=alert_id, final_attempt=_final(self))
    except TransientDeliveryError as exc:
        _retry(self, exc)


@shared_task(name="spm.warnings.tasks.send_subscription_confirmation", **DELIVERY_TASK)
def send_subscription_confirmation(self, subscriber_id: int):
    try:
        return send_confirmation(subscriber_id=subscriber_id, final_attempt=_final(self))
    except TransientDeliveryError as exc:
        _retry(self, exc)


@shared_task(name="spm.warnings.tasks.ask_for_approval", **DELIVERY_TASK)
def ask_for_approval(self, alert_id: int):
    """E-mail those who may publish a draft that it waits for them."""
    try:
        return approval_send(alert_id=alert_id, final_attempt=_final(self))
    except TransientDeliveryError as exc:
        _retry(self, exc)


@shared_task(name="spm.warnings.tasks.expire_alerts", ignore_result=True)
def expire_alerts():
    expired = alerts_expire()
    subscribers_purge_unconfirmed()
    return expired


@shared_task(name="spm.warnings.tasks.fetch_feeds", ignore_result=True, soft_time_limit=240, time_limit=270)
def fetch_feeds():
    return feeds_fetch_due()
